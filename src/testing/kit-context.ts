// What one conformance test gets: fresh settings for the engine (its own prefix or stream names),
// runs started through the public port (startRun) and stopped at the end whatever happened, the
// engine's admin side, and the user's cleanup. Cases never reach into an engine's internals.
import { randomBytes } from 'node:crypto'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { ConsumerSource } from '../runtime/consumers/consume.js'
import type { EngineAdmin, PipelineRun } from '../runtime/engine-types.js'
import type { AnyEngine, StartOptions } from '../runtime/port.js'
import { connectAdmin, startRun } from '../runtime/registry.js'
import type { ConformanceOptions } from './conformance-options.js'

export interface StartedRun {
  readonly run: PipelineRun
  /** Records that reached the end of a pipeline in this process (`onOutput`), with the pipeline's name. */
  readonly outputs: { pipeline: string; record: Record<string, unknown>; id: string }[]
}

export interface KitContext {
  readonly engine: AnyEngine
  /** Lowercase letters and digits, unique to this test: what `options.settings` received. */
  readonly testId: string
  readonly settings: unknown
  /** The module a child worker process imports to register the engine (`options.worker.module`). */
  readonly workerModule: string | undefined
  /** Starts a run of `pipelines` with the test's settings; it is stopped when the test ends. */
  start(pipelines: readonly AnyPipeline[], options?: StartOptions): Promise<StartedRun>
  /** The admin side: the engine's own (`Engine.admin`) or, for an engine without one, the run's. */
  admin(run?: PipelineRun): Promise<EngineAdmin | undefined>
  /** Where a standalone or iterator consumer reads its queue on this engine. */
  consumerSource(run: PipelineRun): ConsumerSource
  /** Runs `close` when the test ends (before the runs stop). */
  defer(close: () => Promise<void> | void): void
}

let sequence = 0

/** A test id: the case's slug, a sequence number and random hex, letters and digits only. */
export function newTestId(slug: string): string {
  sequence++
  return `k${slug.replace(/[^a-z0-9]/g, '').slice(0, 10)}${sequence}${randomBytes(3).toString('hex')}`
}

/** Runs `body` with a fresh context, then stops its runs, closes what it opened and cleans up. */
export async function withContext(
  engine: AnyEngine,
  options: ConformanceOptions,
  slug: string,
  body: (context: KitContext) => Promise<void>,
): Promise<void> {
  const testId = newTestId(slug)
  const settings = await options.settings(testId)
  const runs: PipelineRun[] = []
  const deferred: (() => Promise<void> | void)[] = []
  const context: KitContext = {
    engine,
    testId,
    settings,
    workerModule: options.worker?.module,
    async start(pipelines, startOptions = {}) {
      const outputs: StartedRun['outputs'] = []
      const run = await startRun(engine.name, pipelines, {
        ...startOptions,
        settings: settings as object,
        onOutput: (pipeline, record, id) => {
          outputs.push({ pipeline, record: record as Record<string, unknown>, id })
          startOptions.onOutput?.(pipeline, record, id)
        },
      })
      runs.push(run)
      return { run, outputs }
    },
    async admin(run) {
      if (engine.admin) {
        const admin = await connectAdmin(engine.name, settings as object)
        deferred.push(() => admin.close())
        return admin
      }
      return run?.admin?.()
    },
    consumerSource: (run) => (engine.admin ? { engine: engine.name, settings: settings as object } : run),
    defer: (close) => {
      deferred.push(close)
    },
  }
  let failure: { error: unknown } | undefined
  try {
    await body(context)
  } catch (error) {
    failure = { error }
  }
  const problems: unknown[] = []
  for (const close of deferred.reverse()) await Promise.resolve(close()).catch((error: unknown) => problems.push(error))
  for (const run of runs.reverse()) await run.stop().catch((error: unknown) => problems.push(error))
  await options.cleanup?.(testId, settings)
  // A failure of the test itself is the one to report; closing problems come second.
  if (failure) throw failure.error
  if (problems.length)
    throw new AggregateError(problems, `kit: closing the runs of test '${testId}' failed: ${problems.map(String).join('; ')}`)
}
