// The redis engine's settings with their defaults, and the record size limit shared by producers
// and stages.
import { StairsError } from '../../../errors.js'
import type { EngineRunOptions } from '../../engine-registry.js'
import { DEFAULT_PREFIX } from '../../keys.js'

export interface StreamsSettings {
  readonly prefix: string
  readonly batchSize: number
  readonly blockMs: number
  readonly reclaimIdleMs: number
  readonly maxDeliveries: number
  readonly dedupeWindowMs: number
  readonly maxRecordBytes: number
  readonly queueCapacity: number
  readonly shutdownTimeoutMs: number
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024

/**
 * Soft size limit of a stream entry (records travel several to an entry): an entry takes no
 * more records once this full, so big records do not make entries of hundreds of megabytes.
 */
export const ENTRY_BYTES = 1024 * 1024

export function resolveSettings(options: EngineRunOptions): StreamsSettings {
  const streams = options.streams ?? {}
  return {
    prefix: options.redis?.prefix ?? DEFAULT_PREFIX,
    batchSize: Math.max(1, streams.batchSize ?? 500),
    blockMs: Math.max(1, streams.blockMs ?? 200),
    reclaimIdleMs: Math.max(1, streams.reclaimIdleMs ?? 30_000),
    maxDeliveries: Math.max(1, streams.maxDeliveries ?? 5),
    dedupeWindowMs: Math.max(1, streams.dedupeWindowMs ?? 3_600_000),
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    queueCapacity: Math.max(1, options.queueCapacity ?? 100_000),
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
  }
}

/** A record whose encoded form exceeds `maxRecordBytes`. Never retried. */
export class RecordTooLargeError extends StairsError {
  override readonly name = 'RecordTooLargeError'
  constructor(message: string) {
    super('WIRE', message)
  }
}

/** Throws when `text` is larger than `max` bytes; the UTF-8 length is only computed near the limit. */
export function checkRecordSize(text: string, max: number, where: string): void {
  if (text.length * 3 <= max) return
  const bytes = Buffer.byteLength(text)
  if (bytes > max)
    throw new RecordTooLargeError(
      `${where}: the record is ${bytes} bytes encoded, over the limit of ${max} bytes (maxRecordBytes); split it or raise the limit`,
    )
}
