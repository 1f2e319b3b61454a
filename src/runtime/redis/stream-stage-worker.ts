// One worker loop of one stage: reads a batch from the stage's stream through the consumer group,
// runs the stage program on each entry (the same code the memory engine runs), then commits the
// whole batch in one atomic script: forward outputs, schedule retries, dead-letter, ack, count.
import type { Redis } from 'ioredis'
import { isPermanent } from '../../errors.js'
import type { RetryPolicy } from '../../graph/nodes.js'
import { backoffDelay, type CompiledPipeline } from '../compiled-pipeline.js'
import { describeError } from '../memory/stage-worker.js'
import { STOPPED, type State } from '../node-ops.js'
import type { StageProgram } from '../stage-program.js'
import { decodeEnvelope, EnvelopeError, encodeEnvelope } from '../wire.js'
import { Heartbeat } from './heartbeat.js'
import { Reclaimer, type StreamEntry } from './reclaimer.js'
import { COMMIT, runScript } from './scripts.js'
import { checkRecordSize, RecordTooLargeError, type StreamsSettings } from './settings.js'
import { GROUP, type PipelineKeys, type StageKeys } from './stream-layout.js'
import { ensureGroup, WorkerLog } from './worker-support.js'

export type OutputSink = (pipeline: string, record: object, id: string) => void

interface Tally {
  processed: number
  filtered: number
  failed: number
  retried: number
  deadLettered: number
  out: number
}

export class StreamStageWorker {
  /** Batches taken and not yet committed with their outputs delivered (drain looks at it). */
  private batches = 0
  /** The last commit: the next one waits for it, so at most one is in flight. */
  private committing: Promise<void> = Promise.resolve()
  private stopping = false
  private readonly program: StageProgram
  private readonly stage: StageKeys
  private readonly next: StageKeys | undefined
  private readonly where: string
  private readonly reclaimer: Reclaimer
  private readonly heartbeat: Heartbeat
  /** Where the record being processed collects its outputs. */
  private emitted: [State, string][] = []
  private readonly emit = (out: State, branch: string): void => {
    this.emitted.push([out, branch])
  }
  private readonly log: WorkerLog

  constructor(
    private readonly compiled: CompiledPipeline,
    private readonly keys: PipelineKeys,
    private readonly index: number,
    private readonly reader: Redis,
    private readonly writer: Redis,
    readonly consumer: string,
    private readonly retry: RetryPolicy,
    private readonly settings: StreamsSettings,
    private readonly onOutput: OutputSink | undefined,
  ) {
    this.program = compiled.stages[index] as StageProgram
    this.stage = keys.stages[index] as StageKeys
    this.next = keys.stages[index + 1]
    this.where = `pipeline '${compiled.app}.${compiled.name}', stage '${this.stage.id}'`
    this.reclaimer = new Reclaimer(reader, this.stage.stream, consumer, settings)
    this.heartbeat = new Heartbeat(writer, this.stage.stream, consumer, settings.reclaimIdleMs)
    this.log = new WorkerLog(this.where)
  }

  get busy(): boolean {
    return this.batches > 0
  }

  /** Asks the loop to end after its current batch. */
  stop(): void {
    this.stopping = true
  }

