// A consumer's queue on Redis: one stream per consumer, read through a consumer group and
// acknowledged only after the consumer returned, so a crash re-delivers instead of losing records.
// One reader at a time holds a lock; on start it takes over what earlier readers left unacked.
// Acknowledgements travel with the next read (one round trip, not two) and acknowledged entries
// are trimmed off the stream's head in whole nodes instead of deleted one by one.
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { ChainableCommander, Redis } from 'ioredis'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader, QueuedRecord } from '../../consumers/consumer-queue-types.js'
import { DEFAULT_PREFIX, redisKeys } from '../../keys.js'
import { recordsOf } from './consumer-entries.js'
import { type ConsumerQueueLock, lockConsumerQueue } from './consumer-queue-lock.js'
import { ACK_AND_TRIM, FORGET_IDLE_READERS, QUEUE_LENGTH } from './consumer-queue-scripts.js'
import { type StreamEntry, takeOverPending } from './consumer-takeover.js'
import { runScript } from './lua.js'
import { connectRedis, type RedisSettings } from './redis-connection.js'

const GROUP = 'stairs'

/** StageContext.deliver for the Redis engines: appends the record to the consumer's stream. */
export function redisConsumerDelivery(client: Redis, prefix = DEFAULT_PREFIX): (consumer: ConsumerRef, record: object) => Promise<void> {
  return async (consumer, record) => {
    await client.xadd(redisKeys.consumerQueue(prefix, consumer.app, consumer.name), '*', 'r', JSON.stringify(record))
  }
}

/** Records waiting in a consumer's Redis queue: delivered to it and not acknowledged yet. */
export async function redisConsumerQueueLength(client: Redis, consumer: ConsumerRef, prefix = DEFAULT_PREFIX): Promise<number> {
  return (await runScript(client, QUEUE_LENGTH, [redisKeys.consumerQueue(prefix, consumer.app, consumer.name)], [GROUP])) as number
}

/** A consumer queue's records not yet acknowledged, and of those the ones a reader holds. */
export async function redisConsumerQueueState(
  client: Redis,
  consumer: ConsumerRef,
  prefix: string,
): Promise<{ waiting: number; inFlight: number }> {
  const key = redisKeys.consumerQueue(prefix, consumer.app, consumer.name)
  const unacked = (await runScript(client, QUEUE_LENGTH, [key], [GROUP])) as number
  // No stream or no group yet: nothing was read.
  const pending = (await client.xpending(key, GROUP).catch(() => [0])) as [number, ...unknown[]]
  const inFlight = Number(pending[0] ?? 0)
  return { waiting: Math.max(0, unacked - inFlight), inFlight }
}

/** Opens a consumer's Redis queue as its only reader (fails clearly when another process reads it). */
export async function openRedisConsumerQueue(consumer: ConsumerRef, settings: RedisSettings): Promise<ConsumerQueueReader> {
  const prefix = settings.prefix ?? DEFAULT_PREFIX
  const key = redisKeys.consumerQueue(prefix, consumer.app, consumer.name)
  const lockKey = redisKeys.consumerLock(prefix, consumer.app, consumer.name)
  const me = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  const client = await connectRedis(settings, 'worker')
  let lock: ConsumerQueueLock
  try {
    lock = await lockConsumerQueue(client, lockKey, me, `${consumer.app}.${consumer.name}`)
  } catch (error) {
    client.disconnect()
    throw error
  }
  let backlog: StreamEntry[]
  try {
    await client.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM').catch((error: unknown) => {
      if (!/BUSYGROUP/.test(String(error))) throw error
    })
    // The lock makes us the only reader: what earlier readers left unacked is ours to redo first.
    backlog = await takeOverPending(client, key, GROUP, me)
    await runScript(client, FORGET_IDLE_READERS, [key], [GROUP, me])
  } catch (error) {
    await lock.release()
    client.disconnect()
    throw error
  }
  // A junk entry ends reading, but only after the records before it were handed out.
  let junk: Error | undefined

  const ack = async (records: readonly QueuedRecord[]): Promise<void> => {
    if (records.length) await runScript(client, ACK_AND_TRIM, [key], [GROUP, ...records.map((r) => r.ref)])
  }
  const toRecords = (entries: readonly StreamEntry[]): QueuedRecord[] => {
    const { records, junk: found } = recordsOf(entries, key)
    if (found && records.length === 0) throw found
    junk = found
    return records
  }
  return {
    where: key,
    read: async (max, blockMs, finished = []) => {
      if (junk) throw junk
      if (backlog.length) {
        await ack(finished)
        const batch = backlog.slice(0, max)
        backlog = backlog.slice(max)
        return toRecords(batch)
      }
      const args: (string | number)[] = ['GROUP', GROUP, me, 'COUNT', max]
      if (blockMs > 0) args.push('BLOCK', blockMs)
      const pipeline = client.pipeline()
      if (finished.length) addAck(pipeline, key, finished)
      pipeline.call('XREADGROUP', ...args, 'STREAMS', key, '>')
      const replies = (await pipeline.exec()) ?? []
      if (finished.length) await settleAck(replies[0], () => ack(finished))
      const [error, reply] = replies[replies.length - 1] ?? [new Error('no reply to XREADGROUP')]
      if (error) throw error
      const streams = reply as [string, StreamEntry[]][] | null
      return streams?.[0] ? toRecords(streams[0][1]) : []
    },
    ack,
    settledEmpty: async () => backlog.length === 0 && (await runScript(client, QUEUE_LENGTH, [key], [GROUP])) === 0,
    close: async () => {
      await lock.release()
      client.disconnect()
    },
  }
}

function addAck(pipeline: ChainableCommander, key: string, records: readonly QueuedRecord[]): void {
  pipeline.evalsha(ACK_AND_TRIM.sha, 1, key, GROUP, ...records.map((r) => r.ref))
}

/** An ack sent in a pipeline failed only if Redis did not know the script yet: run it again, loading it. */
async function settleAck(reply: [Error | null, unknown] | undefined, again: () => Promise<void>): Promise<void> {
  const error = reply?.[0]
  if (!error) return
  if (!error.message.startsWith('NOSCRIPT')) throw error
  await again()
}
