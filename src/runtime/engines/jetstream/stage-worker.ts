// One worker loop of one stage: pulls a batch from the stage's durable consumer, runs the stage
// program on each record (the same code every engine runs), publishes what each record sends on
// (the next stage's records with their message ids, consumer deliveries, a retry copy or a dead
// letter) and acknowledges the record only once the server acknowledged all of it. The next pull
// goes out while a batch's publishes are on their way. Failures are decided in the core.
import type { RetryPolicy } from '../../../graph/nodes.js'
import { deadLetterOf } from '../../core/dead-letters.js'
import { decideFailure } from '../../core/failure.js'
import { StageOutcome } from '../../core/outcome.js'
import { WorkerLog } from '../../core/worker-log.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { Emit, StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope } from '../../programs/wire.js'
import type { ConsumerOutbox, Outgoing } from './consumer-outbox.js'
import type { CounterStore } from './counter-store.js'
import { HEADERS, type PipelineLayout, type StageLayout } from './layout.js'
import type { Delivery, Puller } from './pull.js'
import { PublishAbandoned, type ReliablePublisher } from './reliable-publish.js'
import type { JetStreamSettings } from './settings.js'

export type OutputSink = (pipeline: string, record: object, id: string) => void

const collect: Emit = (state, branch, emitted) => {
  ;(emitted as unknown[]).push(state, branch)
}
const decoder = new TextDecoder()

export interface StageWorkerParts {
  readonly compiled: CompiledPipeline
  readonly layout: PipelineLayout
  readonly index: number
  readonly puller: Puller
  readonly publisher: ReliablePublisher
  readonly outbox: ConsumerOutbox
  readonly counters: CounterStore
  readonly retry: RetryPolicy
  readonly settings: JetStreamSettings
  readonly maxRecordBytes: number
  readonly onOutput: OutputSink | undefined
}

export class JetStreamStageWorker {
  private stopping = false
  /** Records taken and not yet answered (acknowledged, or left for redelivery). */
  private inFlight = 0
  /** Retried records taken before their backoff ended, waiting here for it. */
  private readonly held = new Map<Delivery, NodeJS.Timeout>()
  private readonly stage: StageLayout
  private readonly next: StageLayout | undefined
  private readonly program: StageProgram
  private readonly outcome: StageOutcome
  private readonly log: WorkerLog
  private readonly key: string

  constructor(private readonly parts: StageWorkerParts) {
    const { compiled, layout, index } = parts
    this.stage = layout.stages[index] as StageLayout
    this.next = layout.stages[index + 1]
    this.program = compiled.stages[index] as StageProgram
    this.outcome = new StageOutcome(compiled, index, parts.maxRecordBytes)
    this.log = new WorkerLog('jetstream', this.outcome.where)
    this.key = layout.counterKey
  }

  /** Records held by this worker (taken, not yet answered). */
  get busy(): boolean {
    return this.inFlight > 0
  }

  /** Asks the loop to end after its current pull; records in flight still finish. */
  stop(): void {
    this.stopping = true
  }

  async loop(): Promise<void> {
    const { puller, settings } = this.parts
    let settling: Promise<unknown> = Promise.resolve()
    let backoff = 50
    while (!this.stopping) {
      let batch: Delivery[]
      try {
        batch = await puller.pull(settings.batchSize, settings.pullWaitMs)
        backoff = 50
      } catch (error) {
        if (this.stopping) break
        this.log.failure(error)
        await sleep(backoff)
        backoff = Math.min(2_000, backoff * 2)
        continue
      }
      if (batch.length === 0) continue
      const handled: Promise<void>[] = []
      for (const delivery of batch) handled.push(this.handle(delivery))
      // One batch's publishes may still be on their way while the next is pulled; not two.
      await settling
      settling = Promise.all(handled)
    }
    await settling
    while (this.held.size || this.inFlight) await sleep(10)
  }

  /** Gives back the retried records waiting for their backoff (redelivered when it ends). */
  releaseHeld(): void {
    for (const [delivery, timer] of this.held) {
      clearTimeout(timer)
      const due = Number(delivery.headers?.get(HEADERS.notBefore) || 0)
      delivery.nak(Math.max(0, due - Date.now()))
      this.inFlight--
    }
    this.held.clear()
  }

  private async handle(delivery: Delivery): Promise<void> {
    this.inFlight++
    try {
      await this.run(delivery)
    } catch (error) {
      // Left unacknowledged: delivered again after its ack wait.
      if (!(error instanceof PublishAbandoned)) this.log.failure(error)
    } finally {
      if (!this.held.has(delivery)) this.inFlight--
    }
  }

