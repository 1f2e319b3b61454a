// The jetstream engine's dead letters: one message per letter (DeadLetter JSON, with the stage,
// the error, the attempts and the envelope as it travelled) on the pipeline's subject of the
// dead-letter stream. Read oldest first, replayed onto the stage they failed in, deleted by
// sequence or purged by subject.
import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream'
import { InputAdmission } from '../../core/admission.js'
import { INPUT_STAGE } from '../../core/dead-letters.js'
import type { DeadLetter } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { CounterStore } from './counter-store.js'
import { type PipelineLayout, streamNames } from './layout.js'
import type { ReliablePublisher } from './reliable-publish.js'

export interface StoredLetter {
  /** Its sequence in the dead-letter stream. */
  readonly seq: number
  readonly letter: DeadLetter
}

function parseLetter(text: string): DeadLetter {
  try {
    return Object.freeze(JSON.parse(text) as DeadLetter)
  } catch {
    return Object.freeze({
      app: '?',
      pipeline: '?',
      stage: '?',
      id: '?',
      attempts: 0,
      error: { name: 'Error', message: 'unreadable dead letter' },
      payload: text,
      at: '',
    })
  }
}

/** A pipeline's dead letters, oldest first, at most `limit` (all when negative). */
export async function readLetters(jsm: JetStreamManager, prefix: string, layout: PipelineLayout, limit = -1): Promise<StoredLetter[]> {
  const stream = streamNames.deadLetters(prefix)
  const letters: StoredLetter[] = []
  let seq = 1
  while (limit < 0 || letters.length < limit) {
    let stored: Awaited<ReturnType<JetStreamManager['streams']['getMessage']>>
    try {
      // The server (2.9+) takes `next_by_subj` with a sequence; the client's MsgRequest type omits it.
      const query = { seq, next_by_subj: layout.deadLetterSubject } as unknown as MsgRequest
      stored = await jsm.streams.getMessage(stream, query)
    } catch (error) {
      if (error instanceof Error && error.name === 'StreamNotFoundError') break
      throw error
    }
    if (!stored) break
    letters.push({ seq: stored.seq, letter: parseLetter(stored.string()) })
    seq = stored.seq + 1
  }
  return letters
}

/**
 * Sends dead letters back to the stage they failed in (all, or those with the given message ids)
 * and deletes them from the dead-letter stream. Records the input refused are checked again and
 * stay when they still fail. Returns how many were replayed.
 */
export async function replayLetters(
  jsm: JetStreamManager,
  publisher: ReliablePublisher,
  counters: CounterStore,
  prefix: string,
  compiled: CompiledPipeline,
  layout: PipelineLayout,
  maxRecordBytes: number,
  ids?: readonly string[],
): Promise<number> {
  const wanted = ids ? new Set(ids) : undefined
  const admission = new InputAdmission(compiled, maxRecordBytes)
  const stream = streamNames.deadLetters(prefix)
  let replayed = 0
  for (const { seq, letter } of await readLetters(jsm, prefix, layout)) {
    if (wanted && !wanted.has(letter.id)) continue
    const stage = layout.stages.find((s) => s.id === letter.stage)
    if (!stage) continue
    let envelope: string
    if (letter.stage === INPUT_STAGE && typeof letter.payload !== 'string') {
      try {
        const admitted = admission.encode(letter.payload, letter.id)
        if (!admitted.ok) continue
        envelope = admitted.envelope
      } catch {
        continue // still over the size limit
      }
    } else if (typeof letter.payload === 'string') envelope = letter.payload
    else continue
    // The letter's own sequence names the replay: replaying it twice sends it once.
    await publisher.publish({ subject: stage.subject, data: envelope, msgID: `replay:${stream}:${seq}` })
    if (await jsm.streams.deleteMessage(stream, seq).catch(() => false)) {
      counters.stage(layout.counterKey, stage.id, 'added')
      replayed++
    }
  }
  await counters.flush()
  return replayed
}

/** Deletes dead letters (all of the pipeline's, or those with the given ids); returns how many. */
export async function deleteLetters(
  jsm: JetStreamManager,
  prefix: string,
  layout: PipelineLayout,
  ids?: readonly string[],
): Promise<number> {
  const stream = streamNames.deadLetters(prefix)
  if (!ids) {
    try {
      return (await jsm.streams.purge(stream, { filter: layout.deadLetterSubject })).purged
    } catch (error) {
      if (error instanceof Error && error.name === 'StreamNotFoundError') return 0
      throw error
    }
  }
  const wanted = new Set(ids)
  let removed = 0
  for (const { seq, letter } of await readLetters(jsm, prefix, layout))
    if (wanted.has(letter.id) && (await jsm.streams.deleteMessage(stream, seq).catch(() => false))) removed++
  return removed
}
