// The bullmq engine's settings: the shared Redis connection plus BullMQ's tuning, with defaults.
import { z } from 'zod'
import { count, milliseconds, redisConnectionShape } from '../redis-common/connection-settings.js'

export const bullmqSettings = z
  .object({
    ...redisConnectionShape,
    /** How long a job's lock lasts without renewal: a killed worker's jobs come back after it (ms). */
    lockDurationMs: milliseconds('lockDurationMs').default(30_000),
    /** How often workers look for jobs whose lock expired (ms). */
    stalledIntervalMs: milliseconds('stalledIntervalMs').default(15_000),
    /** Times a job may be redelivered after worker crashes before it is failed (BullMQ's 1 would lose records to two crashes). */
    maxStalledCount: count('maxStalledCount').default(10),
  })
  .strict()

export type BullmqSettings = z.output<typeof bullmqSettings>

/** How often workers write their buffered counters (ms). */
export const COUNTER_FLUSH_MS = 200

/**
 * After a connection error BullMQ waits this long before it fetches or completes again (its
 * default is 15 s). Our connections reconnect within a second, so a Redis restart would
 * otherwise stall a worker for up to 15 s after Redis is back.
 */
export const RUN_RETRY_DELAY_MS = 250

/** What a run's workers and producer read: the engine's settings and the run options every engine shares. */
export interface BullmqRunSettings extends BullmqSettings {
  readonly maxRecordBytes: number
  readonly shutdownTimeoutMs: number
  readonly dedupeWindowMs: number
}
