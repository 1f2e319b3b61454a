// What a stage does with one record's results, the same on every engine: each result the stage
// program emitted either goes on to the next stage as an envelope (checked against the wire and
// the size limit) or, at the last stage, leaves the pipeline as an output record; a result whose
// every live branch was stopped counts as filtered.
import type { CompiledPipeline } from '../programs/compiled-pipeline.js'
import { STOPPED, type State } from '../programs/node-ops.js'
import { encodeEnvelope } from '../programs/wire.js'
import { type CarriedEnvelope, carryEnvelope } from '../programs/wire-copy.js'
import { checkRecordSize } from './record-size.js'

/**
 * How a stage's envelopes for the next stage are made: `json` strings (what goes over a
 * server), or `carried` copies (one process: the memory engine), checked the same way.
 */
export type EnvelopeCodec = 'json' | 'carried'

export class StageOutcome {
  /** True at the pipeline's last stage, whose results leave the pipeline. */
  readonly last: boolean
  /** `pipeline 'app.name', stage 'id'`: how errors of this stage name it. */
  readonly where: string
  /** `name/id`: how wire errors name the stage. */
  private readonly stageName: string

  constructor(
    private readonly compiled: CompiledPipeline,
    private readonly index: number,
    private readonly maxRecordBytes: number,
    private readonly codec: EnvelopeCodec = 'json',
  ) {
    const stage = compiled.plan.stages[index]?.id ?? String(index)
    this.last = index === compiled.stages.length - 1
    this.where = `pipeline '${compiled.app}.${compiled.name}', stage '${stage}'`
    this.stageName = `${compiled.name}/${stage}`
  }

  /**
   * Resolves one record's results. `emitted` holds them flat (state, branch, state, branch...,
   * as the stage program emits them); envelopes for the next stage are appended to `sends` as
   * (id, envelope) pairs (a string, or a CarriedEnvelope with the `carried` codec), output records to `outputs` as (record, id) pairs. Returns how many
   * results were filtered (1 when the record emitted none).
   *
   * Throws WireError or RecordTooLargeError (both permanent) for a result that cannot be sent;
   * what it appended before then must be dropped by the caller (truncate to the lengths before),
   * so nothing of a failed record goes on, not even a fan-out sibling that could.
   */
  settle(messageId: string, emitted: readonly unknown[], sends: unknown[], outputs: unknown[]): number {
    let filtered = emitted.length === 0 ? 1 : 0
    for (let i = 0; i < emitted.length; i += 2) {
      const state = emitted[i] as State
      const branch = emitted[i + 1] as string
      const id = branch ? messageId + branch : messageId
      if (this.last) {
        const record = this.compiled.output(state)
        if (record === STOPPED) filtered++
        else outputs.push(record, id)
        continue
      }
      const next = this.compiled.outgoing(this.index, state)
      if (!next) {
        filtered++
        continue
      }
      sends.push(id, this.codec === 'json' ? this.encode(id, next.data, next.stopped) : this.carry(id, next.data, next.stopped))
    }
    return filtered
  }

  private encode(id: string, data: unknown[], stopped: number[] | undefined): string {
    const envelope = encodeEnvelope(id, data, stopped, this.stageName)
    checkRecordSize(envelope, this.maxRecordBytes, this.where, id)
    return envelope
  }

  private carry(id: string, data: unknown[], stopped: number[] | undefined): CarriedEnvelope {
    const envelope = carryEnvelope(id, data, stopped, this.stageName)
    // The bound is generous; only an envelope near the limit is encoded to measure it, as sent.
    if (envelope.bound > this.maxRecordBytes) checkRecordSize(envelope.encode(), this.maxRecordBytes, this.where, id)
    return envelope
  }
}
