// The redis engine against a real Redis: flow through stage streams, counters, dedupe, poison
// records, junk bytes, oversize records, `__proto__` payloads, reclaiming and contracts.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { AnyPipeline } from '../src/index.js'
import { App, STOP } from '../src/index.js'
import { type PipelineRun, redisKeys, type StartRunOptions } from '../src/runtime/index.js'
import { engineByName } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

let url: string
const engine = engineByName('redis')
let client: Redis
const prefixes: string[] = []

beforeAll(async () => {
  url = await redisUrl()
  client = new Redis(url)
})

afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(url, prefix)
  client.disconnect()
})

const app = new App('redis_engine')
const numbers = z.object({ n: z.number() })

const chain = app.pipeline('chain', { input: numbers }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ doubled: n * 2 }), { name: 'double', asWorker: true })
    .subscribeFunc(({ n }) => (n % 3 === 0 ? STOP : undefined), { name: 'drop_threes' })
    .subscribeFanOut(({ n }) => [{ copy: 1 }, { copy: 2 }].slice(0, (n % 2) + 1), { name: 'copies', asWorker: true }),
)

let poisonCalls = 0
const poison = app.pipeline('poison', { input: numbers }, (_p, r) =>
  r.subscribeFunc(
    ({ n }) => {
      if (n === 13) {
        poisonCalls++
        throw new Error('thirteen is unlucky')
      }
      return { ok: true }
    },
    { name: 'unlucky', asWorker: true, retry: { attempts: 3, backoffMs: 5 } },
  ),
)

const big = app.pipeline('big', { input: z.object({ n: z.number(), pad: z.string() }) }, (_p, r) =>
  r
    .subscribeFunc(({ pad }) => ({ len: pad.length }), { name: 'measure', asWorker: true })
    .subscribeFunc(({ pad, len }) => ({ intact: pad.length === len }), { name: 'check', asWorker: true }),
)

const audit = app.standaloneConsumer('audit', (_record: { n: number }) => {})
const audited = app.pipeline('audited', { input: numbers }, (_p, r) =>
  r.subscribeConsumer(audit).subscribeFunc(
    ({ n }) => {
      if (n === 13) throw new Error('thirteen is unlucky')
      return { ok: true }
    },
    { name: 'after_audit', retry: { attempts: 3, backoffMs: 5 } },
  ),
)
const lateAudit = app.standaloneConsumer('late_audit', (_record: { n: number; m: number }) => {})
const lateAudited = app.pipeline('late_audited', { input: numbers }, (_p, r) =>
  r.subscribeFunc(async ({ n }) => ({ m: await Promise.resolve(n + 1) }), { name: 'wait', asWorker: true }).subscribeConsumer(lateAudit),
)

const loose = app.pipeline('loose', { input: z.looseObject({ n: z.number() }) }, (_p, r) =>
  r.subscribeFunc((record) => ({ keys: Object.keys(record).join(',') }), { name: 'keys', asWorker: true }),
)

/** Starts workers on a fresh prefix (or `extra.settings`' own), with short timings; `tuning` adds redis engine settings. */
async function start(pipelines: readonly AnyPipeline[], extra: StartRunOptions = {}, tuning: Record<string, unknown> = {}) {
  const prefix = uniquePrefix('redis-engine')
  prefixes.push(prefix)
  const outputs: object[] = []
  const { settings, ...rest } = extra
  const run = await engine.startRun(pipelines, {
    onOutput: (_pipeline, record) => outputs.push(record),
    ...rest,
    settings: { url, prefix, blockMs: 20, reclaimIdleMs: 300, ...tuning, ...settings },
  })
  return { run, outputs, prefix }
}

async function finish(run: PipelineRun) {
  await run.drain()
  await run.stop()
}

