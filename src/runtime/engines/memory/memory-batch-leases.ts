// A worker producer's batch list and leases in this process (memory engine): the same claims
// and leases as on a server, for a producer run in one process.
import type { BatchLeaseStore, Claim, WorkerProducerStatus } from '../../core/batch-lease-store.js'

export class MemoryBatchLeases implements BatchLeaseStore {
  private batches: string[] = []
  private total: number | undefined
  private next = 0
  private readonly done = new Set<number>()
  /** Leased batch -> owner and when the lease ends. */
  private readonly leases = new Map<number, { owner: string; until: number }>()
  private reclaimed = 0

  async initialized(): Promise<boolean> {
    return this.total !== undefined
  }

  async storeBatches(from: number, batches: readonly string[]): Promise<void> {
    batches.forEach((json, i) => {
      this.batches[from + i] = json
    })
  }

  async seal(total: number): Promise<{ sealed: boolean; total: number }> {
    if (this.total !== undefined) return { sealed: false, total: this.total }
    this.total = total
    return { sealed: true, total }
  }

  async claim(owner: string, leaseMs: number): Promise<Claim> {
    if (this.total === undefined) return { kind: 'uninitialized' }
    const now = Date.now()
    for (const [index, lease] of this.leases) {
      if (lease.until > now) continue
      this.leases.set(index, { owner, until: now + leaseMs })
      this.reclaimed++
      return { kind: 'batch', index, reclaimed: true, batch: JSON.parse(this.batches[index] ?? 'null') }
    }
    if (this.next < this.total) {
      const index = this.next++
      this.leases.set(index, { owner, until: now + leaseMs })
      return { kind: 'batch', index, reclaimed: false, batch: JSON.parse(this.batches[index] ?? 'null') }
    }
    if (this.leases.size === 0) return { kind: 'finished' }
    const soonest = Math.min(...[...this.leases.values()].map((l) => l.until))
    return { kind: 'wait', ms: Math.max(1, soonest - now) }
  }

  async renew(index: number, owner: string, leaseMs: number): Promise<boolean> {
    const lease = this.leases.get(index)
    if (lease?.owner !== owner) return false
    lease.until = Date.now() + leaseMs
    return true
  }

  async complete(index: number): Promise<{ done: number; total: number }> {
    this.leases.delete(index)
    this.done.add(index)
    return { done: this.done.size, total: this.total ?? 0 }
  }

  async status(): Promise<WorkerProducerStatus> {
    return {
      initialized: this.total !== undefined,
      total: this.total ?? 0,
      started: this.next,
      done: this.done.size,
      leased: this.leases.size,
      reclaimed: this.reclaimed,
    }
  }

  async reset(): Promise<void> {
    this.batches = []
    this.total = undefined
    this.next = 0
    this.done.clear()
    this.leases.clear()
    this.reclaimed = 0
  }
}
