// The in-process codec of the memory engine: at a stage boundary a record is copied exactly as
// JSON would carry it (the same values refused with the same WireError, `undefined` keys and
// `__proto__` keys dropped, `undefined` array items as null, -0 as 0), without building and
// parsing a string. JSON.stringify + JSON.parse of an envelope was most of the memory engine's
// time per boundary (BENCHMARKS.md, "Profiles, issue 17"); a copy costs a fraction of it.
import { checkWireSafe, type Envelope, encodeChecked } from './wire.js'

/** Nesting past which a value is copied through JSON itself (rare; keeps the recursion shallow, as wire.ts does). */
const MAX_DEPTH = 64
/** At most 6 bytes per UTF-16 unit in JSON (a `\u0000` escape), plus the quotes (as wire.ts counts). */
const STRING_FACTOR = 6

/**
 * An envelope that travels between stages of one process as copied values, never shared with the
 * stage that sent it. `load` hands each run a fresh copy, so a retried record starts from what was
 * sent, as a decoded string would.
 */
export class CarriedEnvelope implements Envelope {
  constructor(
    readonly id: string,
    readonly data: unknown[],
    readonly stopped: readonly number[] | undefined,
    /** An upper bound of the envelope's JSON size in UTF-8 bytes (as `checkWireSafe` counts). */
    readonly bound: number,
  ) {}

  /** A copy to run: the stage may change its records in place. */
  load(): Envelope {
    const data = this.data
    const copy = new Array(data.length)
    for (let i = 0; i < data.length; i++) copy[i] = copyChecked(data[i], 0)
    return { id: this.id, data: copy, stopped: this.stopped }
  }

  /** The envelope as the other engines queue it (what a dead letter keeps, and a replay reads). */
  encode(): string {
    return encodeChecked(this.id, this.data, this.stopped)
  }
}

/**
 * Copies the live values of an envelope as JSON would carry them, or throws the WireError
 * `checkWireSafe` throws for them; the envelope's `bound` serves the size limit.
 */
export function carryEnvelope(
  id: string,
  data: readonly unknown[],
  stopped: readonly number[] | undefined,
  stage: string,
): CarriedEnvelope {
  const copy = new Array(data.length)
  let bytes = 16 + STRING_FACTOR * id.length
  for (let i = 0; i < data.length; i++) {
    copier.bytes = 0
    const value = copier.copy(data[i], 0)
    if (value === REFUSED) {
      checkWireSafe(data[i], stage) // throws the error that names the key
      throw new Error(`stage '${stage}': a value the wire refuses was not explained`)
    }
    copy[i] = value
    bytes += copier.bytes + 1
  }
  return new CarriedEnvelope(id, copy, stopped?.length ? stopped : undefined, bytes)
}

const REFUSED: unique symbol = Symbol('stairs.wire.refused')

/** One walk that copies and counts; `bytes` is an out-parameter so that no pair is allocated per value. */
const copier = {
  bytes: 0,
  copy(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        this.bytes += STRING_FACTOR * value.length + 2
        return value
      case 'boolean':
        this.bytes += 5
        return value
      case 'number':
        if (!Number.isFinite(value)) return REFUSED
        this.bytes += 24
        return value === 0 ? 0 : value // JSON has no -0
      case 'undefined':
        this.bytes += 4
        return null // an array item (a key holding undefined is skipped below)
      case 'object': {
        if (value === null) {
          this.bytes += 4
          return null
        }
        if (depth >= MAX_DEPTH) return deepCopy(value, this)
        this.bytes += 2
        if (Array.isArray(value)) {
          const out = new Array(value.length)
          for (let i = 0; i < value.length; i++) {
            const item = this.copy(value[i], depth + 1)
            if (item === REFUSED) return REFUSED
            out[i] = item
            this.bytes += 1
          }
          return out
        }
        const proto = Object.getPrototypeOf(value)
        if (proto !== Object.prototype && proto !== null) return REFUSED
        const out: Record<string, unknown> = {}
        for (const key in value) {
          const item = (value as Record<string, unknown>)[key]
          if (item === undefined) {
            this.bytes += STRING_FACTOR * key.length + 8
            continue
          }
          const copied = this.copy(item, depth + 1)
          if (copied === REFUSED) return REFUSED
          this.bytes += STRING_FACTOR * key.length + 4
          // JSON.parse keeps a `__proto__` key as an own property, and decodeEnvelope drops it.
          if (key !== '__proto__') out[key] = copied
        }
        return out
      }
      default:
        return REFUSED
    }
  },
}

/**
 * A value nested deeper than MAX_DEPTH: through JSON itself, like the string codec (checked first
 * by checkWireSafe's walk, which refuses cycles and unsafe values and lets deep plain data pass).
 */
function deepCopy(value: object, counter: { bytes: number }): unknown {
  try {
    checkWireSafe(value, '')
  } catch {
    return REFUSED
  }
  const text = JSON.stringify(value)
  counter.bytes += 3 * text.length
  return JSON.parse(text, (key, item) => (key === '__proto__' ? undefined : item))
}

/** A copy of a value already carried (it is plain data: no checks needed). */
function copyChecked(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return JSON.parse(JSON.stringify(value))
  if (Array.isArray(value)) {
    const out = new Array(value.length)
    for (let i = 0; i < value.length; i++) out[i] = copyChecked(value[i], depth + 1)
    return out
  }
  const out: Record<string, unknown> = {}
  for (const key in value) out[key] = copyChecked((value as Record<string, unknown>)[key], depth + 1)
  return out
}
