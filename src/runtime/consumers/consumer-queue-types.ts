// What standalone and iterator consumers read from: a consumer's own queue, in memory or in Redis.

/** One record waiting in a consumer queue; `ref` identifies it for the ack. */
export interface QueuedRecord {
  readonly ref: string
  readonly record: object
}

/** Reads one consumer's queue. Records are acknowledged after the consumer is done with them. */
export interface ConsumerQueueReader {
  /** The queue's name as a person reads it (the Redis key, or `memory:app.consumer`). */
  readonly where: string
  /**
   * Up to `max` records, oldest first; waits up to `blockMs` while the queue is empty ([] then;
   * 0 does not wait). Acknowledges `finished` first, in the same round trip on Redis.
   */
  read(max: number, blockMs: number, finished?: readonly QueuedRecord[]): Promise<QueuedRecord[]>
  /** The consumer finished these records: they leave the queue for good. */
  ack(records: readonly QueuedRecord[]): Promise<void>
  /** True when nothing is waiting and nothing upstream of this queue is still being processed (memory) or unread (Redis). */
  settledEmpty(): Promise<boolean>
  /** Releases the queue (and its single-reader lock): records not acked are read again next time. */
  close(): Promise<void>
}
