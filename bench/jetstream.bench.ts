// Records per second per hop on bench-owned nats-servers (one node, and a 3-node cluster with R3
// streams), for 1 and 3 hops: the jetstream engine beside a hand-written @nats-io/jetstream loop
// doing the same work in the same run (publish with a message id, fetch a batch, run n -> n + 1,
// publish on and acknowledge after the publish is acknowledged). Goal: >= 0.8x the loop.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { z } from 'zod'
import { App, type DataFrame } from '../src/index.js'
import { startRun } from '../src/runtime/index.js'
import { startNatsCluster, startNatsServer } from '../test/support/nats.js'
import { type BenchResult, compared, median } from './harness.js'

const RECORDS = Number(process.env.STAIRS_BENCH_JS_RECORDS ?? 20_000)
const RUNS = Number(process.env.STAIRS_BENCH_RUNS ?? 3)
const BATCH = 256

type R = { n: number }
const step = ({ n }: R): R => ({ n: n + 1 })

function hopsPipeline(hops: number) {
  const app = new App(`bench_js_${hops}`)
  return app.pipeline('hops', { input: z.object({ n: z.number() }) }, (_p, record) => {
    let h: DataFrame<R> = record.applyFunc(step, { name: 'hop0' })
    for (let i = 1; i < hops; i++) h = h.applyFunc(step, { name: `hop${i}`, asWorker: true })
    return h
  })
}

let runId = 0

async function engineRate(servers: readonly string[], replicas: number, hops: number): Promise<number> {
  const pipeline = hopsPipeline(hops)
  const records = Array.from({ length: RECORDS }, (_, n) => ({ n }))
  const rates: number[] = []
  for (let r = 0; r < RUNS; r++) {
    let out = 0
    const run = await startRun('jetstream', [pipeline], {
      settings: { servers: [...servers], prefix: `bench${++runId}`, replicas, batchSize: BATCH, pullWaitMs: 100 },
      onOutput: () => {
        out++
      },
    })
    const start = performance.now()
    try {
      await run.feed(`${pipeline.app}.${pipeline.name}`, records)
      await run.drain()
      if (out !== RECORDS) throw new Error(`jetstream engine: ${out} of ${RECORDS} records came out`)
    } finally {
      rates.push((RECORDS * hops) / ((performance.now() - start) / 1000))
      await run.stop()
    }
  }
  return median(rates)
}

/** The same work written against @nats-io/jetstream directly: one durable per hop, fetch, publish on, ack. */
async function loopRate(servers: readonly string[], replicas: number, hops: number): Promise<number> {
  const rates: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const nc = await connect({ servers: [...servers] })
    const jsm = await jetstreamManager(nc)
    const js = jetstream(nc)
    const stream = `loop${++runId}`
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], retention: 'workqueue', storage: 'file', num_replicas: replicas })
    for (let i = 0; i < hops; i++)
      await jsm.consumers.add(stream, { durable_name: `h${i}`, filter_subject: `${stream}.h${i}`, ack_policy: AckPolicy.Explicit })
    const start = performance.now()
    let done = 0
    const loops = Array.from({ length: hops }, async (_, i) => {
      const consumer = await js.consumers.get(stream, `h${i}`)
      while (done < RECORDS) {
        const messages = await consumer.fetch({ max_messages: BATCH, expires: 1000 })
        const pending: Promise<void>[] = []
        for await (const m of messages) {
          const out = JSON.stringify(step(m.json<R>()))
          if (i + 1 < hops) pending.push(js.publish(`${stream}.h${i + 1}`, out, { msgID: `h${i + 1}/${m.seq}` }).then(() => m.ack()))
          else {
            m.ack()
            done++
          }
        }
        await Promise.all(pending)
      }
    })
    for (let from = 0; from < RECORDS; from += 500) {
      const sends: Promise<unknown>[] = []
      for (let n = from; n < Math.min(RECORDS, from + 500); n++)
        sends.push(js.publish(`${stream}.h0`, JSON.stringify({ n }), { msgID: `h0/${n}` }))
      await Promise.all(sends)
    }
    await Promise.all(loops)
    rates.push((RECORDS * hops) / ((performance.now() - start) / 1000))
    await jsm.streams.delete(stream)
    await nc.close()
  }
  return median(rates)
}

export default async function (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const unit = 'hop-records/s'
  const single = await startNatsServer()
  try {
    for (const hops of [1, 3]) {
      const loop = await loopRate([single.url], 1, hops)
      const engine = await engineRate([single.url], 1, hops)
      const baseline = { name: `hand-written jetstream loop, ${hops} hop(s), single node`, value: loop }
      results.push(compared(`jetstream engine, ${hops} hop(s), single node`, engine, unit, baseline, 'goal: >= 0.8x the loop'))
      results.push({ name: baseline.name, value: loop, unit })
    }
  } finally {
    await single.stop()
  }
  const cluster = await startNatsCluster()
  try {
    for (const hops of [1, 3]) {
      const loop = await loopRate(cluster.urls, 3, hops)
      const engine = await engineRate(cluster.urls, 3, hops)
      const baseline = { name: `hand-written jetstream loop, ${hops} hop(s), R3 cluster`, value: loop }
      results.push(compared(`jetstream engine, ${hops} hop(s), R3 cluster`, engine, unit, baseline, 'goal: >= 0.8x the loop'))
      results.push({ name: baseline.name, value: loop, unit })
    }
  } finally {
    await cluster.stop()
  }
  return results
}
