// The engine's KV buckets (counters, contracts, locks, leases), opened or made on first use with
// the engine's replicas and storage, and the compare-and-set loop they all update with.
import type { KV } from '@nats-io/kv'
import type { NatsLink } from './connection.js'
import type { JetStreamSettings } from './settings.js'

export interface BucketOptions {
  /** Entries vanish this long after their last write (ms); 0 keeps them. */
  readonly ttlMs?: number
}

/** Opens the bucket, making it when missing. */
export async function openBucket(link: NatsLink, settings: JetStreamSettings, name: string, options: BucketOptions = {}): Promise<KV> {
  const { Kvm } = await import('@nats-io/kv')
  return new Kvm(link.js).create(name, {
    history: 1,
    replicas: settings.replicas,
    storage: settings.storage,
    ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
  })
}

/** True for the refusal of a write whose expected revision is no longer the key's (someone wrote first). */
export function isRevisionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 10071 || code === 10164 || /wrong last sequence/i.test(String((error as Error)?.message))
}

/**
 * Reads the key, computes its new value from the current one, and writes it only if nobody wrote
 * in between (the revision), reading again after a conflict. Returns what was written.
 */
export async function updateKey<T>(kv: KV, key: string, change: (current: T | undefined) => T): Promise<T> {
  for (;;) {
    const entry = await kv.get(key)
    const live = entry && entry.operation === 'PUT' ? entry : undefined
    const next = change(live ? (entry?.json<T>() as T) : undefined)
    try {
      if (live) await kv.update(key, JSON.stringify(next), live.revision)
      else await kv.create(key, JSON.stringify(next))
      return next
    } catch (error) {
      if (!isRevisionConflict(error) && !/exists/i.test(String((error as Error)?.message))) throw error
    }
  }
}
