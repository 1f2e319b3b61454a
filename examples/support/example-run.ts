// What every example's run.ts shares: start its pipelines on memory (stages in this process) or on
// a Redis engine (stages in generated worker processes, this process only produces and consumes),
// wait until every record is settled, and stop the workers.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { AnyPipeline } from '../../src/index.js'
import type { EngineName } from '../../src/project/config.js'
import { type PipelineRun, type PipelineStats, type RedisSettings, startRun } from '../../src/runtime/index.js'

/** The repository root (where `generated/` lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ExampleOptions {
  /** `memory` (default): one process. `redis`/`bullmq`: generated worker processes. */
  engine?: EngineName
  /** Redis engines: where, and under which key prefix. */
  redis?: RedisSettings
  /** Redis engines: worker processes started per pipeline entrypoint (default 1). */
  workers?: number
  /** Where the example writes its files. */
  outDir?: string
  /** Progress lines (default: none). */
  log?: (line: string) => void
  /** Redis engines: delete the prefix's keys once stopped (a prefix made for this run only). */
  deletePrefixAfter?: boolean
}

/** A started example run: the producer-side run, where consumer queues live, and a stop. */
export interface ExampleRun {
  readonly run: PipelineRun
  /** Consumer queues: the run itself on memory, the Redis settings otherwise. */
  readonly consumerSource: PipelineRun | RedisSettings
  /** Waits until every record pushed so far is out, filtered or dead-lettered. */
  settle(): Promise<PipelineStats[]>
  /** Stops the run and the worker processes (SIGTERM, then waits for them to exit). */
  stop(): Promise<void>
}

/** Parses the flags every example's run.ts takes: `--engine`, `--redis-url`, `--prefix`, `--workers`, `--out`. */
export function parseExampleFlags(
  argv: readonly string[],
  defaultOut: string,
): Required<Omit<ExampleOptions, 'redis' | 'log'>> & ExampleOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      engine: { type: 'string', default: 'memory' },
      'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: { type: 'string' },
      workers: { type: 'string', default: '1' },
      out: { type: 'string', default: defaultOut },
    },
    strict: true,
  })
  const engine = values.engine as EngineName
  if (!['memory', 'redis', 'bullmq'].includes(engine)) throw new Error(`--engine must be memory, redis or bullmq, got '${engine}'`)
  const workers = Number(values.workers)
  if (!(Number.isInteger(workers) && workers > 0)) throw new Error(`--workers must be a positive integer, got '${values.workers}'`)
  // Without --prefix, a run gets keys of its own (counters start at zero) and deletes them after.
  const prefix = values.prefix ?? `stairs-examples-${Date.now().toString(36)}-${process.pid}`
  return {
    engine,
    workers,
    outDir: path.resolve(values.out),
    redis: { url: values['redis-url'], prefix },
    deletePrefixAfter: values.prefix === undefined,
    log: (line) => console.log(line),
  }
}

/** The generated entrypoint of a pipeline: `generated/workers/<app>.<pipeline>.ts`. */
export const workerEntrypoint = (pipeline: AnyPipeline): string =>
  path.join(REPO_ROOT, 'generated/workers', `${pipeline.app}.${pipeline.name}.ts`)

interface WorkerProcess {
  readonly child: ChildProcess
  readonly exit: Promise<number | null>
  stderr: string
}

function spawnWorker(entrypoint: string, engine: EngineName, redis: RedisSettings): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', entrypoint, '--engine', engine, '--redis-url', redis.url, '--prefix', redis.prefix ?? 'stairs'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const worker: WorkerProcess = { child, exit: new Promise((resolve) => child.on('close', resolve)), stderr: '' }
  child.stderr?.on('data', (chunk: Buffer) => {
    worker.stderr += chunk.toString()
  })
  return worker
}

async function waitForStart(worker: WorkerProcess, entrypoint: string): Promise<void> {
  for (;;) {
    if (worker.stderr.includes('stage(s) on')) return
    if (worker.child.exitCode !== null)
      throw new Error(`worker ${path.relative(REPO_ROOT, entrypoint)} exited with ${worker.child.exitCode}: ${worker.stderr.trim()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts `pipelines` for an example. On memory the stages run here; on a Redis engine `workers`
 * processes of each `entrypoints` pipeline's generated worker run them, and this process only pushes.
 */
export async function startExample(
  pipelines: readonly AnyPipeline[],
  entrypoints: readonly AnyPipeline[],
  options: ExampleOptions,
): Promise<ExampleRun> {
  const engine = options.engine ?? 'memory'
  if (engine === 'memory') {
    const run = await startRun('memory', pipelines)
    return { run, consumerSource: run, settle: () => settle(run), stop: () => run.stop() }
  }
  const redis = options.redis ?? { url: 'redis://127.0.0.1:6379', prefix: 'stairs-examples' }
  const workers: WorkerProcess[] = []
  const stopWorkers = async () => {
    for (const worker of workers) worker.child.kill('SIGTERM')
    await Promise.all(workers.map((worker) => worker.exit))
  }
  try {
    for (const pipeline of entrypoints) {
      const entrypoint = workerEntrypoint(pipeline)
      for (let i = 0; i < (options.workers ?? 1); i++) workers.push(spawnWorker(entrypoint, engine, redis))
      await Promise.all(workers.slice(-(options.workers ?? 1)).map((worker) => waitForStart(worker, entrypoint)))
    }
    options.log?.(`${workers.length} worker process(es) running on ${engine} under prefix '${redis.prefix}'`)
    const run = await startRun(engine, pipelines, { redis, workers: false })
    return {
      run,
      consumerSource: redis,
      settle: () => settle(run),
      stop: async () => {
        await run.stop()
        await stopWorkers()
        if (options.deletePrefixAfter) await deleteKeys(redis)
      },
    }
  } catch (error) {
    await stopWorkers()
    throw error
  }
}

/** Deletes every key under `prefix:` (SCAN, then UNLINK in batches). */
async function deleteKeys({ url, prefix }: RedisSettings): Promise<void> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix ?? 'stairs'}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await client.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
}

/** Drains, then checks the counters: every record accepted is out, filtered or dead-lettered. */
async function settle(run: PipelineRun): Promise<PipelineStats[]> {
  for (;;) {
    await run.drain()
    const stats = await run.stats()
    if (stats.every(({ counters: c }) => c.out + c.filtered + c.deadLettered - c.rejected >= c.in)) return stats
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
