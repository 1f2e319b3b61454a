// The engine conformance kit (stairs/testing) on the jetstream engine against a private single
// nats-server with JetStream (file storage), every case including SIGKILL of a worker process
// mid-batch. Each test gets its own stream prefix, purged after.
import { afterAll } from 'vitest'
import { connectAdmin, findEngine } from '../src/runtime/index.js'
import { engineConformance } from '../src/testing/index.js'
import { startNatsServer } from './support/nats.js'

const server = await startNatsServer()
afterAll(() => server.stop())

engineConformance('jetstream', () => findEngine('jetstream'), {
  // A short ack wait: what a killed worker held is delivered again within 2 s.
  settings: (testId) => ({ servers: server.url, prefix: testId, pullWaitMs: 50, batchSize: 64, ackWaitMs: 2_000 }),
  cleanup: async (_testId, settings) => {
    const admin = await connectAdmin('jetstream', settings as object)
    try {
      await admin.purge?.()
    } finally {
      await admin.close()
    }
  },
  claims: { durable: true },
})
