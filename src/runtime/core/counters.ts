// The counters every engine keeps, defined once, and how they are read back from a store that
// holds them as text (a Redis hash, a key-value bucket).
//
// Per pipeline: received = accepted + rejected (the schema or the wire refused it) + duplicates
// (an explicit id seen within the dedupe window); accepted records end as out, filtered or
// dead-lettered, or are still in flight. Per stage: added records are processed (including
// filtered ones), dead-lettered, or still queued or in flight; failed counts attempts, retried
// the attempts scheduled again.
import type { PipelineCounters, StageCounters } from '../engine-types.js'

export const STAGE_COUNTER_FIELDS = [
  'added',
  'processed',
  'failed',
  'filtered',
  'retried',
  'deadLettered',
] as const satisfies readonly (keyof StageCounters)[]
export const PIPELINE_COUNTER_FIELDS = [
  'in',
  'out',
  'filtered',
  'deadLettered',
  'rejected',
  'duplicates',
] as const satisfies readonly (keyof PipelineCounters)[]

export const emptyStageCounters = (): StageCounters => ({ added: 0, processed: 0, failed: 0, filtered: 0, retried: 0, deadLettered: 0 })
export const emptyPipelineCounters = (): PipelineCounters => ({ in: 0, out: 0, filtered: 0, deadLettered: 0, rejected: 0, duplicates: 0 })

type Stored = Readonly<Record<string, string | number | null | undefined>>

const count = (value: string | number | null | undefined): number => {
  const n = Number(value ?? 0)
  return Number.isFinite(n) ? n : 0
}

/** Stage counters from stored fields (missing ones are 0). */
export function parseStageCounters(stored: Stored): StageCounters {
  const counters = emptyStageCounters()
  for (const field of STAGE_COUNTER_FIELDS) counters[field] = count(stored[field])
  return counters
}

/** Pipeline counters from stored fields (missing ones are 0). */
export function parsePipelineCounters(stored: Stored): PipelineCounters {
  const counters = emptyPipelineCounters()
  for (const field of PIPELINE_COUNTER_FIELDS) counters[field] = count(stored[field])
  return counters
}
