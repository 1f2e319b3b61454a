// Feeds a consumer its queue batch by batch, one batch ahead: the next batch's read is on its way
// while the consumer works on the current one, and it carries the acknowledgement of the batch
// the consumer finished last. On Redis a batch then costs one round trip, overlapped with the
// consumer's work, instead of an awaited read and an awaited ack.
//
// Guarantees: a record is acknowledged only after the consumer returned for it (at-least-once);
// a batch read ahead and never handed over stays unacknowledged, so the next reader of the queue
// gets it again, in order. Reads ahead never block, so closing never waits on an idle queue.
import type { ConsumerQueueReader, QueuedRecord } from './consumer-queue-types.js'

export interface ReadAheadOptions {
  /** Records per read. */
  batchSize: number
  /** How long a read waits for records once the queue was found empty. */
  idleBlockMs: number
  /** End (next() gives undefined) once the queue is empty and settled. */
  stopWhenEmpty: boolean
  /** Stops waiting on an empty queue (next() gives undefined). */
  signal: AbortSignal | undefined
}

/** A read's result, kept as a value so a failed read ahead is raised only when its batch is asked for. */
type Outcome = { records: QueuedRecord[] } | { error: unknown }

export class ReadAhead {
  private ahead: Promise<Outcome> | undefined
  /** Finished by the consumer, not acknowledged yet: they go with the next read. */
  private finished: readonly QueuedRecord[] = []
  private closed = false

  constructor(
    private readonly reader: ConsumerQueueReader,
    private readonly options: ReadAheadOptions,
  ) {}

  /** The next batch (never empty), or undefined when the queue is settled empty (stopWhenEmpty) or the signal aborted. */
  async next(): Promise<readonly QueuedRecord[] | undefined> {
    let blockMs = 0
    for (;;) {
      const records = await this.take(blockMs)
      if (records.length > 0) {
        this.ahead = this.read(0)
        return records
      }
      if (this.options.stopWhenEmpty && (await this.settledEmpty())) return undefined
      if (this.options.signal?.aborted) return undefined
      // Found empty: wait for records, with nothing to overlap.
      blockMs = this.options.idleBlockMs
    }
  }

  /** The consumer returned for every record of `batch`: acknowledge them with the next read. */
  finish(batch: readonly QueuedRecord[]): void {
    this.finished = this.finished.length ? this.finished.concat(batch) : batch
  }

  /**
   * Acknowledges what was finished, plus `partial` (records of the current batch the consumer
   * returned for), and closes the reader. The batch read ahead stays unacknowledged for the next
   * reader. Safe to call more than once.
   */
  async close(partial: readonly QueuedRecord[] = []): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      await this.ahead
      this.ahead = undefined
      const done = this.finished.concat(partial)
      this.finished = []
      if (done.length) await this.reader.ack(done)
    } finally {
      await this.reader.close()
    }
  }

  private async take(blockMs: number): Promise<QueuedRecord[]> {
    const ahead = this.ahead
    this.ahead = undefined
    const outcome = ahead ? await ahead : await this.read(blockMs)
    if ('error' in outcome) throw outcome.error
    return outcome.records
  }

  private read(blockMs: number): Promise<Outcome> {
    const finished = this.finished
    this.finished = []
    return this.reader.read(this.options.batchSize, blockMs, finished).then(
      (records) => ({ records }),
      (error: unknown) => {
        // Not known to be acknowledged: acknowledge them again later (acknowledging twice is harmless).
        this.finished = finished.concat(this.finished)
        return { error }
      },
    )
  }

  private async settledEmpty(): Promise<boolean> {
    const finished = this.finished
    this.finished = []
    if (finished.length) await this.reader.ack(finished)
    return this.reader.settledEmpty()
  }
}
