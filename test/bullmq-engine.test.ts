// The bullmq engine against a real Redis: one BullMQ queue per stage, retries then the failed set
// as dead-letter queue, junk job data, oversize records, `__proto__`, contracts, list/replay.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AnyPipeline, App, STOP } from '../src/index.js'
import { type EngineRunOptions, loadEngine, type PipelineRun, redisKeys, runStandaloneConsumer } from '../src/runtime/index.js'
import { bullmqQueueName } from '../src/runtime/keys.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

let url: string
const prefixes: string[] = []
beforeAll(async () => {
  url = await redisUrl()
})
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(url, prefix)
})

interface Started {
  run: PipelineRun
  outputs: { record: object; id: string }[]
  prefix: string
}

async function start(pipelines: AnyPipeline[], options: EngineRunOptions = {}): Promise<Started> {
  const prefix = uniquePrefix('bullmq')
  prefixes.push(prefix)
  const outputs: Started['outputs'] = []
  const engine = await loadEngine('bullmq')
  const run = await engine.startRun(pipelines, {
    concurrency: 4,
    ...options,
    redis: { url, prefix, ...options.redis },
    onOutput: (_pipeline, record, id) => outputs.push({ record, id }),
  })
  return { run, outputs, prefix }
}

const numbers = z.object({ n: z.number() })

