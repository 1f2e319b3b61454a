// kill -9 of a jetstream worker mid-batch: 6,000 records through the 3-stage crash pipeline while
// one of two worker processes is killed with SIGKILL three times and started again. Every id
// reaches the sink (0 lost) and the dead-letter stream stays empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../src/runtime/index.js'
import { crashPipeline } from './fixtures/crash-pipeline.js'
import { clearSink, readSink, sleep, startJetStreamWorker, stopJetStreamWorker } from './support/jetstream-workers.js'
import { startNatsServer, type TestNatsServer, uniqueNatsPrefix } from './support/nats.js'
import { redisUrl } from './support/redis.js'

const RECORDS = 6_000
const KILLS = 3

let server: TestNatsServer
beforeAll(async () => {
  server = await startNatsServer()
})
afterAll(async () => {
  await server?.stop()
})

describe('crash: SIGKILLed jetstream workers', () => {
  it(`delivers all ${RECORDS} ids while a worker is killed ${KILLS} times mid-batch`, { timeout: 150_000 }, async () => {
    const sinkUrl = await redisUrl()
    const prefix = uniqueNatsPrefix('crash')
    // A short ack wait: what a killed worker held comes back within 2 s.
    const settings = { batchSize: 64, pullWaitMs: 100, ackWaitMs: 2_000 }
    const producer = await startRun('jetstream', [crashPipeline], {
      workers: false,
      settings: { ...settings, servers: server.url, prefix },
    })
    const stable = startJetStreamWorker([server.url], prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '1' })
    let victim = startJetStreamWorker([server.url], prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '1' })
    const workers = [stable, victim]
    try {
      await Promise.all([stable.ready, victim.ready])
      const fed = producer.feed(
        'crash.ids',
        Array.from({ length: RECORDS }, (_, n) => ({ id: `r${n}`, n })),
      )
      for (let kill = 0; kill < KILLS; kill++) {
        const deadline = Date.now() + 20_000
        while (((await readSink(sinkUrl, prefix)).byWorker[String(victim.child.pid)] ?? 0) < 100 && Date.now() < deadline) await sleep(20)
        await stopJetStreamWorker(victim, 'SIGKILL')
        victim = startJetStreamWorker([server.url], prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '1' })
        workers.push(victim)
        await victim.ready
      }
      expect(await fed).toBe(RECORDS)
      await producer.drain()
      const sink = await readSink(sinkUrl, prefix)
      const missing = Array.from({ length: RECORDS }, (_, n) => `r${n}`).filter((id) => !sink.ids.has(id))
      expect(missing).toEqual([])
      expect(await producer.deadLetters()).toEqual([])
      // Each kill can only repeat what the victim held: a couple of batches at most.
      expect(sink.total - sink.ids.size).toBeLessThan(KILLS * 4 * 64)
    } finally {
      await producer.stop()
      await Promise.all(workers.map((w) => stopJetStreamWorker(w)))
      await clearSink(sinkUrl, prefix)
    }
  })
})