describe('redis engine', () => {
  it('moves records through stage streams with filters, fan-out and counters', async () => {
    const { run, outputs, prefix } = await start([chain])
    const inputs = Array.from({ length: 30 }, (_, n) => ({ n }))
    expect(await run.feed('redis_engine.chain', inputs)).toBe(30)
    await run.drain()
    const expected = inputs
      .filter(({ n }) => n % 3 !== 0)
      .flatMap(({ n }) => (n % 2 ? [1, 2] : [1]).map((copy) => ({ n, doubled: n * 2, copy })))
    expect(outputs).toHaveLength(expected.length)
    expect(outputs).toEqual(expect.arrayContaining(expected))
    const [stats] = await run.stats()
    expect(stats?.counters).toMatchObject({ in: 30, out: expected.length, filtered: 10, deadLettered: 0, rejected: 0 })
    expect(stats?.stages.map((s) => s.counters.added)).toEqual([30, 20])
    const status = await engine.queueStatus([chain], { url, prefix })
    expect(status?.map((s) => s.queue)).toEqual(['redis_engine.chain.input', 'redis_engine.chain.copies'])
    expect(status?.every((s) => s.waiting === 0 && s.inFlight === 0)).toBe(true)
    await run.stop()
  })

  it('counts records a worker is running as in flight, not waiting, while they run', async () => {
    let release: (() => void) | undefined
    const started = new Promise<void>((resolve) => {
      release = resolve
    })
    let unblock: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      unblock = resolve
    })
    const slow = app.pipeline('held', { input: numbers }, (_p, r) =>
      r.subscribeFunc(
        async ({ n }) => {
          release?.()
          await held
          return { m: n }
        },
        { name: 'wait', asWorker: true },
      ),
    )
    const { run, outputs, prefix } = await start([slow])
    await run.feed(
      'held',
      Array.from({ length: 10 }, (_, n) => ({ n })),
    ) // one stream entry of 10 records
    await started
    // A boundary right after the input shares the input stage: one stage, running the step. The
    // worker's count goes out before the step starts, on another connection: poll a little.
    const stageStatus = () => engine.queueStatus([slow], { url, prefix })
    const deadline = Date.now() + 5_000
    let status = await stageStatus()
    while (status?.[0]?.inFlight !== 10 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      status = await stageStatus()
    }
    expect(status?.map(({ waiting, inFlight }) => ({ waiting, inFlight }))).toEqual([{ waiting: 0, inFlight: 10 }])
    expect(await run.waiting('held')).toBe(0)
    unblock()
    await finish(run)
    expect(outputs).toHaveLength(10)
  })

  it('stops at once while its workers wait on an empty stream, instead of after their block time', async () => {
    const { run } = await start([chain], { shutdownTimeoutMs: 60_000 }, { blockMs: 60_000, reclaimIdleMs: 300_000 })
    await run.feed('redis_engine.chain', [{ n: 1 }])
    await run.drain()
    const started = Date.now()
    await run.stop()
    // Without CLIENT UNBLOCK, stop would wait for the blocked XREADGROUPs: a full minute.
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('drops a replayed explicit id within the dedupe window', async () => {
    const { run, outputs, prefix } = await start([chain])
    await run.push('chain', { n: 1 }, 'id-1')
    await run.push('chain', { n: 1 }, 'id-1')
    await run.push('chain', { n: 2 }, 'id-2')
    await finish(run)
    expect(outputs).toHaveLength(3) // n=1 fans out to two copies, n=2 to one
    const counters = await client.hgetall(redisKeys.pipelineCounters(prefix, 'redis_engine', 'chain'))
    expect(counters).toMatchObject({ in: '2', duplicates: '1' })
  })

  it('pushMany drops ids seen before or earlier in the same call, keeps records without ids, and forgets ids after the window', async () => {
    const ids = app.pipeline('ids', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy', asWorker: true }))
    const windowMs = 1_000
    const { run, outputs, prefix } = await start([ids], { dedupeWindowMs: windowMs }, { batchSize: 4 })
    const ns = () => outputs.map((o) => (o as { n: number }).n).sort((a, b) => a - b)
    // Seven records packed as entries of 4 and 3; each entry loses one duplicate.
    await run.pushMany?.('ids', [
      [{ n: 1 }, 'a'],
      [{ n: 2 }, undefined],
      [{ n: 3 }, 'b'],
      [{ n: 1 }, 'a'],
      [{ n: 4 }, 'c'],
      [{ n: 5 }, undefined],
      [{ n: 3 }, 'b'],
    ])
    await run.pushMany?.('ids', [
      [{ n: 1 }, 'a'],
      [{ n: 6 }, 'd'],
    ])
    // The seen ids expire with their bucket, at most two windows on (read right away: they may
    // be gone after a slow drain).
    const seenKeys = await client.keys(`${prefix}:*:seen:*`)
    expect(seenKeys.length).toBeGreaterThan(0)
    for (const key of seenKeys) expect(await client.pttl(key)).toBeGreaterThan(0)
    for (const key of seenKeys) expect(await client.pttl(key)).toBeLessThanOrEqual(2 * windowMs)
    await run.drain()
    expect(ns()).toEqual([1, 2, 3, 4, 5, 6])
    const counters = await client.hgetall(redisKeys.pipelineCounters(prefix, 'redis_engine', 'ids'))
    expect(counters).toMatchObject({ in: '6', duplicates: '3' })
    await new Promise((resolve) => setTimeout(resolve, 2 * windowMs + 50))
    await run.pushMany?.('ids', [[{ n: 1 }, 'a']]) // two windows later: a new record
    await finish(run)
    expect(ns()).toEqual([1, 1, 2, 3, 4, 5, 6])
  })

  it('pushMany deduplicates across the slices its script checks ids in (1,000 at a time)', async () => {
    const many = app.pipeline('many_ids', { input: numbers }, (_p, r) =>
      r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy', asWorker: true }),
    )
    const { run, outputs, prefix } = await start([many])
    // 2,500 records over 1,200 distinct ids: each id comes back 1,200 records later, in another slice.
    const entries = Array.from({ length: 2_500 }, (_, k) => [{ n: k % 1_200 }, `id-${k % 1_200}`] as const)
    await run.pushMany?.('many_ids', entries)
    await finish(run)
    const ns = outputs.map((o) => (o as { n: number }).n).sort((a, b) => a - b)
    expect(ns).toEqual(Array.from({ length: 1_200 }, (_, n) => n))
    const counters = await client.hgetall(redisKeys.pipelineCounters(prefix, 'redis_engine', 'many_ids'))
    expect(counters).toMatchObject({ in: '1200', duplicates: '1300' })
  })

  it('dead-letters a step that always throws after its attempts while other records flow, and replays it', async () => {
    poisonCalls = 0
    const { run, outputs, prefix } = await start([poison])
    await run.feed('poison', [{ n: 1 }, { n: 13 }, { n: 2 }])
    await run.drain()
    expect(outputs).toEqual(
      expect.arrayContaining([
        { n: 1, ok: true },
        { n: 2, ok: true },
      ]),
    )
    expect(poisonCalls).toBe(3)
    const letters = await run.deadLetters()
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({ pipeline: 'poison', stage: 'input', attempts: 3 })
    expect(letters[0]?.error.message).toContain('thirteen is unlucky')
    const [stats] = await run.stats()
    expect(stats?.stages[0]?.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1, processed: 2 })
    expect(await engine.listDeadLetters([poison], { url, prefix })).toHaveLength(1)
    expect(await engine.replayDeadLetters([poison], { url, prefix }, [letters[0]?.id as string])).toBe(1)
    await run.drain()
    expect(poisonCalls).toBe(6)
    expect(await run.deadLetters()).toHaveLength(1)
    await run.stop()
  })

  it('sends junk bytes in a stage stream to the dead letters and keeps the stage running', async () => {
    const { run, outputs, prefix } = await start([chain])
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'copies')
    await client.xadd(stream, '*', 'e', Buffer.from([0xff, 0x00, 0x7b, 0x22]))
    await client.xadd(stream, '*', 'garbage', 'no envelope here')
    await client.xadd(stream, '*', 'e', '{"i":"x","d":"not an array"}')
    await run.push('chain', { n: 1 })
    await finish(run)
    expect(outputs).toHaveLength(2)
    const letters = await run.deadLetters()
    expect(letters).toHaveLength(3)
    expect(letters.every((l) => l.stage === 'copies' && l.attempts === 1)).toBe(true)
    expect(letters.map((l) => l.error.message)).toEqual([
      expect.stringContaining('invalid JSON'),
      'stream entry has no envelope (field e)',
      expect.stringContaining('missing id or data'),
    ])
  })

  it('refuses an oversize record at the producer, naming the pipeline and the size', async () => {
    const { run } = await start([loose], { maxRecordBytes: 1000 })
    await expect(run.push('loose', { n: 1, text: 'x'.repeat(2000) })).rejects.toThrow(
      /pipeline 'redis_engine.loose', input: record '[^']+' is 20\d\d bytes encoded, over the limit of 1000 bytes/,
    )
    await run.push('loose', { n: 1, text: 'small' })
    await finish(run)
    expect(await run.waiting('loose')).toBe(0)
  })

  it('feed stops at an oversize record: what came before it is queued, nothing after it', async () => {
    const { run, outputs } = await start([loose], { maxRecordBytes: 1000 })
    // Several feed chunks (500 records each) before and after the oversize record at 1,234.
    const records = Array.from({ length: 3_000 }, (_, n) => ({ n, text: n === 1_234 ? 'x'.repeat(2000) : 'small' }))
    await expect(run.feed('loose', records)).rejects.toThrow(/over the limit of 1000 bytes/)
    await finish(run)
    const ns = outputs.map((o) => (o as { n: number }).n).sort((a, b) => a - b)
    expect(ns).toEqual(Array.from({ length: 1_234 }, (_, n) => n))
  })

  it('lets a __proto__ payload pollute nothing', async () => {
    const { run, outputs, prefix } = await start([loose])
    await run.push('loose', JSON.parse('{"n":1,"__proto__":{"polluted":"yes"}}'))
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'loose', 'input')
    await client.xadd(
      stream,
      '*',
      'e',
      '{"i":"raw","d":[{"n":2,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}]}',
    )
    await finish(run)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(outputs).toHaveLength(2)
    for (const output of outputs) expect(Object.getPrototypeOf(output)).toBe(Object.prototype)
    expect(outputs.every((o) => !Object.hasOwn(o, '__proto__'))).toBe(true)
  })

  it('reclaims the entries a dead consumer left pending, and dead-letters one delivered too often', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const producer = await engine.startRun([chain], { settings: { url, prefix }, workers: false })
    // Pushed one by one: one record per stream entry.
    await producer.push('chain', { n: 1 })
    await producer.push('chain', { n: 2 })
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'input')
    // A consumer that takes the entries and dies: one entry is taken twice more (three deliveries).
    await client.xreadgroup('GROUP', 'stairs', 'dead:1:1', 'COUNT', 10, 'STREAMS', stream, '>')
    const first = ((await client.xrange(stream, '-', '+')) as [string, string[]][])[0]?.[0] as string
    await client.xclaim(stream, 'stairs', 'dead:1:2', 0, first)
    await client.xclaim(stream, 'stairs', 'dead:1:3', 0, first)
    await producer.stop()
    const { run, outputs } = await start([chain], { settings: { url, prefix } }, { reclaimIdleMs: 50, maxDeliveries: 3 })
    await finish(run)
    expect(outputs).toEqual([{ n: 2, doubled: 4, copy: 1 }])
    const letters = await run.deadLetters()
    expect(letters).toHaveLength(1)
    expect(letters[0]?.error.message).toMatch(/delivered 4 times without an ack/)
  })

  it('packs fed records into shared entries, and splits an entry a dead consumer left so each record goes on alone', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const producer = await engine.startRun([chain], { settings: { url, prefix }, workers: false })
    await producer.feed('chain', [{ n: 1 }, { n: 2 }, { n: 4 }])
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'input')
    const entries = (await client.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries).toHaveLength(1)
    expect(entries[0]?.[1][1]?.split('\n')).toHaveLength(3)
    expect(await producer.waiting('chain')).toBe(3) // records, not entries
    await client.xreadgroup('GROUP', 'stairs', 'dead:1:1', 'COUNT', 10, 'STREAMS', stream, '>')
    await producer.stop()
    const { run, outputs } = await start([chain], { settings: { url, prefix } }, { reclaimIdleMs: 50 })
    await finish(run)
    expect(outputs).toHaveLength(4) // n=1 fans out to two copies; n=2 and n=4 to one each
    expect(outputs).toEqual(expect.arrayContaining([{ n: 4, doubled: 8, copy: 1 }]))
    const [stats] = await run.stats()
    expect(stats?.stages[0]?.counters).toMatchObject({ added: 3, processed: 3, deadLettered: 0 })
    // The reclaimed entry was put back as three entries of one record each, then processed.
    const trail = (await client.xinfo('STREAM', stream)) as unknown[]
    expect(trail[trail.indexOf('entries-added') + 1]).toBe(4)
  })

  it('keeps stream entries near 1 MB when records are large, at the producer and between stages', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const redis = { url, prefix }
    const inputs = Array.from({ length: 10 }, (_, n) => ({ n, pad: String(n).repeat(300_000) }))
    const producer = await engine.startRun([big], { settings: redis, workers: false })
    await producer.feed('big', inputs)
    const entrySizes = async (stage: string) =>
      ((await client.xrange(redisKeys.stageStream(prefix, 'redis_engine', 'big', stage), '-', '+')) as [string, string[]][]).map(
        ([, fields]) => ({ records: (fields[1] ?? '').split('\n').length, bytes: (fields[1] ?? '').length }),
      )
    const fed = await entrySizes('input')
    expect(fed.reduce((sum, e) => sum + e.records, 0)).toBe(10)
    expect(fed.length).toBeGreaterThanOrEqual(4) // about 3 records of 300 kB to a 1 MB entry
    expect(Math.max(...fed.map((e) => e.bytes))).toBeLessThanOrEqual(1024 * 1024)
    const first = await engine.startRun([big], { settings: { ...redis, blockMs: 20 }, workers: { stages: ['big/input'] } })
    const deadline = Date.now() + 10_000
    while ((await producer.waiting('big')) > 0 || (await entrySizes('check')).reduce((sum, e) => sum + e.records, 0) < 10) {
      if (Date.now() > deadline) throw new Error('the first stage did not forward the 10 records')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const forwarded = await entrySizes('check')
    expect(forwarded.length).toBeGreaterThanOrEqual(4)
    expect(Math.max(...forwarded.map((e) => e.bytes))).toBeLessThanOrEqual(1024 * 1024)
    const outputs: object[] = []
    const second = await engine.startRun([big], {
      settings: { ...redis, blockMs: 20 },
      workers: { stages: ['big/check'] },
      onOutput: (_pipeline, record) => outputs.push(record),
    })
    await second.drain()
    expect(outputs.map((o) => (o as { intact: boolean }).intact)).toEqual(Array(10).fill(true))
    await Promise.all([producer.stop(), first.stop(), second.stop()])
  })

  it('delivers to consumer streams with the batch, nothing from a failed record, and after an await too', async () => {
    const { run, prefix } = await start([audited, lateAudited])
    const inputs = Array.from({ length: 40 }, (_, n) => ({ n }))
    await run.feed('audited', inputs)
    await run.feed('late_audited', inputs)
    await finish(run)
    const delivered = async (name: string) =>
      ((await client.xrange(redisKeys.consumerQueue(prefix, 'redis_engine', name), '-', '+')) as [string, string[]][]).map(
        ([, fields]) => JSON.parse(fields[1] as string) as { n: number; m?: number },
      )
    // 13 failed three times and was dead-lettered: its deliveries went with it, every time.
    const audits = (await delivered('audit')).map(({ n }) => n).sort((a, b) => a - b)
    expect(audits).toEqual(inputs.map(({ n }) => n).filter((n) => n !== 13))
    expect((await run.deadLetters()).map((letter) => letter.id)).toHaveLength(1)
    // Delivered after an await (outside the batch's synchronous run): written at once, none lost.
    const late = await delivered('late_audit')
    expect(late.map(({ n, m }) => (m ?? 0) - n)).toEqual(Array(40).fill(1))
  })

  it('commits a read that brings more than batchSize records in slices, delivering every output once', async () => {
    const { run, outputs } = await start([loose], {}, { batchSize: 10 })
    // Single-record entries first: the worker learns to ask for up to 10 entries per read...
    for (let n = 0; n < 12; n++) await run.push('loose', { n })
    await run.drain()
    // ...then full entries of 10 records: one read can bring up to 100 records.
    await run.feed(
      'loose',
      Array.from({ length: 200 }, (_, n) => ({ n: 100 + n })),
    )
    await run.drain()
    const [stats] = await run.stats()
    await run.stop()
    expect(stats?.counters).toMatchObject({ in: 212, out: 212 })
    expect(stats?.stages.map((stage) => stage.counters.processed)).toEqual([212])
    expect(outputs).toHaveLength(212)
    expect(new Set(outputs.map((o) => JSON.stringify(o))).size).toBe(212)
  })

  it('runs only the named stages when asked, so stages can live in different processes', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const redis = { url, prefix }
    const outputs: object[] = []
    const first = await engine.startRun([chain], { settings: { ...redis, blockMs: 20 }, workers: { stages: ['chain/input'] } })
    await first.feed('chain', [{ n: 1 }, { n: 2 }])
    const copiesWaiting = async () => (await engine.queueStatus([chain], redis))?.find((q) => q.stage === 'copies')?.waiting
    const deadline = Date.now() + 10_000
    while ((await copiesWaiting()) !== 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await copiesWaiting()).toBe(2) // the first stage ran; nothing runs the last one yet
    const second = await engine.startRun([chain], {
      settings: { ...redis, blockMs: 20 },
      workers: { stages: ['chain/copies'] },
      onOutput: (_pipeline, record) => outputs.push(record),
    })
    await second.drain()
    expect(outputs).toHaveLength(3)
    await first.stop()
    await second.stop()
  })

  it('forgets consumers that hold nothing and were idle for long (left by restarted workers)', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const producer = await engine.startRun([chain], { settings: { url, prefix }, workers: false })
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'input')
    await client.xgroup('CREATECONSUMER', stream, 'stairs', 'ghost:1:1')
    await producer.stop()
    await new Promise((resolve) => setTimeout(resolve, 600)) // idle longer than 10 x reclaimIdleMs
    const { run } = await start([chain], { settings: { url, prefix } }, { reclaimIdleMs: 50 })
    const names = async () => ((await client.xinfo('CONSUMERS', stream, 'stairs')) as string[][]).map((fields) => fields[1])
    const deadline = Date.now() + 10_000
    while ((await names()).includes('ghost:1:1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await names()).not.toContain('ghost:1:1')
    await run.stop()
  })

  it('refuses to start a worker whose contract differs from the registered one, until reset', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const redis = { url, prefix }
    const first = await engine.startRun([chain], { settings: redis, contracts: { 'redis_engine.chain.copies': 'hash-1' } })
    await first.stop()
    await expect(engine.startRun([chain], { settings: redis, contracts: { 'redis_engine.chain.copies': 'hash-2' } })).rejects.toThrow(
      /redis_engine\.chain\.copies: the running system registered hash-1, this worker has hash-2[\s\S]*Drain the queue first[\s\S]*stairs contracts:reset redis_engine\.chain\.copies/,
    )
    expect(await engine.resetContracts(redis, 'redis_engine', ['redis_engine.chain.copies'])).toBe(1)
    const second = await engine.startRun([chain], { settings: redis, contracts: { 'redis_engine.chain.copies': 'hash-2' } })
    await second.stop()
  })
})
