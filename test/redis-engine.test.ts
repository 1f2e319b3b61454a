// The redis engine against a real Redis: flow through stage streams, counters, dedupe, poison
// records, junk bytes, oversize records, `__proto__` payloads, reclaiming and contracts.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, STOP } from '../src/index.js'
import { type EngineModule, type EngineRunOptions, loadEngine, type PipelineRun, redisKeys } from '../src/runtime/index.js'
import { resetContracts } from '../src/runtime/redis/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

let url: string
let engine: EngineModule
let client: Redis
const prefixes: string[] = []

beforeAll(async () => {
  url = await redisUrl()
  engine = await loadEngine('redis')
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

const loose = app.pipeline('loose', { input: z.looseObject({ n: z.number() }) }, (_p, r) =>
  r.subscribeFunc((record) => ({ keys: Object.keys(record).join(',') }), { name: 'keys', asWorker: true }),
)

async function start(pipelines: Parameters<EngineModule['startRun']>[0], extra: EngineRunOptions = {}) {
  const prefix = uniquePrefix('redis-engine')
  prefixes.push(prefix)
  const outputs: object[] = []
  const run = await engine.startRun(pipelines, {
    redis: { url, prefix },
    streams: { blockMs: 20, reclaimIdleMs: 300 },
    onOutput: (_pipeline, record) => outputs.push(record),
    ...extra,
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
    const status = await engine.queueStatus?.([chain], { url, prefix })
    expect(status?.map((s) => s.queue)).toEqual(['redis_engine.chain.input', 'redis_engine.chain.copies'])
    expect(status?.every((s) => s.waiting === 0 && s.inFlight === 0)).toBe(true)
    await run.stop()
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
    expect(await engine.listDeadLetters?.([poison], { url, prefix })).toHaveLength(1)
    expect(await engine.replayDeadLetters?.([poison], { url, prefix }, [letters[0]?.id as string])).toBe(1)
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
      /pipeline 'redis_engine.loose', input: the record is 20\d\d bytes encoded, over the limit of 1000 bytes/,
    )
    await run.push('loose', { n: 1, text: 'small' })
    await finish(run)
    expect(await run.waiting('loose')).toBe(0)
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
    const producer = await engine.startRun([chain], { redis: { url, prefix }, workers: false })
    await producer.feed('chain', [{ n: 1 }, { n: 2 }])
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'input')
    // A consumer that takes the entries and dies: one entry is taken twice more (three deliveries).
    await client.xreadgroup('GROUP', 'stairs', 'dead:1:1', 'COUNT', 10, 'STREAMS', stream, '>')
    const first = ((await client.xrange(stream, '-', '+')) as [string, string[]][])[0]?.[0] as string
    await client.xclaim(stream, 'stairs', 'dead:1:2', 0, first)
    await client.xclaim(stream, 'stairs', 'dead:1:3', 0, first)
    await producer.stop()
    const { run, outputs } = await start([chain], { redis: { url, prefix }, streams: { blockMs: 20, reclaimIdleMs: 50, maxDeliveries: 3 } })
    await finish(run)
    expect(outputs).toEqual([{ n: 2, doubled: 4, copy: 1 }])
    const letters = await run.deadLetters()
    expect(letters).toHaveLength(1)
    expect(letters[0]?.error.message).toMatch(/delivered 4 times without an ack/)
  })

  it('runs only the named stages when asked, so stages can live in different processes', async () => {
    const prefix = uniquePrefix('redis-engine')
    prefixes.push(prefix)
    const redis = { url, prefix }
    const outputs: object[] = []
    const first = await engine.startRun([chain], { redis, workers: { stages: ['chain/input'] }, streams: { blockMs: 20 } })
    await first.feed('chain', [{ n: 1 }, { n: 2 }])
    const copiesWaiting = async () => (await engine.queueStatus?.([chain], redis))?.find((q) => q.stage === 'copies')?.waiting
    const deadline = Date.now() + 10_000
    while ((await copiesWaiting()) !== 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await copiesWaiting()).toBe(2) // the first stage ran; nothing runs the last one yet
    const second = await engine.startRun([chain], {
      redis,
      workers: { stages: ['chain/copies'] },
      streams: { blockMs: 20 },
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
    const producer = await engine.startRun([chain], { redis: { url, prefix }, workers: false })
    const stream = redisKeys.stageStream(prefix, 'redis_engine', 'chain', 'input')
    await client.xgroup('CREATECONSUMER', stream, 'stairs', 'ghost:1:1')
    await producer.stop()
    await new Promise((resolve) => setTimeout(resolve, 600)) // idle longer than 10 x reclaimIdleMs
    const { run } = await start([chain], { redis: { url, prefix }, streams: { blockMs: 20, reclaimIdleMs: 50 } })
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
    const first = await engine.startRun([chain], { redis, contracts: { 'redis_engine.chain.copies': 'hash-1' } })
    await first.stop()
    await expect(engine.startRun([chain], { redis, contracts: { 'redis_engine.chain.copies': 'hash-2' } })).rejects.toThrow(
      /redis_engine\.chain\.copies: Redis has hash-1, this worker has hash-2[\s\S]*Drain the old queue/,
    )
    expect(await resetContracts(redis, 'redis_engine', ['redis_engine.chain.copies'])).toBe(1)
    const second = await engine.startRun([chain], { redis, contracts: { 'redis_engine.chain.copies': 'hash-2' } })
    await second.stop()
  })
})
