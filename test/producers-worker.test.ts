// Acceptance 2: a worker producer read by 3 concurrent `process` runs (real child processes), one
// SIGKILLed in the middle of a batch and not restarted: its batch is claimed again after the
// lease, and every row reaches the sink exactly once after de-duplication by message id.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initWorkerProducer, workerProducerStatus } from '../src/runtime/index.js'
import { availableEngines, type EngineRun, startEngine } from './support/producer-engines.js'
import { BATCHES, numbers, ROWS_PER_BATCH, rows } from './support/worker-producer-app.js'

const CHILD = path.join(import.meta.dirname, 'support', 'worker-producer-child.ts')
const redisEngines = (await availableEngines()).filter((engine) => engine !== 'memory')

interface Child {
  readonly process: ChildProcess
  readonly lines: Record<string, unknown>[]
  readonly exited: Promise<number | null>
  /** Resolves with the first line that has this key. */
  next(key: string): Promise<Record<string, unknown>>
}

function startChild(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Record<string, unknown>[] = []
  const waiters: { key: string; resolve: (line: Record<string, unknown>) => void }[] = []
  let buffer = ''
  let errors = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, at)) as Record<string, unknown>
      buffer = buffer.slice(at + 1)
      lines.push(line)
      for (const waiter of waiters.filter((w) => w.key in line)) waiter.resolve(line)
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code) console.error(`worker-producer child exited with ${code}: ${errors}`)
      resolve(code)
    }),
  )
  return {
    process: child,
    lines,
    exited,
    next: (key) => {
      const seen = lines.find((line) => key in line)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiters.push({ key, resolve })
        void exited.then(() => reject(new Error(`child exited before printing '${key}': ${errors}`)))
      })
    },
  }
}

describe.each(redisEngines)('worker producer on %s', (engine) => {
  let sink: EngineRun
  let client: Redis
  const outputs: { id: string; record: { batch: number; i: number; squared: number } }[] = []

  beforeAll(async () => {
    sink = await startEngine(
      engine,
      [rows],
      { onOutput: (_p, record, id) => outputs.push({ id, record: record as never }) },
      'worker-producer',
    )
    client = new Redis(sink.redis?.url as string)
  })
  afterAll(async () => {
    client?.disconnect()
    await sink?.close()
  })

  it('3 processes, one SIGKILLed mid-batch: every row reaches the sink exactly once', { timeout: 60_000 }, async () => {
    const settings = sink.redis as NonNullable<typeof sink.redis>
    expect(await initWorkerProducer(numbers, sink.admin)).toEqual({ created: true, total: BATCHES })
    // Idempotent: a second init changes nothing.
    expect(await initWorkerProducer(numbers, sink.admin)).toEqual({ created: false, total: BATCHES })

    const rawKey = `${settings.prefix}:test:raw-pushes`
    const args = [engine, settings.url, settings.prefix as string, rawKey]
    const victim = startChild(args, { STAIRS_TEST_VICTIM: '1' })
    const others = [startChild(args, {}), startChild(args, {})]
    const midway = await victim.next('midway')
    victim.process.kill('SIGKILL')
    expect(await victim.exited).toBeNull()
    expect(await Promise.all(others.map((o) => o.exited))).toEqual([0, 0])

    const status = await workerProducerStatus(numbers, sink.admin)
    expect(status).toMatchObject({ total: BATCHES, done: BATCHES, leased: 0 })
    expect(status.reclaimed).toBeGreaterThanOrEqual(1)
    const results = others.map((o) => (o.lines.find((l) => 'result' in l) as { result: { batches: number; reclaimed: number } }).result)
    expect(results.reduce((n, r) => n + r.batches, 0)).toBe(BATCHES)
    expect(results.reduce((n, r) => n + r.reclaimed, 0)).toBeGreaterThanOrEqual(1)

    await sink.run.drain()
    const seen = new Set(outputs.map(({ record }) => `${record.batch}:${record.i}`))
    expect(seen.size).toBe(BATCHES * ROWS_PER_BATCH)
    expect(outputs).toHaveLength(BATCHES * ROWS_PER_BATCH)
    expect(outputs.find(({ record }) => record.batch === 7 && record.i === 3)).toMatchObject({
      id: 'numbers:7:3',
      record: { squared: (7 * ROWS_PER_BATCH + 3) ** 2 },
    })

    const raw = Number(await client.get(rawKey))
    const duplicates = raw - BATCHES * ROWS_PER_BATCH
    const counters = (await sink.run.stats())[0]?.counters
    console.log(
      `[${engine}] worker producer: batch ${midway.midway} killed midway; raw pushes ${raw}, raw duplicates ${duplicates}, dropped by id ${counters?.duplicates ?? 'not counted by the engine'}, pipeline 'in' counter ${counters?.in}, reclaimed ${status.reclaimed}`,
    )
    // The victim pushed 100 rows of its batch before dying; the batch was pushed again in full.
    expect(duplicates).toBeGreaterThanOrEqual(100)
    if (counters?.duplicates !== undefined) expect(counters.duplicates).toBe(duplicates)
  })
})
