// Backpressure for producers: before each push, take one unit of credit; credit comes from
// polling the pipeline's input queue length. We never push more than `limit - waiting` records
// past an observation, so one producer keeps the queue at or under its limit. While the queue is
// full we poll with a delay sized from the observed drain rate (no fixed sleep).
import type { PipelineRun } from '../engine-types.js'

const MIN_POLL_MS = 1
const MAX_POLL_MS = 100

export class QueueLimit {
  private credit = 0
  /** Resume only once this many records fit, so a full queue costs one poll per chunk, not per record. */
  private readonly chunk: number
  /** Polls made while waiting for room (for tests and benchmarks). */
  polls = 0
  /** Largest queue length observed at a poll. */
  maxObserved = 0

  constructor(
    private readonly run: PipelineRun,
    private readonly pipeline: string,
    readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {
    this.chunk = Math.max(1, Math.min(1000, Math.floor(limit / 10)))
  }

  /** Resolves when `count` more records may be pushed (synchronously, while credit lasts). */
  take(count = 1): void | Promise<void> {
    if (this.credit >= count) {
      this.credit -= count
      return
    }
    return this.refill(count).then(() => {
      this.credit -= count
    })
  }

  /** Polls until `count` records fit (and at least a chunk, so a full queue is not polled per record). */
  private async refill(count: number): Promise<void> {
    const wanted = Math.min(this.limit, Math.max(count, this.chunk))
    let delay = MIN_POLL_MS
    let last: { waiting: number; at: number } | undefined
    for (;;) {
      const waiting = await this.run.waiting(this.pipeline)
      const at = performance.now()
      this.polls++
      if (waiting > this.maxObserved) this.maxObserved = waiting
      const room = this.limit - waiting
      if (room >= wanted || waiting === 0 || this.signal?.aborted) {
        this.credit = Math.max(count, room)
        return
      }
      // Time for the missing room to free up at the drain rate seen since the last poll.
      const drained = last ? last.waiting - waiting : 0
      if (last && drained > 0) delay = ((wanted - room) * (at - last.at)) / drained
      else delay *= 2
      delay = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, delay))
      last = { waiting, at }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}
