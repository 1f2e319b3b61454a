// Deliveries to standalone and iterator consumers (each has its own subject in the consumer
// queues stream) from stage workers. What a record delivers while its stage runs it is collected
// and published with the record's forwards, before the record is acknowledged (delivered before
// acknowledged, so a crash redelivers rather than loses); a failed record's deliveries are dropped.
import type { ConsumerRef } from '../../../graph/nodes.js'
import { subjects } from './layout.js'

export interface Outgoing {
  readonly subject: string
  readonly data: string
  /** Nats-Msg-Id: the server drops a second message with this id within the duplicate window. */
  readonly msgID?: string
  readonly headers?: Readonly<Record<string, string>>
}

export class ConsumerOutbox {
  private collecting: Outgoing[] | undefined
  private readonly subjects = new Map<ConsumerRef, string>()

  constructor(
    private readonly prefix: string,
    /** Publishes one message now (a delivery made after an `await` in an async step). */
    private readonly publishNow: (message: Outgoing) => Promise<void>,
  ) {}

  /** StageContext.deliver. */
  readonly deliver = (consumer: ConsumerRef, record: object): void | Promise<void> => {
    let subject = this.subjects.get(consumer)
    if (subject === undefined) this.subjects.set(consumer, (subject = subjects.consumerQueue(this.prefix, consumer.app, consumer.name)))
    const message = { subject, data: JSON.stringify(record) }
    if (this.collecting) {
      this.collecting.push(message)
      return
    }
    return this.publishNow(message)
  }

  /** Sends deliveries into `into` until called with undefined (brackets a record's synchronous run). */
  collectInto(into: Outgoing[] | undefined): void {
    this.collecting = into
  }
}
