// pipelines:run's library: an in-process run fed by the project's producers (or a JSON-lines
// file) until every record is done; or the stage workers of a server engine until SIGTERM/SIGINT.
// Both go through the runtime's host, as the generated worker entrypoints do.
import { createReadStream, existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { PipelineRun, PipelineStats } from '../runtime/engine-types.js'
import type { EngineChoice } from '../runtime/host/engine-choice.js'
import { manifestContracts } from '../runtime/host/manifest-contracts.js'
import { type InProcessOptions, runInProcess } from '../runtime/host/run-in-process.js'
import { serveWorkers } from '../runtime/host/serve-workers.js'
import { loadManifest } from '../runtime/manifest.js'
import { runProducer } from '../runtime/producers/run-producer.js'
import { adminToken, untilStopped } from './admin-options.js'
import { openAdmin } from './engine-options.js'
import { CliError, usageError } from './errors.js'
import { producersFeeding } from './producer-access.js'
import { createProgress } from './progress.js'
import { type CliProject, pipelineId } from './project-context.js'

export interface MemoryRunOptions {
  readonly concurrency: number
  /** A JSON-lines file fed into the (single) selected pipeline. */
  readonly input?: string | undefined
  /** Extra arguments for the producers (`-- a b`). */
  readonly args?: readonly string[]
  /** Serve the admin page for the run on this port (it stays up after the run until Ctrl-C). */
  readonly admin?: number | undefined
}

/** Runs in this process until every produced record is processed; prints a summary. */
export async function runOnMemory(
  project: CliProject,
  choice: EngineChoice,
  selected: readonly AnyPipeline[],
  options: MemoryRunOptions,
): Promise<PipelineStats[]> {
  const producers = producersFeeding(project, selected)
  if (options.input !== undefined && selected.length !== 1)
    throw usageError(`--input feeds one pipeline, but ${selected.length} are selected: name it (app.pipeline)`)
  if (producers.length === 0 && options.input === undefined) {
    throw new CliError(`nothing feeds ${selected.map(pipelineId).join(', ')}: no producer lists these pipelines`, {
      hint: 'declare one with app.producer(name, { pipelines: [...] }, generator), or pass --input FILE.jsonl',
    })
  }
  // A producer may also feed pipelines that were not selected: they run too, or its rows would fail.
  const pipelines = new Map(selected.map((p) => [pipelineId(p), p]))
  for (const producer of producers) for (const p of producer.pipelines) pipelines.set(pipelineId(p), p)

  const consumerLines: string[] = []
  let page: { close(): Promise<void> } | undefined
  const { stats, deadLetters } = await runInProcess(choice, [...pipelines.values()], {
    concurrency: options.concurrency,
    ...(options.admin !== undefined
      ? adminHooks(project, choice, [...pipelines.values()], options.admin, (opened) => (page = opened))
      : {}),
    onConsumerDone: (consumer, handled) => consumerLines.push(`consumer ${consumer.app}.${consumer.name}: ${handled} records handled`),
    feed: async (run, signal) => {
      if (options.input !== undefined) await feedFile(run, selected[0] as AnyPipeline, options.input, signal)
      for (const producer of producers) {
        const progress = createProgress(`producer ${producer.app}.${producer.name}`, { unit: 'rows' })
        const { rows } = await runProducer(producer, run, {
          args: options.args ?? [],
          signal,
          onProgress: (p) => progress.update(p.rows),
        })
        progress.finish(`producer ${producer.app}.${producer.name}: ${rows} rows sent to ${producer.pipelines.map(pipelineId).join(', ')}`)
      }
    },
  }).finally(() => page?.close())
  for (const line of consumerLines) console.error(line)
  printSummary(stats, [...pipelines.keys()])
  for (const letter of deadLetters.slice(0, 5))
    console.error(
      `dead letter ${letter.app}.${letter.pipeline} stage ${letter.stage} id ${letter.id}: ${letter.error.name}: ${letter.error.message}`,
    )
  if (deadLetters.length > 5) console.error(`... and ${deadLetters.length - 5} more dead letters`)
  return stats
}

/** Starts the admin page on the run's own admin side, and keeps the run up after it finished until Ctrl-C. */
function adminHooks(
  project: CliProject,
  choice: EngineChoice,
  pipelines: readonly AnyPipeline[],
  port: number,
  opened: (page: { close(): Promise<void> }) => void,
): Pick<InProcessOptions, 'onStart' | 'beforeStop'> {
  return {
    onStart: async (run) => {
      const admin = run.admin?.()
      if (!admin) throw new CliError(`--admin: a run on the ${choice.engine.name} engine offers no admin side (run.admin)`)
      const { serveAdminPage } = await import('./admin-page.js')
      opened(await serveAdminPage(project, admin, choice.engine.name, pipelines, { port, token: adminToken(undefined) }))
    },
    beforeStop: async (_run, signal) => {
      console.error('stairs: the run is done; the admin page stays up until Ctrl-C')
      await untilStopped(signal)
    },
  }
}

/**
 * The contract hash of each stage queue from generated/manifest.json, so that workers refuse to
 * start against queues a different version of a pipeline registered (deploy safety). Without a
 * manifest the workers start unchecked, and the command says so.
 */
function contractsOf(project: CliProject, pipelines: readonly AnyPipeline[]): Record<string, string> | undefined {
  const file = path.join(project.root, project.config.generated, 'manifest.json')
  if (!existsSync(file)) {
    console.error(`note: no ${path.relative(project.root, file)}: workers start without the contract check (run 'stairs codegen')`)
    return undefined
  }
  return manifestContracts(loadManifest(file), pipelines, file)
}

/** One line per pipeline; `ids` (app.pipeline, in the order the run was started with) name them. */
export function printSummary(stats: readonly PipelineStats[], ids: readonly string[], label?: string): void {
  stats.forEach(({ pipeline, counters }, i) => {
    const id = ids[i]?.endsWith(`.${pipeline}`) ? ids[i] : pipeline
    console.log(
      `${id}${label ? ` (${label})` : ''}: ${counters.in} in, ${counters.out} out, ${counters.filtered} filtered, ${counters.deadLettered} dead-lettered`,
    )
  })
}

async function feedFile(run: PipelineRun, pipeline: AnyPipeline, file: string, signal: AbortSignal): Promise<void> {
  const absolute = path.resolve(file)
  if (!existsSync(absolute)) throw usageError(`--input ${file}: no such file (${absolute})`)
  const progress = createProgress(`input ${path.basename(file)}`, { unit: 'rows' })
  const lines = createInterface({ input: createReadStream(absolute), crlfDelay: Number.POSITIVE_INFINITY })
  let rows = 0
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (signal.aborted) break
    if (!line.trim()) continue
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch (error) {
      throw new CliError(`${file}:${lineNumber}: not JSON (${(error as Error).message})`)
    }
    await run.push(pipelineId(pipeline), record)
    progress.update(++rows)
  }
  progress.finish(`input ${file}: ${rows} rows sent to ${pipelineId(pipeline)}`)
}

