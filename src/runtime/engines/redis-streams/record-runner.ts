// What a redis stage worker does with one record of a batch: decode its envelope, run the stage
// program (the same code every engine runs), and add the outcome to the batch's commit:
// envelopes for the next stage, pipeline outputs, a scheduled retry or a dead letter. What the
// results and a failure mean is decided in the core (outcome.ts, failure.ts).
import type { RetryPolicy } from '../../../graph/nodes.js'
import { deadLetterOf } from '../../core/dead-letters.js'
import { decideFailure } from '../../core/failure.js'
import { StageOutcome } from '../../core/outcome.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { Emit, StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope } from '../../programs/wire.js'
import type { BatchCommit } from './batch-commit.js'
import type { ConsumerOutbox } from './consumer-outbox.js'

/** Collects a record's results flat (state, branch, ...) into the array passed as context. */
const collect: Emit = (state, branch, emitted) => {
  ;(emitted as unknown[]).push(state, branch)
}

export class StageRecordRunner {
  private readonly program: StageProgram
  readonly outcome: StageOutcome
  /** Reused for every record: settle() turns a record's sends into batch forwards at once. */
  private readonly sends: unknown[] = []
  private readonly found: unknown[] = []

  constructor(
    private readonly compiled: CompiledPipeline,
    index: number,
    private readonly stageId: string,
    private readonly retry: RetryPolicy,
    maxRecordBytes: number,
    private readonly outbox: ConsumerOutbox,
  ) {
    this.program = compiled.stages[index] as StageProgram
    this.outcome = new StageOutcome(compiled, index, maxRecordBytes)
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
    const emitted: unknown[] = []
    const deliveriesBefore = batch.deliveries.length
    let running: void | Promise<void>
    try {
      const envelope = decodeEnvelope(text, mayHoldProto)
      messageId = envelope.id
      const state = this.program.load(envelope)
      this.outbox.collectInto(batch.deliveries)
      try {
        running = this.program.run(state, collect, emitted)
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

  /** Adds the record's results to the commit: envelopes for the next stage, or pipeline outputs. */
  private forward(
    batch: BatchCommit,
    position: number,
    streamId: string,
    messageId: string,
    text: string,
    attempt: number,
    now: number,
    emitted: unknown[],
  ): void {
    const { tally, outputs } = batch
    const { sends, found } = this
    sends.length = 0
    found.length = 0
    let filtered: number
    try {
      filtered = this.outcome.settle(messageId, emitted, sends, found)
    } catch (error) {
      // A value that cannot cross the boundary: permanent; nothing of this record goes on.
      this.fail(batch, streamId, messageId, text, attempt, now, error, true)
      return
    }
    for (let i = 1; i < sends.length; i += 2) batch.forward(sends[i] as string)
    for (let i = 0; i < found.length; i += 2) outputs.push([position, found[i] as object, found[i + 1] as string])
    tally.processed++
    tally.filtered += filtered
    tally.out += found.length / 2
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
    const decision = decideFailure(error, attempt, this.retry, permanent)
    if (decision.retry) {
      batch.tally.failed++
      batch.tally.retried++
      batch.retry(now + decision.delayMs, `${decision.attempts}|${streamId}|${text}`)
      return
    }
    this.deadLetter(batch, messageId, decision.attempts, error, text)
  }

  deadLetter(batch: BatchCommit, messageId: string, attempts: number, error: unknown, payload: unknown): void {
    batch.tally.failed++
    batch.tally.deadLettered++
    batch.deadLetter(deadLetterOf(this.compiled, this.stageId, messageId, attempts, error, payload))
  }
}
