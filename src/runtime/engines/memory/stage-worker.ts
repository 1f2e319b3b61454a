// Runs one stage of one pipeline in this process: takes batches from the stage's queue, runs the
// stage program, and forwards the outputs only once the record's stage succeeded (as an ack would).
// What a record's results mean and what a failure means are decided in the core (outcome.ts,
// failure.ts), as on every engine; this file only moves messages between in-process queues.
import type { RetryPolicy } from '../../../graph/nodes.js'
import { emptyStageCounters } from '../../core/counters.js'
import { decideFailure } from '../../core/failure.js'
import { StageOutcome } from '../../core/outcome.js'
import { ProcessingTimes } from '../../core/processing-time.js'
import type { StageCounters } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { State } from '../../programs/node-ops.js'
import type { Emit, StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope } from '../../programs/wire.js'
import { CarriedEnvelope } from '../../programs/wire-copy.js'
import type { BoundedQueue } from './bounded-queue.js'

/**
 * A message in a memory queue: a validated input record (first stage), a carried envelope (what
 * a stage sends on, wire-copy.ts) or an encoded envelope (a replayed dead letter).
 */
export interface MemoryMessage {
  readonly id: string
  readonly payload: object | string | CarriedEnvelope
  readonly attempt: number
}

export interface StageHost {
  /** Queues a message for the stage `index` of the pipeline; resolves when there is room. */
  enqueue(index: number, message: MemoryMessage): void | Promise<void>
  /** Re-queues after a failure, ignoring capacity (the record is already counted in flight). */
  requeue(index: number, message: MemoryMessage, delayMs: number): void
  output(record: object, id: string): void
  deadLetter(stage: string, message: MemoryMessage, attempts: number, error: unknown): void
  /** One message left the system (finished, filtered or dead-lettered). */
  settled(): void
  filtered(count: number): void
}

/** One emit callback for every record: the record's outputs array comes as the context. */
const collect: Emit = (state, branch, outputs) => {
  ;(outputs as unknown[]).push(state, branch)
}

export class StageWorker {
  readonly counters: StageCounters = emptyStageCounters()
  /** How long records took in this stage (settled or failed). */
  readonly times = new ProcessingTimes()
  /** When the last record was timed: the next one of a batch starts from it (one clock read per record). */
  private clock = 0
  /** Messages taken from the queue and not yet settled or forwarded. */
  inFlight = 0
  private readonly program: StageProgram
  private readonly outcome: StageOutcome
  /** Reused by every record: forward() is synchronous until its sends are queued. */
  private readonly sends: unknown[] = []
  private readonly outputs: unknown[] = []

  constructor(
    pipeline: CompiledPipeline,
    private readonly index: number,
    readonly queue: BoundedQueue<MemoryMessage>,
    private readonly host: StageHost,
    private readonly retry: RetryPolicy,
    maxRecordBytes: number,
    /** How many loops run this stage (each calls `loop`). */
    private readonly concurrency = 1,
  ) {
    this.program = pipeline.stages[index] as StageProgram
    this.outcome = new StageOutcome(pipeline, index, maxRecordBytes, 'carried')
  }

  get name(): string {
    return this.program.stage.id
  }

  async loop(): Promise<void> {
    for (;;) {
      const taken = this.queue.take(this.concurrency)
      const batch = taken instanceof Promise ? await taken : taken
      if (!batch) return
      let started = performance.now()
      for (let i = 0; i < batch.length; i++) {
        this.inFlight++
        const done = this.process(batch[i] as MemoryMessage, started)
        // After a wait (async steps, or room downstream) the next record starts now, not at the last settle.
        if (done) {
          await done
          started = performance.now()
        } else started = this.clock
      }
    }
  }

  private process(message: MemoryMessage, started: number): void | Promise<void> {
    let state: State
    try {
      const { payload } = message
      state =
        payload instanceof CarriedEnvelope
          ? this.program.load(payload.load())
          : typeof payload === 'string'
            ? this.program.load(decodeEnvelope(payload))
            : this.program.loadInput(payload)
    } catch (error) {
      return this.fail(message, error, true, started)
    }
    const emitted: unknown[] = []
    let running: void | Promise<void>
    try {
      running = this.program.run(state, collect, emitted)
    } catch (error) {
      return this.fail(message, error, false, started)
    }
    if (running)
      return running.then(
        () => this.forward(message, emitted, started),
        (error) => this.fail(message, error, false, started),
      )
    return this.forward(message, emitted, started)
  }

  /** Sends the stage's outputs on, then settles the message. */
  private forward(message: MemoryMessage, emitted: unknown[], started: number): void | Promise<void> {
    const { sends, outputs } = this
    sends.length = 0
    outputs.length = 0
    let filtered: number
    try {
      filtered = this.outcome.settle(message.id, emitted, sends, outputs)
    } catch (error) {
      // Every envelope is encoded before any is sent, so nothing of this record went on.
      return this.fail(message, error, true, started)
    }
    // Timed before the sends wait for room downstream: that wait is backpressure, not work.
    this.times.observe((this.clock = performance.now()) - started)
    for (let i = 0; i < outputs.length; i += 2) this.host.output(outputs[i] as object, outputs[i + 1] as string)
    let waits: Promise<void>[] | undefined
    for (let i = 0; i < sends.length; i += 2) {
      const wait = this.host.enqueue(this.index + 1, { id: sends[i] as string, payload: sends[i + 1] as CarriedEnvelope, attempt: 0 })
      if (wait) (waits ??= []).push(wait)
    }
    this.counters.processed++
    if (filtered) {
      this.counters.filtered += filtered
      this.host.filtered(filtered)
    }
    this.inFlight--
    this.host.settled()
    if (waits) return Promise.all(waits).then(() => undefined)
  }

  private fail(message: MemoryMessage, error: unknown, permanent: boolean, started: number): void {
    this.times.observe((this.clock = performance.now()) - started)
    this.counters.failed++
    this.inFlight--
    const decision = decideFailure(error, message.attempt, this.retry, permanent)
    if (decision.retry) {
      this.counters.retried++
      this.host.requeue(this.index, { id: message.id, payload: message.payload, attempt: decision.attempts }, decision.delayMs)
      return
    }
    this.counters.deadLettered++
    this.host.deadLetter(this.name, message, decision.attempts, error)
    this.host.settled()
  }
}
