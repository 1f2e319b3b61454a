// The worker producer's batch leases on a real Redis (claim order, expiry, take-over, idempotent
// init, clear errors), and a replayed batch de-duplicated by message id on the memory engine.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { RedisBatchLeases } from '../src/runtime/engines/redis-common/batch-lease-store.js'
import {
  connectAdmin,
  type EngineAdmin,
  initWorkerProducer,
  MemoryRun,
  processWorkerProducer,
  resetWorkerProducer,
  workerProducerStatus,
} from '../src/runtime/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

let url: string
let client: Redis
const prefixes: string[] = []
const admins: EngineAdmin[] = []
/** The redis engine's admin side on a fresh prefix (where worker producers keep their leases). */
const adminFor = async (name: string): Promise<EngineAdmin & { prefix: string }> => {
  const prefix = uniquePrefix(name)
  prefixes.push(prefix)
  const admin = await connectAdmin('redis', { url, prefix })
  admins.push(admin)
  return Object.assign(admin, { prefix })
}

beforeAll(async () => {
  url = await redisUrl()
  client = new Redis(url)
})
afterAll(async () => {
  for (const admin of admins) await admin.close()
  for (const prefix of prefixes) await deletePrefix(url, prefix)
  client.disconnect()
})

const app = new App('wp_lease')
const items = app.pipeline('items', { input: z.object({ batch: z.number(), i: z.number() }) }, (_p, row) =>
  row.subscribeFunc(({ i }) => ({ odd: i % 2 === 1 }), { name: 'parity', asWorker: true }),
)
let failOnce = true
const pages = app.workerProducer(
  'pages',
  { pipeline: items, leaseMs: 300 },
  {
    batches: () => [0, 1, 2, 3, 4],
    read: function* (batch) {
      for (let i = 0; i < 10; i++) {
        if (batch === 2 && i === 6 && failOnce) {
          failOnce = false
          throw new Error('source went away')
        }
        yield { batch, i }
      }
    },
  },
)

describe('worker producer leases', () => {
  it('claims in order, lets a lapsed lease be taken over, and refuses the old holder', async () => {
    const settings = await adminFor('wp-lease')
    const store = new RedisBatchLeases(client, 'wp_lease', 'pages', settings.prefix)
    expect(await store.claim('a', 1000)).toEqual({ kind: 'uninitialized' })
    await initWorkerProducer(pages, settings)
    const first = await store.claim('a', 100)
    const second = await store.claim('b', 60_000)
    expect(first).toEqual({ kind: 'batch', index: 0, reclaimed: false, batch: 0 })
    expect(second).toMatchObject({ kind: 'batch', index: 1 })
    for (const owner of ['c', 'd', 'e']) await store.claim(owner, 60_000)
    // All five are leased: a newcomer is told to wait for the earliest lease.
    expect(await store.claim('f', 60_000)).toMatchObject({ kind: 'wait' })
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(await store.claim('f', 60_000)).toEqual({ kind: 'batch', index: 0, reclaimed: true, batch: 0 })
    expect(await store.renew(0, 'a', 1000)).toBe(false)
    expect(await store.renew(0, 'f', 1000)).toBe(true)
    for (const index of [0, 1, 2, 3, 4]) await store.complete(index)
    expect(await store.claim('g', 1000)).toEqual({ kind: 'finished' })
    expect(await store.status()).toMatchObject({ total: 5, done: 5, leased: 0, reclaimed: 1 })

    // Reset forgets the list and the progress, so init records a new one.
    await resetWorkerProducer(pages, settings)
    expect(await workerProducerStatus(pages, settings)).toMatchObject({ initialized: false, total: 0, done: 0 })
    expect(await initWorkerProducer(pages, settings)).toEqual({ created: true, total: 5 })
  })

  it('says to run producer:init first', async () => {
    const run = new MemoryRun([items])
    await expect(processWorkerProducer(pages, run, await adminFor('wp-uninit'))).rejects.toThrow(
      /worker producer 'wp_lease.pages' has no batch list yet: run `stairs producer:init wp_lease.pages` first/,
    )
    await run.stop()
  })

  it('replays a failed batch after its lease and the memory engine drops the duplicates by id', async () => {
    const settings = await adminFor('wp-memory')
    const outputs: { batch: number; i: number }[] = []
    const run = new MemoryRun([items], { onOutput: (_p, record) => outputs.push(record as { batch: number; i: number }) })
    await initWorkerProducer(pages, settings)
    // Chunks of 4: rows 0-3 of batch 2 are sent before the source fails at row 6.
    await expect(processWorkerProducer(pages, run, settings, { batchSize: 4 })).rejects.toThrow(
      /batch 2, after 4 rows sent: source went away; the batch will be read again/,
    )
    const progress: number[] = []
    const result = await processWorkerProducer(pages, run, settings, {
      batchSize: 4,
      onProgress: (p) => {
        if (p.batches) progress.push(p.batches.done)
      },
    })
    await run.drain()
    expect(result).toMatchObject({ reclaimed: 1 })
    expect(await workerProducerStatus(pages, settings)).toMatchObject({ total: 5, done: 5, leased: 0, reclaimed: 1 })
    expect(outputs).toHaveLength(50)
    expect(new Set(outputs.map((o) => `${o.batch}:${o.i}`)).size).toBe(50)
    const counters = (await run.stats())[0]?.counters
    expect(counters).toMatchObject({ in: 50, duplicates: 4 })
    expect(progress.at(-1)).toBe(5)
    await run.stop()
  })
})
