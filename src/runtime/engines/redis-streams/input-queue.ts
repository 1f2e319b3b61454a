// The producer side of the redis engine: input records checked against the pipeline's schema,
// encoded as envelopes, then queued on the first stage's stream in one script call (packed
// several to an entry), or dead-lettered when the schema or the wire refuses them.
import type { Redis } from 'ioredis'
import type { InputAdmission } from '../../core/admission.js'
import type { DeadLetter } from '../../engine-types.js'
import { runScript } from '../redis-common/lua.js'
import { PUSH, PUSH_PACKED } from './scripts.js'
import { ENTRY_BYTES, type StreamsRunSettings } from './settings.js'
import type { PipelineKeys } from './stream-layout.js'

export interface EncodedInputs {
  /** Explicit ids to deduplicate ('' for none), one per text. */
  readonly ids: string[]
  readonly texts: string[]
  /** Records the schema or the wire refused, as dead letters. */
  readonly rejected: DeadLetter[]
  /** The first record over the size limit: it and the records after it were not encoded. */
  readonly tooLarge: unknown
}

/** Admits and encodes input records (core/admission.ts); `nextId` names a record that came without an id. */
export function encodeInputs(
  admission: InputAdmission,
  records: readonly (readonly [unknown, string | undefined])[],
  nextId: () => string,
): EncodedInputs {
  const ids: string[] = []
  const texts: string[] = []
  const rejected: DeadLetter[] = []
  for (const [record, explicitId] of records) {
    const id = explicitId ?? nextId()
    let admitted: ReturnType<InputAdmission['encode']>
    try {
      admitted = admission.encode(record, id)
    } catch (error) {
      // Over the size limit: the records before it are still queued, then the caller hears why.
      return { ids, texts, rejected, tooLarge: error }
    }
    if (!admitted.ok) {
      rejected.push(admitted.letter)
      continue
    }
    ids.push(explicitId ?? '')
    texts.push(admitted.envelope)
  }
  return { ids, texts, rejected, tooLarge: undefined }
}

/** Queues encoded envelopes on the first stage; returns the records queued there (waiting or in flight). */
export async function queueInputs(
  client: Redis,
  keys: PipelineKeys,
  settings: StreamsRunSettings,
  ids: readonly string[],
  texts: readonly string[],
): Promise<number> {
  const first = keys.stages[0] as PipelineKeys['stages'][number]
  const rate = first.rate(Math.floor(Date.now() / 1000))
  const packed = packEnvelopes(texts, settings.batchSize)
  if (ids.every((id) => id === ''))
    return (await runScript(client, PUSH_PACKED, [first.stream, keys.counters, first.counters, rate], packed)) as number
  const window = settings.dedupeWindowMs
  const bucket = Math.floor(Date.now() / window)
  const seen = [keys.seen(bucket), keys.seen(bucket - 1)]
  const args = [2 * window, ids.length, ...ids, ...packed]
  const [queued] = (await runScript(client, PUSH, [first.stream, ...seen, keys.counters, first.counters, rate], args)) as [number, number]
  return queued
}

/**
 * Packs envelopes for a stream entry each: pairs of a record count and the entry's envelopes
 * joined by newlines, up to `perEntry` envelopes and, unless one alone is larger, about ENTRY_BYTES.
 */
function packEnvelopes(texts: readonly string[], perEntry: number): (string | number)[] {
  const packed: (string | number)[] = []
  let from = 0
  let chars = 0
  for (let i = 0; i <= texts.length; i++) {
    const text = texts[i]
    if (i > from && (text === undefined || i - from >= perEntry || chars + text.length > ENTRY_BYTES)) {
      packed.push(i - from, texts.slice(from, i).join('\n'))
      from = i
      chars = 0
    }
    if (text !== undefined) chars += text.length + 1
  }
  return packed
}

/** Dead-letters refused input records and counts them. */
export async function rejectInputs(client: Redis, keys: PipelineKeys, letters: readonly DeadLetter[]): Promise<void> {
  await client
    .multi()
    .rpush(keys.deadLetters, ...letters.map((l) => JSON.stringify(l)))
    .hincrby(keys.counters, 'rejected', letters.length)
    .hincrby(keys.counters, 'deadLettered', letters.length)
    .exec()
}
