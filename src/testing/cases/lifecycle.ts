// How records enter and leave a run: explicit ids dropped within the dedupe window, status
// counters equal to what was pushed, a graceful stop that abandons nothing in flight, and a
// producer's `limit` holding the input queue down (backpressure).
import { expect } from 'vitest'
import { runProducer } from '../../runtime/producers/run-producer.js'
import { LIMITED_ROWS, limited, PRODUCER_LIMIT, slow, slowSteps, threeStages, whenStop } from '../kit-app.js'
import { type KitCase, keyedRecords, waitFor } from './kit-case.js'

export const lifecycleCases: KitCase[] = [
  {
    title: 'explicit ids: a record pushed again with the same id within the dedupe window is dropped',
    slug: 'dedupe',
    needs: 'dedupe',
    notClaimed: (engine) => `${engine} does not drop replayed ids`,
    run: async (c) => {
      const { run, outputs } = await c.start([threeStages], { dedupeWindowMs: 60_000 })
      const [a, b, d] = keyedRecords(c, 3)
      await run.push('kit.three_stages', a, `${c.testId}:a`)
      await run.push('kit.three_stages', a, `${c.testId}:a`)
      await run.push('kit.three_stages', d, undefined)
      await run.push('kit.three_stages', d, undefined)
      const batch: [unknown, string][] = [
        [a, `${c.testId}:a`],
        [b, `${c.testId}:b`],
        [b, `${c.testId}:b`],
      ]
      // pushMany is optional on a run: an engine without it gets one push per record.
      if (run.pushMany) await run.pushMany('kit.three_stages', batch)
      else for (const [record, id] of batch) await run.push('kit.three_stages', record, id)
      await run.drain()
      // Records without an id are never deduplicated: both copies of d come out.
      expect(outputs.map((o) => o.record.key).sort()).toEqual([a?.key, b?.key, d?.key, d?.key].sort())
      const stats = (await run.stats()).find((s) => s.pipeline === 'three_stages')
      expect(stats?.counters).toMatchObject({ in: 4, out: 4, duplicates: 3 })
    },
  },
  {
    title: 'status counters equal what was pushed, in run stats and in the queue status',
    slug: 'counters',
    run: async (c) => {
      const { run } = await c.start([whenStop])
      // The refused record counts as rejected and as dead-lettered (at the input), never as in.
      const inputs = keyedRecords(c, 30)
      await run.feed('kit.when_stop', [...inputs, { key: `${c.testId}-bad`, n: 'not a number' }])
      await run.drain()
      const stats = (await run.stats()).find((s) => s.pipeline === 'when_stop')
      expect(stats?.counters).toEqual({ in: 30, out: 20, filtered: 10, deadLettered: 1, rejected: 1, duplicates: 0 })
      expect(stats?.stages.map((s) => [s.queued, s.counters.added, s.counters.processed, s.counters.failed])).toEqual([
        [0, 30, 30, 0],
        [0, 30, 30, 0],
      ])
      expect(stats?.stages.map((s) => s.counters.filtered)).toEqual([0, 10])
      const letters = await run.deadLetters()
      expect(letters.map((l) => [l.stage, l.attempts])).toEqual([['input', 1]])
      expect(letters[0]?.error.message).toMatch(/n/)
      const admin = await c.admin(run)
      if (admin?.queueStatus) {
        const status = await admin.queueStatus([whenStop])
        expect(status.map((s) => [s.queue, s.waiting, s.inFlight, s.counters.added, s.counters.processed, s.counters.filtered])).toEqual(
          stats?.stages.map((s) => [`kit.when_stop.${s.stage}`, 0, 0, 30, 30, s.counters.filtered]),
        )
      }
    },
  },
  {
    title: 'graceful stop: records in flight when stop() is called are finished, none abandoned',
    slug: 'stop',
    run: async (c) => {
      const first = await c.start([slow], { concurrency: 4 })
      const inputs = keyedRecords(c, 60).map((r) => ({ ...r, delayMs: 30 }))
      slowSteps.started = 0
      slowSteps.finished = 0
      await first.run.feed('kit.slow', inputs)
      await waitFor('the slow step to start on some records', () => slowSteps.started >= 4)
      await first.run.stop()
      // Nothing that started was cut off: every started step ran to its end before stop resolved.
      expect(slowSteps.finished).toBe(slowSteps.started)
      await expect(first.run.push('kit.slow', inputs[0])).rejects.toThrow()
      const done = new Set(first.outputs.map((o) => o.record.key))
      if (c.engine.capabilities.durable) {
        // What was still queued waits for the next run on the same settings.
        const second = await c.start([slow], { concurrency: 4 })
        await second.run.drain()
        for (const o of second.outputs) done.add(o.record.key)
      }
      expect(inputs.filter((r) => !done.has(r.key)).map((r) => r.key)).toEqual([])
    },
  },
  {
    title: `producer with limit: the input queue never holds more than limit (${PRODUCER_LIMIT}) plus one batch`,
    slug: 'limit',
    run: async (c) => {
      const { run, outputs } = await c.start([slow])
      let maxWaiting = 0
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          maxWaiting = Math.max(maxWaiting, await run.waiting('kit.slow'))
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      })()
      try {
        const result = await runProducer(limited, run, { args: [c.testId] })
        expect(result).toMatchObject({ rows: LIMITED_ROWS, pushed: LIMITED_ROWS })
        // runProducer's batch is at most `limit` rows: the queue may be full when one more batch goes in.
        expect(result.maxQueued['kit.slow'] ?? 0).toBeLessThanOrEqual(2 * PRODUCER_LIMIT)
      } finally {
        sampling = false
        await sampler
      }
      expect(maxWaiting).toBeLessThanOrEqual(2 * PRODUCER_LIMIT)
      await run.drain()
      expect(outputs).toHaveLength(LIMITED_ROWS)
    },
  },
]
