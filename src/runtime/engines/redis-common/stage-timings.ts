// Stage processing times kept in Redis by both Redis engines: one hash per stage
// (`redisKeys.stageTimings`) whose fields are the core's histogram buckets, the sum in
// microseconds and the count. Workers time records in memory and add what they timed to the hash
// about once a second, in one pipelined round trip: timing costs no round trip per record.
import type { Redis } from 'ioredis'
import { bucketField, COUNT_FIELD, ProcessingTimes, parseProcessingTimes, SUM_FIELD } from '../../core/processing-time.js'
import type { ProcessingTimeHistogram } from '../../engine-types.js'

/** The per-stage accumulators of one process, by hash key. */
export class StageTimings {
  private readonly byKey = new Map<string, ProcessingTimes>()

  /** The accumulator a stage's workers observe into (one per hash key, shared by a stage's workers). */
  timesFor(key: string): ProcessingTimes {
    let times = this.byKey.get(key)
    if (!times) this.byKey.set(key, (times = new ProcessingTimes()))
    return times
  }

  /** Adds what was timed since the last flush to the hashes; on failure it is kept for the next one. */
  async flush(client: Redis): Promise<void> {
    const taken: [string, ProcessingTimes][] = []
    for (const [key, times] of this.byKey) {
      if (times.count === 0) continue
      const delta = new ProcessingTimes()
      for (let i = 0; i < times.counts.length; i++) delta.counts[i] = times.counts[i] as number
      delta.sumMs = times.sumMs
      delta.count = times.count
      times.counts.fill(0)
      times.sumMs = 0
      times.count = 0
      taken.push([key, delta])
    }
    if (!taken.length) return
    const batch = client.pipeline()
    for (const [key, delta] of taken) {
      delta.counts.forEach((n, i) => {
        if (n) batch.hincrby(key, bucketField(i), n)
      })
      batch.hincrby(key, SUM_FIELD, Math.round(delta.sumMs * 1000))
      batch.hincrby(key, COUNT_FIELD, delta.count)
    }
    try {
      const results = await batch.exec()
      const failed = results?.find(([error]) => error)
      if (failed) throw failed[0]
    } catch (error) {
      for (const [key, delta] of taken) {
        const times = this.timesFor(key)
        delta.counts.forEach((n, i) => {
          times.counts[i] = (times.counts[i] as number) + n
        })
        times.sumMs += delta.sumMs
        times.count += delta.count
      }
      throw error
    }
  }
}

/** A stage's histogram as stored, or undefined when it timed nothing yet. */
export async function readProcessingTimes(client: Redis, key: string): Promise<ProcessingTimeHistogram | undefined> {
  return parseProcessingTimes(await client.hgetall(key))
}
