// The redis engine's settings: the shared Redis connection plus its own tuning, with defaults.
import { z } from 'zod'
import { count, milliseconds, redisConnectionShape } from '../redis-common/connection-settings.js'

export const redisStreamsSettings = z
  .object({
    ...redisConnectionShape,
    /** Records a worker takes per read, and the most a stream entry holds: records travel packed. */
    batchSize: count('batchSize').default(500),
    /** How long an idle worker blocks on its stream before checking retries and reclaims (ms). */
    blockMs: milliseconds('blockMs').default(200),
    /** A pending entry idle this long belongs to a dead worker and is reclaimed (ms). */
    reclaimIdleMs: milliseconds('reclaimIdleMs').default(30_000),
    /** Deliveries without an ack (worker crashes) before an entry is dead-lettered. */
    maxDeliveries: count('maxDeliveries').default(5),
  })
  .strict()

export type RedisStreamsSettings = z.output<typeof redisStreamsSettings>

/**
 * Soft size limit of a stream entry (records travel several to an entry): an entry takes no
 * more records once this full, so big records do not make entries of hundreds of megabytes.
 */
export const ENTRY_BYTES = 1024 * 1024

/** What a run's workers and producer read: the engine's settings and the run options every engine shares. */
export interface StreamsRunSettings extends RedisStreamsSettings {
  readonly maxRecordBytes: number
  readonly shutdownTimeoutMs: number
  readonly dedupeWindowMs: number
  /** Records queued at the first stage before a producer waits. */
  readonly queueCapacity: number
}

/** Records the first stage holds before producers wait (a server keeps them, not this heap). */
export const QUEUE_CAPACITY = 100_000
