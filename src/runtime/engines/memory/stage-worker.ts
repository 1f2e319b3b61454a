// Runs one stage of one pipeline in this process: takes batches from the stage's queue, runs the
// stage program, and forwards the outputs only once the record's stage succeeded (as an ack would).
import { errorMessage, isPermanent } from '../../../errors.js'
import type { RetryPolicy } from '../../../graph/nodes.js'
import type { StageCounters } from '../../engine-types.js'
import { backoffDelay, type CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { STOPPED, type State } from '../../programs/node-ops.js'
import type { Emit, StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope, encodeEnvelope } from '../../programs/wire.js'
import type { BoundedQueue } from './bounded-queue.js'

/** A message in a memory queue: a validated input record (first stage) or an encoded envelope. */
export interface MemoryMessage {
  readonly id: string
  readonly payload: object | string
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
  filtered(): void
}

/** A record's outputs, flat: state, branch, state, branch... (no tuple per output). */
type Emitted = unknown[]

/** One emit callback for every record: the record's outputs array comes as the context. */
const collect: Emit = (state, branch, outputs) => {
  ;(outputs as Emitted).push(state, branch)
}

export class StageWorker {
  readonly counters: StageCounters = { added: 0, processed: 0, failed: 0, filtered: 0, retried: 0, deadLettered: 0 }
  private readonly program: StageProgram
  private readonly last: boolean

  constructor(
    private readonly pipeline: CompiledPipeline,
    private readonly index: number,
    readonly queue: BoundedQueue<MemoryMessage>,
    private readonly host: StageHost,
    private readonly retry: RetryPolicy,
    /** How many loops run this stage (each calls `loop`). */
    private readonly concurrency = 1,
  ) {
    this.program = pipeline.stages[index] as StageProgram
    this.last = index === pipeline.stages.length - 1
  }

  get name(): string {
    return this.program.stage.id
  }

  async loop(): Promise<void> {
    for (;;) {
      const taken = this.queue.take(this.concurrency)
      const batch = taken instanceof Promise ? await taken : taken
      if (!batch) return
      for (let i = 0; i < batch.length; i++) {
        const done = this.process(batch[i] as MemoryMessage)
        if (done) await done
      }
    }
  }

  private process(message: MemoryMessage): void | Promise<void> {
    let state: State
    try {
      state =
        typeof message.payload === 'string' ? this.program.load(decodeEnvelope(message.payload)) : this.program.loadInput(message.payload)
    } catch (error) {
      return this.fail(message, error, true)
    }
    const outputs: Emitted = []
    let running: void | Promise<void>
    try {
      running = this.program.run(state, collect, outputs)
    } catch (error) {
      return this.fail(message, error, false)
    }
    if (running)
      return running.then(
        () => this.forward(message, outputs),
        (error) => this.fail(message, error, false),
      )
    return this.forward(message, outputs)
  }

  /** Sends the stage's outputs on, then settles the message. */
  private forward(message: MemoryMessage, outputs: Emitted): void | Promise<void> {
    let filtered = 0
    const count = outputs.length / 2
    const sends: MemoryMessage[] | undefined = this.last ? undefined : []
    try {
      for (let i = 0; i < outputs.length; i += 2) {
        const state = outputs[i] as State
        const branch = outputs[i + 1] as string
        const id = branch ? message.id + branch : message.id
        if (this.last) {
          const record = this.pipeline.output(state)
          if (record === STOPPED) filtered++
          else this.host.output(record, id)
          continue
        }
        const next = this.pipeline.outgoing(this.index, state)
        if (!next) {
          filtered++
          continue
        }
        ;(sends as MemoryMessage[]).push({ id, payload: encodeEnvelope(id, next.data, next.stopped, this.program.name), attempt: 0 })
      }
    } catch (error) {
      // Values that cannot cross the boundary: permanent. Every envelope is encoded before any is
      // sent, so nothing of this record went on (not even a fan-out sibling that could cross).
      return this.fail(message, error, true)
    }
    let waits: Promise<void>[] | undefined
    if (sends)
      for (const send of sends) {
        const wait = this.host.enqueue(this.index + 1, send)
        if (wait) (waits ??= []).push(wait)
      }
    this.counters.processed++
    if (count === 0 || filtered > 0) {
      this.counters.filtered += count === 0 ? 1 : filtered
      for (let i = 0; i < (count === 0 ? 1 : filtered); i++) this.host.filtered()
    }
    this.host.settled()
    if (waits) return Promise.all(waits).then(() => undefined)
  }

  private fail(message: MemoryMessage, error: unknown, permanent: boolean): void {
    this.counters.failed++
    const attempts = message.attempt + 1
    if (!permanent && !isPermanent(error) && attempts < this.retry.attempts) {
      this.counters.retried++
      this.host.requeue(this.index, { id: message.id, payload: message.payload, attempt: attempts }, backoffDelay(this.retry, attempts))
      return
    }
    this.counters.deadLettered++
    this.host.deadLetter(this.name, message, attempts, error)
    this.host.settled()
  }
}

export const describeError = (error: unknown): { name: string; message: string } => ({
  name: error instanceof Error ? error.name : 'Error',
  message: errorMessage(error),
})
