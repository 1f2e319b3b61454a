// Records per second per hop on the out-of-tree postgres engine (test/fixtures/engine-package,
// loaded from a user-like install) for 1 and 3 hops, beside a hand-written pg loop doing the same
// work in the same run on the same database: one queue table, claim a batch with FOR UPDATE SKIP
// LOCKED, run n -> n + 1, then delete the batch and insert it into the next queue in one
// transaction. Each run uses its own schema, dropped after.
import pg from 'pg'
import { z } from 'zod'
import { App, type DataFrame } from '../src/index.js'
import { registerEngine, startRun } from '../src/runtime/index.js'
import { dropSchema, engineWorkspace, freshSchema, importEngine, PG_URL } from '../test/support/engine-package.js'
import { type BenchResult, compared, median } from './harness.js'

const RECORDS = Number(process.env.STAIRS_BENCH_PG_RECORDS ?? 10_000)
const RUNS = Number(process.env.STAIRS_BENCH_RUNS ?? 3)
const BATCH = 200

type R = { n: number }
const step = ({ n }: R): R => ({ n: n + 1 })

function hopsPipeline(hops: number) {
  const app = new App(`bench_pg_${hops}`)
  return app.pipeline('hops', { input: z.object({ n: z.number() }) }, (_p, record) => {
    let h: DataFrame<R> = record.applyFunc(step, { name: 'hop0' })
    for (let i = 1; i < hops; i++) h = h.applyFunc(step, { name: `hop${i}`, asWorker: true })
    return h
  })
}

async function engineRate(hops: number): Promise<number> {
  const pipeline = hopsPipeline(hops)
  const records = Array.from({ length: RECORDS }, (_, n) => ({ n }))
  const rates: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const schema = freshSchema('bench')
    let out = 0
    const run = await startRun('postgres', [pipeline], {
      settings: { url: PG_URL, schema, batchSize: BATCH, pollMs: 50 },
      onOutput: () => {
        out++
      },
    })
    const start = performance.now()
    try {
      await run.feed(`${pipeline.app}.${pipeline.name}`, records)
      await run.drain()
      if (out !== RECORDS) throw new Error(`postgres engine: ${out} of ${RECORDS} records came out`)
      rates.push((RECORDS * hops) / ((performance.now() - start) / 1000))
    } finally {
      await run.stop()
      await dropSchema(schema)
    }
  }
  return median(rates)
}

/** The same work written against pg directly: one worker per hop on its own connection. */
async function loopRate(hops: number): Promise<number> {
  const rates: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const schema = freshSchema('loop')
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    const table = `"${schema}".q`
    await admin.query(`CREATE SCHEMA "${schema}"`)
    await admin.query(`CREATE TABLE ${table} (seq bigserial PRIMARY KEY, queue int NOT NULL, body text NOT NULL)`)
    await admin.query(`CREATE INDEX ON ${table} (queue, seq)`)
    const start = performance.now()
    let done = 0
    const loops = Array.from({ length: hops }, async (_, i) => {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      while (done < RECORDS) {
        await client.query('BEGIN')
        const { rows } = await client.query<{ seq: string; body: string }>(
          `SELECT seq, body FROM ${table} WHERE queue = $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [i, BATCH],
        )
        if (rows.length === 0) {
          await client.query('COMMIT')
          await new Promise((resolve) => setTimeout(resolve, 5))
          continue
        }
        const next = rows.map((row) => JSON.stringify(step(JSON.parse(row.body) as R)))
        await client.query(`DELETE FROM ${table} WHERE seq = ANY($1::bigint[])`, [rows.map((row) => row.seq)])
        if (i + 1 < hops) await client.query(`INSERT INTO ${table} (queue, body) SELECT $1, * FROM unnest($2::text[])`, [i + 1, next])
        await client.query('COMMIT')
        if (i + 1 === hops) done += rows.length
      }
      await client.end()
    })
    for (let from = 0; from < RECORDS; from += 500) {
      const bodies = Array.from({ length: Math.min(500, RECORDS - from) }, (_, k) => JSON.stringify({ n: from + k }))
      await admin.query(`INSERT INTO ${table} (queue, body) SELECT 0, * FROM unnest($1::text[])`, [bodies])
    }
    await Promise.all(loops)
    rates.push((RECORDS * hops) / ((performance.now() - start) / 1000))
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`)
    await admin.end()
  }
  return median(rates)
}

export default async function (): Promise<BenchResult[]> {
  const workspace = engineWorkspace()
  const results: BenchResult[] = []
  try {
    registerEngine(await importEngine(workspace))
    for (const hops of [1, 3]) {
      const loop = await loopRate(hops)
      const engine = await engineRate(hops)
      const baseline = { name: `hand-written pg SKIP LOCKED loop, ${hops} hop(s)`, value: loop }
      results.push(compared(`postgres engine (out of tree), ${hops} hop(s)`, engine, 'hop-records/s', baseline))
      results.push({ name: baseline.name, value: loop, unit: 'hop-records/s' })
    }
  } finally {
    workspace.cleanup()
  }
  return results
}
