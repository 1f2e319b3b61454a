// The engine conformance kit (stairs/testing) on the jetstream engine against a private 3-node
// nats-server cluster with routes, every stream and consumer replicated 3 times (R3), every case
// including SIGKILL of a worker process mid-batch. Each test gets its own stream prefix, purged after.
import { afterAll } from 'vitest'
import { connectAdmin, findEngine } from '../src/runtime/index.js'
import { engineConformance } from '../src/testing/index.js'
import { startNatsCluster } from './support/nats.js'

const cluster = await startNatsCluster()
afterAll(() => cluster.stop())

engineConformance('jetstream R3', () => findEngine('jetstream'), {
  // A short ack wait: what a killed worker held is delivered again within 2 s.
  settings: (testId) => ({
    servers: [...cluster.urls],
    prefix: testId,
    replicas: 3,
    pullWaitMs: 50,
    batchSize: 64,
    ackWaitMs: 2_000,
    requestTimeoutMs: 10_000,
  }),
  cleanup: async (_testId, settings) => {
    const admin = await connectAdmin('jetstream', settings as object)
    try {
      await admin.purge?.()
    } finally {
      await admin.close()
    }
  },
  claims: { durable: true },
  // Replicated streams are made through Raft: creating a test's streams takes longer than on one server.
  timeoutMs: 90_000,
})
