// What every example's run.ts shares: start its pipelines on memory (stages in this process) or on
// a Redis engine (stages in generated worker processes, this process only produces and consumes),
// wait until every record is settled, and stop the workers.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { AnyPipeline } from '../../src/index.js'
import { chooseEngine, type EngineChoice, engineFlags } from '../../src/runtime/host/engine-choice.js'
import { connectAdmin, findEngine, type PipelineRun, type PipelineStats } from '../../src/runtime/index.js'

/** The repository root (where `generated/` lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ExampleOptions {
  /** `memory` (default): one process. A server engine (redis, bullmq, ...): generated worker processes. */
  engine?: string
  /** The engine's flags as given on the command line, by name (`redis-url`, `prefix`, ...): passed to the workers too. */
  flags?: Readonly<Record<string, string>>
  /** Server engines: worker processes started per pipeline entrypoint (default 1). */
  workers?: number
  /** Where the example writes its files. */
  outDir?: string
  /** Progress lines (default: none). */
  log?: (line: string) => void
  /** Server engines: delete everything under the engine's prefix once stopped (a prefix made for this run only). */
  purgeAfter?: boolean
}

/** A started example run: the producer-side run, where consumer queues live, and a stop. */
export interface ExampleRun {
  readonly run: PipelineRun
  /** True when the stages run in this process (memory): consumers may read while producers send. */
  readonly inProcess: boolean
  /** Consumer queues: the run itself on memory, the engine and its settings otherwise. */
  readonly consumerSource: PipelineRun | { readonly engine: string; readonly settings: object }
  /** Waits until every record pushed so far is out, filtered or dead-lettered. */
  settle(): Promise<PipelineStats[]>
  /** Stops the run and the worker processes (SIGTERM, then waits for them to exit). */
  stop(): Promise<void>
}

/**
 * Parses the flags every example's run.ts takes: `--engine`, `--workers`, `--out`, and every
 * engine's own flags (`--redis-url`, `--prefix`, `--redis-cluster`, `--nats-url`, ...).
 */
export function parseExampleFlags(argv: readonly string[], defaultOut: string): Required<Omit<ExampleOptions, 'log'>> & ExampleOptions {
  const flags = engineFlags()
  const { values: parsed } = parseArgs({
    args: [...argv],
    options: {
      engine: { type: 'string', default: 'memory' },
      workers: { type: 'string', default: '1' },
      out: { type: 'string', default: defaultOut },
      ...Object.fromEntries(flags.map((f) => [f.flag, { type: 'string' as const }])),
    },
    strict: true,
  })
  const values = parsed as Record<string, string | undefined>
  const workers = Number(values.workers)
  if (!(Number.isInteger(workers) && workers > 0)) throw new Error(`--workers must be a positive integer, got '${values.workers}'`)
  const given: Record<string, string> = {}
  for (const { flag } of flags) if (values[flag] !== undefined) given[flag] = values[flag]
  // Without --prefix, a run on an engine that takes one gets keys of its own (counters start at
  // zero) and deletes them after.
  const takesPrefix = findEngine(values.engine as string).options?.some((option) => option.flag === 'prefix') === true
  const purgeAfter = takesPrefix && given.prefix === undefined
  if (purgeAfter) given.prefix = `stairs-examples-${Date.now().toString(36)}-${process.pid}`
  return {
    engine: values.engine as string,
    flags: given,
    workers,
    outDir: path.resolve(values.out as string),
    purgeAfter,
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

function spawnWorker(entrypoint: string, engine: string, flags: Readonly<Record<string, string>>): WorkerProcess {
  const args = Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value])
  const child = spawn(process.execPath, ['--import', 'tsx', entrypoint, '--engine', engine, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
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

/** The engine and settings an example runs on: the flags over the environment (the repo's config runs on memory). */
export const exampleEngine = (options: ExampleOptions): EngineChoice =>
  chooseEngine({ engine: 'memory' }, { engine: options.engine ?? 'memory', flags: options.flags ?? {} })

/**
 * Starts `pipelines` for an example. In-process (memory) the stages run here; on a server engine
 * `workers` processes of each `entrypoints` pipeline's generated worker run them, and this
 * process only pushes.
 */
export async function startExample(
  pipelines: readonly AnyPipeline[],
  entrypoints: readonly AnyPipeline[],
  options: ExampleOptions,
): Promise<ExampleRun> {
  const choice = exampleEngine(options)
  const { engine, settings } = choice
  if (!engine.capabilities.distributed) {
    const run = await engine.start(pipelines, settings, {})
    return { run, inProcess: true, consumerSource: run, settle: () => settle(run), stop: () => run.stop() }
  }
  const workers: WorkerProcess[] = []
  const stopWorkers = async () => {
    for (const worker of workers) worker.child.kill('SIGTERM')
    await Promise.all(workers.map((worker) => worker.exit))
  }
  try {
    for (const pipeline of entrypoints) {
      const entrypoint = workerEntrypoint(pipeline)
      for (let i = 0; i < (options.workers ?? 1); i++) workers.push(spawnWorker(entrypoint, engine.name, options.flags ?? {}))
      await Promise.all(workers.slice(-(options.workers ?? 1)).map((worker) => waitForStart(worker, entrypoint)))
    }
    options.log?.(
      `${workers.length} worker process(es) running on ${engine.name}${engine.describe ? ` at ${engine.describe(settings)}` : ''}`,
    )
    const run = await engine.start(pipelines, settings, { workers: false })
    return {
      run,
      inProcess: false,
      consumerSource: { engine: engine.name, settings },
      settle: () => settle(run),
      stop: async () => {
        await run.stop()
        await stopWorkers()
        if (options.purgeAfter) {
          const admin = await connectAdmin(engine.name, settings)
          await admin.purge?.()
          await admin.close()
        }
      },
    }
  } catch (error) {
    await stopWorkers()
    throw error
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
