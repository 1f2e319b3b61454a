// Serving stage workers on an engine whose queues outlive a process (redis, bullmq, a user's):
// start them, run until SIGTERM or SIGINT (or the given stop signal), then stop gracefully.
// `stairs pipelines:run` and every generated worker entrypoint serve through here.
import type { AnyPipeline } from '../../dsl/pipeline-types.js'
import { planPipeline } from '../../plan/planner.js'
import type { PipelineStats } from '../engine-types.js'
import type { EngineChoice } from './engine-choice.js'

export interface ServeOptions {
  readonly concurrency: number
  /** Contract hash per queue (manifestContracts): workers refuse to start on a mismatch. */
  readonly contracts?: Readonly<Record<string, string>> | undefined
  /** Resolves when the workers should stop; SIGTERM or SIGINT by default. */
  readonly stopSignal?: Promise<string>
  /** Where progress lines go (stderr by default). */
  readonly log?: (line: string) => void
  /** Names the workers in those lines: `stairs worker app.pipeline`. */
  readonly label: string
}

/** Resolves with the signal's name at the first SIGTERM or SIGINT. */
export const processStopSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      resolve(signal)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })

/**
 * Runs the stage workers of `pipelines` until stopped; returns the engine's counters as they
 * stood before the stop (totals since the queues were created, not this process's share).
 */
export async function serveWorkers(
  choice: EngineChoice,
  pipelines: readonly AnyPipeline[],
  options: ServeOptions,
): Promise<PipelineStats[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const stopSignal = options.stopSignal ?? processStopSignal()
  const { engine, settings } = choice
  const run = await engine.start(pipelines, settings, {
    workers: true,
    concurrency: options.concurrency,
    ...(options.contracts ? { contracts: options.contracts } : {}),
  })
  const where = engine.describe ? ` at ${engine.describe(settings)}` : ''
  const stages = pipelines.reduce((sum, pipeline) => sum + planPipeline(pipeline.graph()).stages.length, 0)
  log(
    `${options.label}: running ${stages} stage(s) on ${engine.name}${where} (concurrency ${options.concurrency}); SIGTERM or Ctrl-C stops`,
  )
  const signal = await stopSignal
  log(`${options.label}: ${signal}, finishing the records in flight, taking no new ones`)
  let stats: PipelineStats[] = []
  try {
    stats = await run.stats()
  } catch {
    // The server is away: the stop below still ends the workers; there are no totals to show.
  }
  await run.stop()
  log(`${options.label}: workers stopped`)
  return stats
}
