// The embedded engine: every stage of every pipeline in this process, joined by bounded queues.
// At stage boundaries records are copied exactly as JSON would carry them over a server (the same
// checks, the same errors: wire-copy.ts), so what fails there fails here. Admission, outcomes and failures follow the core's rules, as on every engine.
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import { InputAdmission } from '../../core/admission.js'
import { emptyPipelineCounters } from '../../core/counters.js'
import { deadLetterOf } from '../../core/dead-letters.js'
import { type ResolvedStartOptions, resolveStartOptions } from '../../core/start-options.js'
import type { DeadLetter, EngineAdmin, PipelineRun, PipelineStats } from '../../engine-types.js'
import type { StartOptions } from '../../port.js'
import { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { CarriedEnvelope } from '../../programs/wire-copy.js'
import { BoundedQueue } from './bounded-queue.js'
import { MemoryAdmin } from './memory-admin.js'
import { MemoryConsumerQueues } from './memory-consumer-queue.js'
import type { MemoryPipeline, MemoryState } from './memory-state.js'
import { type MemoryMessage, StageWorker } from './stage-worker.js'

const BATCH = 64
// Records a sync `feed` queues between two yields to the stages.
const FEED_YIELD = 64
/** Records a stage queue holds before producers wait: the queues live in this process's heap. */
const QUEUE_CAPACITY = 10_000

export class MemoryRun implements PipelineRun, MemoryState {
  readonly pipelines = new Map<string, MemoryPipeline>()
  readonly dead: DeadLetter[] = []
  readonly consumerQueues = new MemoryConsumerQueues(() => this.drain())
  private readonly loops: Promise<void>[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly resolved: ResolvedStartOptions
  private inFlight = 0
  private idle: (() => void)[] = []
  private stopped = false
  private adminView: MemoryAdmin | undefined

  constructor(
    pipelines: readonly AnyPipeline[],
    private readonly options: StartOptions = {},
  ) {
    this.resolved = resolveStartOptions(options)
    const context = { deliver: (consumer: ConsumerRef, record: object) => this.consumerQueues.deliver(consumer, record) }
    for (const pipeline of pipelines) {
      const compiled = new CompiledPipeline(pipeline, context)
      const key = `${compiled.app}.${compiled.name}`
      if (this.pipelines.has(key)) throw new StairsError('DUPLICATE_NAME', `pipeline '${key}' is started twice in one run`)
      const running: MemoryPipeline = {
        compiled,
        workers: [],
        counters: emptyPipelineCounters(),
        admission: new InputAdmission(compiled, this.resolved.maxRecordBytes),
        sequence: 0,
        key,
      }
      compiled.stages.forEach((stage, index) => {
        const queue = new BoundedQueue<MemoryMessage>(options.queueCapacity ?? QUEUE_CAPACITY, BATCH)
        const retry = compiled.retryFor(index, this.resolved.retry)
        const concurrency = this.resolved.concurrencyOf(`${compiled.name}/${stage.stage.id}`)
        const worker = new StageWorker(compiled, index, queue, this.hostFor(running), retry, this.resolved.maxRecordBytes, concurrency)
        running.workers.push(worker)
        for (let i = 0; i < concurrency; i++) this.loops.push(worker.loop())
      })
      this.pipelines.set(key, running)
    }
  }

  async push(pipeline: string, record: unknown, id?: string): Promise<void> {
    const wait = this.admit(this.get(pipeline), record, id)
    if (wait) await wait
  }

  async feed(pipeline: string, source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    const running = this.get(pipeline)
    let count = 0
    if (Symbol.iterator in source) {
      // A sync source waits when the input queue is full, else yields once per batch so the
      // stages run while records are young (short-lived garbage is cheap, a full queue is not).
      for (const record of source) {
        const wait = this.admit(running, record, undefined)
        count++
        if (wait) await wait
        else if (count % FEED_YIELD === 0) await undefined
      }
      return count
    }
    for await (const record of source) {
      const wait = this.admit(running, record, undefined)
      count++
      if (wait) await wait
    }
    return count
  }

  /** Admits and queues one input record; returns a promise only when the input queue is full. */
  private admit(running: MemoryPipeline, record: unknown, id: string | undefined): void | Promise<void> {
    if (this.stopped) throw new StairsError('ENGINE', `the run is stopped: pipeline '${running.key}' takes no new records`)
    if (id !== undefined && this.isDuplicate(running, id)) return
    const messageId = id ?? `${running.key}:${++running.sequence}`
    const admitted = running.admission.admit(record, messageId)
    if (!admitted.ok) {
      running.counters.rejected++
      running.counters.deadLettered++
      this.dead.push(admitted.letter)
      return
    }
    running.counters.in++
    return this.enqueue(running, 0, { id: messageId, payload: admitted.record, attempt: 0 })
  }

  async waiting(pipeline: string): Promise<number> {
    return (this.get(pipeline).workers[0] as StageWorker).queue.size
  }

  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    await this.drain()
    for (const timer of this.timers) clearTimeout(timer)
    for (const running of this.pipelines.values()) for (const worker of running.workers) worker.queue.close()
    await Promise.all(this.loops)
  }

  async stats(): Promise<PipelineStats[]> {
    return [...this.pipelines.values()].map(({ compiled, workers, counters }) => ({
      pipeline: compiled.name,
      counters: { ...counters },
      stages: workers.map((w) => ({ stage: w.name, queued: w.queue.size, counters: { ...w.counters } })),
    }))
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.dead]
  }

  /** Queue status, dead letters (list, replay, delete) and consumer queues of this run. */
  admin(): EngineAdmin {
    this.adminView ??= new MemoryAdmin(this)
    return this.adminView
  }

  /** Puts a message back on stage `index` of a pipeline (a replayed dead letter); counted in flight again. */
  requeueDead(running: MemoryPipeline, index: number, message: MemoryMessage): void {
    if (this.stopped) throw new StairsError('ENGINE', `the run is stopped: pipeline '${running.key}' takes no replays`)
    void this.enqueue(running, index, message)
  }

  private isDuplicate(running: MemoryPipeline, id: string): boolean {
    running.seen ??= new Map()
    const now = Date.now()
    // Ids older than the window are forgotten, oldest first (a Map keeps insertion order), so a
    // long-running producer's ids do not pile up.
    const oldest = now - this.resolved.dedupeWindowMs
    for (const [seenId, at] of running.seen) {
      if (at > oldest) break
      running.seen.delete(seenId)
    }
    if (!running.seen.has(id)) {
      running.seen.set(id, now)
      return false
    }
    running.counters.duplicates++
    return true
  }

  private enqueue(running: MemoryPipeline, index: number, message: MemoryMessage): void | Promise<void> {
    const worker = running.workers[index] as StageWorker
    worker.counters.added++
    this.inFlight++
    return worker.queue.push(message)
  }

  private hostFor(running: MemoryPipeline) {
    return {
      enqueue: (index: number, message: MemoryMessage) => this.enqueue(running, index, message),
      requeue: (index: number, message: MemoryMessage, delayMs: number) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          void (running.workers[index] as StageWorker).queue.push(message)
        }, delayMs)
        this.timers.add(timer)
      },
      output: (record: object, id: string) => {
        running.counters.out++
        this.options.onOutput?.(running.compiled.name, record, id)
      },
      deadLetter: (stage: string, message: MemoryMessage, attempts: number, error: unknown) => {
        running.counters.deadLettered++
        // A carried envelope is kept encoded, as the other engines keep it (and as a replay reads it).
        const payload = message.payload instanceof CarriedEnvelope ? message.payload.encode() : message.payload
        this.dead.push(deadLetterOf(running.compiled, stage, message.id, attempts, error, payload))
      },
      settled: () => {
        if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve()
      },
      filtered: (count: number) => {
        running.counters.filtered += count
      },
    }
  }

  get(pipeline: string): MemoryPipeline {
    const running = this.pipelines.get(pipeline) ?? [...this.pipelines.values()].find((r) => r.compiled.name === pipeline)
    if (!running)
      throw new StairsError('ENGINE', `no pipeline '${pipeline}' in this run; running: ${[...this.pipelines.keys()].join(', ') || 'none'}`)
    return running
  }
}