  async loop(): Promise<void> {
    // The next batch is read while this one runs and commits: Redis and Node work side by side.
    let next: Promise<StreamEntry[] | undefined> | undefined
    while (!this.stopping || next) {
      try {
        const entries = await (next ?? this.read())
        next = undefined
        // The reader is free between reads: look for abandoned entries when a scan is due.
        const claimed = this.stopping ? undefined : await this.reclaimer.due()
        if (!this.stopping) {
          next = this.read()
          next.catch(() => {}) // its failure is handled when awaited
        }
        if (entries?.length) await this.handle(entries, undefined)
        if (claimed) await this.handle(claimed.entries, claimed.deliveries)
        this.log.recovered()
      } catch (error) {
        next = undefined
        if (this.stopping) break
        if (error instanceof Error && error.message.startsWith('NOGROUP')) await ensureGroup(this.writer, this.stage.stream).catch(() => {})
        this.log.failure(error)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await this.committing
    this.heartbeat.stop()
  }

  private async read(): Promise<StreamEntry[] | undefined> {
    const reply = (await this.reader.xreadgroup(
      'GROUP',
      GROUP,
      this.consumer,
      'COUNT',
      this.settings.batchSize,
      'BLOCK',
      this.settings.blockMs,
      'STREAMS',
      this.stage.stream,
      '>',
    )) as [string, StreamEntry[]][] | null
    const entries = reply?.[0]?.[1]
    if (entries) this.heartbeat.hold(entries)
    return entries
  }

  /** Runs the stage on a batch, then starts its commit (behind the previous one) without waiting for it. */
  private async handle(entries: StreamEntry[], deliveries: Map<string, number> | undefined): Promise<void> {
    this.batches++
    this.heartbeat.hold(entries)
    const tally: Tally = { processed: 0, filtered: 0, failed: 0, retried: 0, deadLettered: 0, out: 0 }
    const args: (string | number)[] = [GROUP, 0, 0, 0, 0, 0, 0]
    const outputs: [number, object, string][] = []
    const now = Date.now()
    for (let position = 0; position < entries.length; position++) {
      const [streamId, fields] = entries[position] as StreamEntry
      let text: string | undefined
      let attempt = 0
      if (fields)
        for (let k = 0; k < fields.length; k += 2) {
          if (fields[k] === 'e') text = fields[k + 1]
          else if (fields[k] === 'a') attempt = Number(fields[k + 1]) || 0
        }
      const delivered = deliveries?.get(streamId) ?? 1
      if (!fields) args.push(streamId, 'f')
      else if (text === undefined)
        this.deadLetter(args, tally, streamId, streamId, attempt + 1, new EnvelopeError('stream entry has no envelope (field e)'), fields)
      else if (delivered > this.settings.maxDeliveries) {
        const error = new Error(`delivered ${delivered} times without an ack: a worker probably crashed on it`)
        this.deadLetter(args, tally, streamId, streamId, delivered, error, text)
      } else {
        const done = this.process(args, tally, outputs, position, streamId, text, attempt, now)
        if (done) await done
      }
    }
    args[1] = tally.processed
    args[2] = tally.filtered
    args[3] = tally.failed
    args[4] = tally.retried
    args[5] = tally.deadLettered
    args[6] = tally.out
    const next = this.next ?? this.stage
    const second = Math.floor(now / 1000)
    const keys = [
      this.stage.stream,
      next.stream,
      this.stage.counters,
      next.counters,
      this.keys.counters,
      this.keys.deadLetters,
      this.stage.retries,
      this.stage.rate(second),
      next.rate(second),
    ]
    const previous = this.committing
    this.committing = (async () => {
      try {
        await previous
        const skipped = (await runScript(this.writer, COMMIT, keys, args)) as number[]
        if (this.onOutput && outputs.length) {
          const duplicate = new Set(skipped)
          for (const [position, record, id] of outputs) if (!duplicate.has(position)) this.onOutput(this.keys.pipeline, record, id)
        }
      } catch (error) {
        // Not acknowledged: the batch stays pending and is reclaimed after reclaimIdleMs.
        this.log.failure(error)
      } finally {
        this.heartbeat.release(entries)
        this.batches--
      }
    })()
  }

  private process(
    args: (string | number)[],
    tally: Tally,
    outputs: [number, object, string][],
    position: number,
    streamId: string,
    text: string,
    attempt: number,
    now: number,
  ): void | Promise<void> {
    let messageId = streamId
    // Records of a batch run one after another, so one shared emit callback serves them all.
    const emitted: [State, string][] = []
    this.emitted = emitted
    let running: void | Promise<void>
    try {
      const envelope = decodeEnvelope(text)
      messageId = envelope.id
      running = this.program.run(this.program.load(envelope), this.emit)
    } catch (error) {
      return this.fail(args, tally, streamId, messageId, text, attempt, now, error)
    }
    if (running)
      return running.then(
        () => this.forward(args, tally, outputs, position, streamId, messageId, text, attempt, now, emitted),
        (error: unknown) => this.fail(args, tally, streamId, messageId, text, attempt, now, error),
      )
    this.forward(args, tally, outputs, position, streamId, messageId, text, attempt, now, emitted)
  }

  /** Adds the record's outputs to the commit: envelopes for the next stage, or pipeline outputs. */
  private forward(
    args: (string | number)[],
    tally: Tally,
    outputs: [number, object, string][],
    position: number,
    streamId: string,
    messageId: string,
    text: string,
    attempt: number,
    now: number,
    emitted: [State, string][],
  ): void {
    const next: string[] = []
    let filtered = emitted.length === 0 ? 1 : 0
    try {
      for (const [state, branch] of emitted) {
        const id = branch ? messageId + branch : messageId
        if (!this.next) {
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
        const encoded = encodeEnvelope(id, out.data, out.stopped, `${this.compiled.name}/${this.stage.id}`)
        checkRecordSize(encoded, this.settings.maxRecordBytes, this.where)
        next.push(encoded)
      }
    } catch (error) {
      // A value that cannot cross the boundary: permanent; nothing of this record goes on.
      for (let i = outputs.length - 1; i >= 0 && outputs[i]?.[0] === position; i--) outputs.pop()
      this.fail(args, tally, streamId, messageId, text, attempt, now, error, true)
      return
    }
    args.push(streamId, next.length === 1 ? `f${next[0]}` : `f${next.join('\n')}`)
    tally.processed++
    tally.filtered += filtered
    if (!this.next) tally.out += emitted.length - filtered
  }

  private fail(
    args: (string | number)[],
    tally: Tally,
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
      tally.failed++
      tally.retried++
      args.push(streamId, `r${now + backoffDelay(this.retry, attempts)}|${attempts}|${streamId}|${text}`)
      return
    }
    this.deadLetter(args, tally, streamId, messageId, attempts, error, text)
  }

  private deadLetter(
    args: (string | number)[],
    tally: Tally,
    streamId: string,
    messageId: string,
    attempts: number,
    error: unknown,
    payload: unknown,
  ): void {
    tally.failed++
    tally.deadLettered++
    const letter = {
      app: this.compiled.app,
      pipeline: this.compiled.name,
      stage: this.stage.id,
      id: messageId,
      attempts,
      error: describeError(error),
      payload,
      at: new Date().toISOString(),
    }
    args.push(streamId, `d${JSON.stringify(letter)}`)
  }
}
