// What a redis stage worker does with one record of a batch: decode its envelope, run the stage
// program (the same code the memory engine runs), and add the outcome to the batch's commit:
// envelopes for the next stage, pipeline outputs, a scheduled retry or a dead letter.
import { isPermanent } from '../../../errors.js'
import type { RetryPolicy } from '../../../graph/nodes.js'
import { backoffDelay, type CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { STOPPED, type State } from '../../programs/node-ops.js'
import type { StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope, EnvelopeError, encodeEnvelope } from '../../programs/wire.js'
import { describeError } from '../memory/stage-worker.js'
import type { BatchCommit } from './batch-commit.js'
import type { ConsumerOutbox } from './consumer-outbox.js'
import { checkRecordSize, RecordTooLargeError, type StreamsSettings } from './settings.js'

export class StageRecordRunner {
  private readonly program: StageProgram
  /** Where the record being run collects its outputs. */
  private emitted: [State, string][] = []
  private readonly emit = (out: State, branch: string): void => {
    this.emitted.push([out, branch])
  }

  constructor(
    private readonly compiled: CompiledPipeline,
    private readonly index: number,
    private readonly stageId: string,
    /** False at the pipeline's last stage, whose outputs leave the pipeline. */
    private readonly forwards: boolean,
    private readonly retry: RetryPolicy,
    private readonly settings: StreamsSettings,
    private readonly outbox: ConsumerOutbox,
    private readonly where: string,
  ) {
    this.program = compiled.stages[index] as StageProgram
  }

  /** Runs one record (one line of an entry); a promise only when the stage's steps are async. */
  run(
    batch: BatchCommit,
    position: number,
    streamId: string,
    text: string,
    attempt: number,
    now: number,
    /** False when the entry holding `text` has no `"__proto__"` anywhere (checked once per entry). */
    mayHoldProto: boolean,
  ): void | Promise<void> {
    let messageId = streamId
    // Records of a batch run one after another, so one shared emit callback serves them all.
    const emitted: [State, string][] = []
    this.emitted = emitted
    const deliveriesBefore = batch.deliveries.length
    let running: void | Promise<void>
    try {
      const envelope = decodeEnvelope(text, mayHoldProto)
      messageId = envelope.id
      const state = this.program.load(envelope)
      this.outbox.collectInto(batch.deliveries)
      try {
        running = this.program.run(state, this.emit)
      } finally {
        this.outbox.collectInto(undefined)
      }
    } catch (error) {
      batch.deliveries.length = deliveriesBefore // a failed record delivers nothing
      return this.fail(batch, streamId, messageId, text, attempt, now, error)
    }
    if (running)
      return running.then(
        () => this.forward(batch, position, streamId, messageId, text, attempt, now, emitted),
        (error: unknown) => {
          batch.deliveries.length = deliveriesBefore
          this.fail(batch, streamId, messageId, text, attempt, now, error)
        },
      )
    this.forward(batch, position, streamId, messageId, text, attempt, now, emitted)
  }

  /** Adds the record's outputs to the commit: envelopes for the next stage, or pipeline outputs. */
  private forward(
    batch: BatchCommit,
    position: number,
    streamId: string,
    messageId: string,
    text: string,
    attempt: number,
    now: number,
    emitted: [State, string][],
  ): void {
    const { tally, outputs } = batch
    const outputsBefore = outputs.length
    let encoded: string[] | undefined
    let filtered = emitted.length === 0 ? 1 : 0
    try {
      for (const [state, branch] of emitted) {
        const id = branch ? messageId + branch : messageId
        if (!this.forwards) {
          const record = this.compiled.output(state)
          if (record === STOPPED) filtered++
          else outputs.push([position, record, id])
          continue
        }
        const out = this.compiled.outgoing(this.index, state)
        if (!out) {
          filtered++
          continue
        }
        const envelope = encodeEnvelope(id, out.data, out.stopped, `${this.compiled.name}/${this.stageId}`)
        checkRecordSize(envelope, this.settings.maxRecordBytes, this.where)
        ;(encoded ??= []).push(envelope)
      }
    } catch (error) {
      // A value that cannot cross the boundary: permanent; nothing of this record goes on.
      outputs.length = outputsBefore
      this.fail(batch, streamId, messageId, text, attempt, now, error, true)
      return
    }
    if (encoded) for (const envelope of encoded) batch.forward(envelope)
    tally.processed++
    tally.filtered += filtered
    if (!this.forwards) tally.out += emitted.length - filtered
  }

  private fail(
    batch: BatchCommit,
    streamId: string,
    messageId: string,
    text: string,
    attempt: number,
    now: number,
    error: unknown,
    permanent = false,
  ): void {
    const attempts = attempt + 1
    const final = permanent || isPermanent(error) || error instanceof EnvelopeError || error instanceof RecordTooLargeError
    if (!final && attempts < this.retry.attempts) {
      batch.tally.failed++
      batch.tally.retried++
      batch.retry(now + backoffDelay(this.retry, attempts), `${attempts}|${streamId}|${text}`)
      return
    }
    this.deadLetter(batch, messageId, attempts, error, text)
  }

  deadLetter(batch: BatchCommit, messageId: string, attempts: number, error: unknown, payload: unknown): void {
    batch.tally.failed++
    batch.tally.deadLettered++
    batch.deadLetter({
      app: this.compiled.app,
      pipeline: this.compiled.name,
      stage: this.stageId,
      id: messageId,
      attempts,
      error: describeError(error),
      payload,
      at: new Date().toISOString(),
    })
  }
}
