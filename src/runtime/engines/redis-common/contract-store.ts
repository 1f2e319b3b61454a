// Where both Redis engines keep the contract hash registered for each queue: one hash per app,
// `<prefix>:<app>:contracts`, queue name -> hash.
import type { Redis } from 'ioredis'
import type { ContractStore } from '../../core/contracts.js'
import { redisKeys } from '../../keys.js'

export class RedisContractStore implements ContractStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async register(app: string, contracts: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const queues = Object.keys(contracts)
    if (!queues.length) return {}
    const key = redisKeys.contracts(this.prefix, app)
    const tx = this.client.multi()
    for (const queue of queues) tx.hsetnx(key, queue, contracts[queue] as string)
    tx.hmget(key, ...queues)
    const replies = (await tx.exec()) ?? []
    const failed = replies.find(([error]) => error)?.[0]
    if (failed) throw failed
    const registered = (replies[replies.length - 1]?.[1] ?? []) as (string | null)[]
    const result: Record<string, string> = {}
    queues.forEach((queue, i) => {
      const hash = registered[i]
      if (hash != null) result[queue] = hash
    })
    return result
  }

  async list(app: string): Promise<Record<string, string>> {
    return this.client.hgetall(redisKeys.contracts(this.prefix, app))
  }

  async reset(app: string, queues?: readonly string[]): Promise<number> {
    const key = redisKeys.contracts(this.prefix, app)
    if (queues?.length) return this.client.hdel(key, ...queues)
    const count = await this.client.hlen(key)
    await this.client.del(key)
    return count
  }
}
