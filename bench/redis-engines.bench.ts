// Acceptance 8 of issue 5: records per second per hop on a bench-owned redis-server, for 1 and 3
// hops, of the `redis` engine, the `bullmq` engine, raw BullMQ (one job per record, hand-written,
// the same work) and a naive unacknowledged batched-list loop (LPUSH/BLMPOP: the ceiling).
// Every variant does the same work per hop (n -> n + 1 on a JSON record) in this one process.
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { z } from 'zod'
import { App, type DataFrame } from '../src/index.js'
import { type PipelineRun, registeredEngines, startRun } from '../src/runtime/index.js'
import { startRedisServer } from '../test/support/redis.js'
import { type BenchResult, compared, median } from './harness.js'

const FAST_RECORDS = Number(process.env.STAIRS_BENCH_REDIS_RECORDS ?? 100_000)
const BULLMQ_RECORDS = Number(process.env.STAIRS_BENCH_BULLMQ_RECORDS ?? 10_000)
const RUNS = Number(process.env.STAIRS_BENCH_RUNS ?? 3)
/** Jobs a BullMQ worker runs at once, for raw BullMQ and the bullmq engine alike. */
const BULLMQ_CONCURRENCY = 20

type R = { n: number }
const step = ({ n }: R): R => ({ n: n + 1 })

/** A pipeline of `hops` stages (the input stage plus hops - 1 worker boundaries). */
function hopsPipeline(hops: number) {
  const app = new App(`bench_hops_${hops}`)
  return app.pipeline('hops', { input: z.object({ n: z.number() }) }, (_p, record) => {
    let h: DataFrame<R> = record.applyFunc(step, { name: 'hop0' })
    for (let i = 1; i < hops; i++) h = h.applyFunc(step, { name: `hop${i}`, asWorker: true })
    return h
  })
}

const inputs = (count: number): R[] => Array.from({ length: count }, (_, n) => ({ n }))

interface Rates {
  /** Hop-records per wall-clock second. */
  wall: number
  /**
   * Hop-records per second if Node and Redis each had a core of their own: the count over the
   * larger of the two CPU times. Shown because this machine is shared and wall time is noisy.
   */
  cpuBound: number
}

async function redisCpuSeconds(client: Redis): Promise<number> {
  const info = await client.info('cpu')
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0)
  return field('used_cpu_user') + field('used_cpu_sys')
}

/** Runs `once` RUNS times on a flushed server; medians of the hop-records per second. */
async function measure(url: string, hops: number, count: number, once: () => Promise<void>): Promise<Rates> {
  const client = new Redis(url)
  const wall: number[] = []
  const cpuBound: number[] = []
  for (let i = 0; i < RUNS; i++) {
    await client.flushall()
    const redisBefore = await redisCpuSeconds(client)
    const nodeBefore = process.cpuUsage()
    const start = process.hrtime.bigint()
    await once()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const node = process.cpuUsage(nodeBefore)
    const nodeSeconds = (node.user + node.system) / 1e6
    const redisSeconds = (await redisCpuSeconds(client)) - redisBefore
    wall.push((count * hops) / seconds)
    cpuBound.push((count * hops) / Math.max(nodeSeconds, redisSeconds))
  }
  client.disconnect()
  return { wall: median(wall), cpuBound: median(cpuBound) }
}

async function engineRun(engine: 'redis' | 'bullmq', url: string, hops: number, count: number): Promise<Rates> {
  const pipeline = hopsPipeline(hops)
  const records = inputs(count)
  let run: PipelineRun | undefined
  return measure(url, hops, count, async () => {
    let out = 0
    run = await startRun(engine, [pipeline], {
      settings: { url, prefix: 'bench' },
      concurrency: engine === 'bullmq' ? BULLMQ_CONCURRENCY : 1,
      onOutput: () => {
        out++
      },
    })
    try {
      await run.feed(`${pipeline.app}.${pipeline.name}`, records)
      await run.drain()
      if (out !== count) throw new Error(`${engine}: ${out} of ${count} records came out`)
    } finally {
      await run.stop()
    }
  })
}

