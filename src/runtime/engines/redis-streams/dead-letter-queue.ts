// The redis engine's dead letters: the pipeline's dead-letter list (redis-common), with the
// stage, error, attempts and the envelope as it travelled; replayed onto the stage they failed in.
import type { Redis } from 'ioredis'
import { InputAdmission } from '../../core/admission.js'
import { INPUT_STAGE } from '../../core/dead-letters.js'
import { MAX_RECORD_BYTES } from '../../core/record-size.js'
import type { DeadLetter } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { readLetterLists } from '../redis-common/dead-letter-list.js'
import { runScript } from '../redis-common/lua.js'
import { REPLAY } from './scripts.js'
import type { PipelineKeys } from './stream-layout.js'

/** The dead letters of the pipelines, oldest first, up to `limit` per pipeline. */
export async function readDeadLetters(client: Redis, pipelines: readonly PipelineKeys[], limit = -1): Promise<DeadLetter[]> {
  const lists = await readLetterLists(
    client,
    pipelines.map((keys) => keys.deadLetters),
    limit,
  )
  return lists.flatMap((list) => list.map(({ letter }) => letter))
}

/**
 * Sends dead letters back to the stage they failed in (all, or those with the given message ids)
 * and removes them from the list. Records the input refused are checked again and stay when
 * they still fail. Returns how many were replayed (each atomically, once).
 */
export async function replay(client: Redis, pipeline: CompiledPipeline, keys: PipelineKeys, ids?: readonly string[]): Promise<number> {
  const wanted = ids ? new Set(ids) : undefined
  const [stored = []] = await readLetterLists(client, [keys.deadLetters])
  const admission = new InputAdmission(pipeline, MAX_RECORD_BYTES)
  let replayed = 0
  for (const { raw, letter } of stored) {
    if (wanted && !wanted.has(letter.id)) continue
    const stage = keys.stages.find((s) => s.id === letter.stage)
    if (!stage) continue
    let envelope: string
    if (letter.stage === INPUT_STAGE && typeof letter.payload !== 'string') {
      let admitted: ReturnType<InputAdmission['encode']>
      try {
        admitted = admission.encode(letter.payload, letter.id)
      } catch {
        continue // still over the size limit
      }
      if (!admitted.ok) continue
      envelope = admitted.envelope
    } else if (typeof letter.payload === 'string') envelope = letter.payload
    else continue
    replayed += (await runScript(client, REPLAY, [keys.deadLetters, stage.stream, stage.counters], [raw, envelope])) as number
  }
  return replayed
}
