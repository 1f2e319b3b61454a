// Where the jetstream engine keeps the contract hash registered for each queue: the contracts KV
// bucket, key = the queue's name (`app.pipeline.stage`). The first worker's create wins; a key
// that exists is left as it is.
import type { KV } from '@nats-io/kv'
import type { ContractStore } from '../../core/contracts.js'
import { isRevisionConflict } from './buckets.js'

export class JetStreamContractStore implements ContractStore {
  constructor(private readonly kv: KV) {}

  async register(app: string, contracts: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const registered: Record<string, string> = {}
    for (const [queue, hash] of Object.entries(contracts)) {
      if (!queue.startsWith(`${app}.`)) continue
      try {
        await this.kv.create(queue, hash)
      } catch (error) {
        if (!isRevisionConflict(error) && !/exists/i.test(String((error as Error)?.message))) throw error
      }
      const entry = await this.kv.get(queue)
      if (entry && entry.operation === 'PUT') registered[queue] = entry.string()
    }
    return registered
  }

  async list(app: string): Promise<Record<string, string>> {
    const found: Record<string, string> = {}
    for (const queue of await this.keys(app)) {
      const entry = await this.kv.get(queue)
      if (entry && entry.operation === 'PUT') found[queue] = entry.string()
    }
    return found
  }

  async reset(app: string, queues?: readonly string[]): Promise<number> {
    const known = await this.keys(app)
    const chosen = queues ? known.filter((queue) => queues.includes(queue)) : known
    for (const queue of chosen) await this.kv.purge(queue)
    return chosen.length
  }

  private async keys(app: string): Promise<string[]> {
    const keys: string[] = []
    for await (const key of await this.kv.keys(`${app}.>`)) keys.push(key)
    return keys.sort()
  }
}