/** Runs the stage workers of `pipelines` on a server engine until SIGTERM or SIGINT, then stops gracefully. */
export async function runWorkers(
  project: CliProject,
  choice: EngineChoice,
  pipelines: readonly AnyPipeline[],
  options: { concurrency: number; admin?: number | undefined },
): Promise<void> {
  const page = options.admin !== undefined ? await serverAdminPage(project, choice, pipelines, options.admin) : undefined
  const stats = await serveWorkers(choice, pipelines, {
    concurrency: options.concurrency,
    contracts: contractsOf(project, pipelines),
    label: `stairs ${pipelines.map(pipelineId).join(', ')}`,
    log: (line) => console.log(line),
  }).finally(() => page?.close())
  printSummary(stats, pipelines.map(pipelineId), 'totals of the queues so far')
}

/** The admin page beside a server engine's workers, on the engine's own admin side. */
async function serverAdminPage(
  project: CliProject,
  choice: EngineChoice,
  pipelines: readonly AnyPipeline[],
  port: number,
): Promise<{ close(): Promise<void> }> {
  const admin = await openAdmin(choice, 'pipelines:run --admin')
  try {
    const { serveAdminPage } = await import('./admin-page.js')
    const server = await serveAdminPage(project, admin, choice.engine.name, pipelines, { port, token: adminToken(undefined) })
    return { close: () => server.close().finally(() => admin.close()) }
  } catch (error) {
    await admin.close()
    throw error
  }
}
