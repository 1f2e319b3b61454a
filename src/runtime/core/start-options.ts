// The run options every engine reads, resolved once with their defaults, so that no engine keeps
// its own copy of a default or of the per-stage concurrency rule.
import type { RetryPolicy } from '../../graph/nodes.js'
import type { StartOptions } from '../port.js'
import { DEFAULT_RETRY } from '../programs/compiled-pipeline.js'
import { DEDUPE_WINDOW_MS, SHUTDOWN_TIMEOUT_MS } from './defaults.js'
import { MAX_RECORD_BYTES } from './record-size.js'

export interface ResolvedStartOptions {
  readonly maxRecordBytes: number
  readonly shutdownTimeoutMs: number
  readonly dedupeWindowMs: number
  /** The retry policy of stages that declare none. */
  readonly retry: RetryPolicy
  /** Workers for a stage (`pipeline/stage`): the option's number for all, or its entry, else 1. */
  concurrencyOf(stage: string): number
  /** Whether this process runs the stage's workers (`workers` option). */
  serves(stage: string): boolean
}

export function resolveStartOptions(options: StartOptions): ResolvedStartOptions {
  const { concurrency, workers } = options
  const only = typeof workers === 'object' ? new Set(workers.stages) : undefined
  return {
    maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_BYTES,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS,
    dedupeWindowMs: Math.max(1, options.dedupeWindowMs ?? DEDUPE_WINDOW_MS),
    retry: options.retry ?? DEFAULT_RETRY,
    concurrencyOf: (stage) => Math.max(1, typeof concurrency === 'number' ? concurrency : (concurrency?.[stage] ?? 1)),
    serves: (stage) => workers !== false && (!only || only.has(stage)),
  }
}
