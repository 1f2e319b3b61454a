// How a record enters a pipeline, the same on every engine: checked against the pipeline's input
// schema, then against the wire (it must survive JSON unchanged), then against the size limit.
// A record the schema or the wire refuses becomes a dead letter (the producer goes on); a record
// over the size limit is refused to the producer, which hears at once.
import { InputError } from '../../errors.js'
import type { DeadLetter } from '../engine-types.js'
import type { CompiledPipeline } from '../programs/compiled-pipeline.js'
import { checkWireSafe, encodeChecked } from '../programs/wire.js'
import { deadLetterOf, INPUT_STAGE } from './dead-letters.js'
import { checkRecordSize } from './record-size.js'

export type Admission = { readonly ok: true; readonly record: object } | { readonly ok: false; readonly letter: DeadLetter }

export class InputAdmission {
  /** `pipeline/input`, how wire errors at the input name the stage. */
  private readonly stage: string
  /** `pipeline 'app.name', input`, how size errors name the place. */
  private readonly where: string

  constructor(
    readonly compiled: CompiledPipeline,
    private readonly maxRecordBytes: number,
  ) {
    this.stage = `${compiled.name}/${INPUT_STAGE}`
    this.where = `pipeline '${compiled.app}.${compiled.name}', input`
  }

  /**
   * Checks a record for an engine that keeps the input in-process (no encoding): schema, wire
   * and size. Throws RecordTooLargeError for a record over the limit.
   */
  admit(record: unknown, id: string): Admission {
    const checked = this.compiled.validate(record)
    if (!checked.ok) return this.refuse(id, new InputError(checked.message), record)
    let bound: number
    try {
      bound = checkWireSafe(checked.record, this.stage)
    } catch (error) {
      return this.refuse(id, error, record)
    }
    // The bound is cheap and generous; only a record near the limit is encoded to measure it.
    if (bound > this.maxRecordBytes) checkRecordSize(JSON.stringify(checked.record), this.maxRecordBytes, this.where, id)
    return { ok: true, record: checked.record }
  }

  /**
   * Checks and encodes a record for an engine that queues envelopes: the first stage's envelope,
   * or a dead letter. Throws RecordTooLargeError for a record over the limit.
   */
  encode(
    record: unknown,
    id: string,
  ): { readonly ok: true; readonly envelope: string } | { readonly ok: false; readonly letter: DeadLetter } {
    const checked = this.compiled.validate(record)
    if (!checked.ok) return this.refuse(id, new InputError(checked.message), record)
    let envelope: string
    try {
      checkWireSafe(checked.record, this.stage)
      envelope = encodeChecked(id, [checked.record], undefined)
    } catch (error) {
      return this.refuse(id, error, record)
    }
    checkRecordSize(envelope, this.maxRecordBytes, this.where, id)
    return { ok: true, envelope }
  }

  private refuse(id: string, error: unknown, record: unknown): { ok: false; letter: DeadLetter } {
    return { ok: false, letter: deadLetterOf(this.compiled, INPUT_STAGE, id, 1, error, record) }
  }
}