/** Hand-written BullMQ: one queue per hop, one job per record, each worker adds to the next queue. */
async function rawBullmq(url: string, hops: number, count: number): Promise<Rates> {
  const connection = { url, maxRetriesPerRequest: null }
  return measure(url, hops, count, async () => {
    const queues = Array.from({ length: hops }, (_, i) => new Queue<R>(`raw${i}`, { connection, prefix: 'raw' }))
    let done = 0
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    const workers = queues.map(
      (_, i) =>
        new Worker<R>(
          `raw${i}`,
          async (job) => {
            const out = step(job.data)
            const next = queues[i + 1]
            if (next) await next.add('r', out, { removeOnComplete: true })
            else if (++done === count) finish()
          },
          { connection, prefix: 'raw', concurrency: BULLMQ_CONCURRENCY },
        ),
    )
    const first = queues[0] as Queue<R>
    const records = inputs(count)
    for (let i = 0; i < count; i += 1000)
      await first.addBulk(records.slice(i, i + 1000).map((data) => ({ name: 'r', data, opts: { removeOnComplete: true } })))
    await finished
    await Promise.all(workers.map((w) => w.close()))
    await Promise.all(queues.map((q) => q.close()))
  })
}

/** The ceiling: batches moved list to list with no acknowledgement, no retries, no counters. */
async function naiveLists(url: string, hops: number, count: number): Promise<Rates> {
  return measure(url, hops, count, async () => {
    const clients = Array.from({ length: hops + 1 }, () => new Redis(url))
    let done = 0
    const loops = Array.from({ length: hops }, async (_, i) => {
      const client = clients[i + 1] as Redis
      while (done < count) {
        const reply = (await client.blmpop(0.05, 1, `list${i}`, 'RIGHT', 'COUNT', 500)) as [string, string[]] | null
        if (!reply) continue
        const out = reply[1].map((text) => JSON.stringify(step(JSON.parse(text) as R)))
        if (i + 1 < hops) await client.lpush(`list${i + 1}`, ...out)
        else done += out.length
      }
    })
    const producer = clients[0] as Redis
    const records = inputs(count)
    for (let i = 0; i < count; i += 500) await producer.lpush('list0', ...records.slice(i, i + 500).map((r) => JSON.stringify(r)))
    await Promise.all(loops)
    for (const client of clients) client.disconnect()
  })
}

export default async function (): Promise<BenchResult[]> {
  const server = await startRedisServer()
  const hasBullmqEngine = registeredEngines().some((engine) => engine.name === 'bullmq')
  const results: BenchResult[] = []
  try {
    for (const hops of [1, 3]) {
      const raw = await rawBullmq(server.url, hops, BULLMQ_RECORDS)
      const ceiling = await naiveLists(server.url, hops, FAST_RECORDS)
      const redis = await engineRun('redis', server.url, hops, FAST_RECORDS)
      const bullmq = hasBullmqEngine ? await engineRun('bullmq', server.url, hops, BULLMQ_RECORDS) : undefined
      for (const kind of ['wall', 'cpuBound'] as const) {
        const label = (name: string) => `${name}, ${hops} hop(s)${kind === 'cpuBound' ? ', CPU-bound' : ''}`
        const rawBaseline = { name: label('raw BullMQ'), value: raw[kind] }
        const unit = 'hop-records/s'
        results.push(compared(label('redis engine'), redis[kind], unit, rawBaseline, 'target: >= 20x raw BullMQ and >= 200k/s'))
        results.push(
          compared(
            label('redis engine'),
            redis[kind],
            unit,
            { name: label('naive list loop'), value: ceiling[kind] },
            'share of the unacknowledged ceiling',
          ),
        )
        if (bullmq) results.push(compared(label('bullmq engine'), bullmq[kind], unit, rawBaseline, 'target: >= 0.8x raw BullMQ'))
        results.push({ name: label('raw BullMQ'), value: raw[kind], unit }, { name: label('naive list loop'), value: ceiling[kind], unit })
      }
    }
  } finally {
    await server.stop()
  }
  return results
}
