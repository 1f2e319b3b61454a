// What a generated worker entrypoint (`generated/workers/<app>.<pipeline>.ts`) runs: read the
// project config next to the manifest, parse the flags, check the pipeline against the manifest,
// then run through the same host as `stairs pipelines:run`: on an engine whose queues outlive a
// process, serve the stage workers until SIGTERM/SIGINT; on memory, JSON lines in on stdin,
// outputs out on stdout, dead letters on stderr, exit when drained.
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Pipeline } from '../../dsl/pipeline-types.js'
import { errorMessage, StairsError } from '../../errors.js'
import { planPipeline } from '../../plan/planner.js'
import type { ProjectConfig } from '../../project/config.js'
import { loadConfigNear } from '../../project/load-project.js'
import type { PipelineRun } from '../engine-types.js'
import { findManifestPipeline, loadManifest, ManifestError, type ManifestPipeline } from '../manifest.js'
import { chooseEngine, engineFlags } from './engine-choice.js'
import { manifestContracts } from './manifest-contracts.js'
import { runInProcess } from './run-in-process.js'
import { serveWorkers } from './serve-workers.js'

export interface WorkerMainOptions<In> {
  /** The pipeline to run (undefined when the app no longer declares it: reported as stale). */
  pipeline: Pipeline<In, unknown, unknown> | undefined
  app: string
  name: string
  /** `generated/manifest.json` (a path or a file URL). */
  manifest: string | URL
  /** Command-line flags: `--engine`, `--concurrency`, and every engine's flags (`--redis-url`, `--prefix`, ...). */
  argv: readonly string[]
  /** Streams, for tests; the process's by default. */
  stdin?: NodeJS.ReadableStream
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
  /** Resolves when workers on a server engine should stop (default: SIGTERM or SIGINT). */
  stopSignal?: Promise<void>
}

interface WorkerFlags {
  readonly engine: string | undefined
  readonly concurrency: number | undefined
  readonly engineFlags: Record<string, string | undefined>
}

/** Parses the worker flags; throws a StairsError naming the bad flag. */
function parseWorkerFlags(argv: readonly string[]): WorkerFlags {
  const flags = engineFlags()
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        engine: { type: 'string' },
        concurrency: { type: 'string' },
        ...Object.fromEntries(flags.map((f) => [f.flag, { type: 'string' as const }])),
      },
      strict: true,
    }).values
  } catch (error) {
    throw new StairsError(
      'CONFIG',
      `${errorMessage(error)}; the flags are --engine, --concurrency${flags.map((f) => `, --${f.flag}`).join('')}`,
    )
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
    throw new StairsError('CONFIG', `--concurrency must be a positive integer, got '${values.concurrency}'`)
  return {
    engine: values.engine as string | undefined,
    concurrency,
    engineFlags: Object.fromEntries(flags.map((f) => [f.flag, values[f.flag] as string | undefined])),
  }
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

/** The project's config (found from the manifest's folder upwards), or defaults without one. */
async function readConfig(manifestFile: string): Promise<ProjectConfig> {
  const config = await loadConfigNear(path.dirname(manifestFile))
  if (config) return config
  return { apps: [], engine: 'memory', concurrency: 1, generated: 'generated' }
}

/**
 * Runs one pipeline's stages as a worker process. Returns the exit code (also set on
 * `process.exitCode`): 0 when the run finished or stopped cleanly, 1 on a startup error, 2 on a
 * wrong flag or setting.
 */
export async function runWorkerMain<In>(options: WorkerMainOptions<In>): Promise<number> {
  const stderr = options.stderr ?? process.stderr
  const label = `stairs worker ${options.app}.${options.name}`
  const manifestFile = options.manifest instanceof URL ? fileURLToPath(options.manifest) : options.manifest
  let code: number
  try {
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
    const flags = parseWorkerFlags(options.argv)
    const choice = chooseEngine(config, { engine: flags.engine, flags: flags.engineFlags })
    const concurrency = flags.concurrency ?? config.concurrency
    const log = (line: string) => stderr.write(`${line}\n`)
    if (choice.engine.capabilities.distributed) {
      await serveWorkers(choice, [pipeline], {
        concurrency,
        contracts: manifestContracts(manifest, [pipeline], manifestFile),
        label,
        log,
        ...(options.stopSignal ? { stopSignal: options.stopSignal.then(() => 'stop') } : {}),
      })
    } else await runOnStdin(choice, pipeline, concurrency, options)
    code = 0
  } catch (error) {
    stderr.write(`${label}: ${errorMessage(error)}\n`)
    code = error instanceof StairsError && error.code === 'CONFIG' ? 2 : 1
  }
  process.exitCode = code
  return code
}

/** An in-process engine: records as JSON lines on stdin, outputs on stdout, dead letters on stderr. */
async function runOnStdin(
  choice: Parameters<typeof runInProcess>[0],
  pipeline: Pipeline<unknown, unknown, unknown>,
  concurrency: number,
  options: WorkerMainOptions<unknown>,
): Promise<void> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const key = `${pipeline.app}.${pipeline.name}`
  let badLines = 0
  const feed = async (run: PipelineRun, signal: AbortSignal): Promise<void> => {
    let lineNumber = 0
    for await (const line of createInterface({ input: options.stdin ?? process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNumber++
      if (signal.aborted) break
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
  }
  const { deadLetters } = await runInProcess(choice, [pipeline], {
    concurrency,
    feed,
    standaloneConsumers: false,
    onOutput: (_pipeline, record) => {
      stdout.write(`${JSON.stringify(record)}\n`)
    },
  })
  for (const dead of deadLetters) stderr.write(`${JSON.stringify(dead)}\n`)
  if (badLines) stderr.write(`stairs worker ${key}: ${badLines} line(s) were not JSON and were skipped\n`)
}
