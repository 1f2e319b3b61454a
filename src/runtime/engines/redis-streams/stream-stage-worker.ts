// One worker loop of one stage: reads a batch of entries from the stage's stream through the
// consumer group (an entry holds one or more envelopes, one per line), runs the stage program on
// each record (the same code the memory engine runs), then commits the whole batch in one atomic
// script: forward outputs, schedule retries, dead-letter, ack, count.
import type { Redis } from 'ioredis'
import type { RetryPolicy } from '../../../graph/nodes.js'
import type { ProcessingTimes } from '../../core/processing-time.js'
import { WorkerLog } from '../../core/worker-log.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { EnvelopeError } from '../../programs/wire.js'
import { BatchCommit } from './batch-commit.js'
import type { ConsumerOutbox } from './consumer-outbox.js'
import { Heartbeat } from './heartbeat.js'
import { Reclaimer, type StreamEntry } from './reclaimer.js'
import { StageRecordRunner } from './record-runner.js'
import type { StreamsRunSettings } from './settings.js'
import { GROUP, type PipelineKeys, type StageKeys } from './stream-layout.js'
import { ensureGroup, ReadUnblocker, recordsIn } from './worker-support.js'

export type OutputSink = (pipeline: string, record: object, id: string) => void

export class StreamStageWorker {
  /** Batches taken and not yet committed with their outputs delivered (drain looks at it). */
  private batches = 0
  /** The last commit: the next one waits for it, so at most one is in flight. */
  private committing: Promise<void> = Promise.resolve()
  private stopping = false
  /** Entries asked for per read: about `batchSize` records, however many an entry holds. */
  private readCount: number
  private readonly stage: StageKeys
  private readonly next: StageKeys | undefined
  private readonly where: string
  private readonly reclaimer: Reclaimer
  private readonly heartbeat: Heartbeat
  private readonly records: StageRecordRunner
  private readonly log: WorkerLog
  private readonly unblocker: ReadUnblocker
  /** The read in flight, if any: stop() unblocks it. */
  private reading: Promise<unknown> | undefined

  constructor(
    compiled: CompiledPipeline,
    private readonly keys: PipelineKeys,
    index: number,
    private readonly reader: Redis,
    private readonly writer: Redis,
    readonly consumer: string,
    retry: RetryPolicy,
    private readonly settings: StreamsRunSettings,
    private readonly onOutput: OutputSink | undefined,
    private readonly outbox: ConsumerOutbox,
    /** Where this stage's processing times are added (flushed to Redis by the run). */
    private readonly times: ProcessingTimes,
  ) {
    this.stage = keys.stages[index] as StageKeys
    this.next = keys.stages[index + 1]
    this.where = `pipeline '${compiled.app}.${compiled.name}', stage '${this.stage.id}'`
    this.records = new StageRecordRunner(compiled, index, this.stage.id, retry, settings.maxRecordBytes, outbox)
    // Entries can hold up to batchSize records each: start small and adapt after each read.
    this.readCount = 1
    this.reclaimer = new Reclaimer(reader, this.stage.stream, consumer, settings)
    this.heartbeat = new Heartbeat(writer, this.stage.stream, consumer, settings.reclaimIdleMs)
    this.log = new WorkerLog('redis', this.where)
    this.unblocker = new ReadUnblocker(reader, writer)
  }

  get busy(): boolean {
    return this.batches > 0
  }

  /** Asks the loop to end after its current batch; a read blocked waiting for entries ends now. */
  stop(): void {
    this.stopping = true
    if (this.reading) void this.unblocker.unblock(this.reading)
  }

