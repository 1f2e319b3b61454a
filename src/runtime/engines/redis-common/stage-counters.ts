// Stage and pipeline counters kept in Redis, shared by the Redis engines so inspect reads one layout:
// - `redisKeys.stageCounters`: hash with the StageCounters fields (added, processed, failed,
//   filtered, retried, deadLettered);
// - `redisKeys.stageRate(second)`: hash per second with `added` and `processed`, expiring, for rates;
// - `redisKeys.pipelineCounters`: hash with the PipelineCounters fields (in, out, filtered,
//   deadLettered, rejected, duplicates).
// Workers buffer increments in memory and flush them in one pipelined round trip, so counting
// costs no round trip per record.
import type { Redis } from 'ioredis'
import { parsePipelineCounters, parseStageCounters } from '../../core/counters.js'
import type { PipelineCounters, StageCounters } from '../../engine-types.js'
import { redisKeys } from '../../keys.js'

export type StageCounterField = keyof StageCounters
export type PipelineCounterField = keyof PipelineCounters

/** Seconds a per-second rate window lives. */
const RATE_TTL_SECONDS = 120
/** Seconds averaged by `readRates`. */
const RATE_SPAN_SECONDS = 5

export interface CounterScope {
  readonly prefix: string
  readonly app: string
  readonly pipeline: string
}

/** Key names of one stage, built once (the rate key once per second). */
interface StageKeyCache {
  readonly counters: string
  second: number
  rate: string
}

/** Increments waiting to be written, grouped by hash key. */
export class CounterBuffer {
  private pending = new Map<string, Map<string, number>>()
  private expiring = new Set<string>()
  private readonly keys = new WeakMap<CounterScope, { pipeline: string; stages: Map<string, StageKeyCache> }>()

  /** Counts `by` on a stage counter (and on its per-second window for added/processed). */
  stage(scope: CounterScope, stage: string, field: StageCounterField, by = 1): void {
    const keys = this.stageKeys(scope, stage)
    this.add(keys.counters, field, by)
    if (field === 'added' || field === 'processed') {
      const second = Math.floor(Date.now() / 1000)
      if (second !== keys.second) {
        keys.second = second
        keys.rate = redisKeys.stageRate(scope.prefix, scope.app, scope.pipeline, stage, second)
      }
      this.add(keys.rate, field, by)
      this.expiring.add(keys.rate)
    }
  }

  pipeline(scope: CounterScope, field: PipelineCounterField, by = 1): void {
    this.add(this.scopeKeys(scope).pipeline, field, by)
  }

  private scopeKeys(scope: CounterScope): { pipeline: string; stages: Map<string, StageKeyCache> } {
    let keys = this.keys.get(scope)
    if (!keys) {
      keys = { pipeline: redisKeys.pipelineCounters(scope.prefix, scope.app, scope.pipeline), stages: new Map() }
      this.keys.set(scope, keys)
    }
    return keys
  }

  private stageKeys(scope: CounterScope, stage: string): StageKeyCache {
    const { stages } = this.scopeKeys(scope)
    let keys = stages.get(stage)
    if (!keys) {
      keys = { counters: redisKeys.stageCounters(scope.prefix, scope.app, scope.pipeline, stage), second: -1, rate: '' }
      stages.set(stage, keys)
    }
    return keys
  }

  get empty(): boolean {
    return this.pending.size === 0
  }

  /** Writes every buffered increment in one pipeline; on failure they are kept for the next flush. */
  async flush(client: Redis): Promise<void> {
    if (this.pending.size === 0) return
    const pending = this.pending
    const expiring = this.expiring
    this.pending = new Map()
    this.expiring = new Set()
    const batch = client.pipeline()
    for (const [key, fields] of pending) for (const [field, by] of fields) batch.hincrby(key, field, by)
    for (const key of expiring) batch.expire(key, RATE_TTL_SECONDS)
    try {
      const results = await batch.exec()
      const failed = results?.find(([error]) => error)
      if (failed) throw failed[0]
    } catch (error) {
      this.restore(pending, expiring)
      throw error
    }
  }

  private restore(pending: Map<string, Map<string, number>>, expiring: Set<string>): void {
    for (const [key, fields] of pending) for (const [field, by] of fields) this.add(key, field, by)
    for (const key of expiring) this.expiring.add(key)
  }

  private add(key: string, field: string, by: number): void {
    let fields = this.pending.get(key)
    if (!fields) this.pending.set(key, (fields = new Map()))
    fields.set(field, (fields.get(field) ?? 0) + by)
  }
}

const toNumber = (value: string | undefined): number => (value ? Number(value) : 0)

// The fields and their parsing are the core's (core/counters.ts), the same on every engine.
export async function readStageCounters(client: Redis, scope: CounterScope, stage: string): Promise<StageCounters> {
  return parseStageCounters(await client.hgetall(redisKeys.stageCounters(scope.prefix, scope.app, scope.pipeline, stage)))
}

export async function readPipelineCounters(client: Redis, scope: CounterScope): Promise<PipelineCounters> {
  return parsePipelineCounters(await client.hgetall(redisKeys.pipelineCounters(scope.prefix, scope.app, scope.pipeline)))
}

/** Added and processed per second over the last few whole seconds. */
export async function readRates(
  client: Redis,
  scope: CounterScope,
  stage: string,
): Promise<{ addedPerSecond: number; processedPerSecond: number }> {
  const now = Math.floor(Date.now() / 1000)
  const batch = client.pipeline()
  for (let s = now - RATE_SPAN_SECONDS; s < now; s++)
    batch.hmget(redisKeys.stageRate(scope.prefix, scope.app, scope.pipeline, stage, s), 'added', 'processed')
  let added = 0
  let processed = 0
  for (const [error, values] of (await batch.exec()) ?? []) {
    if (error) throw error
    const [a, p] = values as [string | null, string | null]
    added += toNumber(a ?? undefined)
    processed += toNumber(p ?? undefined)
  }
  return { addedPerSecond: added / RATE_SPAN_SECONDS, processedPerSecond: processed / RATE_SPAN_SECONDS }
}
