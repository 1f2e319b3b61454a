// Turns a consumer stream's entries into records. The stage workers write one record per entry,
// as JSON in the field `r`; anything else is junk, reported with the stream key and entry id.
import { StairsError } from '../../../errors.js'
import type { QueuedRecord } from '../../consumers/consumer-queue-types.js'
import type { StreamEntry } from './consumer-takeover.js'

/**
 * The entries' records, in order, up to the first junk entry. With junk, `junk` is the error to
 * raise once the records before it were handled (so they are not stuck behind it).
 */
export function recordsOf(entries: readonly StreamEntry[], key: string): { records: QueuedRecord[]; junk?: StairsError } {
  const records: QueuedRecord[] = []
  for (const [ref, fields] of entries) {
    const record = parseRecord(fieldR(fields), key, ref)
    if (record instanceof StairsError) return { records, junk: record }
    records.push({ ref, record })
  }
  return { records }
}

function fieldR(fields: readonly string[]): string | undefined {
  if (fields[0] === 'r') return fields[1]
  for (let i = 2; i + 1 < fields.length; i += 2) if (fields[i] === 'r') return fields[i + 1]
  return undefined
}

function parseRecord(text: string | undefined, key: string, ref: string): object | StairsError {
  if (text !== undefined) {
    try {
      // Own `__proto__` keys are dropped: user code may copy records with Object.assign.
      const value: unknown = text.includes('"__proto__"')
        ? JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v))
        : JSON.parse(text)
      if (typeof value === 'object' && value !== null) return value
    } catch {}
  }
  const what = text === undefined ? "no field 'r'" : `not a JSON record: ${text.slice(0, 80)}`
  return new StairsError('ENVELOPE', `${key} entry ${ref}: ${what}; the entry stays queued (delete it with XDEL ${key} ${ref} to go on)`)
}
