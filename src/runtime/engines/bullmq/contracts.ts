// Deploy safety: a worker registers the payload contract hash of each queue it serves, and refuses
// to start when Redis already holds a different one (the queue may hold records of another shape).
import type { Redis } from 'ioredis'
import { StairsError } from '../../../errors.js'
import { redisKeys } from '../../keys.js'
import type { StageQueue } from './stage-queues.js'

/** A worker's manifest disagrees with the contract the running system registered for a queue. */
export class ContractMismatchError extends StairsError {
  override readonly name = 'ContractMismatchError'
  constructor(
    message: string,
    readonly queue: string,
    readonly registered: string,
    readonly expected: string,
  ) {
    super('ENGINE', message)
  }
}

/**
 * Registers `contracts[queue]` for each served queue that has one (HSETNX, so the first worker
 * wins) and throws ContractMismatchError for the first queue whose registered hash differs.
 */
export async function checkContracts(
  client: Redis,
  prefix: string,
  app: string,
  queues: readonly StageQueue[],
  contracts: Readonly<Record<string, string>> | undefined,
): Promise<void> {
  if (!contracts) return
  const key = redisKeys.contracts(prefix, app)
  const served = queues.filter((queue) => contracts[queue.publicName] !== undefined)
  if (served.length === 0) return
  const batch = client.multi()
  for (const queue of served) batch.hsetnx(key, queue.publicName, contracts[queue.publicName] as string)
  batch.hmget(key, ...served.map((queue) => queue.publicName))
  const results = (await batch.exec()) ?? []
  const failure = results.find(([error]) => error)?.[0]
  if (failure) throw failure
  const registered = (results[results.length - 1]?.[1] ?? []) as (string | null)[]
  served.forEach((queue, i) => {
    const expected = contracts[queue.publicName] as string
    const current = registered[i]
    if (current != null && current !== expected) {
      throw new ContractMismatchError(
        `stage '${queue.stage}' (queue '${queue.publicName}') changed its payload contract: this worker expects ${expected}, ` +
          `but the running system registered ${current} in '${key}'. Records already queued may have the old shape. ` +
          `Drain the queue with the old workers, then remove the old registration (HDEL ${key} ${queue.publicName}) and start again.`,
        queue.publicName,
        current,
        expected,
      )
    }
  })
}
