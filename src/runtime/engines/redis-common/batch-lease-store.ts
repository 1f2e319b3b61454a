// A worker producer's state in Redis (both Redis engines): the batch list, leases, owners and
// the done set, under the producer's own hash tag; claims and renewals are atomic scripts.
import type { Redis } from 'ioredis'
import type { BatchLeaseStore, Claim, WorkerProducerStatus } from '../../core/batch-lease-store.js'
import { redisKeys } from '../../keys.js'
import { CLAIM, COMPLETE, RENEW, SEAL } from './batch-lease-scripts.js'

const PARTS = ['meta', 'batches', 'leases', 'owners', 'done'] as const

export class RedisBatchLeases implements BatchLeaseStore {
  readonly keys: readonly string[]

  constructor(
    private readonly client: Redis,
    app: string,
    producer: string,
    prefix: string,
  ) {
    this.keys = PARTS.map((part) => redisKeys.producer(prefix, app, producer, part))
  }

  /** Whether the batch count is set (init finished). */
  async initialized(): Promise<boolean> {
    return (await this.client.hexists(this.keys[0] as string, 'total')) === 1
  }

  /** Stores batches `from..` (JSON each); idempotent, so a crashed init can simply be run again. */
  async storeBatches(from: number, batches: readonly string[]): Promise<void> {
    const fields: string[] = []
    for (const [i, json] of batches.entries()) fields.push(String(from + i), json)
    if (fields.length) await this.client.hset(this.keys[1] as string, ...fields)
  }

  /** Seals the list with its count; returns whether this call did (false: already initialized). */
  async seal(total: number, leaseMs: number): Promise<{ sealed: boolean; total: number }> {
    const [sealed, stored] = (await this.client.eval(SEAL, 1, this.keys[0] as string, total, leaseMs, new Date().toISOString())) as [
      number,
      number,
    ]
    return { sealed: sealed === 1, total: stored }
  }

  async claim(owner: string, leaseMs: number): Promise<Claim> {
    const reply = (await this.client.eval(CLAIM, 5, ...this.keys, owner, leaseMs)) as [number, number?, string?]
    const [index, extra] = reply
    if (index === -3) return { kind: 'uninitialized' }
    if (index === -2) return { kind: 'finished' }
    if (index === -1) return { kind: 'wait', ms: extra ?? 100 }
    return { kind: 'batch', index, reclaimed: extra === 1, batch: JSON.parse(reply[2] ?? 'null') }
  }

  /** Extends our lease; false when another process took the batch over. */
  async renew(index: number, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.client.eval(RENEW, 5, ...this.keys, index, owner, leaseMs)) === 1
  }

  async complete(index: number): Promise<{ done: number; total: number }> {
    const [done, total] = (await this.client.eval(COMPLETE, 5, ...this.keys, index)) as [number, number]
    return { done, total }
  }

  async status(): Promise<WorkerProducerStatus> {
    const [total, next, done, reclaimed] = await this.client.hmget(this.keys[0] as string, 'total', 'next', 'done', 'reclaimed')
    const leased = await this.client.zcard(this.keys[2] as string)
    return {
      initialized: total !== null,
      total: Number(total ?? 0),
      started: Number(next ?? 0),
      done: Number(done ?? 0),
      leased,
      reclaimed: Number(reclaimed ?? 0),
    }
  }

  /** Forgets everything (to initialize again with another batch list). */
  async reset(): Promise<void> {
    await this.client.del(...this.keys)
  }
}
