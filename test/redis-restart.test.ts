// Acceptance 3 of issue 5: a test-owned redis-server with AOF (fsync every second) is killed with
// SIGKILL and restarted mid-run. The worker process resumes by itself within 5 s, and no record
// whose push was acknowledged more than a second before the kill is lost.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartRunOptions, startRun } from '../src/runtime/index.js'
import { crashPipeline, sinkKeys } from './fixtures/crash-pipeline.js'
import { settingsFor } from './support/engines.js'
import { startRedisServer, type TestRedisServer } from './support/redis.js'
import { killWorker, startWorker } from './support/worker-processes.js'

const RECORDS = 3_000
const KILL_AFTER = 1_500
// Both Redis engines (bullmq joined once producers reconnected after losing Redis).
const engines = ['redis', 'bullmq'] as const

let server: TestRedisServer
beforeAll(async () => {
  server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] })
})
afterAll(async () => {
  await server?.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** When the sink's delivery count first grows after now (the worker delivers again), or after 10 s. */
async function firstDeliveryAfter(url: string, totalKey: string): Promise<number> {
  const client = new Redis(url)
  try {
    const start = Date.now()
    const before = Number(await client.get(totalKey))
    while (Date.now() - start < 10_000) {
      if (Number(await client.get(totalKey)) > before) return Date.now()
      await sleep(10)
    }
    return Date.now()
  } finally {
    client.disconnect()
  }
}

describe.each(engines)('Redis restart under %s', (engine) => {
  it('resumes within 5 s and loses nothing acknowledged more than 1 s before the kill', { timeout: 90_000 }, async () => {
    const prefix = `restart-${engine}`
    const url = server.url
    const options: StartRunOptions = {
      settings: settingsFor(engine, url, prefix, {
        redis: { batchSize: 50, blockMs: 50, reclaimIdleMs: 1_000 },
        bullmq: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
      }),
    }
    const producer = await startRun(engine, [crashPipeline], { ...options, workers: false })
    const worker = startWorker(engine, url, prefix, options)
    const keys = sinkKeys(prefix)
    try {
      await worker.ready
      const ackedAt: number[] = []
      let killAt = 0
      let restartedAt = 0
      let resumed: Promise<number> | undefined
      for (let n = 0; n < RECORDS; n++) {
        if (n === KILL_AFTER) {
          await sleep(300) // let the worker get through part of what was pushed
          killAt = Date.now()
          server.kill('SIGKILL')
          await new Promise((resolve) => server.process.once('exit', resolve))
          await server.restart()
          restartedAt = Date.now()
          resumed = firstDeliveryAfter(url, keys.total)
        }
        for (;;) {
          try {
            await producer.push('crash.ids', { id: `r${n}`, n }, `r${n}`)
            break
          } catch {
            await sleep(50) // Redis is away: a producer fails fast; try again
          }
        }
        ackedAt[n] = Date.now()
        if (n === KILL_AFTER) console.log(`first push after the restart: ${Date.now() - restartedAt} ms`)
        if (n % 5 === 0) await sleep(2) // about 1.5 records per ms: the kill comes after a few seconds
      }
      // The worker resumes by itself: new deliveries reach the sink after the restart.
      const client = new Redis(url)
      try {
        const resumedMs = (await (resumed ?? Promise.resolve(Number.NaN))) - restartedAt
        await producer.drain()
        const members = new Set(await client.smembers(keys.ids))
        const mustSurvive = ackedAt.flatMap((at, n) => (at < killAt - 1_000 ? [`r${n}`] : []))
        const lost = mustSurvive.filter((id) => !members.has(id))
        const lostRecent = ackedAt.flatMap((_, n) => (members.has(`r${n}`) ? [] : [n])).length
        console.log(
          `[${engine}] Redis killed after ${KILL_AFTER} pushes: worker resumed ${resumedMs} ms after the restart; ${mustSurvive.length} ids acknowledged >1 s before the kill, ${lost.length} lost; ${lostRecent} of ${RECORDS} missing in all`,
        )
        if (resumedMs >= 5_000) console.log(`worker output:\n${worker.output()}`)
        expect(resumedMs).toBeLessThan(5_000)
        expect(lost).toEqual([])
        expect(members.size).toBeGreaterThanOrEqual(mustSurvive.length)
      } finally {
        client.disconnect()
      }
    } finally {
      await killWorker(worker)
      await producer.stop()
    }
  })
})
