// The bullmq engine against a real Redis: one BullMQ queue per stage (BullMQ's own API sees them),
// filters and counters, producer-only runs, waiting and queue status, standalone consumers, and a
// hung record redelivered after its lock expires; a stop between fast records that leaves no job active.
import { describe, expect, it } from 'vitest'
import { App, STOP } from '../src/index.js'
import { runStandaloneConsumer } from '../src/runtime/index.js'
import { bullmqRuns, numbers } from './support/bullmq-runs.js'
import { engineByName } from './support/engines.js'

const runs = bullmqRuns('bullmq')

describe('bullmq engine: basics', () => {
  const app = new App('bq_basic')
  const double = ({ n }: { n: number }) => ({ doubled: n * 2 })
  const evenOnly = ({ n }: { n: number }) => (n % 2 === 0 ? undefined : STOP)
  const label = ({ doubled }: { doubled: number }) => ({ label: `#${doubled}` })
  const pl = app.pipeline('three_stages', { input: numbers }, (_p, r) =>
    r.subscribeFunc(double).subscribeFunc(evenOnly, { asWorker: true }).subscribeFunc(label, { asWorker: true }),
  )

  it('runs every stage on its own BullMQ queue, filters, and counts in Redis', async () => {
    const { run, outputs, prefix } = await runs.start([pl])
    try {
      expect(
        await run.feed(
          'bq_basic.three_stages',
          Array.from({ length: 20 }, (_, n) => ({ n })),
        ),
      ).toBe(20)
      await run.drain()
      const got = outputs.map((o) => o.record).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)
      expect(got).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: i * 2, doubled: i * 4, label: `#${i * 4}` })))
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 20, out: 10, filtered: 10, deadLettered: 0, rejected: 0 })
      expect(stats?.stages.map((s) => s.stage)).toEqual(['input', 'evenOnly', 'label'])
      expect(stats?.stages.map((s) => s.counters.added)).toEqual([20, 20, 10])
      expect(stats?.stages.map((s) => s.counters.processed)).toEqual([20, 20, 10])
      expect(stats?.stages[1]?.counters.filtered).toBe(10)
      expect(stats?.stages.every((s) => s.queued === 0)).toBe(true)
      // The queues are plain BullMQ queues: BullMQ's own API sees them (completed jobs removed).
      const queue = runs.stageQueue(prefix, 'bq_basic', 'three_stages', 'evenOnly')
      try {
        expect(await queue.getJobCounts('completed', 'failed', 'waiting')).toEqual({ completed: 0, failed: 0, waiting: 0 })
      } finally {
        await queue.close()
      }
    } finally {
      await run.stop()
    }
  })
})

describe('bullmq engine: producers, waiting and queue status', () => {
  it('a producer-only run queues records that a later worker run processes; waiting and queueStatus see them', async () => {
    const app = new App('bq_status')
    const pl = app.pipeline('two', { input: numbers }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n }), { name: 'first' })
        .subscribeFunc(({ m }) => ({ k: m + 1 }), { name: 'second', asWorker: true }),
    )
    const producer = await runs.start([pl], { workers: false })
    const engine = engineByName('bullmq')
    const redis = { url: runs.url, prefix: producer.prefix }
    try {
      expect(
        await producer.run.feed(
          'bq_status.two',
          Array.from({ length: 7 }, (_, n) => ({ n })),
        ),
      ).toBe(7)
      expect(await producer.run.waiting('bq_status.two')).toBe(7)
      const before = await engine.queueStatus([pl], redis)
      expect(before?.map((q) => [q.queue, q.waiting, q.inFlight])).toEqual([
        ['bq_status.two.input', 7, 0],
        ['bq_status.two.second', 0, 0],
      ])
      expect(before?.[0]?.counters.added).toBe(7)

      const outputs: object[] = []
      const workers = await engine.startRun([pl], { settings: redis, onOutput: (_pl, record) => outputs.push(record) })
      try {
        await producer.run.drain()
        expect(outputs).toHaveLength(7)
        expect(await producer.run.waiting('bq_status.two')).toBe(0)
        await workers.stats() // flushes the workers' counters
        const after = await engine.queueStatus([pl], redis)
        expect(after?.map((q) => [q.waiting, q.inFlight, q.counters.processed])).toEqual([
          [0, 0, 7],
          [0, 0, 7],
        ])
        expect(after?.[1]?.rates?.processedPerSecond).toBeGreaterThanOrEqual(0)
      } finally {
        await workers.stop()
      }
    } finally {
      await producer.run.stop()
    }
  })
})

