// Producers and consumer queues on a bench-owned redis-server (issue 6), each against a
// hand-written baseline doing the same Redis work in the same run:
// - runProducer into the redis engine (schema check, batches via run.feed) vs pipelined XADD batches;
// - a worker producer (chunks of rows with message ids, de-duplicated) vs runProducer (no ids);
// - consumeIter over a consumer's stream vs a raw XREADGROUP + XACK/XDEL loop;
// - runProducer into the memory engine vs run.feed of an array.
import { Redis } from 'ioredis'
import { z } from 'zod'
import { App } from '../src/index.js'
import { redisConsumerDelivery } from '../src/runtime/engines/redis-common/consumer-queue.js'
import {
  connectAdmin,
  consumeIter,
  initWorkerProducer,
  MemoryRun,
  processWorkerProducer,
  redisKeys,
  runProducer,
  startRun,
} from '../src/runtime/index.js'
import { startRedisServer } from '../test/support/redis.js'
import { type BenchResult, compared, median, perSecond } from './harness.js'

const ROWS = Number(process.env.STAIRS_BENCH_PRODUCER_ROWS ?? 50_000)
const RUNS = Number(process.env.STAIRS_BENCH_RUNS ?? 3)
const BATCH = 256

const app = new App('bench_producers')
const rows = app.pipeline('rows', { input: z.object({ n: z.number(), name: z.string() }) }, (_p, row) =>
  row.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'inc', asWorker: true }),
)
const makeRow = (n: number) => ({ n, name: `row ${n}` })
const producer = app.producer('all', { pipelines: [rows] }, function* () {
  for (let n = 0; n < ROWS; n++) yield makeRow(n)
})
const BATCH_ROWS = 1000
const workerProducer = app.workerProducer(
  'batched',
  { pipeline: rows, leaseMs: 60_000 },
  {
    batches: () => Array.from({ length: ROWS / BATCH_ROWS }, (_, b) => b),
    read: function* (b) {
      for (let i = 0; i < BATCH_ROWS; i++) yield makeRow(b * BATCH_ROWS + i)
    },
  },
)
const examples = app.consumerIter('examples')

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

export default async function (): Promise<BenchResult[]> {
  const server = await startRedisServer()
  const client = new Redis(server.url)
  const settings = { url: server.url, prefix: 'bench' }
  const rates: Record<string, number[]> = {}
  const record = (name: string, ms: number) => (rates[name] ??= []).push(perSecond(ROWS, ms))
  try {
    for (let run = 0; run < RUNS; run++) {
      await client.flushall()
      const producerRun = await startRun('redis', [rows], { settings, workers: false })
      record('producer', await timed(() => runProducer(producer, producerRun, { batchSize: BATCH })))
      await producerRun.stop()

      await client.flushall()
      const stream = 'bench:baseline:stream'
      record(
        'xadd',
        await timed(async () => {
          for (let from = 0; from < ROWS; from += BATCH) {
            const tx = client.pipeline()
            for (let n = from; n < Math.min(ROWS, from + BATCH); n++)
              tx.xadd(stream, '*', 'e', JSON.stringify({ i: `x-${n}`, d: [makeRow(n)] }))
            await tx.exec()
          }
        }),
      )

      await client.flushall()
      const workerRun = await startRun('redis', [rows], { settings, workers: false })
      const admin = await connectAdmin('redis', settings)
      await initWorkerProducer(workerProducer, admin)
      record('workerProducer', await timed(() => processWorkerProducer(workerProducer, workerRun, admin)))
      await admin.close()
      await workerRun.stop()

      await client.flushall()
      const deliver = redisConsumerDelivery(client, settings.prefix)
      for (let from = 0; from < ROWS; from += BATCH)
        await Promise.all(Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, i) => deliver(examples, makeRow(from + i))))
      record(
        'consumeIter',
        await timed(async () => {
          let count = 0
          for await (const _ of consumeIter(examples, { engine: 'redis', settings }, { stopWhenEmpty: true })) count++
          if (count !== ROWS) throw new Error(`consumeIter read ${count} of ${ROWS}`)
        }),
      )
      const key = redisKeys.consumerQueue('bench', 'bench_producers', 'raw')
      await client.xgroup('CREATE', key, 'g', '0', 'MKSTREAM')
      for (let from = 0; from < ROWS; from += BATCH) {
        const tx = client.pipeline()
        for (let n = from; n < Math.min(ROWS, from + BATCH); n++) tx.xadd(key, '*', 'r', JSON.stringify(makeRow(n)))
        await tx.exec()
      }
      record(
        'xreadgroup',
        await timed(async () => {
          let count = 0
          for (;;) {
            const reply = (await client.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 100, 'STREAMS', key, '>')) as
              | [string, [string, string[]][]][]
              | null
            const entries = reply?.[0]?.[1] ?? []
            if (entries.length === 0) break
            for (const [, fields] of entries) if (JSON.parse(fields[1] as string)) count++
            const ids = entries.map(([id]) => id)
            await client
              .multi()
              .xack(key, 'g', ...ids)
              .xdel(key, ...ids)
              .exec()
          }
          if (count !== ROWS) throw new Error(`raw loop read ${count} of ${ROWS}`)
        }),
      )

      const memory = new MemoryRun([rows], { queueCapacity: ROWS * 2 })
      record('memoryProducer', await timed(() => runProducer(producer, memory, { batchSize: BATCH })))
      await memory.drain()
      await memory.stop()
      const memoryBaseline = new MemoryRun([rows], { queueCapacity: ROWS * 2 })
      const array = Array.from({ length: ROWS }, (_, n) => makeRow(n))
      record('memoryFeed', await timed(() => memoryBaseline.feed('bench_producers.rows', array)))
      await memoryBaseline.drain()
      await memoryBaseline.stop()
    }
  } finally {
    client.disconnect()
    await server.stop()
  }
  const m = (name: string) => Math.round(median(rates[name] ?? []))
  const note = `${ROWS} rows, median of ${RUNS} runs, bench-owned redis-server`
  return [
    compared(
      'runProducer -> redis engine (batches of 256)',
      m('producer'),
      'rows/s',
      { name: 'pipelined XADD batches', value: m('xadd') },
      note,
    ),
    compared(
      'worker producer -> redis engine (chunks with ids, pushMany)',
      m('workerProducer'),
      'rows/s',
      { name: 'runProducer, batched, no ids', value: m('producer') },
      `${ROWS / BATCH_ROWS} batches of ${BATCH_ROWS}`,
    ),
    compared(
      'consumeIter from Redis',
      m('consumeIter'),
      'records/s',
      { name: 'raw XREADGROUP + XACK/XDEL loop', value: m('xreadgroup') },
      note,
    ),
    compared(
      'runProducer -> memory engine',
      m('memoryProducer'),
      'rows/s',
      { name: 'MemoryRun.feed(array)', value: m('memoryFeed') },
      note,
    ),
  ]
}
