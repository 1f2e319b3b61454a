// The producer side of the redis engine: input records checked against the pipeline's schema,
// encoded as envelopes, then queued on the first stage's stream in one script call (packed
// several to an entry), or dead-lettered when the schema or the wire refuses them.
import type { Redis } from 'ioredis'
import { InputError } from '../../../errors.js'
import type { DeadLetter } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { encodeEnvelope } from '../../programs/wire.js'
import { describeError } from '../memory/stage-worker.js'
import { PUSH, PUSH_PACKED, runScript } from './scripts.js'
import { checkRecordSize, ENTRY_BYTES, type StreamsSettings } from './settings.js'
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

/** Checks and encodes input records; `nextId` names a record that came without an id. */
export function encodeInputs(
  compiled: CompiledPipeline,
  records: readonly (readonly [unknown, string | undefined])[],
  nextId: () => string,
  maxRecordBytes: number,
): EncodedInputs {
  const ids: string[] = []
  const texts: string[] = []
  const rejected: DeadLetter[] = []
  const where = `pipeline '${compiled.app}.${compiled.name}', input`
  for (const [record, explicitId] of records) {
    const id = explicitId ?? nextId()
    const checked = compiled.validate(record)
    let text: string
    try {
      if (!checked.ok) throw new InputError(checked.message)
      text = encodeEnvelope(id, [checked.record], undefined, `${compiled.name}/input`)
    } catch (error) {
      rejected.push(inputLetter(compiled, id, error, record))
      continue
    }
    try {
      checkRecordSize(text, maxRecordBytes, where)
    } catch (error) {
      // Refused: the records before it are still queued, then the caller hears why.
      return { ids, texts, rejected, tooLarge: error }
    }
    ids.push(explicitId ?? '')
    texts.push(text)
  }
  return { ids, texts, rejected, tooLarge: undefined }
}

/** Queues encoded envelopes on the first stage; returns the records queued there (waiting or in flight). */
export async function queueInputs(
  client: Redis,
  keys: PipelineKeys,
  settings: StreamsSettings,
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

function inputLetter(compiled: CompiledPipeline, id: string, error: unknown, record: unknown): DeadLetter {
  let payload: unknown = record
  try {
    JSON.stringify(record)
  } catch {
    payload = String(record) // BigInt or a cycle: keep what can be shown
  }
  return {
    app: compiled.app,
    pipeline: compiled.name,
    stage: 'input',
    id,
    attempts: 1,
    error: describeError(error),
    payload,
    at: new Date().toISOString(),
  }
}
