// The memory engine's mechanics: backpressure, concurrency, retries with backoff, drain/stop and
// exact counters. (What pipelines compute is in semantics.test.ts; speed and RSS are in bench/.)
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, STOP } from '../src/index.js'
import { backoffDelay, type PipelineRun, startMemoryRun } from '../src/runtime/index.js'

const numbered = z.object({ n: z.number() })
const range = (count: number) => Array.from({ length: count }, (_, n) => ({ n }))

/** Stage `stage` of the run's only pipeline: its queue length and counters. */
async function stageStats(run: PipelineRun, stage: string) {
  const found = (await run.stats())[0]?.stages.find((s) => s.stage === stage)
  if (!found) throw new Error(`no stage '${stage}'`)
  return found
}

describe('backpressure', () => {
  it('keeps a slow stage queue within capacity plus the concurrent pushers, and slows the producer', async () => {
    const capacity = 5
    const pushers = 3
    let processed = 0
    let maxQueued = 0
    let run: PipelineRun | undefined
    const observe = async () => {
      maxQueued = Math.max(maxQueued, (await stageStats(run as PipelineRun, 'input')).queued)
    }
    const app = new App('mem_backpressure')
    const pl = app.pipeline('slow', { input: numbered }, (_p, r) =>
      r.subscribeFunc(async ({ n }) => {
        await observe()
        await sleep(1)
        processed++
        return { done: n }
      }),
    )
    run = startMemoryRun([pl], { queueCapacity: capacity })
    const perPusher = 40
    const processedWhenQueued: number[] = []
    await Promise.all(
      Array.from({ length: pushers }, async (_, p) => {
        for (let i = 0; i < perPusher; i++) {
          await run.push('slow', { n: p * perPusher + i })
          await observe()
        }
        processedWhenQueued.push(processed)
      }),
    )
    await run.drain()
    await run.stop()

    expect(maxQueued).toBeGreaterThanOrEqual(capacity - 1)
    expect(maxQueued).toBeLessThanOrEqual(capacity + pushers)
    // The producers could only finish once the slow stage had worked through nearly everything:
    // at most the queue, one batch in the worker's hands and the one in progress were left.
    const total = pushers * perPusher
    for (const seen of processedWhenQueued) expect(seen).toBeGreaterThanOrEqual(total - 2 * (capacity + pushers) - 1)
    expect((await run.stats())[0]?.counters).toMatchObject({ in: total, out: total })
  })
})

describe('concurrency', () => {
  it('overlaps async work up to the stage concurrency, never more', async () => {
    let active = 0
    let maxActive = 0
    const app = new App('mem_concurrency')
    const pl = app.pipeline('overlap', { input: numbered }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n + 1 }))
        .subscribeFunc(
          async ({ n }) => {
            maxActive = Math.max(maxActive, ++active)
            await sleep(5)
            active--
            return { twice: n * 2 }
          },
          { asWorker: true, name: 'wait' },
        ),
    )
    const outputs: object[] = []
    const run = startMemoryRun([pl], { concurrency: { 'overlap/wait': 4 }, onOutput: (_, record) => outputs.push(record) })
    await run.feed('overlap', range(20))
    await run.drain()
    await run.stop()
    expect(maxActive).toBe(4)
    expect(outputs).toHaveLength(20)
    expect(new Set(outputs.map((o) => (o as { n: number }).n))).toEqual(new Set(range(20).map((r) => r.n)))
  })
})

describe('retries', () => {
  it('retries with growing backoff, then dead-letters with the attempts and the error', async () => {
    const attemptsAt = new Map<number, number[]>()
    const app = new App('mem_retry')
    const pl = app.pipeline('flaky', { input: numbered }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n + 1 }))
        .subscribeFunc(
          ({ n }) => {
            const times = attemptsAt.get(n) ?? []
            times.push(performance.now())
            attemptsAt.set(n, times)
            if (n === 2) throw new Error(`cannot handle ${n}`)
            if (n === 3 && times.length === 1) throw new Error('flaky once')
            return { ok: n }
          },
          { asWorker: true, name: 'step' },
        ),
    )
    const run = startMemoryRun([pl], { retry: { attempts: 3, backoffMs: 10 } })
    await run.feed('flaky', range(5))
    await run.drain()
    await run.stop()

    const [dead, ...more] = await run.deadLetters()
    expect(more).toEqual([])
    expect(dead).toMatchObject({ pipeline: 'flaky', stage: 'step', attempts: 3 })
    expect(dead?.error.message).toContain('cannot handle 2')
    expect(dead?.error.message).toContain("stage 'step'")
    expect(attemptsAt.get(2)).toHaveLength(3)
    expect(attemptsAt.get(3)).toHaveLength(2)
    // Backoff: attempt k waits at least half of base * 2^(k-1) (jitter is in [0.5, 1)).
    const [t1, t2, t3] = attemptsAt.get(2) as [number, number, number]
    expect(t2 - t1).toBeGreaterThanOrEqual(5 - 1)
    expect(t3 - t2).toBeGreaterThanOrEqual(10 - 1)
    expect((await stageStats(run, 'step')).counters).toEqual({
      added: 5,
      processed: 4,
      failed: 4,
      filtered: 0,
      retried: 3,
      deadLettered: 1,
    })
    expect((await run.stats())[0]?.counters).toMatchObject({ in: 5, out: 4, deadLettered: 1, filtered: 0 })
  })

  it('computes the backoff as base * 2^(attempt-1) with jitter in [0.5, 1)', () => {
    for (let i = 0; i < 200; i++) {
      for (const attempt of [1, 2, 3]) {
        const delay = backoffDelay({ attempts: 5, backoffMs: 100 }, attempt)
        expect(delay).toBeGreaterThanOrEqual(50 * 2 ** (attempt - 1))
        expect(delay).toBeLessThanOrEqual(100 * 2 ** (attempt - 1))
      }
    }
  })
})

