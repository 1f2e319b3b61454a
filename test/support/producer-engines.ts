// Engines for the producer/consumer tests: memory always; redis and bullmq when their modules
// load. Each start gives a run, the Redis settings it uses (if any), and a cleanup.
import type { AnyPipeline } from '../../src/index.js'
import type { EngineName } from '../../src/project/config.js'
import { type EngineRunOptions, loadEngine, type PipelineRun, type RedisSettings } from '../../src/runtime/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface EngineRun {
  readonly engine: EngineName
  readonly run: PipelineRun
  /** Where consumer queues and producer state live: Redis settings, or the run itself (memory). */
  readonly redis: RedisSettings | undefined
  /** Stops the run and deletes its keys. */
  close(): Promise<void>
}

/** The engines whose modules load in this checkout (memory always). */
export async function availableEngines(): Promise<EngineName[]> {
  const names: EngineName[] = ['memory']
  for (const name of ['redis', 'bullmq'] as const) {
    try {
      await loadEngine(name)
      names.push(name)
    } catch {
      // not built yet in this checkout
    }
  }
  return names
}

/** Starts pipelines on an engine; Redis engines get a fresh key prefix. */
export async function startEngine(
  engine: EngineName,
  pipelines: readonly AnyPipeline[],
  options: EngineRunOptions = {},
  name = 'producers',
): Promise<EngineRun> {
  const module = await loadEngine(engine)
  if (engine === 'memory') {
    const run = await module.startRun(pipelines, options)
    return { engine, run, redis: undefined, close: () => run.stop() }
  }
  const url = await redisUrl()
  const redis = { url, prefix: uniquePrefix(name) }
  const run = await module.startRun(pipelines, { ...options, redis })
  return {
    engine,
    run,
    redis,
    close: async () => {
      await run.stop()
      await deletePrefix(url, redis.prefix)
    },
  }
}
