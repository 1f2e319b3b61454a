// pipelines:run's library: a memory run fed by the project's producers (or a JSON-lines file)
// until every record is done; or the stage workers of a Redis engine until SIGTERM/SIGINT.
import { createReadStream, existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Consumer } from '../dsl/consumer.js'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { runStandaloneConsumer } from '../runtime/consumers/consume.js'
import { startRun } from '../runtime/engine-registry.js'
import type { PipelineRun, PipelineStats } from '../runtime/engine-types.js'
import { maskUrl } from '../runtime/engines/redis-common/redis-connection.js'
import { findManifestPipeline, loadManifest } from '../runtime/manifest.js'
import { runProducer } from '../runtime/producers/run-producer.js'
import type { EngineAccess } from './engine-access.js'
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
}

/** Runs on the memory engine until every produced record is processed; prints a summary. */
export async function runOnMemory(
  project: CliProject,
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

  const run = await startRun('memory', [...pipelines.values()], { concurrency: options.concurrency })
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    if (options.input !== undefined) await feedFile(run, selected[0] as AnyPipeline, options.input, abort.signal)
    for (const producer of producers) {
      const progress = createProgress(`producer ${producer.app}.${producer.name}`, { unit: 'rows' })
      const { rows } = await runProducer(producer, run, {
        args: options.args ?? [],
        signal: abort.signal,
        onProgress: (p) => progress.update(p.rows),
      })
      progress.finish(`producer ${producer.app}.${producer.name}: ${rows} rows sent to ${producer.pipelines.map(pipelineId).join(', ')}`)
    }
    // Standalone consumers run here too; started once the producers are done, they end when their
    // queue is empty and nothing upstream is pending.
    const handled = await Promise.all(
      standaloneConsumersOf([...pipelines.values()]).map(async (consumer) => {
        const count = await runStandaloneConsumer(consumer, run, { stopWhenEmpty: true, signal: abort.signal })
        return `consumer ${consumer.app}.${consumer.name}: ${count} records handled`
      }),
    )
    await run.drain()
    for (const line of handled) console.error(line)
  } finally {
    await run.stop()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  const stats = await run.stats()
  printSummary(stats, [...pipelines.keys()])
  const dead = await run.deadLetters()
  for (const letter of dead.slice(0, 5))
    console.error(
      `dead letter ${letter.app}.${letter.pipeline} stage ${letter.stage} id ${letter.id}: ${letter.error.name}: ${letter.error.message}`,
    )
  if (dead.length > 5) console.error(`... and ${dead.length - 5} more dead letters`)
  return stats
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
  const manifest = loadManifest(file)
  const entries = pipelines.flatMap((p) => findManifestPipeline(manifest, p.app, p.name, file).stages)
  return Object.fromEntries(entries.map((stage) => [stage.queue, stage.contract]))
}

/** The standalone consumers subscribed in `pipelines`, each once. */
function standaloneConsumersOf(pipelines: readonly AnyPipeline[]): Consumer<unknown>[] {
  const found = new Map<string, Consumer<unknown>>()
  for (const pipeline of pipelines)
    for (const node of pipeline.graph().nodes)
      if (node.kind === 'consumer' && node.consumer.kind === 'standalone')
        found.set(`${node.consumer.app}.${node.consumer.name}`, node.consumer as Consumer<unknown>)
  return [...found.values()]
}

/** One line per pipeline; `ids` (app.pipeline, in the order the run was started with) name them. */
export function printSummary(stats: readonly PipelineStats[], ids: readonly string[]): void {
  stats.forEach(({ pipeline, counters }, i) => {
    const id = ids[i]?.endsWith(`.${pipeline}`) ? ids[i] : pipeline
    console.log(`${id}: ${counters.in} in, ${counters.out} out, ${counters.filtered} filtered, ${counters.deadLettered} dead-lettered`)
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

/** Runs the stage workers of `pipelines` on a Redis engine until SIGTERM or SIGINT, then stops gracefully. */
export async function runWorkers(
  project: CliProject,
  engine: EngineAccess,
  pipelines: readonly AnyPipeline[],
  options: { concurrency: number },
): Promise<void> {
  const redis = engine.redis
  if (!redis) throw new CliError('runWorkers needs a Redis engine')
  const contracts = contractsOf(project, pipelines)
  const run = await engine.module.startRun(pipelines, {
    workers: true,
    redis,
    concurrency: options.concurrency,
    ...(contracts ? { contracts } : {}),
  })
  console.log(
    `workers running for ${pipelines.map(pipelineId).join(', ')} on ${engine.name} at ${maskUrl(redis.url)} (concurrency ${options.concurrency}); stop with Ctrl-C or SIGTERM`,
  )
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  console.log(`${signal}: finishing the records in flight, taking no new ones`)
  const stats = await run.stats()
  await run.stop()
  printSummary(stats, pipelines.map(pipelineId))
  console.log('workers stopped')
}
