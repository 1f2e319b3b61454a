// A run on an engine that keeps its queues in this process (memory): start it, feed it, run its
// standalone consumers once the feed is done, wait until every record is processed, stop.
// `stairs pipelines:run` on memory and a generated worker entrypoint on memory both run here.
import type { Consumer } from '../../dsl/consumer.js'
import type { AnyPipeline } from '../../dsl/pipeline-types.js'
import { runStandaloneConsumer } from '../consumers/consume.js'
import type { DeadLetter, PipelineRun, PipelineStats } from '../engine-types.js'
import type { EngineChoice } from './engine-choice.js'

export interface InProcessOptions {
  readonly concurrency: number
  /** Sends the records in; `signal` aborts on SIGINT/SIGTERM. */
  readonly feed: (run: PipelineRun, signal: AbortSignal) => Promise<void>
  readonly onOutput?: (pipeline: string, record: object, id: string) => void
  /**
   * Run the pipelines' standalone consumers here once the feed is done (default true); a
   * generated worker on memory leaves them out: its records go to stdout, and a consumer's
   * sink (a file) is set up by the program that owns it.
   */
  readonly standaloneConsumers?: boolean
  /** A line per standalone consumer once it is done (`consumer app.name: n records handled`). */
  readonly onConsumerDone?: (consumer: Consumer<unknown>, handled: number) => void
  /** Called once the run started, before the feed (the admin page attaches to the run here). */
  readonly onStart?: (run: PipelineRun) => void | Promise<void>
  /** Called once every record is processed, before the run stops; `signal` aborts on SIGINT/SIGTERM. */
  readonly beforeStop?: (run: PipelineRun, signal: AbortSignal) => Promise<void>
}

export interface InProcessResult {
  readonly stats: PipelineStats[]
  readonly deadLetters: DeadLetter[]
}

export async function runInProcess(
  choice: EngineChoice,
  pipelines: readonly AnyPipeline[],
  options: InProcessOptions,
): Promise<InProcessResult> {
  const run = await choice.engine.start(pipelines, choice.settings, {
    concurrency: options.concurrency,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  })
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    await options.onStart?.(run)
    await options.feed(run, abort.signal)
    // Standalone consumers run here too; started once the feed is done, they end when their
    // queue is empty and nothing upstream is pending.
    await Promise.all(
      (options.standaloneConsumers === false ? [] : standaloneConsumersOf(pipelines)).map(async (consumer) => {
        const handled = await runStandaloneConsumer(consumer, run, { stopWhenEmpty: true, signal: abort.signal })
        options.onConsumerDone?.(consumer, handled)
      }),
    )
    await run.drain()
    await options.beforeStop?.(run, abort.signal)
  } finally {
    await run.stop()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  return { stats: await run.stats(), deadLetters: await run.deadLetters() }
}

/** The standalone consumers subscribed in `pipelines`, each once. */
export function standaloneConsumersOf(pipelines: readonly AnyPipeline[]): Consumer<unknown>[] {
  const found = new Map<string, Consumer<unknown>>()
  for (const pipeline of pipelines)
    for (const node of pipeline.graph().nodes)
      if (node.kind === 'consumer' && node.consumer.kind === 'standalone')
        found.set(`${node.consumer.app}.${node.consumer.name}`, node.consumer as Consumer<unknown>)
  return [...found.values()]
}
