// A worker producer's batch list, leases and progress in the leases KV bucket, shared by any
// number of `producer:process` processes. Every change of shared state is a compare-and-set on
// the key's revision, so two processes never claim the same batch:
//   <app>.<producer>.meta      {total, next, done, reclaimed}
//   <app>.<producer>.batch.<i> the batch's JSON
//   <app>.<producer>.lease.<i> {owner, until}   (removed when the batch is done)
//   <app>.<producer>.done.<i>  a marker, created once
// Lease times come from each process's clock: keep the machines' clocks in sync (NTP).
import type { KV } from '@nats-io/kv'
import type { BatchLeaseStore, Claim, WorkerProducerStatus } from '../../core/batch-lease-store.js'
import { isRevisionConflict, updateKey } from './buckets.js'

interface Meta {
  total: number
  next: number
  done: number
  reclaimed: number
}

interface Lease {
  owner: string
  until: number
}

const isTaken = (error: unknown) => isRevisionConflict(error) || /exists/i.test(String((error as Error)?.message))

export class KvBatchLeases implements BatchLeaseStore {
  private readonly base: string

  constructor(
    private readonly kv: KV,
    app: string,
    producer: string,
  ) {
    this.base = `${app}.${producer}`
  }

  async initialized(): Promise<boolean> {
    return (await this.meta()) !== undefined
  }

  async storeBatches(from: number, batches: readonly string[]): Promise<void> {
    await Promise.all(batches.map((json, i) => this.kv.put(`${this.base}.batch.${from + i}`, json)))
  }

  async seal(total: number): Promise<{ sealed: boolean; total: number }> {
    try {
      await this.kv.create(`${this.base}.meta`, JSON.stringify({ total, next: 0, done: 0, reclaimed: 0 } satisfies Meta))
      return { sealed: true, total }
    } catch (error) {
      if (!isTaken(error)) throw error
      return { sealed: false, total: (await this.meta())?.total ?? total }
    }
  }

  async claim(owner: string, leaseMs: number): Promise<Claim> {
    const meta = await this.meta()
    if (!meta) return { kind: 'uninitialized' }
    const now = Date.now()
    let soonest = Number.POSITIVE_INFINITY
    for (const key of await this.keys('lease')) {
      const entry = await this.kv.get(key)
      if (entry?.operation !== 'PUT') continue
      const lease = entry.json<Lease>()
      if (lease.until > now) {
        soonest = Math.min(soonest, lease.until)
        continue
      }
      try {
        await this.kv.update(key, JSON.stringify({ owner, until: now + leaseMs } satisfies Lease), entry.revision)
      } catch (error) {
        if (isTaken(error)) continue // another process reclaimed it first
        throw error
      }
      await updateKey<Meta>(this.kv, `${this.base}.meta`, (m) => ({ ...(m as Meta), reclaimed: (m?.reclaimed ?? 0) + 1 }))
      const index = Number(key.slice(key.lastIndexOf('.') + 1))
      return { kind: 'batch', index, reclaimed: true, batch: await this.batch(index) }
    }
    let index = -1
    await updateKey<Meta>(this.kv, `${this.base}.meta`, (m) => {
      const current = m as Meta
      index = current.next < current.total ? current.next : -1
      return index < 0 ? current : { ...current, next: current.next + 1 }
    })
    if (index >= 0) {
      await this.kv.put(`${this.base}.lease.${index}`, JSON.stringify({ owner, until: now + leaseMs } satisfies Lease))
      return { kind: 'batch', index, reclaimed: false, batch: await this.batch(index) }
    }
    if (soonest === Number.POSITIVE_INFINITY) return (await this.keys('lease')).length ? { kind: 'wait', ms: 100 } : { kind: 'finished' }
    return { kind: 'wait', ms: Math.max(1, soonest - now) }
  }

  async renew(index: number, owner: string, leaseMs: number): Promise<boolean> {
    const key = `${this.base}.lease.${index}`
    const entry = await this.kv.get(key)
    if (entry?.operation !== 'PUT' || entry.json<Lease>().owner !== owner) return false
    try {
      await this.kv.update(key, JSON.stringify({ owner, until: Date.now() + leaseMs } satisfies Lease), entry.revision)
      return true
    } catch (error) {
      if (isTaken(error)) return false
      throw error
    }
  }

  async complete(index: number): Promise<{ done: number; total: number }> {
    let first = true
    try {
      await this.kv.create(`${this.base}.done.${index}`, '1')
    } catch (error) {
      if (!isTaken(error)) throw error
      first = false
    }
    await this.kv.purge(`${this.base}.lease.${index}`)
    const meta = first
      ? await updateKey<Meta>(this.kv, `${this.base}.meta`, (m) => ({ ...(m as Meta), done: (m?.done ?? 0) + 1 }))
      : ((await this.meta()) as Meta)
    return { done: meta.done, total: meta.total }
  }

  async status(): Promise<WorkerProducerStatus> {
    const meta = await this.meta()
    let leased = 0
    for (const key of await this.keys('lease')) {
      const entry = await this.kv.get(key)
      if (entry && entry.operation === 'PUT') leased++
    }
    return {
      initialized: meta !== undefined,
      total: meta?.total ?? 0,
      started: meta?.next ?? 0,
      done: meta?.done ?? 0,
      leased,
      reclaimed: meta?.reclaimed ?? 0,
    }
  }

  async reset(): Promise<void> {
    const keys: string[] = []
    for await (const key of await this.kv.keys(`${this.base}.>`)) keys.push(key)
    await Promise.all(keys.map((key) => this.kv.purge(key)))
  }

  private async meta(): Promise<Meta | undefined> {
    const entry = await this.kv.get(`${this.base}.meta`)
    return entry && entry.operation === 'PUT' ? entry.json<Meta>() : undefined
  }

  private async batch(index: number): Promise<unknown> {
    const entry = await this.kv.get(`${this.base}.batch.${index}`)
    return entry && entry.operation === 'PUT' ? entry.json<unknown>() : null
  }

  private async keys(part: string): Promise<string[]> {
    const keys: string[] = []
    for await (const key of await this.kv.keys(`${this.base}.${part}.*`)) keys.push(key)
    return keys
  }
}
