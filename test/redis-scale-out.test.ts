// Acceptance 7 of issue 5, for both Redis engines: two worker processes on the same stages share
// the work (each does a fair part) and the output is complete.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { type StartRunOptions, startRun } from '../src/runtime/index.js'
import { crashPipeline, sinkKeys } from './fixtures/crash-pipeline.js'
import { REDIS_ENGINES, settingsFor } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'
import { killWorker, startWorker } from './support/worker-processes.js'

const RECORDS = 2_000

const prefixes: string[] = []
afterAll(async () => {
  const url = await redisUrl()
  for (const prefix of prefixes) await deletePrefix(url, prefix)
})

describe.each(REDIS_ENGINES)('scale-out on %s', (engine) => {
  it('shares the work between two worker processes and completes the output', { timeout: 60_000 }, async () => {
    const url = await redisUrl()
    const prefix = uniquePrefix(`scale-${engine}`)
    prefixes.push(prefix)
    const options: StartRunOptions = { settings: settingsFor(engine, url, prefix, { redis: { batchSize: 20, blockMs: 50 } }) }
    // 1 ms per record: the work takes long enough for both workers to matter.
    const env = { STAIRS_SINK_DELAY_MS: '1' }
    const producer = await startRun(engine, [crashPipeline], { ...options, workers: false })
    const workers = [startWorker(engine, url, prefix, options, env), startWorker(engine, url, prefix, options, env)]
    const client = new Redis(url)
    try {
      await Promise.all(workers.map((w) => w.ready))
      await producer.feed(
        'crash.ids',
        Array.from({ length: RECORDS }, (_, n) => ({ id: `r${n}`, n })),
      )
      await producer.drain()
      const keys = sinkKeys(prefix)
      expect(await client.scard(keys.ids)).toBe(RECORDS)
      const byWorker = await client.hgetall(keys.byWorker)
      const shares = workers.map((w) => Number(byWorker[String(w.pid)] ?? 0))
      console.log(`[${engine}] scale-out: the two workers delivered ${shares.join(' and ')} of ${RECORDS} records`)
      expect(shares.reduce((a, b) => a + b, 0)).toBe(RECORDS)
      for (const share of shares) expect(share).toBeGreaterThanOrEqual(RECORDS * 0.3)
    } finally {
      for (const worker of workers) await killWorker(worker)
      await producer.stop()
      client.disconnect()
    }
  })
})
