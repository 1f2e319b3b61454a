// The dead-letter list of each pipeline: JSON records with the stage, error, attempts and the
// envelope as it travelled; listed oldest first and replayed onto the stage they failed in.
import type { Redis } from 'ioredis'
import type { DeadLetter } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { encodeEnvelope } from '../../programs/wire.js'
import { REPLAY, runScript } from './scripts.js'
import type { PipelineKeys } from './stream-layout.js'

/** The dead letters of the pipelines, oldest first, up to `limit` per pipeline. */
export async function readDeadLetters(client: Redis, pipelines: readonly PipelineKeys[], limit = -1): Promise<DeadLetter[]> {
  const tx = client.pipeline()
  for (const keys of pipelines) tx.lrange(keys.deadLetters, 0, limit < 0 ? -1 : limit - 1)
  const replies = (await tx.exec()) ?? []
  return replies.flatMap(([error, raw]) => {
    if (error) throw error
    return (raw as string[]).map(parseLetter)
  })
}

function parseLetter(raw: string): DeadLetter {
  try {
    return Object.freeze(JSON.parse(raw) as DeadLetter)
  } catch {
    return Object.freeze({
      app: '?',
      pipeline: '?',
      stage: '?',
      id: '?',
      attempts: 0,
      error: { name: 'Error', message: 'unreadable dead letter' },
      payload: raw,
      at: '',
    })
  }
}

/**
 * Sends dead letters back to the stage they failed in (all, or those with the given message ids)
 * and removes them from the list. Records the input schema refused are checked
 * again and stay when they still fail. Returns how many were replayed (each atomically, once).
 */
export async function replay(client: Redis, pipeline: CompiledPipeline, keys: PipelineKeys, ids?: readonly string[]): Promise<number> {
  const wanted = ids ? new Set(ids) : undefined
  const raws = await client.lrange(keys.deadLetters, 0, -1)
  let replayed = 0
  for (const raw of raws) {
    const letter = parseLetter(raw)
    if (wanted && !wanted.has(letter.id)) continue
    const index = keys.stages.findIndex((stage) => stage.id === letter.stage)
    const stage = keys.stages[index]
    if (!stage) continue
    let envelope: string
    if (letter.stage === 'input' && typeof letter.payload !== 'string') {
      const checked = pipeline.validate(letter.payload)
      if (!checked.ok) continue
      envelope = encodeEnvelope(letter.id, [checked.record], undefined, `${pipeline.name}/input`)
    } else if (typeof letter.payload === 'string') envelope = letter.payload
    else continue
    replayed += (await runScript(client, REPLAY, [keys.deadLetters, stage.stream, stage.counters], [raw, envelope])) as number
  }
  return replayed
}
