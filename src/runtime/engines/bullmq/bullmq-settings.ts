// The bullmq engine's knobs with their defaults, resolved once per run.

import type { BullmqTuning, EngineRunOptions } from '../../engine-registry.js'
import { DEFAULT_PREFIX } from '../../keys.js'
import { DEFAULT_RETRY } from '../../programs/compiled-pipeline.js'
import { MAX_ENVELOPE_BYTES } from './stage-queues.js'

export interface BullmqSettings {
  readonly prefix: string
  readonly maxRecordBytes: number
  readonly shutdownTimeoutMs: number
  readonly lockDurationMs: number
  readonly stalledIntervalMs: number
  readonly maxStalledCount: number
  readonly dedupeWindowMs: number
  readonly counterFlushMs: number
  readonly runRetryDelayMs: number
}

export function resolveBullmqSettings(options: EngineRunOptions): BullmqSettings {
  const tuning: BullmqTuning = options.bullmq ?? {}
  return {
    prefix: options.redis?.prefix ?? DEFAULT_PREFIX,
    maxRecordBytes: options.maxRecordBytes ?? MAX_ENVELOPE_BYTES,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000,
    // A killed worker's jobs come back after at most lockDuration + stalledInterval.
    lockDurationMs: tuning.lockDurationMs ?? 30_000,
    stalledIntervalMs: tuning.stalledIntervalMs ?? 15_000,
    // BullMQ's default (1) fails a job whose worker died twice; crashes must not lose records.
    maxStalledCount: tuning.maxStalledCount ?? 10,
    dedupeWindowMs: tuning.dedupeWindowMs ?? 3_600_000,
    counterFlushMs: 200,
    // After a connection error BullMQ waits this long before it fetches or completes again (its
    // default is 15 s). Our connections reconnect within a second, so a Redis restart would
    // otherwise stall a worker for up to 15 s after Redis is back.
    runRetryDelayMs: 250,
  }
}

export const defaultRetry = (options: EngineRunOptions) => options.retry ?? DEFAULT_RETRY