  async loop(): Promise<void> {
    // The next batch is read while this one runs and commits: Redis and Node work side by side.
    let next: Promise<StreamEntry[] | undefined> | undefined
    while (!this.stopping || next) {
      try {
        const reading = next ?? this.read()
        this.reading = reading
        const entries = await reading
        next = undefined
        // The reader is free between reads: look for abandoned entries when a scan is due.
        const claimed = this.stopping ? undefined : await this.reclaimer.due()
        if (!this.stopping) {
          next = this.read()
          next.catch(() => {}) // its failure is handled when awaited
          this.reading = next
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
      this.readCount,
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

  /**
   * Runs the stage on the entries of one read (fresh from the group, or reclaimed from a dead
   * worker with their delivery counts) and starts their commits behind the previous one without
   * waiting. A read can bring more records than `batchSize` (entries hold up to that many each):
   * it is then committed in slices of about `batchSize` records, so no commit grows unbounded.
   */
  private async handle(entries: StreamEntry[], deliveries: Map<string, number> | undefined): Promise<void> {
    this.batches++
    this.heartbeat.hold(entries)
    // Records read and not yet acknowledged, for inspect and the producers' backpressure: counted
    // at once, before they run (a producer that sees them as still waiting would hold back for
    // nothing, and one that sees the stream drained would count them twice), and on the same
    // connection as the commits, so they are counted before they are released.
    if (!deliveries) {
      const taken = recordsIn(entries)
      if (taken) this.writer.hincrby(this.stage.counters, 'taken', taken).catch(() => {})
    }
    const { batchSize } = this.settings
    let batch = new BatchCommit(batchSize)
    let now = Date.now()
    let inBatch = 0
    let records = 0
    for (let position = 0; position < entries.length; position++) {
      const [streamId, fields] = entries[position] as StreamEntry
      let text: string | undefined
      let attempt = 0
      if (fields)
        for (let k = 0; k < fields.length; k += 2) {
          if (fields[k] === 'e') text = fields[k + 1]
          else if (fields[k] === 'a') attempt = Number(fields[k + 1]) || 0
        }
      let count = 0
      if (text === undefined) {
        // Deleted since it was added (nothing to do) or not ours: junk goes to the dead letters.
        if (fields)
          this.records.deadLetter(batch, streamId, attempt + 1, new EnvelopeError('stream entry has no envelope (field e)'), fields)
      } else {
        const lines = text.includes('\n') ? text.split('\n') : [text]
        count = lines.length
        const delivered = deliveries?.get(streamId) ?? 1
        if (delivered > this.settings.maxDeliveries) {
          const error = new Error(`delivered ${delivered} times without an ack: a worker probably crashed on it`)
          for (const line of lines) this.records.deadLetter(batch, streamId, delivered, error, line)
        } else if (delivered > 1 && count > 1) {
          batch.requeue(text) // one per entry from now on: a record that kills workers goes alone
        } else {
          const mayHoldProto = text.includes('"__proto__"')
          // The records of one entry are timed together (two clock reads per entry, however many
          // records it packs), each counted at their mean: a clock read costs 50-200 ns here.
          const started = performance.now()
          for (const line of lines) {
            const done = this.records.run(batch, batch.position, streamId, line, attempt, now, mayHoldProto)
            if (done) await done
          }
          this.times.observeMany(performance.now() - started, lines.length)
        }
      }
      batch.endEntry(streamId, count)
      inBatch += count
      const last = position === entries.length - 1
      if (inBatch >= batchSize || last) {
        this.scheduleCommit(batch, last ? entries : undefined, now)
        records += inBatch
        if (!last) {
          batch = new BatchCommit(batchSize)
          now = Date.now()
          inBatch = 0
        }
      }
    }
    if (!deliveries && records) {
      // Ask for about batchSize records next time: shrink at once, grow at most twofold per read
      // (a burst of full entries after single-record ones then costs one larger read, not 500).
      const fits = Math.max(1, Math.min(batchSize, Math.round((batchSize * entries.length) / records)))
      this.readCount = Math.min(fits, this.readCount * 2)
    }
  }

  /** Commits a batch after the previous commit; `read` is given with the last batch of a read, which releases it. */
  private scheduleCommit(batch: BatchCommit, read: StreamEntry[] | undefined, now: number): void {
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
        await this.outbox.flush(batch.deliveries)
        const skipped = await batch.run(this.writer, keys)
        if (this.onOutput && batch.outputs.length) {
          const duplicate = new Set(skipped)
          for (const [position, record, id] of batch.outputs) if (!duplicate.has(position)) this.onOutput(this.keys.pipeline, record, id)
        }
      } catch (error) {
        // Not acknowledged: the batch stays pending and is reclaimed after reclaimIdleMs.
        this.log.failure(error)
      } finally {
        if (read) {
          this.heartbeat.release(read)
          this.batches--
        }
      }
    })()
  }
}
