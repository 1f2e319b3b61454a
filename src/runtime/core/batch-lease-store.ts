// Where a worker producer keeps its batch list, leases and progress, so that any number of
// processes share the work (`stairs producer:init` / `producer:process`). An engine offers one
// through its admin side; the rules of claiming and leasing live in runtime/producers.

export type Claim =
  | { readonly kind: 'batch'; readonly index: number; readonly reclaimed: boolean; readonly batch: unknown }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'finished' }
  | { readonly kind: 'uninitialized' }

export interface WorkerProducerStatus {
  readonly initialized: boolean
  readonly total: number
  /** Batches claimed at least once. */
  readonly started: number
  readonly done: number
  /** Batches currently leased by a process. */
  readonly leased: number
  /** Claims of a batch whose lease had expired (a process died or stalled). */
  readonly reclaimed: number
}

export interface BatchLeaseStore {
  /** Whether the batch count is set (init finished). */
  initialized(): Promise<boolean>
  /** Stores batches `from..` (JSON each); idempotent, so a crashed init can simply be run again. */
  storeBatches(from: number, batches: readonly string[]): Promise<void>
  /** Seals the list with its count; returns whether this call did (false: already initialized). */
  seal(total: number, leaseMs: number): Promise<{ sealed: boolean; total: number }>
  /** The next batch for `owner` under a lease of `leaseMs`: a fresh one, or one whose lease lapsed. */
  claim(owner: string, leaseMs: number): Promise<Claim>
  /** Extends the lease; false when another process took the batch over. */
  renew(index: number, owner: string, leaseMs: number): Promise<boolean>
  complete(index: number): Promise<{ done: number; total: number }>
  status(): Promise<WorkerProducerStatus>
  /** Forgets everything (to initialize again with another batch list). */
  reset(): Promise<void>
}
