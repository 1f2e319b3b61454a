// What a generated worker entrypoint (`generated/workers/<app>.<pipeline>.ts`) runs: parse the
// flags, check the pipeline against the manifest, start its stages on the chosen engine.
// memory: JSON lines in on stdin, outputs out on stdout, dead letters on stderr, exit when drained.
// redis/bullmq: run the stage workers until SIGTERM/SIGINT, then stop gracefully.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Pipeline } from '../../dsl/pipeline-types.js'
import { StairsError } from '../../errors.js'
import { planPipeline } from '../../plan/planner.js'
import { ENGINES, type EngineName, type ProjectConfig, projectConfigSchema } from '../../project/config.js'
import { CONFIG_FILE, findProjectRoot, importTs } from '../../project/load-project.js'
import { startRun } from '../engine-registry.js'
import type { PipelineRun } from '../engine-types.js'
import { findManifestPipeline, loadManifest, ManifestError, type ManifestPipeline } from '../manifest.js'

export interface WorkerMainOptions<In> {
  /** The pipeline to run (undefined when the app no longer declares it: reported as stale). */
  pipeline: Pipeline<In, unknown, unknown> | undefined
  app: string
  name: string
  /** `generated/manifest.json` (a path or a file URL). */
  manifest: string | URL
  /** Command-line flags: `--engine`, `--concurrency`, `--redis-url`, `--prefix`. */
  argv: readonly string[]
  /** Streams, for tests; the process's by default. */
  stdin?: NodeJS.ReadableStream
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
  /** Resolves when a Redis-engine worker should stop (default: SIGTERM or SIGINT). */
  stopSignal?: Promise<void>
}

export interface WorkerFlags {
  engine: EngineName | undefined
  concurrency: number | undefined
  redisUrl: string | undefined
  prefix: string | undefined
}

/** Parses the worker flags; throws a StairsError naming the bad flag. */
export function parseWorkerFlags(argv: readonly string[]): WorkerFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      engine: { type: 'string' },
      concurrency: { type: 'string' },
      'redis-url': { type: 'string' },
      prefix: { type: 'string' },
    },
    strict: true,
  })
  const engine = values.engine
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine))
    throw new StairsError('CONFIG', `--engine must be one of ${ENGINES.join(', ')}, got '${engine}'`)
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
    throw new StairsError('CONFIG', `--concurrency must be a positive integer, got '${values.concurrency}'`)
  return { engine: engine as EngineName | undefined, concurrency, redisUrl: values['redis-url'], prefix: values.prefix }
}

/** The manifest's stages must be the ones the pipeline builds now; otherwise generated/ is stale. */
function checkAgainstManifest(pipeline: Pipeline<unknown, unknown, unknown>, entry: ManifestPipeline, file: string): void {
  const built = planPipeline(pipeline.graph()).stages.map((s) => s.id)
  const listed = entry.stages.map((s) => s.id)
  if (built.join('\n') !== listed.join('\n')) {
    throw new ManifestError(
      `${file}: pipeline '${pipeline.app}.${pipeline.name}' now has stages [${built.join(', ')}] but the manifest lists [${listed.join(', ')}]: run 'stairs codegen'`,
      file,
    )
  }
}

async function readConfig(manifestFile: string): Promise<ProjectConfig | undefined> {
  const root = findProjectRoot(path.dirname(manifestFile))
  if (!root || !existsSync(path.join(root, CONFIG_FILE))) return undefined
  const parsed = projectConfigSchema.safeParse((await importTs(path.join(root, CONFIG_FILE))).default)
  if (!parsed.success) throw new StairsError('CONFIG', `${CONFIG_FILE}: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  return parsed.data
}

const waitForSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGTERM', () => resolve())
    process.once('SIGINT', () => resolve())
  })

/**
 * Runs one pipeline's stages as a worker process. Returns the exit code (also set on
 * `process.exitCode`): 0 when the run finished or stopped cleanly, 1 on a startup error.
 */
export async function runWorkerMain<In>(options: WorkerMainOptions<In>): Promise<number> {
  const stderr = options.stderr ?? process.stderr
  const manifestFile = options.manifest instanceof URL ? fileURLToPath(options.manifest) : options.manifest
  try {
    const flags = parseWorkerFlags(options.argv)
    const manifest = loadManifest(manifestFile)
    const entry = findManifestPipeline(manifest, options.app, options.name, manifestFile)
    const pipeline = options.pipeline as Pipeline<unknown, unknown, unknown> | undefined
    if (!pipeline)
      throw new ManifestError(
        `${manifestFile}: app '${options.app}' no longer declares pipeline '${options.name}': run 'stairs codegen'`,
        manifestFile,
      )
    checkAgainstManifest(pipeline, entry, manifestFile)
    const config = await readConfig(manifestFile)
    const engine = flags.engine ?? config?.engine ?? 'memory'
    const concurrency = flags.concurrency ?? config?.concurrency ?? 1
    const code =
      engine === 'memory'
        ? await runOnMemory(pipeline, concurrency, options)
        : await runOnRedis(engine, pipeline, entry, { concurrency, config, flags, options })
    process.exitCode = code
    return code
  } catch (error) {
    stderr.write(`stairs worker ${options.app}.${options.name}: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
    return 1
  }
}

async function runOnMemory(
  pipeline: Pipeline<unknown, unknown, unknown>,
  concurrency: number,
  options: WorkerMainOptions<unknown>,
): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const key = `${pipeline.app}.${pipeline.name}`
  const run = await startRun('memory', [pipeline], {
    concurrency,
    onOutput: (_pipeline, record) => {
      stdout.write(`${JSON.stringify(record)}\n`)
    },
  })
  let lineNumber = 0
  let badLines = 0
  try {
    for await (const line of createInterface({ input: options.stdin ?? process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNumber++
      if (line.trim() === '') continue
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch (error) {
        badLines++
        stderr.write(`${JSON.stringify({ line: lineNumber, error: `not JSON: ${(error as Error).message}` })}\n`)
        continue
      }
      await run.push(key, record)
    }
    await run.drain()
  } finally {
    await run.stop()
  }
  for (const dead of await run.deadLetters()) stderr.write(`${JSON.stringify(dead)}\n`)
  if (badLines) stderr.write(`stairs worker ${key}: ${badLines} line(s) were not JSON and were skipped\n`)
  return 0
}

async function runOnRedis(
  engine: EngineName,
  pipeline: Pipeline<unknown, unknown, unknown>,
  entry: ManifestPipeline,
  context: { concurrency: number; config: ProjectConfig | undefined; flags: WorkerFlags; options: WorkerMainOptions<unknown> },
): Promise<number> {
  const { flags, config, options } = context
  const stderr = options.stderr ?? process.stderr
  const url = flags.redisUrl ?? process.env.REDIS_URL ?? config?.redis.url ?? 'redis://127.0.0.1:6379'
  const prefix = flags.prefix ?? config?.redis.prefix ?? 'stairs'
  const contracts = Object.fromEntries(entry.stages.map((s) => [s.queue, s.contract]))
  const run: PipelineRun = await startRun(engine, [pipeline], {
    concurrency: context.concurrency,
    redis: { url, prefix },
    workers: true,
    contracts,
  })
  stderr.write(
    `stairs worker ${pipeline.app}.${pipeline.name}: running ${entry.stages.length} stage(s) on ${engine}; SIGTERM or Ctrl-C stops\n`,
  )
  await (options.stopSignal ?? waitForSignal())
  stderr.write(`stairs worker ${pipeline.app}.${pipeline.name}: stopping (finishing in-flight records)\n`)
  await run.stop()
  return 0
}
