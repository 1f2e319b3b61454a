// Deliveries to standalone and iterator consumers (each has its own stream) from the redis
// engine's stage workers. Written one XADD per record, awaited, they cost a round trip per record;
// instead, what a record delivers while its stage runs it is collected for its batch and written
// in one pipelined round trip just before the batch commits (delivered before acknowledged, so
// a crash redelivers rather than loses). A failed record's deliveries are dropped with it.
import type { Redis } from 'ioredis'
import type { ConsumerRef } from '../../../graph/nodes.js'
import { redisKeys } from '../../keys.js'

/** Consumer stream key and the record's JSON. */
export type Delivery = [string, string]

export class ConsumerOutbox {
  /** The batch collecting deliveries, set only while a worker runs a record's synchronous part. */
  private collecting: Delivery[] | undefined
  /** Stream key per consumer, built once instead of per delivered record. */
  private readonly keys = new Map<ConsumerRef, string>()

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * StageContext.deliver. Called outside a worker's synchronous run (after an `await` in an async
   * step, whose batch is unknown by then), the record is written at once and awaited.
   */
  readonly deliver = (consumer: ConsumerRef, record: object): void | Promise<void> => {
    let key = this.keys.get(consumer)
    if (key === undefined) this.keys.set(consumer, (key = redisKeys.consumerQueue(this.prefix, consumer.app, consumer.name)))
    const text = JSON.stringify(record)
    if (this.collecting) {
      this.collecting.push([key, text])
      return
    }
    return this.client.xadd(key, '*', 'r', text).then(() => {})
  }

  /**
   * Sends deliveries into `batch` from now on, until called with undefined: a worker brackets the
   * synchronous part of each record's run with it (no closure per record on the hot path).
   */
  collectInto(batch: Delivery[] | undefined): void {
    this.collecting = batch
  }

  /** Writes a batch's deliveries in one pipelined round trip; throws if any was refused. */
  async flush(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return
    const pipeline = this.client.pipeline()
    for (const [key, text] of deliveries) pipeline.xadd(key, '*', 'r', text)
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error
  }
}
