// The jetstream engine's counters: one KV entry per pipeline (`app.pipeline` in the counters
// bucket) with the pipeline's counters, each stage's counters and a few seconds of per-second
// added/processed windows for rates. Workers and producers count in memory and merge their
// increments into the entry with compare-and-set, at most every FLUSH_MS and before a drain or a
// stop settles, so counting costs no request per record. A process killed between an
// acknowledgement and its next flush loses those increments (the records themselves are safe).
import type { KV } from '@nats-io/kv'
import { emptyPipelineCounters, emptyStageCounters, parsePipelineCounters, parseStageCounters } from '../../core/counters.js'
import type { PipelineCounters, StageCounters } from '../../engine-types.js'
import { updateKey } from './buckets.js'

const FLUSH_MS = 200
/** Seconds of rate windows kept in an entry. */
const WINDOW_SECONDS = 10
/** Seconds averaged for a rate. */
const RATE_SECONDS = 5

export interface StoredCounters {
  p: PipelineCounters
  s: Record<string, StageCounters>
  /** Per stage, per unix second: [added, processed]. */
  w: Record<string, Record<string, [number, number]>>
}

interface Pending {
  p: Partial<Record<keyof PipelineCounters, number>>
  s: Map<string, Partial<Record<keyof StageCounters, number>>>
  w: Map<string, Map<number, [number, number]>>
}

export class CounterStore {
  private pending = new Map<string, Pending>()
  private flushing: Promise<void> | undefined
  private readonly timer: NodeJS.Timeout
  /** The last flush failure, for the owner to report (the increments are kept for the next flush). */
  lastError: unknown

  constructor(private readonly kv: KV) {
    this.timer = setInterval(() => void this.flush().catch(() => {}), FLUSH_MS)
    this.timer.unref()
  }

  stage(key: string, stage: string, field: keyof StageCounters, by = 1): void {
    if (by === 0) return
    const stages = this.entry(key).s
    let counters = stages.get(stage)
    if (!counters) stages.set(stage, (counters = {}))
    counters[field] = (counters[field] ?? 0) + by
    if (field === 'added' || field === 'processed') {
      const windows = this.entry(key).w
      let seconds = windows.get(stage)
      if (!seconds) windows.set(stage, (seconds = new Map()))
      const second = Math.floor(Date.now() / 1000)
      let window = seconds.get(second)
      if (!window) seconds.set(second, (window = [0, 0]))
      window[field === 'added' ? 0 : 1] += by
    }
  }

  pipeline(key: string, field: keyof PipelineCounters, by = 1): void {
    if (by === 0) return
    const counters = this.entry(key).p
    counters[field] = (counters[field] ?? 0) + by
  }

  /** Writes what was counted since the last flush; waits for a flush already on its way first. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing
    if (this.pending.size === 0) return
    const pending = this.pending
    this.pending = new Map()
    this.flushing = (async () => {
      try {
        for (const [key, delta] of pending) {
          await updateKey<StoredCounters>(this.kv, key, (current) => merge(current, delta))
          pending.delete(key)
        }
        this.lastError = undefined
      } catch (error) {
        this.lastError = error
        for (const [key, delta] of pending) this.restore(key, delta)
        throw error
      } finally {
        this.flushing = undefined
      }
    })()
    return this.flushing
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private entry(key: string): Pending {
    let entry = this.pending.get(key)
    if (!entry) this.pending.set(key, (entry = { p: {}, s: new Map(), w: new Map() }))
    return entry
  }

  private restore(key: string, delta: Pending): void {
    for (const [field, by] of Object.entries(delta.p)) this.pipeline(key, field as keyof PipelineCounters, by)
    const entry = this.entry(key)
    for (const [stage, fields] of delta.s) {
      let counters = entry.s.get(stage)
      if (!counters) entry.s.set(stage, (counters = {}))
      for (const [field, by] of Object.entries(fields))
        counters[field as keyof StageCounters] = (counters[field as keyof StageCounters] ?? 0) + by
    }
    for (const [stage, seconds] of delta.w) {
      let mine = entry.w.get(stage)
      if (!mine) entry.w.set(stage, (mine = new Map()))
      for (const [second, [a, p]] of seconds) {
        const window = mine.get(second) ?? [0, 0]
        mine.set(second, [window[0] + a, window[1] + p])
      }
    }
  }
}

function merge(current: StoredCounters | undefined, delta: Pending): StoredCounters {
  const merged: StoredCounters = {
    p: parsePipelineCounters({ ...current?.p }),
    s: {},
    w: {},
  }
  for (const [stage, counters] of Object.entries(current?.s ?? {})) merged.s[stage] = parseStageCounters({ ...counters })
  for (const [field, by] of Object.entries(delta.p)) merged.p[field as keyof PipelineCounters] += by
  for (const [stage, fields] of delta.s) {
    const counters = (merged.s[stage] ??= emptyStageCounters())
    for (const [field, by] of Object.entries(fields)) counters[field as keyof StageCounters] += by
  }
  const oldest = Math.floor(Date.now() / 1000) - WINDOW_SECONDS
  for (const [stage, seconds] of Object.entries(current?.w ?? {})) {
    const kept: Record<string, [number, number]> = {}
    for (const [second, window] of Object.entries(seconds)) if (Number(second) >= oldest) kept[second] = window
    merged.w[stage] = kept
  }
  for (const [stage, seconds] of delta.w) {
    const windows = (merged.w[stage] ??= {})
    for (const [second, [a, p]] of seconds) {
      if (second < oldest) continue
      const window = windows[second] ?? [0, 0]
      windows[second] = [window[0] + a, window[1] + p]
    }
  }
  return merged
}

/** A pipeline's stored counters (zeros before anything was counted). */
export async function readCounters(kv: KV, key: string): Promise<StoredCounters> {
  const entry = await kv.get(key)
  const stored = entry && entry.operation === 'PUT' ? entry.json<Partial<StoredCounters>>() : {}
  return { p: { ...emptyPipelineCounters(), ...stored.p }, s: stored.s ?? {}, w: stored.w ?? {} }
}

/** A stage's counters from the stored entry. */
export const stageCountersOf = (stored: StoredCounters, stage: string): StageCounters => parseStageCounters({ ...stored.s[stage] })

/** Added and processed per second over the last few whole seconds. */
export function ratesOf(stored: StoredCounters, stage: string): { addedPerSecond: number; processedPerSecond: number } {
  const now = Math.floor(Date.now() / 1000)
  let added = 0
  let processed = 0
  for (const [second, [a, p]] of Object.entries(stored.w[stage] ?? {})) {
    const s = Number(second)
    if (s >= now - RATE_SECONDS && s < now) {
      added += a
      processed += p
    }
  }
  return { addedPerSecond: added / RATE_SECONDS, processedPerSecond: processed / RATE_SECONDS }
}
