// The out-of-tree postgres engine through the real CLI and generated workers, in a user-like
// workspace (test/support/engine-package.ts): `stairs codegen` and `stairs pipelines:run` in a
// project whose stairs.config.ts registers the engine from its package; generated worker
// entrypoints as separate processes, one killed with SIGKILL mid-batch while another finishes the
// work: every record reaches the consumer queue exactly once (ack and forward commit together).
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PipelineRun, registerEngine, startRun } from '../src/runtime/index.js'
import { orders } from './fixtures/engine-project/apps/shop.js'
import { cliEnv, collect, runCli, startCli } from './support/cli.js'
import { dropSchema, type EngineWorkspace, engineWorkspace, freshSchema, importEngine, PG_URL, query } from './support/engine-package.js'

let workspace: EngineWorkspace
const schemas: string[] = []

beforeAll(async () => {
  workspace = engineWorkspace()
  registerEngine(await importEngine(workspace))
  const codegen = await runCli('stairs', ['codegen'], { cwd: workspace.project })
  expect(codegen.stderr + codegen.stdout).toContain('generated/workers/shop.orders.ts')
  expect(codegen.code).toBe(0)
}, 120_000)

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
  workspace?.cleanup()
})

const schemaFor = (label: string): string => {
  const schema = freshSchema(label)
  schemas.push(schema)
  return schema
}

/** A producer-side run on the schema (no workers): what the test pushes through. */
const producer = (schema: string, options: { dedupeWindowMs?: number } = {}): Promise<PipelineRun> =>
  startRun('postgres', [orders], { settings: { url: PG_URL, schema }, workers: false, ...options })

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const output = (child: ChildProcess): (() => string) => {
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk
  })
  return () => text
}

const ledgerRows = async (schema: string) =>
  query<{ order: number }>(`SELECT (body::json->>'order')::int AS order FROM "${schema}".messages WHERE queue = 'consumer:shop.ledger'`)

describe('postgres engine in a project (registerEngine in stairs.config.ts)', () => {
  it('stairs pipelines:run serves the stages on it until SIGTERM', async () => {
    const schema = schemaFor('cli')
    const cli = startCli('stairs', ['pipelines:run', 'shop.orders', '--concurrency', '2'], {
      cwd: workspace.project,
      env: { STAIRS_PG_SCHEMA: schema },
    })
    const done = collect(cli)
    const run = await producer(schema)
    try {
      await run.feed(
        'shop.orders',
        Array.from({ length: 20 }, (_, i) => ({ order: i, amount: i < 2 ? 0 : 10 + i, country: 'FR' })),
      )
      await until('the CLI workers to process every record', async () => (await run.stats())[0]?.counters.out === 18)
    } finally {
      await run.stop()
    }
    cli.kill('SIGTERM')
    const result = await done
    expect(result.stderr).not.toMatch(/error/i)
    expect(result.stdout).toContain('running 2 stage(s) on postgres at postgres://postgres@127.0.0.1:5432/test (schema')
    expect(result.stdout).toContain('shop.orders (totals of the queues so far): 20 in, 18 out, 2 filtered, 0 dead-lettered')
    expect(result.code).toBe(0)
    expect((await ledgerRows(schema)).length).toBe(18)
  }, 120_000)

  it('a generated worker killed with SIGKILL mid-batch: another worker process takes its records after the lease, each reaches the consumer once', async () => {
    const schema = schemaFor('kill')
    const worker = (delayMs: number): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', path.join('generated/workers/shop.orders.ts')], {
        cwd: workspace.project,
        env: cliEnv({ STAIRS_PG_SCHEMA: schema, SHOP_DELAY_MS: String(delayMs), SHOP_LEASE_MS: '1500' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    const total = 120
    const run = await producer(schema)
    const first = worker(25)
    const firstOutput = output(first)
    const firstExit = new Promise((resolve) => first.once('exit', resolve))
    let second: ChildProcess | undefined
    try {
      await run.feed(
        'shop.orders',
        Array.from({ length: total }, (_, i) => ({ order: i, amount: 10 + i, country: 'DE' })),
      )
      // Kill it while it holds a claimed batch of the slow stage and some records went through.
      await until('the first worker to be mid-batch', async () => {
        const held = await query<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}".messages WHERE queue = 'shop.orders.pace' AND lease IS NOT NULL AND visible_at > now()`,
        )
        return Number(held[0]?.n) > 0 && (await ledgerRows(schema)).length >= 20
      })
      first.kill('SIGKILL')
      await firstExit
      const before = (await ledgerRows(schema)).length
      expect(before).toBeLessThan(total)
      second = worker(0)
      const secondOutput = output(second)
      await until(
        'the second worker to finish the work',
        async () => (await ledgerRows(schema)).length >= total && (await run.stats())[0]?.counters.out === total,
      )
      await run.drain()
      const orderIds = (await ledgerRows(schema)).map((r) => r.order).sort((a, b) => a - b)
      expect(orderIds).toEqual(Array.from({ length: total }, (_, i) => i))
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: total, out: total, deadLettered: 0 })
      expect(stats?.stages.map((s) => s.counters.processed)).toEqual([total, total])
      const exited = new Promise<number | null>((resolve) => second?.once('exit', resolve))
      second.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(secondOutput()).toContain('stairs worker shop.orders: workers stopped')
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL')
      if (second && second.exitCode === null && second.signalCode === null) second.kill('SIGKILL')
      await run.stop()
    }
    expect(firstOutput()).toContain('running 2 stage(s) on postgres')
  }, 180_000)

  it('inspect:status, dlq:list, dlq:replay and consumer:standalone work on its tables', async () => {
    const schema = schemaFor('ops')
    const run = await startRun('postgres', [orders], { settings: { url: PG_URL, schema }, retry: { attempts: 1, backoffMs: 1 } })
    try {
      await run.feed('shop.orders', [
        { order: 1, amount: 10, country: 'DE' },
        { order: 2, amount: 20, country: 'XX' },
      ])
      await run.drain()
    } finally {
      await run.stop()
    }
    const env = { STAIRS_PG_SCHEMA: schema }
    const cwd = workspace.project
    const status = await runCli('stairs', ['inspect:status', '--interval', '50'], { cwd, env })
    expect(status.stderr).toBe('')
    expect(status.stdout).toContain('shop.orders.input')
    expect(status.stdout).toContain('shop.orders.pace')
    expect(status.code).toBe(0)
    const list = await runCli('stairs', ['dlq:list', '--json'], { cwd, env })
    const letters = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stage: string; attempts: number; error: { message: string } })
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({ stage: 'input', attempts: 1 })
    expect(letters[0]?.error.message).toContain("no tax rate for country 'XX'")
    const replay = await runCli('stairs', ['dlq:replay'], { cwd, env })
    expect(replay.code).toBe(0)
    expect((await query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".dead_letters`))[0]?.n).toBe('0')
    const consumer = await runCli('stairs', ['consumer:standalone', 'shop.ledger', '--until-empty'], { cwd, env })
    expect(consumer.stderr).toContain('consumer shop.ledger: 1 records handled')
    expect(consumer.code).toBe(0)
    expect(await ledgerRows(schema)).toEqual([])
  }, 120_000)
})
