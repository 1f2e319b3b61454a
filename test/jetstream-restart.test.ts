// A single nats-server with file storage killed (SIGKILL) and started again while workers run the
// crash pipeline: every record the producer had queued reaches the sink, none is dead-lettered
// (a server fault is not the record's), and the workers go on without being restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../src/runtime/index.js'
import { crashPipeline } from './fixtures/crash-pipeline.js'
import { clearSink, readSink, sleep, startJetStreamWorker, stopJetStreamWorker } from './support/jetstream-workers.js'
import { startNatsServer, type TestNatsServer, uniqueNatsPrefix } from './support/nats.js'
import { redisUrl } from './support/redis.js'

const RECORDS = 3_000

let server: TestNatsServer
beforeAll(async () => {
  server = await startNatsServer()
})
afterAll(async () => {
  await server?.stop()
})

describe('restart: a file-storage nats-server killed mid-run', () => {
  it(`loses none of ${RECORDS} queued records and dead-letters none`, { timeout: 150_000 }, async () => {
    const sinkUrl = await redisUrl()
    const prefix = uniqueNatsPrefix('restart')
    const settings = { batchSize: 32, pullWaitMs: 100, requestTimeoutMs: 1_000 }
    const producer = await startRun('jetstream', [crashPipeline], {
      workers: false,
      settings: { ...settings, servers: server.url, prefix },
    })
    const worker = startJetStreamWorker([server.url], prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '2' })
    try {
      await worker.ready
      expect(
        await producer.feed(
          'crash.ids',
          Array.from({ length: RECORDS }, (_, n) => ({ id: `r${n}`, n })),
        ),
      ).toBe(RECORDS)
      const deadline = Date.now() + 30_000
      while ((await readSink(sinkUrl, prefix)).ids.size < RECORDS / 5 && Date.now() < deadline) await sleep(20)
      await server.kill()
      const atKill = (await readSink(sinkUrl, prefix)).ids.size
      expect(atKill).toBeLessThan(RECORDS)
      await sleep(1_000)
      await server.restart()
      await producer.drain()
      const sink = await readSink(sinkUrl, prefix)
      const missing = Array.from({ length: RECORDS }, (_, n) => `r${n}`).filter((id) => !sink.ids.has(id))
      expect(missing).toEqual([])
      expect(await producer.deadLetters()).toEqual([])
      // The worker said what it waited for, once per episode, not once per record.
      const lines = worker
        .output()
        .split('\n')
        .filter((line) => line.includes('(retrying)'))
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.length).toBeLessThan(60)
    } finally {
      await producer.stop()
      await stopJetStreamWorker(worker)
      await clearSink(sinkUrl, prefix)
    }
  })
})
