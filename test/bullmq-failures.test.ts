// The bullmq engine's failures: retries with backoff then BullMQ's failed set as the dead-letter
// queue (error, stage, attempts) while other records flow; list and replay; junk job data and junk
// bytes; oversize records refused at the producer; inputs the schema refuses.
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { redisKeys, startRun } from '../src/runtime/index.js'
import { bullmqQueueName } from '../src/runtime/keys.js'
import { bullmqRuns, numbers } from './support/bullmq-runs.js'
import { engineByName } from './support/engines.js'

const runs = bullmqRuns('bullmq-fail')

describe('bullmq engine: failures', () => {
  const app = new App('bq_fail')
  const explode = ({ n }: { n: number }) => {
    if (n === 3) throw new Error(`cannot handle n=${n}`)
    return { ok: true }
  }
  const poison = app.pipeline('poison', { input: numbers }, (_p, r) =>
    r
      .subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'prepare' })
      .subscribeFunc(explode, {
        asWorker: true,
        retry: { attempts: 3, backoffMs: 5 },
      }),
  )

  it('retries a throwing step with backoff, then keeps it in the failed set with its error and attempts while others flow', async () => {
    const { run, outputs } = await runs.start([poison])
    try {
      await run.feed(
        'bq_fail.poison',
        Array.from({ length: 10 }, (_, n) => ({ n })),
      )
      await run.drain()
      expect(outputs.map((o) => (o.record as { n: number }).n).sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9])
      const dead = await run.deadLetters()
      expect(dead).toHaveLength(1)
      expect(dead[0]).toMatchObject({ app: 'bq_fail', pipeline: 'poison', stage: 'explode', attempts: 3 })
      expect(dead[0]?.error.name).toBe('StepError')
      expect(dead[0]?.error.message).toMatch(
        /pipeline 'poison', stage 'explode': step 'explode' \(test\/bullmq-failures\.test\.ts:\d+\) failed/,
      )
      expect(dead[0]?.error.message).toContain('cannot handle n=3')
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 10, out: 9, deadLettered: 1 })
      expect(stats?.stages.find((s) => s.stage === 'explode')?.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1 })
    } finally {
      await run.stop()
    }
  })

  it('lists dead letters and replays them from the stage they failed in', async () => {
    let healed = false
    const flaky = app.pipeline('flaky', { input: numbers }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n * 10 }), { name: 'first' })
        .subscribeFunc(
          ({ n }) => {
            if (n % 2 === 1 && !healed) throw new Error('not yet')
            return { done: true }
          },
          { name: 'second', asWorker: true, retry: { attempts: 2, backoffMs: 1 } },
        ),
    )
    const { run, outputs, prefix } = await runs.start([flaky])
    const engine = engineByName('bullmq')
    const redis = { url: runs.url, prefix }
    try {
      await run.feed(
        'bq_fail.flaky',
        Array.from({ length: 6 }, (_, n) => ({ n })),
      )
      await run.drain()
      expect(outputs).toHaveLength(3)
      const listed = await engine.listDeadLetters([flaky], redis)
      expect(listed?.map((d) => d.stage)).toEqual(['second', 'second', 'second'])
      expect(listed?.map((d) => (JSON.parse(d.payload as string) as { d: [{ m: number }] }).d[0].m).sort()).toEqual([10, 30, 50])
      expect(await engine.listDeadLetters([flaky], redis, 2)).toHaveLength(2)

      healed = true
      const one = listed?.[0]?.id as string
      expect(await engine.replayDeadLetters([flaky], redis, [one])).toBe(1)
      await run.drain()
      expect(outputs).toHaveLength(4)
      expect(outputs.map((o) => o.id)).toContain(one)
      expect(await engine.replayDeadLetters([flaky], redis)).toBe(2)
      await run.drain()
      expect(outputs.map((o) => (o.record as { n: number }).n).sort()).toEqual([0, 1, 2, 3, 4, 5])
      expect(await engine.listDeadLetters([flaky], redis)).toEqual([])
    } finally {
      await run.stop()
    }
  })

  it('fails junk job data at once with the reason, and the stage keeps running', async () => {
    const { run, outputs, prefix } = await runs.start([poison])
    const queue = runs.stageQueue(prefix, 'bq_fail', 'poison', 'explode')
    try {
      await queue.add('record', 'not json at all {', { jobId: 'junk1', attempts: 5 })
      await queue.add('record', { some: 'object' }, { jobId: 'junk2', attempts: 5 })
      await queue.add('record', '{"i":7,"d":"x"}', { jobId: 'junk3', attempts: 5 })
      await run.push('bq_fail.poison', { n: 1 })
      await run.drain()
      expect(outputs.map((o) => o.record)).toEqual([{ n: 1, m: 2, ok: true }])
      const dead = await run.deadLetters()
      const byId = new Map(dead.map((d) => [d.id, d]))
      expect(byId.get('junk1')).toMatchObject({ stage: 'explode', attempts: 1, payload: 'not json at all {' })
      expect(byId.get('junk1')?.error.message).toContain('not a stairs envelope (invalid JSON')
      expect(byId.get('junk1')?.error.name).toBe('EnvelopeError')
      expect(byId.get('junk2')?.error.message).toContain('job data is object, not an envelope string')
      expect(byId.get('junk3')?.error.message).toContain('not a stairs envelope (missing id or data)')
      expect(dead).toHaveLength(3)
    } finally {
      await queue.close()
      await run.stop()
    }
  })

  it('fails a job whose stored bytes are not JSON at all (written straight into its hash), and goes on', async () => {
    const producer = await runs.start([poison], { workers: false })
    const client = new Redis(runs.url)
    try {
      await producer.run.push('bq_fail.poison', { n: 1 }, 'mangled')
      await producer.run.push('bq_fail.poison', { n: 2 }, 'intact')
      const jobKey = `${redisKeys.bullmqPrefix(producer.prefix, 'bq_fail', 'poison')}:${bullmqQueueName('poison', 'input')}:mmangled`
      expect(await client.hget(jobKey, 'data')).toContain('"i\\":\\"mangled')
      await client.hset(jobKey, 'data', Buffer.from([0x00, 0xff, 0x7b, 0x6a, 0x75, 0x6e, 0x6b]))
      const outputs: object[] = []
      const workers = await startRun('bullmq', [poison], {
        settings: { url: runs.url, prefix: producer.prefix },
        onOutput: (_pipeline, record) => outputs.push(record),
      })
      try {
        await producer.run.drain()
        expect(outputs).toEqual([{ n: 2, m: 3, ok: true }])
        const dead = await workers.deadLetters()
        expect(dead).toHaveLength(1)
        expect(dead[0]).toMatchObject({ stage: 'input', id: 'mmangled', attempts: 1, error: { name: 'EnvelopeError' } })
        expect(dead[0]?.error.message).toContain("pipeline 'bq_fail.poison', stage 'input': not a stairs envelope (invalid JSON")
      } finally {
        await workers.stop()
      }
    } finally {
      client.disconnect()
      await producer.run.stop()
    }
  })

  it('refuses an oversize record at the producer with a clear error, and queues nothing', async () => {
    const big = app.pipeline('big', { input: z.object({ text: z.string() }) }, (_p, r) =>
      r.subscribeFunc(({ text }) => ({ len: text.length })),
    )
    const { run, outputs } = await runs.start([big], { maxRecordBytes: 1000 })
    try {
      await expect(run.push('bq_fail.big', { text: 'x'.repeat(2000) }, 'huge')).rejects.toThrow(
        /pipeline 'bq_fail.big', input: record 'huge' is \d+ bytes encoded, over the limit of 1000 bytes/,
      )
      await run.push('bq_fail.big', { text: 'small' })
      await run.drain()
      expect(outputs.map((o) => o.record)).toEqual([{ text: 'small', len: 5 }])
      expect((await run.stats())[0]?.counters.in).toBe(1)
    } finally {
      await run.stop()
    }
  })

  it('dead-letters inputs the schema refuses, with the zod message', async () => {
    const { run, outputs } = await runs.start([poison])
    try {
      await run.push('bq_fail.poison', { n: 'one' }, 'bad-input')
      await run.push('bq_fail.poison', { n: 1 })
      await run.drain()
      expect(outputs).toHaveLength(1)
      const dead = await run.deadLetters()
      expect(dead).toHaveLength(1)
      expect(dead[0]).toMatchObject({ stage: 'input', id: 'bad-input', attempts: 1, payload: { n: 'one' } })
      expect(dead[0]?.error).toEqual({ name: 'InputError', message: numbers.safeParse({ n: 'one' }).error?.message })
      expect((await run.stats())[0]?.counters).toMatchObject({ in: 1, rejected: 1, deadLettered: 1, out: 1 })
    } finally {
      await run.stop()
    }
  })
})
