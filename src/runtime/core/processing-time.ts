// How long a record spends in a stage's program, as a histogram every engine keeps with the same
// buckets, so /metrics and the admin page read one shape whatever the engine. What is timed: from
// the moment the stage starts on a record (its envelope decoded) until its outcome is settled
// (every step, async waits included); not the time it waited in the queue, nor the commit.
import type { ProcessingTimeHistogram } from '../engine-types.js'

/** Upper bounds of the buckets, in milliseconds (the last bucket, +Inf, is implied). */
export const PROCESSING_TIME_BOUNDS_MS: readonly number[] = [0.1, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]

/** The field of a text store (a Redis hash) that holds bucket `i`'s count; the last index is +Inf. */
export const bucketField = (i: number): string => (i < PROCESSING_TIME_BOUNDS_MS.length ? `le${PROCESSING_TIME_BOUNDS_MS[i]}` : 'inf')
/** Fields for the sum (in microseconds, kept whole so HINCRBY can add it) and the count. */
export const SUM_FIELD = 'sumUs'
export const COUNT_FIELD = 'count'

/** The bucket a duration falls in (bounds are few: a linear scan beats a binary search here). */
export function bucketOf(ms: number): number {
  const bounds = PROCESSING_TIME_BOUNDS_MS
  for (let i = 0; i < bounds.length; i++) if (ms <= (bounds[i] as number)) return i
  return bounds.length
}

/** Accumulates durations in this process (per bucket, not cumulative). */
export class ProcessingTimes {
  readonly counts: number[] = new Array(PROCESSING_TIME_BOUNDS_MS.length + 1).fill(0)
  sumMs = 0
  count = 0

  observe(ms: number): void {
    const i = bucketOf(ms)
    this.counts[i] = (this.counts[i] as number) + 1
    this.sumMs += ms
    this.count++
  }

  /**
   * `count` records that took `totalMs` together, each counted at their mean: for engines that
   * time records packed together (one clock read per group on the hot path).
   */
  observeMany(totalMs: number, count: number): void {
    const i = bucketOf(totalMs / count)
    this.counts[i] = (this.counts[i] as number) + count
    this.sumMs += totalMs
    this.count += count
  }

  /** A copy in the port's shape. */
  snapshot(): ProcessingTimeHistogram {
    return { boundsMs: PROCESSING_TIME_BOUNDS_MS, counts: [...this.counts], sumMs: this.sumMs, count: this.count }
  }
}

type Stored = Readonly<Record<string, string | number | null | undefined>>

/** A histogram read back from stored fields (see `bucketField`); undefined when nothing was timed yet. */
export function parseProcessingTimes(stored: Stored): ProcessingTimeHistogram | undefined {
  const count = Number(stored[COUNT_FIELD] ?? 0)
  if (!(count > 0)) return undefined
  const counts = PROCESSING_TIME_BOUNDS_MS.map((_, i) => Number(stored[bucketField(i)] ?? 0) || 0)
  counts.push(Number(stored[bucketField(PROCESSING_TIME_BOUNDS_MS.length)] ?? 0) || 0)
  return { boundsMs: PROCESSING_TIME_BOUNDS_MS, counts, sumMs: (Number(stored[SUM_FIELD] ?? 0) || 0) / 1000, count }
}
