// A standalone or iterator consumer's queue on JetStream: its subject in the consumer-queues
// stream, read through its own durable consumer and acknowledged only after the consumer
// returned, so a crash redelivers instead of losing records. One reader at a time holds a lock
// (a key in the locks bucket, which expires when its holder stops renewing it).
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { KV } from '@nats-io/kv'
import { createInbox } from '@nats-io/transport-node'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader, QueuedRecord } from '../../consumers/consumer-queue-types.js'
import type { NatsLink } from './connection.js'
import { bucketNames, durableName, streamNames, subjects } from './layout.js'
import { type Delivery, Puller } from './pull.js'
import { isServerFault } from './server-faults.js'
import type { JetStreamSettings } from './settings.js'
import { durableConfig, ensureDurable } from './streams.js'

/** How long a reader's lock outlives its last renewal. */
export const LOCK_MS = 15_000

export const consumerDurable = (consumer: ConsumerRef): string => durableName(consumer.app, consumer.name)

/** Makes the consumer's durable consumer (records wait on its subject either way). */
export async function ensureConsumerQueue(link: NatsLink, settings: JetStreamSettings, consumer: ConsumerRef): Promise<void> {
  const subject = subjects.consumerQueue(settings.prefix, consumer.app, consumer.name)
  await ensureDurable(
    link.jsm,
    streamNames.consumerQueues(settings.prefix),
    durableConfig(consumerDurable(consumer), subject, settings),
    `consumer '${consumer.app}.${consumer.name}'`,
  )
}

/** Records waiting in a consumer's queue, and of those the ones a reader holds. */
export async function consumerQueueState(
  link: NatsLink,
  settings: JetStreamSettings,
  consumer: ConsumerRef,
): Promise<{ waiting: number; inFlight: number }> {
  try {
    const info = await link.jsm.consumers.info(streamNames.consumerQueues(settings.prefix), consumerDurable(consumer))
    return { waiting: info.num_pending, inFlight: info.num_ack_pending }
  } catch (error) {
    if (error instanceof Error && /NotFound/.test(error.name)) return { waiting: 0, inFlight: 0 }
    throw error
  }
}

/** Opens a consumer's queue as its only reader (fails clearly when another process reads it). */
export async function openJetStreamConsumerQueue(
  link: NatsLink,
  settings: JetStreamSettings,
  locks: KV,
  consumer: ConsumerRef,
): Promise<ConsumerQueueReader> {
  const label = `${consumer.app}.${consumer.name}`
  const lockKey = `consumer.${consumer.app}.${consumer.name}`
  const me = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  let revision: number
  try {
    revision = await locks.create(lockKey, me)
  } catch {
    const holder = (await locks.get(lockKey))?.string()
    throw new StairsError(
      'ENGINE',
      `consumer '${label}' is already read by ${holder || 'another process'} (lock ${lockKey} in bucket ${bucketNames.locks(settings.prefix)}); one reader at a time (a reader that died releases it within ${LOCK_MS / 1000} s)`,
    )
  }
  const renew = setInterval(() => {
    locks.update(lockKey, me, revision).then(
      (next) => {
        revision = next
      },
      () => {},
    )
  }, LOCK_MS / 3)
  renew.unref()
  await ensureConsumerQueue(link, settings, consumer)
  const stream = streamNames.consumerQueues(settings.prefix)
  const durable = consumerDurable(consumer)
  const puller = new Puller(link.nc, stream, durable, settings.requestTimeoutMs, createInbox())
  const held = new Map<string, Delivery>()
  const where = `${stream} ${subjects.consumerQueue(settings.prefix, consumer.app, consumer.name)}`
  const decoder = new TextDecoder()

  const ack = async (records: readonly QueuedRecord[]): Promise<void> => {
    for (const { ref } of records) {
      held.get(ref)?.ack()
      held.delete(ref)
    }
    if (records.length) await link.nc.flush()
  }
  return {
    where,
    read: async (max, blockMs, finished = []) => {
      await ack(finished)
      let deliveries: Delivery[]
      try {
        deliveries = await puller.pull(max, Math.max(1, blockMs))
      } catch (error) {
        // The servers are away or slow to answer: nothing was handed out; the caller reads again.
        if (!isServerFault(error)) throw error
        return []
      }
      const records: QueuedRecord[] = []
      for (const delivery of deliveries) {
        const ref = String(delivery.streamSeq)
        const text = decoder.decode(delivery.data)
        let record: unknown
        try {
          record = text.includes('"__proto__"') ? JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v)) : JSON.parse(text)
        } catch {}
        if (typeof record !== 'object' || record === null) {
          if (records.length) break // handed out first; the junk comes again on the next read
          throw new StairsError(
            'ENVELOPE',
            `${where} message ${ref}: not a JSON record: ${text.slice(0, 80)}; it stays queued (delete it with nats stream rmm ${stream} ${ref} to go on)`,
          )
        }
        held.set(ref, delivery)
        records.push({ ref, record })
      }
      return records
    },
    ack,
    settledEmpty: async () => {
      const state = await consumerQueueState(link, settings, consumer)
      return state.waiting === 0 && state.inFlight === 0
    },
    close: async () => {
      clearInterval(renew)
      puller.close()
      const entry = await locks.get(lockKey).catch(() => null)
      if (entry?.string() === me) await locks.delete(lockKey, { previousSeq: entry.revision }).catch(() => {})
    },
  }
}
