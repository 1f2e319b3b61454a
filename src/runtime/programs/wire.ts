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
 */
export function checkWireSafe(value: unknown, stage: string): void {
  if (!isSafe(value, 0)) explain(value, stage, '', new Set())
}

const MAX_DEPTH = 64

function isSafe(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (depth > MAX_DEPTH) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isSafe(value[i], depth + 1)) return false
        return true
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return false
      for (const key in value) if (!isSafe((value as Record<string, unknown>)[key], depth + 1)) return false
      return true
    }
    default:
      return false
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
