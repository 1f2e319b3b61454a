// Deploy safety: each stage queue's contract hash (from the manifest) is registered in Redis by
// the first worker; a worker whose hash differs refuses to start, since queued records were
// shaped by the other version of the code.
import type { Redis } from 'ioredis'
import { StairsError } from '../../../errors.js'
import { DEFAULT_PREFIX, redisKeys } from '../../keys.js'
import { connectRedis, type RedisSettings } from '../redis-common/redis-connection.js'

/** Registers each queue's hash if none is registered; throws naming every queue whose hash differs. */
export async function checkContracts(
  client: Redis,
  prefix: string,
  app: string,
  contracts: Readonly<Record<string, string>>,
): Promise<void> {
  const queues = Object.keys(contracts)
  if (!queues.length) return
  const key = redisKeys.contracts(prefix, app)
  const tx = client.multi()
  for (const queue of queues) tx.hsetnx(key, queue, contracts[queue] as string)
  tx.hmget(key, ...queues)
  const replies = (await tx.exec()) ?? []
  const registered = (replies[replies.length - 1]?.[1] ?? []) as (string | null)[]
  const changed = queues.filter((queue, i) => registered[i] !== contracts[queue])
  if (!changed.length) return
  const lines = changed.map((queue) => `  ${queue}: Redis has ${registered[queues.indexOf(queue)]}, this worker has ${contracts[queue]}`)
  throw new StairsError(
    'ENGINE',
    `refusing to start: the contract of ${changed.length === 1 ? 'stage queue' : 'stage queues'} changed since the running system registered it\n${lines.join('\n')}\nRecords already queued were shaped by the old code. Drain the old queue first (run the old workers until it is empty), then reset the contract with resetContracts(redis, '${app}', [${changed.map((q) => `'${q}'`).join(', ')}]) and start again.`,
  )
}

/**
 * Forgets registered contract hashes (all of an app, or the named queues), so the next worker
 * registers its own. Only after the old queues are drained.
 */
export async function resetContracts(redis: RedisSettings, app: string, queues?: readonly string[]): Promise<number> {
  const client = await connectRedis(redis, 'producer')
  try {
    const key = redisKeys.contracts(redis.prefix ?? DEFAULT_PREFIX, app)
    return queues?.length ? await client.hdel(key, ...queues) : await client.del(key)
  } finally {
    client.disconnect()
  }
}
