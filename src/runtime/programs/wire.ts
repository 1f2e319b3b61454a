// The envelope on the wire, shared by every engine: `{"i": id, "d": [live values], "z": [stopped]}`.
// Encoding checks that each value survives JSON unchanged; decoding never trusts its input.
import { StairsError, WireError } from '../../errors.js'

export interface Envelope {
  /** Message id: stable through the pipeline (fan-out children get `id.n`); used to drop duplicates. */
  readonly id: string
  /** Values of the live slots, in the stage's liveIn order. */
  readonly data: unknown[]
  /** Positions in `data` whose branch was dropped with STOP. */
  readonly stopped: readonly number[] | undefined
}

/** Thrown for bytes that are not an envelope: the message goes to the dead-letter queue as is. */
export class EnvelopeError extends StairsError {
  override readonly name = 'EnvelopeError'
  constructor(message: string) {
    super('ENVELOPE', message)
  }
}

export function encodeEnvelope(id: string, data: readonly unknown[], stopped: readonly number[] | undefined, stage: string): string {
  for (const value of data) checkWireSafe(value, stage)
  return encodeChecked(id, data, stopped)
}

/** The envelope of values already checked with `checkWireSafe`. */
export function encodeChecked(id: string, data: readonly unknown[], stopped: readonly number[] | undefined): string {
  return JSON.stringify(stopped?.length ? { i: id, d: data, z: stopped } : { i: id, d: data })
}

/**
 * Parses an envelope without trusting it. `mayHoldProto: false` says the caller already looked
 * for `"__proto__"` in a larger text holding this one (a packed stream entry): one scan per entry
 * instead of one per record.
 */
export function decodeEnvelope(text: string, mayHoldProto = true): Envelope {
  let parsed: unknown
  try {
    // A `__proto__` key is harmless as an own property, but user code may copy it with
    // Object.assign; strip it where it appears (rare, so the fast path stays fast).
    parsed = mayHoldProto && text.includes('"__proto__"') ? JSON.parse(text, dropProtoKeys) : JSON.parse(text)
  } catch (error) {
    throw new EnvelopeError(`not a stairs envelope (invalid JSON: ${(error as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null) throw new EnvelopeError('not a stairs envelope (not an object)')
  const { i, d, z } = parsed as { i?: unknown; d?: unknown; z?: unknown }
  if (typeof i !== 'string' || !Array.isArray(d)) throw new EnvelopeError('not a stairs envelope (missing id or data)')
  if (z !== undefined && !(Array.isArray(z) && z.every((n) => Number.isInteger(n))))
    throw new EnvelopeError('not a stairs envelope (bad stop list)')
  return { id: i, data: d, stopped: z as number[] | undefined }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value
}

/**
 * Throws a WireError naming the stage and the key path when `value` would not come back from
 * JSON as it went in: functions, symbols, BigInt, non-finite numbers, Map/Set/Date and other
 * class instances, and cycles. The common case is one allocation-free pass; only a failing
 * value is walked again to name the key.
 *
 * Returns an upper bound of the value's JSON size in UTF-8 bytes (every character counted as an
 * escape could make it), so a size limit needs no encoding unless a record comes near it.
 */
export function checkWireSafe(value: unknown, stage: string): number {
  const bound = sizeBound(value, 0)
  if (bound < 0) explain(value, stage, '', new Set())
  return bound
}

const MAX_DEPTH = 64
/** At most 6 bytes per UTF-16 unit in JSON (a `\u0000` escape), plus the quotes. */
const STRING_FACTOR = 6

/** An upper bound of the UTF-8 size of `value` as JSON, or -1 when it cannot cross the wire. */
function sizeBound(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return STRING_FACTOR * value.length + 2
    case 'boolean':
      return 5
    case 'undefined':
      return 4
    case 'number':
      return Number.isFinite(value) ? 24 : -1
    case 'object': {
      if (value === null) return 4
      if (depth > MAX_DEPTH) return -1
      let total = 2
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = sizeBound(value[i], depth + 1)
          if (item < 0) return -1
          total += item + 1
        }
        return total
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return -1
      for (const key in value) {
        const item = sizeBound((value as Record<string, unknown>)[key], depth + 1)
        if (item < 0) return -1
        total += item + STRING_FACTOR * key.length + 4
      }
      return total
    }
    default:
      return -1
  }
}

/** The slow walk: finds the offending key and throws. Deep but acyclic values pass. */
function explain(value: unknown, stage: string, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return
    case 'number':
      if (!Number.isFinite(value)) fail(stage, path, `the number ${value}`)
      return
    case 'object': {
      if (value === null) return
      if (seen.has(value)) fail(stage, path, 'a cyclic reference')
      seen.add(value)
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) explain(value[i], stage, `${path}[${i}]`, seen)
      } else {
        const proto = Object.getPrototypeOf(value)
        if (proto !== Object.prototype && proto !== null) fail(stage, path, `a ${value.constructor?.name ?? 'class instance'}`)
        for (const key in value) explain((value as Record<string, unknown>)[key], stage, path ? `${path}.${key}` : key, seen)
      }
      seen.delete(value)
      return
    }
    default:
      fail(stage, path, `a ${typeof value}`)
  }
}

function fail(stage: string, path: string, what: string): never {
  const key = path || '(record)'
  throw new WireError(
    `stage '${stage}': key '${key}' holds ${what}, which cannot cross a stage boundary (records travel as JSON); convert it to plain data first`,
    stage,
    key,
  )
}