describe('bullmq engine: standalone consumers', () => {
  it("delivers to the consumer's own Redis queue, read by runStandaloneConsumer", async () => {
    const app = new App('bq_consumer')
    const written: number[] = []
    const sink = app.standaloneConsumer('sink', ({ n }: { n: number }) => {
      written.push(n)
    })
    const pl = app.pipeline('to_sink', { input: numbers }, (_p, r) =>
      r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy', asWorker: true }).subscribeConsumer(sink),
    )
    const { run, outputs, prefix } = await runs.start([pl])
    try {
      await run.feed('bq_consumer.to_sink', [{ n: 1 }, { n: 2 }, { n: 3 }])
      await run.drain()
      expect(outputs).toHaveLength(3)
      expect(written).toEqual([])
      expect(await runStandaloneConsumer(sink, { engine: 'bullmq', settings: { url: runs.url, prefix } }, { stopWhenEmpty: true })).toBe(3)
      expect(written.sort()).toEqual([1, 2, 3])
    } finally {
      await run.stop()
    }
  })
})

describe('bullmq engine: stop and redelivery', () => {
  it('gives up on a hung record after shutdownTimeoutMs; its job comes back to the next worker once its lock expires', async () => {
    const app = new App('bq_stall')
    let hang = true
    const startedIn: string[] = []
    const pl = app.pipeline('hung', { input: numbers }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n }), { name: 'first' })
        .subscribeFunc(
          () => {
            startedIn.push(hang ? 'first run' : 'second run')
            return hang ? new Promise<{ late: boolean }>(() => {}) : { late: false }
          },
          { name: 'maybe_hang', asWorker: true },
        ),
    )
    const tuning = { lockDurationMs: 1_000, stalledIntervalMs: 300 }
    const first = await runs.start([pl], { shutdownTimeoutMs: 200, settings: tuning })
    await first.run.push('bq_stall.hung', { n: 7 })
    while (startedIn.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await first.run.stop() // resolves although the record never finished
    expect(first.outputs).toEqual([])

    hang = false
    const engine = engineByName('bullmq')
    const outputs: object[] = []
    const second = await engine.startRun([pl], {
      settings: { url: runs.url, prefix: first.prefix, ...tuning },
      onOutput: (_pipeline, record) => outputs.push(record),
    })
    try {
      await second.drain()
      expect(outputs).toEqual([{ n: 7, m: 7, late: false }])
      expect(startedIn).toEqual(['first run', 'second run'])
      expect(await second.deadLetters()).toEqual([])
    } finally {
      await second.stop()
    }
  })
})

describe('bullmq engine: stop between fast records', () => {
  // A worker that completes a job asks for the next one in the same call; a job fetched that way
  // while stop() begins must be finished, not left active until its lock expires.
  it('leaves no job active, whenever stop() comes', { timeout: 60_000 }, async () => {
    const app = new App('bq_fast_stop')
    const pl = app.pipeline('fast', { input: numbers }, (_p, r) =>
      r.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'one' }).subscribeFunc(({ m }) => ({ k: m * 2 }), { name: 'two', asWorker: true }),
    )
    const stages = ['one', 'two']
    const activeAfterStop: number[] = []
    for (let round = 0; round < 20; round++) {
      const started = await runs.start([pl], { concurrency: 1, shutdownTimeoutMs: 5_000 })
      await started.run.feed(
        'bq_fast_stop.fast',
        Array.from({ length: 1_500 }, (_, n) => ({ n })),
      )
      while (started.outputs.length < 20 + round * 10) await new Promise((resolve) => setTimeout(resolve, 1))
      await started.run.stop()
      let active = 0
      for (const stage of stages) {
        const queue = runs.stageQueue(started.prefix, 'bq_fast_stop', 'fast', stage)
        active += await queue.getActiveCount()
        await queue.close()
      }
      activeAfterStop.push(active)
    }
    expect(activeAfterStop).toEqual(activeAfterStop.map(() => 0))
  })
})