describe('bullmq engine: basics', () => {
  const app = new App('bq_basic')
  const double = ({ n }: { n: number }) => ({ doubled: n * 2 })
  const evenOnly = ({ n }: { n: number }) => (n % 2 === 0 ? undefined : STOP)
  const label = ({ doubled }: { doubled: number }) => ({ label: `#${doubled}` })
  const pl = app.pipeline('three_stages', { input: numbers }, (_p, r) =>
    r.subscribeFunc(double).subscribeFunc(evenOnly, { asWorker: true }).subscribeFunc(label, { asWorker: true }),
  )

  it('runs every stage on its own BullMQ queue, filters, and counts in Redis', async () => {
    const { run, outputs, prefix } = await start([pl])
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
      const queue = new Queue(bullmqQueueName('three_stages', 'evenOnly'), {
        connection: { url },
        prefix: redisKeys.bullmqPrefix(prefix, 'bq_basic', 'three_stages'),
      })
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
    const producer = await start([pl], { workers: false })
    const engine = await loadEngine('bullmq')
    const redis = { url, prefix: producer.prefix }
    try {
      expect(
        await producer.run.feed(
          'bq_status.two',
          Array.from({ length: 7 }, (_, n) => ({ n })),
        ),
      ).toBe(7)
      expect(await producer.run.waiting('bq_status.two')).toBe(7)
      const before = await engine.queueStatus?.([pl], redis)
      expect(before?.map((q) => [q.queue, q.waiting, q.inFlight])).toEqual([
        ['bq_status.two.input', 7, 0],
        ['bq_status.two.second', 0, 0],
      ])
      expect(before?.[0]?.counters.added).toBe(7)

      const outputs: object[] = []
      const workers = await engine.startRun([pl], { redis, onOutput: (_pl, record) => outputs.push(record) })
      try {
        await producer.run.drain()
        expect(outputs).toHaveLength(7)
        expect(await producer.run.waiting('bq_status.two')).toBe(0)
        await workers.stats() // flushes the workers' counters
        const after = await engine.queueStatus?.([pl], redis)
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
    const { run, outputs, prefix } = await start([pl])
    try {
      await run.feed('bq_consumer.to_sink', [{ n: 1 }, { n: 2 }, { n: 3 }])
      await run.drain()
      expect(outputs).toHaveLength(3)
      expect(written).toEqual([])
      expect(await runStandaloneConsumer(sink, { url, prefix }, { stopWhenEmpty: true })).toBe(3)
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
    const first = await start([pl], { shutdownTimeoutMs: 200, bullmq: tuning })
    await first.run.push('bq_stall.hung', { n: 7 })
    while (startedIn.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await first.run.stop() // resolves although the record never finished
    expect(first.outputs).toEqual([])

    hang = false
    const engine = await loadEngine('bullmq')
    const outputs: object[] = []
    const second = await engine.startRun([pl], {
      redis: { url, prefix: first.prefix },
      bullmq: tuning,
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
    const { run, outputs } = await start([poison])
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
        /pipeline 'poison', stage 'explode': step 'explode' \(test\/bullmq-engine\.test\.ts:\d+\) failed/,
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
    const { run, outputs, prefix } = await start([flaky])
    const engine = await loadEngine('bullmq')
    const redis = { url, prefix }
    try {
      await run.feed(
        'bq_fail.flaky',
        Array.from({ length: 6 }, (_, n) => ({ n })),
      )
      await run.drain()
      expect(outputs).toHaveLength(3)
      const listed = await engine.listDeadLetters?.([flaky], redis)
      expect(listed?.map((d) => d.stage)).toEqual(['second', 'second', 'second'])
      expect(listed?.map((d) => (JSON.parse(d.payload as string) as { d: [{ m: number }] }).d[0].m).sort()).toEqual([10, 30, 50])
      expect(await engine.listDeadLetters?.([flaky], redis, 2)).toHaveLength(2)

      healed = true
      const one = listed?.[0]?.id as string
      expect(await engine.replayDeadLetters?.([flaky], redis, [one])).toBe(1)
      await run.drain()
      expect(outputs).toHaveLength(4)
      expect(outputs.map((o) => o.id)).toContain(one)
      expect(await engine.replayDeadLetters?.([flaky], redis)).toBe(2)
      await run.drain()
      expect(outputs.map((o) => (o.record as { n: number }).n).sort()).toEqual([0, 1, 2, 3, 4, 5])
      expect(await engine.listDeadLetters?.([flaky], redis)).toEqual([])
    } finally {
      await run.stop()
    }
  })

  it('fails junk job data at once with the reason, and the stage keeps running', async () => {
    const { run, outputs, prefix } = await start([poison])
    const queue = new Queue(bullmqQueueName('poison', 'explode'), {
      connection: { url },
      prefix: redisKeys.bullmqPrefix(prefix, 'bq_fail', 'poison'),
    })
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
    const producer = await start([poison], { workers: false })
    const client = new Redis(url)
    try {
      await producer.run.push('bq_fail.poison', { n: 1 }, 'mangled')
      await producer.run.push('bq_fail.poison', { n: 2 }, 'intact')
      const jobKey = `${redisKeys.bullmqPrefix(producer.prefix, 'bq_fail', 'poison')}:${bullmqQueueName('poison', 'input')}:mmangled`
      expect(await client.hget(jobKey, 'data')).toContain('"i\\":\\"mangled')
      await client.hset(jobKey, 'data', Buffer.from([0x00, 0xff, 0x7b, 0x6a, 0x75, 0x6e, 0x6b]))
      const outputs: object[] = []
      const workers = await (await loadEngine('bullmq')).startRun([poison], {
        redis: { url, prefix: producer.prefix },
        onOutput: (_pipeline, record) => outputs.push(record),
      })
      try {
        await producer.run.drain()
        expect(outputs).toEqual([{ n: 2, m: 3, ok: true }])
        const dead = await workers.deadLetters()
        expect(dead).toHaveLength(1)
        expect(dead[0]).toMatchObject({ stage: 'input', id: 'mmangled', attempts: 1, error: { name: 'EnvelopeError' } })
        expect(dead[0]?.error.message).toContain("pipeline 'poison', stage 'input': not a stairs envelope (invalid JSON")
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
    const { run, outputs } = await start([big], { maxRecordBytes: 1000 })
    try {
      await expect(run.push('bq_fail.big', { text: 'x'.repeat(2000) }, 'huge')).rejects.toThrow(
        /pipeline 'big', push: record 'huge' is \d+ bytes once encoded, over the limit of 1000 bytes/,
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
    const { run, outputs } = await start([poison])
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

describe('bullmq engine: safety', () => {
  const app = new App('bq_safe')

  it('lets a __proto__ payload pollute nothing', async () => {
    const loose = app.pipeline('loose', { input: z.object({ n: z.number() }).loose() }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' })
        .subscribeFunc((rec) => ({ ...rec, seen: true }), { name: 'spread', asWorker: true }),
    )
    const { run, outputs, prefix } = await start([loose])
    const queue = new Queue(bullmqQueueName('loose', 'spread'), {
      connection: { url },
      prefix: redisKeys.bullmqPrefix(prefix, 'bq_safe', 'loose'),
    })
    try {
      await run.push('bq_safe.loose', JSON.parse('{"n":1,"__proto__":{"polluted":"yes"}}'))
      await queue.add('record', '{"i":"raw","d":[{"n":2,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}]}', {
        jobId: 'raw',
      })
      await run.drain()
      expect(outputs).toHaveLength(2)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.prototype).not.toHaveProperty('polluted')
      for (const { record } of outputs) {
        expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
        expect((record as Record<string, unknown>).polluted).toBeUndefined()
      }
    } finally {
      await queue.close()
      await run.stop()
    }
  })

  it('drops a replayed input id (the worker-producer relies on it)', async () => {
    const pl = app.pipeline('dedupe', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    const { run, outputs } = await start([pl])
    try {
      await run.push('bq_safe.dedupe', { n: 1 }, 'batch-1:0')
      await run.drain()
      await run.push('bq_safe.dedupe', { n: 1 }, 'batch-1:0')
      await run.push('bq_safe.dedupe', { n: 2 }, 'batch-1:1')
      await run.drain()
      expect(outputs.map((o) => o.id).sort()).toEqual(['batch-1:0', 'batch-1:1'])
    } finally {
      await run.stop()
    }
  })

  it('refuses to start workers when Redis holds a different contract for a queue, naming the stage', async () => {
    const pl = app.pipeline('contract', { input: numbers }, (_p, r) =>
      r.subscribeFunc(({ n }) => ({ m: n }), { name: 'one' }).subscribeFunc(({ m }) => ({ k: m }), { name: 'two', asWorker: true }),
    )
    const first = await start([pl], { contracts: { 'bq_safe.contract.input': 'aaa', 'bq_safe.contract.two': 'bbb' } })
    await first.run.stop()
    const engine = await loadEngine('bullmq')
    const attempt = engine.startRun([pl], {
      redis: { url, prefix: first.prefix },
      contracts: { 'bq_safe.contract.input': 'aaa', 'bq_safe.contract.two': 'ccc' },
    })
    await expect(attempt).rejects.toThrow(
      `stage 'two' (queue 'bq_safe.contract.two') changed its payload contract: this worker expects ccc, but the running system registered bbb`,
    )
    // The same contracts start fine; a producer-only client does not check them.
    const again = await engine.startRun([pl], { redis: { url, prefix: first.prefix }, contracts: { 'bq_safe.contract.two': 'bbb' } })
    await again.stop()
    const producerOnly = await engine.startRun([pl], {
      redis: { url, prefix: first.prefix },
      workers: false,
      contracts: { 'bq_safe.contract.two': 'ccc' },
    })
    await producerOnly.stop()
    const client = new Redis(url)
    try {
      expect(await client.hgetall(redisKeys.contracts(first.prefix, 'bq_safe'))).toEqual({
        'bq_safe.contract.input': 'aaa',
        'bq_safe.contract.two': 'bbb',
      })
    } finally {
      client.disconnect()
    }
  })

  it('says clearly that stats need an open run after stop()', async () => {
    const pl = app.pipeline('closed', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    const { run } = await start([pl])
    await run.stop()
    await expect(run.stats()).rejects.toThrow('stats(): the run is stopped and its Redis connections are closed')
    await expect(run.push('bq_safe.closed', { n: 1 })).rejects.toThrow('the run is stopped: it takes no new records')
  })

  it('fails fast at start when Redis is unreachable, naming the masked URL', async () => {
    const engine = await loadEngine('bullmq')
    const app2 = new App('bq_down')
    const pl = app2.pipeline('p', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    await expect(engine.startRun([pl], { redis: { url: 'redis://user:hunter2@127.0.0.1:1' } })).rejects.toThrow(
      'cannot use Redis at redis://user:***@127.0.0.1:1: connection refused',
    )
  })
})
