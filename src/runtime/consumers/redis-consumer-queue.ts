// A consumer's queue on Redis: one stream per consumer, read through a consumer group and acked
// (and deleted) only after the consumer returned, so a crash re-delivers instead of losing records.
// One reader at a time holds a lock; on start it takes over what a dead reader left unacked.
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { Redis } from 'ioredis'
import { StairsError } from '../../errors.js'
import type { ConsumerRef } from '../../graph/nodes.js'
import { DEFAULT_PREFIX, redisKeys } from '../keys.js'
import { connectRedis, type RedisSettings } from '../redis-connection.js'
import type { ConsumerQueueReader, QueuedRecord } from './consumer-queue-types.js'

const GROUP = 'stairs'
const LOCK_MS = 15_000

/** StageContext.deliver for the Redis engines: appends the record to the consumer's stream. */
export function redisConsumerDelivery(client: Redis, prefix = DEFAULT_PREFIX): (consumer: ConsumerRef, record: object) => Promise<void> {
  return async (consumer, record) => {
    await client.xadd(redisKeys.consumerQueue(prefix, consumer.app, consumer.name), '*', 'r', JSON.stringify(record))
  }
}

/** Records waiting in a consumer's Redis queue (delivered, not yet acked). */
export async function redisConsumerQueueLength(client: Redis, consumer: ConsumerRef, prefix = DEFAULT_PREFIX): Promise<number> {
  return client.xlen(redisKeys.consumerQueue(prefix, consumer.app, consumer.name))
}

/** Opens a consumer's Redis queue as its only reader (fails clearly when another process reads it). */
export async function openRedisConsumerQueue(consumer: ConsumerRef, settings: RedisSettings): Promise<ConsumerQueueReader> {
  const prefix = settings.prefix ?? DEFAULT_PREFIX
  const key = redisKeys.consumerQueue(prefix, consumer.app, consumer.name)
  const lockKey = redisKeys.consumerLock(prefix, consumer.app, consumer.name)
  const me = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  const client = await connectRedis(settings, 'worker')
  const locked = await client.set(lockKey, me, 'PX', LOCK_MS, 'NX')
  if (locked !== 'OK') {
    const holder = await client.get(lockKey)
    client.disconnect()
    throw new StairsError(
      'ENGINE',
      `consumer '${consumer.app}.${consumer.name}' is already read by ${holder ?? 'another process'} (lock ${lockKey}); one reader at a time (a reader that died releases it within ${LOCK_MS / 1000} s)`,
    )
  }
  const renew = setInterval(() => void client.eval(RENEW, 1, lockKey, me, LOCK_MS).catch(() => {}), LOCK_MS / 3)
  renew.unref()
  try {
    await client.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM')
  } catch (error) {
    if (!/BUSYGROUP/.test(String(error))) throw error
  }
  // The lock makes us the only reader: what earlier readers left unacked is ours to redo first.
  let backlog = await takeOverPending(client, key, me)

  const toRecords = (entries: [string, string[]][]): QueuedRecord[] =>
    entries.map(([ref, fields]) => ({ ref, record: parseRecord(fields[1] as string, `${key} entry ${ref}`) }))
  return {
    where: key,
    read: async (max, blockMs) => {
      if (backlog.length) {
        const batch = backlog.slice(0, max)
        backlog = backlog.slice(max)
        return toRecords(batch)
      }
      const args: (string | number)[] = ['GROUP', GROUP, me, 'COUNT', max]
      if (blockMs > 0) args.push('BLOCK', blockMs)
      const reply = (await client.call('XREADGROUP', ...args, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null
      return reply?.[0] ? toRecords(reply[0][1]) : []
    },
    ack: async (records) => {
      if (records.length === 0) return
      const refs = records.map((r) => r.ref)
      await client
        .multi()
        .xack(key, GROUP, ...refs)
        .xdel(key, ...refs)
        .exec()
    },
    settledEmpty: async () => backlog.length === 0 && (await client.xlen(key)) === 0,
    close: async () => {
      clearInterval(renew)
      await client.eval(RELEASE, 1, lockKey, me).catch(() => {})
      client.disconnect()
    },
  }
}

async function takeOverPending(client: Redis, key: string, me: string): Promise<[string, string[]][]> {
  const taken: [string, string[]][] = []
  let cursor = '0-0'
  do {
    const reply = (await client.call('XAUTOCLAIM', key, GROUP, me, 0, cursor, 'COUNT', 1000)) as [string, [string, string[] | null][]]
    cursor = reply[0]
    for (const [id, fields] of reply[1]) if (fields) taken.push([id, fields])
  } while (cursor !== '0-0')
  return taken
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

function parseRecord(text: string, where: string): object {
  try {
    // Own `__proto__` keys are dropped: user code may copy records with Object.assign.
    const value: unknown = text.includes('"__proto__"') ? JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v)) : JSON.parse(text)
    if (typeof value === 'object' && value !== null) return value
  } catch {}
  throw new StairsError('ENVELOPE', `${where}: not a JSON record: ${text.slice(0, 80)}`)
}
