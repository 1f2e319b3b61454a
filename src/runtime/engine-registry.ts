// Picks an engine by name. The Redis engines are imported only when chosen, so a memory run
// never loads ioredis or bullmq.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { StairsError } from '../errors.js'
import type { EngineName } from '../project/config.js'
import type { DeadLetter, PipelineRun, QueueStatus, RunOptions } from './engine-types.js'
import { MemoryRun } from './engines/memory/memory-run.js'
import type { RedisSettings } from './engines/redis-common/redis-connection.js'

export interface EngineRunOptions extends RunOptions {
  /** Redis engines: where, and under which key prefix. */
  redis?: RedisSettings
  /**
   * Redis engines: run stage workers in this process (true, the default), none (a producer-side
   * client only: push, stats, dead letters), or only some stages (`pipeline/stage` ids).
   */
  workers?: boolean | { stages: readonly string[] }
  /** Contract hash per queue name (from the manifest): workers refuse to start on a mismatch. */
  contracts?: Readonly<Record<string, string>>
  /** SIGTERM/stop: how long in-flight records may take before the workers give up (ms). */
  shutdownTimeoutMs?: number
  /** Redis engines: the largest encoded record a producer or a stage may enqueue, in bytes (default 1 MiB). */
  maxRecordBytes?: number
  /** redis engine tuning; the defaults suit production, tests shorten the times. */
  streams?: StreamsTuning
  /** bullmq engine tuning; the defaults suit production, tests shorten the times. */
  bullmq?: BullmqTuning
}

export interface BullmqTuning {
  /** How long a job's lock lasts without renewal: a killed worker's jobs come back after it (ms, default 30000). */
  lockDurationMs?: number
  /** How often workers look for jobs whose lock expired (ms, default 15000). */
  stalledIntervalMs?: number
  /** Times a job may be redelivered after worker crashes before it is failed (default 10). */
  maxStalledCount?: number
  /** How long an explicit input id is remembered to drop replays (ms, default 1 hour). */
  dedupeWindowMs?: number
}

export interface StreamsTuning {
  /** Records a worker takes per read, and the most a stream entry holds: records travel packed (default 500). */
  batchSize?: number
  /** How long an idle worker blocks on its stream before checking retries and reclaims (ms, default 200). */
  blockMs?: number
  /** A pending entry idle this long belongs to a dead worker and is reclaimed (ms, default 30000). */
  reclaimIdleMs?: number
  /** Deliveries without an ack (worker crashes) before an entry is dead-lettered (default 5). */
  maxDeliveries?: number
  /** How long an explicit input id is at least remembered to drop replays (ms, default 1 hour; at most twice that). */
  dedupeWindowMs?: number
}

export interface EngineModule {
  /** Starts a run: a producer-side client, plus stage workers unless `workers: false`. */
  startRun(pipelines: readonly AnyPipeline[], options: EngineRunOptions): Promise<PipelineRun>
  /** Redis engines: the dead letters of these pipelines, oldest first (up to `limit`). */
  listDeadLetters?(pipelines: readonly AnyPipeline[], redis: RedisSettings, limit?: number): Promise<DeadLetter[]>
  /**
   * Redis engines: sends dead letters back to the stage they failed in (all, or those with the
   * given message ids) and removes them from the dead-letter queue; returns how many.
   */
  replayDeadLetters?(pipelines: readonly AnyPipeline[], redis: RedisSettings, ids?: readonly string[]): Promise<number>
  /** Redis engines: each stage queue's length, in-flight count, counters and rates. */
  queueStatus?(pipelines: readonly AnyPipeline[], redis: RedisSettings): Promise<QueueStatus[]>
}

const memory: EngineModule = {
  startRun: async (pipelines, options) => new MemoryRun(pipelines, options),
}

export async function loadEngine(name: EngineName): Promise<EngineModule> {
  switch (name) {
    case 'memory':
      return memory
    case 'redis':
      return (await import('./engines/redis-streams/index.js')).redisEngine
    case 'bullmq':
      return (await import('./engines/bullmq/index.js')).bullmqEngine
    default:
      throw new StairsError('ENGINE', `engine '${name}' is not available yet; use 'memory'`)
  }
}

/** Starts pipelines on the named engine. */
export async function startRun(
  engine: EngineName,
  pipelines: readonly AnyPipeline[],
  options: EngineRunOptions = {},
): Promise<PipelineRun> {
  return (await loadEngine(engine)).startRun(pipelines, options)
}
