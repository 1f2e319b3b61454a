// Engines for the producer/consumer tests: memory always; redis and bullmq when their modules
// load. Each start gives a run, the Redis settings it uses (if any), and a cleanup.
import type { AnyPipeline } from '../../src/index.js'
import { connectAdmin, type EngineAdmin, type PipelineRun, type StartRunOptions, startRun } from '../../src/runtime/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface EngineRun {
  readonly engine: string
  readonly run: PipelineRun
  /** Where consumer queues and worker producers' batch leases live: the engine's admin side (the run's own on memory). */
  readonly admin: EngineAdmin
  /** The Redis connection settings of a Redis engine (for tests that look at Redis directly). */
  readonly redis: { readonly url: string; readonly prefix: string } | undefined
  /** Stops the run and deletes its keys. */
  close(): Promise<void>
}

/** The engines the producer tests run on. */
export async function availableEngines(): Promise<string[]> {
  return ['memory', 'redis', 'bullmq']
}

/** Starts pipelines on an engine; Redis engines get a fresh key prefix. */
export async function startEngine(
  engine: string,
  pipelines: readonly AnyPipeline[],
  options: StartRunOptions = {},
  name = 'producers',
): Promise<EngineRun> {
  if (engine === 'memory') {
    const run = await startRun(engine, pipelines, options)
    return { engine, run, admin: run.admin?.() as EngineAdmin, redis: undefined, close: () => run.stop() }
  }
  const url = await redisUrl()
  const settings = { url, prefix: uniquePrefix(name) }
  const run = await startRun(engine, pipelines, { ...options, settings })
  const admin = await connectAdmin(engine, settings)
  return {
    engine,
    run,
    admin,
    redis: settings,
    close: async () => {
      await run.stop()
      await admin.close()
      await deletePrefix(url, settings.prefix)
    },
  }
}
