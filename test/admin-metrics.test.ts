// `/metrics` against the records actually pushed: a run on the redis and bullmq engines (stage
// workers in this process), the admin server on the engine's own admin side, and the Prometheus
// text parsed back into numbers that must match what went through each stage.
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AdminServer, startAdminServer } from '../src/admin/server.js'
import { App, STOP } from '../src/index.js'
import { connectAdmin, type EngineAdmin, type PipelineRun, startRun } from '../src/runtime/index.js'
import { FAST_TUNING, settingsFor } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const app = new App('admin_metrics')
const counted = app.pipeline('counted', { input: z.object({ n: z.number() }) }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => (n % 5 === 0 ? STOP : { half: n / 2 }), { name: 'halve' })
    .subscribeFunc(
      ({ n }) => {
        if (n % 7 === 0) throw new Error(`${n} is a multiple of 7`)
        return { ok: true }
      },
      { name: 'check', asWorker: true, retry: { attempts: 2, backoffMs: 1 } },
    ),
)

/** `name{labels} value` lines of the Prometheus text format, by name and label text. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const match = line.match(/^([a-z_]+)(\{[^}]*\})? (\S+)$/)
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`)
    values.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]))
  }
  return values
}

const N = 140
const inputs = Array.from({ length: N }, (_, i) => ({ n: i + 1 }))
const stopped = inputs.filter(({ n }) => n % 5 === 0).length
const poisoned = inputs.filter(({ n }) => n % 5 !== 0 && n % 7 === 0).length
const passed = N - stopped

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe.each(['redis', 'bullmq'])('/metrics on %s', (engine) => {
  it('matches the records pushed, stage by stage', async () => {
    const url = await redisUrl()
    const prefix = uniquePrefix(`admin-metrics-${engine}`)
    const settings = settingsFor(engine, url, prefix, FAST_TUNING)
    const run: PipelineRun = await startRun(engine, [counted], { settings })
    cleanups.push(() => deletePrefix(url, prefix))
    cleanups.push(() => run.stop())
    const admin: EngineAdmin = await connectAdmin(engine, settings)
    cleanups.push(() => admin.close())
    const server: AdminServer = await startAdminServer({ admin, engine, apps: [app], port: 0 })
    cleanups.push(() => server.close())

    await run.feed('admin_metrics.counted', inputs)
    await run.drain()
    // The Redis engines add processing times to Redis about once a second, and bullmq its counters too.
    const labels = (stage: string) => `{app="admin_metrics",pipeline="counted",stage="${stage}"}`
    let metrics = new Map<string, number>()
    const deadline = Date.now() + 15_000
    do {
      await new Promise((resolve) => setTimeout(resolve, 250))
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      expect(response.headers.get('content-type')).toMatch(/text\/plain/)
      metrics = parseMetrics(await response.text())
    } while (
      Date.now() < deadline &&
      ((metrics.get(`stairs_stage_processing_seconds_count${labels('check')}`) ?? 0) < passed + poisoned ||
        (metrics.get(`stairs_stage_processed_total${labels('check')}`) ?? 0) < passed - poisoned)
    )

    expect(metrics.get('stairs_engine_up')).toBe(1)
    expect(metrics.get(`stairs_stage_processed_total${labels('input')}`)).toBe(N)
    expect(metrics.get(`stairs_stage_filtered_total${labels('input')}`)).toBe(stopped)
    expect(metrics.get(`stairs_stage_added_total${labels('check')}`)).toBe(passed)
    expect(metrics.get(`stairs_stage_processed_total${labels('check')}`)).toBe(passed - poisoned)
    expect(metrics.get(`stairs_stage_dead_lettered_total${labels('check')}`)).toBe(poisoned)
    // Two attempts each: one retried, both failed.
    expect(metrics.get(`stairs_stage_failed_total${labels('check')}`)).toBe(2 * poisoned)
    expect(metrics.get(`stairs_stage_retried_total${labels('check')}`)).toBe(poisoned)
    expect(metrics.get(`stairs_stage_queue_length${labels('check')}`)).toBe(0)
    expect(metrics.get(`stairs_stage_in_flight${labels('check')}`)).toBe(0)
    expect(metrics.get(`stairs_stage_dead_letters${labels('check')}`)).toBe(poisoned)
    // The run's own stage workers are listed (redis: consumers of the group; bullmq: worker connections).
    expect(metrics.get(`stairs_stage_workers${labels('check')}`)).toBeGreaterThanOrEqual(1)
    // Every attempt is timed: the buckets add up to the count, and +Inf holds them all.
    const timed = metrics.get(`stairs_stage_processing_seconds_count${labels('check')}`)
    expect(timed).toBe(passed - poisoned + 2 * poisoned)
    const inf = `stairs_stage_processing_seconds_bucket{app="admin_metrics",pipeline="counted",stage="check",le="+Inf"}`
    expect(metrics.get(inf)).toBe(timed)
    expect(metrics.get(`stairs_stage_processing_seconds_sum${labels('check')}`)).toBeGreaterThan(0)
  })
})
