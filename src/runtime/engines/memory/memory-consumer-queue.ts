// The memory engine's consumer queues: one FIFO per standalone/iterator consumer, owned by the run.
// Records are stored as JSON, as they would be in Redis, so what cannot cross the wire fails here too.
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader, QueuedRecord } from '../../consumers/consumer-queue-types.js'
import { advanceHead } from './head-array.js'

/** How long an empty queue waits for an arrival before it may count as settled. */
const SETTLE_GRACE_MS = 100

interface Queue {
  items: string[]
  head: number
  reading: boolean
  /** Records handed to the reader and not acked yet, oldest first: back to the queue on close. */
  unacked: Map<string, string>
  wake: (() => void) | undefined
  sequence: number
}

export class MemoryConsumerQueues {
  private readonly queues = new Map<string, Queue>()

  /** @param drain resolves when the run has nothing in flight (for stop-when-empty). */
  constructor(private readonly drain: () => Promise<void>) {}

  /** Appends a record to the consumer's queue (StageContext.deliver of the memory engine). */
  deliver(consumer: ConsumerRef, record: object): void {
    const queue = this.queueOf(consumer)
    queue.items.push(JSON.stringify(record))
    const wake = queue.wake
    queue.wake = undefined
    wake?.()
  }

  /** Records waiting for the consumer, and those read but not acknowledged yet. */
  status(consumer: ConsumerRef): { waiting: number; inFlight: number } {
    const queue = this.queueOf(consumer)
    return { waiting: queue.items.length - queue.head, inFlight: queue.unacked.size }
  }

  /** Opens the consumer's queue for reading; one reader at a time. */
  open(consumer: ConsumerRef): ConsumerQueueReader {
    const queue = this.queueOf(consumer)
    const where = `memory:${consumer.app}.${consumer.name}`
    if (queue.reading)
      throw new StairsError('ENGINE', `consumer '${consumer.app}.${consumer.name}' is already being read in this run (${where})`)
    queue.reading = true
    return {
      where,
      read: async (max, blockMs, finished = []) => {
        for (const { ref } of finished) queue.unacked.delete(ref)
        if (queue.items.length === queue.head && blockMs > 0) await this.arrival(queue, blockMs)
        const end = Math.min(queue.items.length, queue.head + max)
        const batch: QueuedRecord[] = []
        for (let i = queue.head; i < end; i++) {
          const ref = String(++queue.sequence)
          const json = queue.items[i] as string
          queue.unacked.set(ref, json)
          batch.push({ ref, record: JSON.parse(json) })
        }
        advanceHead(queue, end)
        return batch
      },
      ack: async (records) => {
        for (const { ref } of records) queue.unacked.delete(ref)
      },
      settledEmpty: async () => {
        // In one process the consumer often starts alongside its producer: a short wait for a
        // first arrival keeps it from ending before the producer sent anything.
        if (queue.items.length === queue.head) await this.arrival(queue, SETTLE_GRACE_MS)
        await this.drain()
        return queue.items.length === queue.head
      },
      close: async () => {
        // What the reader took and did not finish goes back to the front, in order.
        if (queue.unacked.size) {
          queue.items = [...queue.unacked.values(), ...queue.items.slice(queue.head)]
          queue.head = 0
          queue.unacked.clear()
        }
        queue.reading = false
      },
    }
  }

  private arrival(queue: Queue, blockMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        queue.wake = undefined
        resolve()
      }, blockMs)
      queue.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  private queueOf(consumer: ConsumerRef): Queue {
    const key = `${consumer.app}.${consumer.name}`
    let queue = this.queues.get(key)
    if (!queue) this.queues.set(key, (queue = { items: [], head: 0, reading: false, unacked: new Map(), wake: undefined, sequence: 0 }))
    return queue
  }
}
