// Publishing that waits out server faults: the messages of one record (its forwards, consumer
// deliveries, a retry copy or a dead letter) are published, and each must be acknowledged by the
// server before the record is. When the servers are away or electing a leader, the same messages
// are sent again after a backoff (their message ids make a second copy a no-op), the record is
// kept alive (working) so it is not delivered to another worker meanwhile, and one line per
// episode says why the stage waits. Nothing is dead-lettered for a server fault.
import type { JetStreamClient, PubAck } from '@nats-io/jetstream'
import { headers as natsHeaders } from '@nats-io/transport-node'
import type { WorkerLog } from '../../core/worker-log.js'
import type { Outgoing } from './consumer-outbox.js'
import type { Delivery } from './pull.js'
import { isServerFault } from './server-faults.js'

const FIRST_BACKOFF_MS = 50
const MAX_BACKOFF_MS = 2_000

/** The run was stopped while a record waited for the servers: it stays unacknowledged for redelivery. */
export class PublishAbandoned extends Error {
  override readonly name = 'PublishAbandoned'
}

export class ReliablePublisher {
  /** Set once the run gives up on in-flight records (shutdown timeout). */
  abandoned = false

  constructor(
    private readonly js: JetStreamClient,
    private readonly ackWaitMs: number,
  ) {}

  /** Publishes one message (no retry); resolves with the server's acknowledgement. */
  publish(message: Outgoing): Promise<PubAck> {
    const options: { msgID?: string; headers?: ReturnType<typeof natsHeaders> } = {}
    if (message.msgID !== undefined) options.msgID = message.msgID
    if (message.headers) {
      const h = natsHeaders()
      for (const [name, value] of Object.entries(message.headers)) h.set(name, value)
      options.headers = h
    }
    return this.js.publish(message.subject, message.data, options)
  }

  /**
   * Publishes every message until the server acknowledged each; returns how many were new (not
   * dropped as duplicates) among the first `counted`. Throws what is not a server fault.
   */
  async publishAll(messages: readonly Outgoing[], counted: number, log: WorkerLog, holding?: Delivery): Promise<number> {
    if (messages.length === 0) return 0
    let backoff = FIRST_BACKOFF_MS
    let lastWorking = Date.now()
    let failed = false
    for (;;) {
      try {
        const acks = await Promise.all(messages.map((message) => this.publish(message)))
        if (failed) log.recovered()
        let fresh = 0
        for (let i = 0; i < counted; i++) if (!(acks[i] as PubAck).duplicate) fresh++
        return fresh
      } catch (error) {
        if (!isServerFault(error)) throw error
        if (this.abandoned) throw new PublishAbandoned('stopped while waiting for the NATS servers')
        failed = true
        log.failure(error)
        if (holding && Date.now() - lastWorking > this.ackWaitMs / 3) {
          holding.working()
          lastWorking = Date.now()
        }
        await new Promise((resolve) => setTimeout(resolve, backoff))
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
      }
    }
  }
}
