// The lock that makes one process at a time the reader of a consumer's Redis stream. It expires
// when its holder dies, and the holder renews it while it lives.
import type { Redis } from 'ioredis'
import { StairsError } from '../../../errors.js'

const LOCK_MS = 15_000

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export interface ConsumerQueueLock {
  /** Stops renewing and deletes the lock if it is still ours. */
  release(): Promise<void>
}

/**
 * Takes the lock as `me`, or fails naming the holder. `client` is left connected either way; the
 * caller disconnects it on failure.
 */
export async function lockConsumerQueue(client: Redis, lockKey: string, me: string, label: string): Promise<ConsumerQueueLock> {
  const locked = await client.set(lockKey, me, 'PX', LOCK_MS, 'NX')
  if (locked !== 'OK') {
    const holder = await client.get(lockKey)
    throw new StairsError(
      'ENGINE',
      `consumer '${label}' is already read by ${holder ?? 'another process'} (lock ${lockKey}); one reader at a time (a reader that died releases it within ${LOCK_MS / 1000} s)`,
    )
  }
  const renew = setInterval(() => void client.eval(RENEW, 1, lockKey, me, LOCK_MS).catch(() => {}), LOCK_MS / 3)
  renew.unref()
  return {
    release: async () => {
      clearInterval(renew)
      await client.eval(RELEASE, 1, lockKey, me).catch(() => {})
    },
  }
}