describe('drain and stop', () => {
  const slowPipeline = (name: string) =>
    new App(name).pipeline('slow', { input: numbered }, (_p, r) =>
      r.subscribeFunc(
        async ({ n }) => {
          await sleep(2)
          return { done: n }
        },
        { asWorker: true, name: 'wait' },
      ),
    )

  it('drain resolves at once on an idle run, and after every queued record otherwise', async () => {
    const outputs: object[] = []
    const run = startMemoryRun([slowPipeline('mem_drain')], { onOutput: (_, record) => outputs.push(record) })
    await run.drain()
    await run.feed('slow', range(10))
    expect(outputs.length).toBeLessThan(10)
    await run.drain()
    expect(outputs).toHaveLength(10)
    await run.stop()
  })

  it('stop finishes the records in flight, then refuses new ones with a clear error', async () => {
    const outputs: object[] = []
    const run = startMemoryRun([slowPipeline('mem_stop')], { onOutput: (_, record) => outputs.push(record) })
    await run.feed('slow', range(10))
    await run.stop()
    expect(outputs).toHaveLength(10)
    await expect(run.push('slow', { n: 11 })).rejects.toThrow(/stopped/)
    await expect(run.feed('slow', range(2))).rejects.toThrow(/stopped/)
    await run.stop()
    expect((await run.stats())[0]?.counters).toMatchObject({ in: 10, out: 10 })
  })
})

describe('counters', () => {
  it('counts added, processed, failed, filtered, retried and dead-lettered exactly per stage', async () => {
    const app = new App('mem_counters')
    const pl = app.pipeline('counted', { input: numbered }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => (n % 5 === 0 ? STOP : { square: n * n }))
        .subscribeFunc(
          ({ n }) => {
            if (n === 3) throw new Error('three is bad')
            return { half: n / 2 }
          },
          { asWorker: true, name: 'b' },
        )
        .subscribeFunc(({ n }) => (n === 7 ? STOP : { last: n }), { asWorker: true, name: 'c' }),
    )
    const run = startMemoryRun([pl], { retry: { attempts: 2, backoffMs: 1 } })
    await run.feed('counted', [...range(10), { n: 'not a number' }])
    await run.drain()
    await run.stop()

    const [stats] = await run.stats()
    const byStage = Object.fromEntries((stats?.stages ?? []).map((s) => [s.stage, s.counters]))
    const zero = { failed: 0, retried: 0, deadLettered: 0, filtered: 0 }
    expect(byStage).toEqual({
      input: { ...zero, added: 10, processed: 10, filtered: 2 },
      b: { ...zero, added: 8, processed: 7, failed: 2, retried: 1, deadLettered: 1 },
      c: { ...zero, added: 7, processed: 7, filtered: 1 },
    })
    expect(stats?.counters).toMatchObject({ in: 10, out: 6, filtered: 3, deadLettered: 2, rejected: 1 })
    // Nothing lost: every accepted record is an output, filtered, or dead-lettered in a stage.
    const c = stats?.counters as { in: number; out: number; filtered: number; deadLettered: number; rejected: number }
    expect(c.out + c.filtered + c.deadLettered - c.rejected).toBe(c.in)
  })
})

describe('merging records', () => {
  it('keeps an own __proto__ key a plain key: no prototype change', async () => {
    const app = new App('mem_proto')
    const pl = app.pipeline('proto', { input: numbered }, (_p, r) =>
      r.subscribeFunc(() => JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as { k: number }),
    )
    const outputs: object[] = []
    const run = startMemoryRun([pl], { onOutput: (_, record) => outputs.push(record) })
    await run.feed('proto', range(1))
    await run.drain()
    await run.stop()
    const [out] = outputs as Record<string, unknown>[]
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(out?.polluted).toBeUndefined()
    expect(out).toMatchObject({ n: 0, k: 1 })
    expect(Object.hasOwn(out as object, '__proto__')).toBe(true)
  })
})

describe('explicit message ids', () => {
  it('drops a replayed id within the dedupe window and forgets ids older than it', async () => {
    const app = new App('mem_dedupe')
    const pl = app.pipeline('ids', { input: numbered }, (_p, r) => r.subscribeFunc(({ n }) => ({ seen: n })))
    const outputs: object[] = []
    const run = startMemoryRun([pl], { dedupeWindowMs: 300, onOutput: (_, record) => outputs.push(record) })
    await run.push('ids', { n: 1 }, 'a')
    await run.push('ids', { n: 1 }, 'a') // a replay within the window: dropped
    await run.drain()
    expect(outputs).toHaveLength(1)
    expect((await run.stats())[0]?.counters.duplicates).toBe(1)
    await sleep(400)
    await run.push('ids', { n: 2 }, 'b') // forgets 'a' on the way
    await run.push('ids', { n: 1 }, 'a') // outside the window: a new record
    await run.drain()
    await run.stop()
    expect(outputs).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 2 },
      { n: 1, seen: 1 },
    ])
  })
})
