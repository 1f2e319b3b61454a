// Acceptance 2 of issue 5, for both Redis engines: 10,000 records through a 3-stage pipeline
// while one of two worker processes is killed with SIGKILL several times and restarted. Every id
// must reach the sink; duplicates are bounded by what the killed workers held in flight.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { type StartRunOptions, startRun } from '../src/runtime/index.js'
import { crashPipeline, sinkKeys } from './fixtures/crash-pipeline.js'
import { REDIS_ENGINES, settingsFor } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'
import { inFlight, killWorker, startWorker, type WorkerProcess } from './support/worker-processes.js'

const RECORDS = 10_000
const KILLS = 3

const prefixes: string[] = []
afterAll(async () => {
  const url = await redisUrl()
  for (const prefix of prefixes) await deletePrefix(url, prefix)
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(REDIS_ENGINES)('crash: SIGKILLed workers on %s', (engine) => {
  it(`delivers all ${RECORDS} ids through a 3-stage pipeline while a worker is killed ${KILLS} times`, { timeout: 120_000 }, async () => {
    const url = await redisUrl()
    const prefix = uniquePrefix(`crash-${engine}`)
    prefixes.push(prefix)
    const options: StartRunOptions = {
      settings: settingsFor(engine, url, prefix, {
        redis: { batchSize: 100, blockMs: 50, reclaimIdleMs: 1_000 },
        bullmq: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
      }),
    }
    const producer = await startRun(engine, [crashPipeline], { ...options, workers: false })
    const stable = startWorker(engine, url, prefix, options)
    let victim: WorkerProcess = startWorker(engine, url, prefix, options)
    const workers = [stable]
    const client = new Redis(url)
    try {
      await Promise.all([stable.ready, victim.ready])
      const records = Array.from({ length: RECORDS }, (_, n) => ({ id: `r${n}`, n }))
      const fed = producer.feed('crash.ids', records)
      let heldByKilled = 0
      for (let kill = 0; kill < KILLS; kill++) {
        // Kill once the victim has done some work, so it dies holding records.
        const keys = sinkKeys(prefix)
        const deadline = Date.now() + 10_000
        while (Number(await client.hget(keys.byWorker, String(victim.pid))) < 50 && Date.now() < deadline) await sleep(10)
        await killWorker(victim)
        heldByKilled += await inFlight(engine, url, prefix, engine === 'redis' ? victim.pid : undefined)
        victim = startWorker(engine, url, prefix, options)
        workers.push(victim)
        await victim.ready
      }
      expect(await fed).toBe(RECORDS)
      await producer.drain()
      const keys = sinkKeys(prefix)
      const unique = await client.scard(keys.ids)
      const deliveries = Number(await client.get(keys.total))
      const duplicates = deliveries - unique
      console.log(
        `[${engine}] ${RECORDS} records, ${KILLS} SIGKILLs: ${unique} unique ids reached the sink (lost ${RECORDS - unique}); ${duplicates} duplicates; the killed workers held ${heldByKilled} records in flight`,
      )
      expect(unique).toBe(RECORDS)
      expect(duplicates).toBeLessThanOrEqual(heldByKilled)
      expect(await producer.deadLetters()).toEqual([])
    } finally {
      for (const worker of [...workers, victim]) await killWorker(worker)
      await producer.stop()
      client.disconnect()
    }
  })
})
