// Acceptance 5 of issue 5, for both Redis engines: SIGTERM during a run. The worker finishes the
// records it holds (nothing stays in flight), takes nothing new, exits 0 within its shutdown
// timeout, and a later worker finishes the rest with nothing lost and nothing duplicated.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { type StartRunOptions, startRun } from '../src/runtime/index.js'
import { crashPipeline, sinkKeys } from './fixtures/crash-pipeline.js'
import { REDIS_ENGINES, settingsFor } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'
import { inFlight, killWorker, startWorker } from './support/worker-processes.js'

const RECORDS = 1_000
const SHUTDOWN_TIMEOUT_MS = 5_000

const prefixes: string[] = []
afterAll(async () => {
  const url = await redisUrl()
  for (const prefix of prefixes) await deletePrefix(url, prefix)
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(REDIS_ENGINES)('SIGTERM on %s', (engine) => {
  it('finishes in-flight records, loses none and exits within its timeout', { timeout: 60_000 }, async () => {
    const url = await redisUrl()
    const prefix = uniquePrefix(`sigterm-${engine}`)
    prefixes.push(prefix)
    const options: StartRunOptions = {
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      settings: settingsFor(engine, url, prefix, {
        redis: { batchSize: 20, blockMs: 50, reclaimIdleMs: 60_000 },
        bullmq: { lockDurationMs: 60_000, stalledIntervalMs: 60_000 },
      }),
    }
    // Slow records (5 ms each), so the worker is mid-batch when SIGTERM comes.
    const env = { STAIRS_SINK_DELAY_MS: '5' }
    const producer = await startRun(engine, [crashPipeline], { ...options, workers: false })
    const client = new Redis(url)
    const first = startWorker(engine, url, prefix, options, env)
    const workers = [first]
    try {
      await first.ready
      await producer.feed(
        'crash.ids',
        Array.from({ length: RECORDS }, (_, n) => ({ id: `r${n}`, n })),
      )
      const keys = sinkKeys(prefix)
      while ((await client.scard(keys.ids)) < 100) await sleep(10)
      const sentAt = Date.now()
      first.child.kill('SIGTERM')
      const exit = await first.exited
      const tookMs = Date.now() - sentAt
      const doneByFirst = await client.scard(keys.ids)
      const leftInFlight = await inFlight(engine, url, prefix)
      console.log(
        `[${engine}] SIGTERM: exited with ${exit.code} after ${tookMs} ms, ${doneByFirst} of ${RECORDS} done, ${leftInFlight} left in flight`,
      )
      expect(exit).toEqual({ code: 0, signal: null })
      expect(first.output()).toContain('stopped')
      expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS)
      expect(leftInFlight).toBe(0)
      expect(doneByFirst).toBeLessThan(RECORDS) // it stopped taking work

      const second = startWorker(engine, url, prefix, options)
      workers.push(second)
      await second.ready
      await producer.drain()
      expect(await client.scard(keys.ids)).toBe(RECORDS)
      expect(Number(await client.get(keys.total))).toBe(RECORDS)
    } finally {
      for (const worker of workers) await killWorker(worker)
      await producer.stop()
      client.disconnect()
    }
  })
})