  private async run(delivery: Delivery): Promise<void> {
    const text = decoder.decode(delivery.data)
    const { settings } = this.parts
    if (delivery.deliveryCount > settings.maxDeliveries) {
      const error = new Error(`delivered ${delivery.deliveryCount} times without an acknowledgement: a worker probably crashed on it`)
      return this.deadLetter(delivery, text, idOf(text, delivery), delivery.deliveryCount, error)
    }
    const headers = delivery.headers
    const attempt = headers ? Number(headers.get(HEADERS.attempt) || 0) : 0
    if (headers && !this.held.has(delivery)) {
      const due = Number(headers.get(HEADERS.notBefore) || 0)
      if (due > Date.now()) return this.hold(delivery, due)
    }
    let messageId = idOf(text, delivery)
    const emitted: unknown[] = []
    const deliveries: Outgoing[] = []
    try {
      const envelope = decodeEnvelope(text)
      messageId = envelope.id
      const state = this.program.load(envelope)
      this.parts.outbox.collectInto(deliveries)
      let running: void | Promise<void>
      try {
        running = this.program.run(state, collect, emitted)
      } finally {
        this.parts.outbox.collectInto(undefined)
      }
      if (running) await running
    } catch (error) {
      return this.fail(delivery, text, messageId, attempt, error)
    }
    const sends: unknown[] = []
    const outputs: unknown[] = []
    let filtered: number
    try {
      filtered = this.outcome.settle(messageId, emitted, sends, outputs)
    } catch (error) {
      // A value that cannot cross the boundary, or too large: permanent, nothing of it goes on.
      return this.fail(delivery, text, messageId, attempt, error, true)
    }
    const outgoing: Outgoing[] = []
    const next = this.next
    if (next)
      for (let i = 0; i < sends.length; i += 2)
        outgoing.push({ subject: next.subject, data: sends[i + 1] as string, msgID: `${next.id}/${sends[i] as string}` })
    const forwards = outgoing.length
    for (const message of deliveries) outgoing.push(message)
    const fresh = await this.parts.publisher.publishAll(outgoing, forwards, this.log, delivery)
    delivery.ack()
    const { counters } = this.parts
    counters.stage(this.key, this.stage.id, 'processed')
    if (filtered) {
      counters.stage(this.key, this.stage.id, 'filtered', filtered)
      counters.pipeline(this.key, 'filtered', filtered)
    }
    if (next && fresh) counters.stage(this.key, next.id, 'added', fresh)
    if (outputs.length) {
      counters.pipeline(this.key, 'out', outputs.length / 2)
      const { onOutput } = this.parts
      if (onOutput)
        for (let i = 0; i < outputs.length; i += 2) onOutput(this.parts.layout.pipeline, outputs[i] as object, outputs[i + 1] as string)
    }
  }

  /** A retried record came before its backoff ended: it waits here (alive), then runs. */
  private hold(delivery: Delivery, due: number): void {
    const { ackWaitMs } = this.parts.settings
    const wake = () => {
      const left = due - Date.now()
      if (left > 0) {
        delivery.working()
        this.held.set(delivery, setTimeout(wake, Math.min(left, ackWaitMs / 3)))
        return
      }
      this.held.delete(delivery)
      void this.handleHeld(delivery)
    }
    this.held.set(delivery, setTimeout(wake, Math.min(due - Date.now(), ackWaitMs / 3)))
  }

  private async handleHeld(delivery: Delivery): Promise<void> {
    try {
      await this.run(delivery)
    } catch (error) {
      if (!(error instanceof PublishAbandoned)) this.log.failure(error)
    } finally {
      if (!this.held.has(delivery)) this.inFlight--
    }
  }

  private async fail(
    delivery: Delivery,
    text: string,
    messageId: string,
    attempt: number,
    error: unknown,
    permanent = false,
  ): Promise<void> {
    const decision = decideFailure(error, attempt, this.parts.retry, permanent)
    if (!decision.retry) return this.deadLetter(delivery, text, messageId, decision.attempts, error)
    const copy: Outgoing = {
      subject: this.stage.subject,
      data: text,
      msgID: `retry:${delivery.streamSeq}`,
      headers: { [HEADERS.attempt]: String(decision.attempts), [HEADERS.notBefore]: String(Date.now() + decision.delayMs) },
    }
    await this.parts.publisher.publishAll([copy], 0, this.log, delivery)
    delivery.ack()
    const { counters } = this.parts
    counters.stage(this.key, this.stage.id, 'failed')
    counters.stage(this.key, this.stage.id, 'retried')
  }

  private async deadLetter(delivery: Delivery, text: string, messageId: string, attempts: number, error: unknown): Promise<void> {
    const { compiled, layout, counters } = this.parts
    const letter = deadLetterOf(compiled, this.stage.id, messageId, attempts, error, text)
    const message: Outgoing = {
      subject: layout.deadLetterSubject,
      data: JSON.stringify(letter),
      msgID: `dead:${layout.stream}:${delivery.streamSeq}`,
    }
    await this.parts.publisher.publishAll([message], 0, this.log, delivery)
    delivery.ack()
    counters.stage(this.key, this.stage.id, 'failed')
    counters.stage(this.key, this.stage.id, 'deadLettered')
    counters.pipeline(this.key, 'deadLettered')
  }
}

/** The record's message id read without trusting the text (junk gets one from its stream sequence). */
function idOf(text: string, delivery: Delivery): string {
  const match = /^\{"i":"((?:[^"\\]|\\.)*)"/.exec(text)
  if (match) {
    try {
      return JSON.parse(`"${match[1]}"`) as string
    } catch {}
  }
  return `seq-${delivery.streamSeq}`
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
