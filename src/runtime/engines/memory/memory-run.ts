// The embedded engine: every stage of every pipeline in this process, joined by bounded queues.
// Records are serialized at stage boundaries exactly as on Redis, so what fails there fails here.
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader } from '../../consumers/consumer-queue-types.js'
import type { DeadLetter, PipelineCounters, PipelineRun, PipelineStats, RunOptions } from '../../engine-types.js'
import { CompiledPipeline, DEFAULT_RETRY } from '../../programs/compiled-pipeline.js'
import { checkWireSafe } from '../../programs/wire.js'
import { BoundedQueue } from './bounded-queue.js'
import { MemoryConsumerQueues } from './memory-consumer-queue.js'
import { describeError, type MemoryMessage, StageWorker } from './stage-worker.js'

const BATCH = 64
// Records a sync `feed` queues between two yields to the stages.
const FEED_YIELD = 64

interface Running {
  readonly compiled: CompiledPipeline
  readonly workers: StageWorker[]
  readonly counters: PipelineCounters
  sequence: number
  /** `app.pipeline:`, the prefix of generated message ids. */
  readonly idPrefix: string
  /** `pipeline/input`, how wire errors at the input name the stage. */
  readonly inputStage: string
  /** Message ids pushed with an explicit id (worker producers), to drop replayed duplicates. */
  /** Explicit message ids pushed within the dedupe window, oldest first, with when they came. */
  seen?: Map<string, number>
}

/** How long an explicit message id is remembered by default (as on the Redis engines). */
const DEDUPE_WINDOW_MS = 3_600_000

export class MemoryRun implements PipelineRun {
  private readonly running = new Map<string, Running>()
  private readonly dead: DeadLetter[] = []
  private readonly loops: Promise<void>[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private inFlight = 0
  private idle: (() => void)[] = []
  private stopped = false
  private readonly consumerQueues = new MemoryConsumerQueues(() => this.drain())

  constructor(
    pipelines: readonly AnyPipeline[],
    private readonly options: RunOptions = {},
  ) {
    const context = { deliver: (consumer: ConsumerRef, record: object) => this.consumerQueues.deliver(consumer, record) }
    for (const pipeline of pipelines) {
      const compiled = new CompiledPipeline(pipeline, context)
      const key = `${compiled.app}.${compiled.name}`
      if (this.running.has(key)) throw new StairsError('DUPLICATE_NAME', `pipeline '${key}' is started twice in one run`)
      const running: Running = {
        compiled,
        workers: [],
        counters: { in: 0, out: 0, filtered: 0, deadLettered: 0, rejected: 0 },
        sequence: 0,
        idPrefix: `${key}:`,
        inputStage: `${compiled.name}/input`,
      }
      compiled.stages.forEach((stage, index) => {
        const queue = new BoundedQueue<MemoryMessage>(options.queueCapacity ?? 10_000, BATCH)
        const retry = compiled.retryFor(index, options.retry ?? DEFAULT_RETRY)
        const concurrency = this.concurrencyOf(`${compiled.name}/${stage.stage.id}`)
        running.workers.push(new StageWorker(compiled, index, queue, this.hostFor(running), retry, concurrency))
        for (let i = 0; i < concurrency; i++) this.loops.push(running.workers[index]?.loop() as Promise<void>)
      })
      this.running.set(key, running)
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

  /** Validates and queues one input record; returns a promise only when the input queue is full. */
  private admit(running: Running, record: unknown, id: string | undefined): void | Promise<void> {
    if (this.stopped)
      throw new StairsError('ENGINE', `the run is stopped: pipeline '${running.idPrefix.slice(0, -1)}' takes no new records`)
    if (id !== undefined && this.isDuplicate(running, id)) return
    const messageId = id ?? running.idPrefix + ++running.sequence
    const checked = running.compiled.validate(record)
    if (!checked.ok) {
      running.counters.rejected++
      running.counters.deadLettered++
      this.dead.push(deadLetter(running.compiled, 'input', messageId, 1, { name: 'InputError', message: checked.message }, record))
      return
    }
    try {
      checkWireSafe(checked.record, running.inputStage)
    } catch (error) {
      running.counters.rejected++
      running.counters.deadLettered++
      this.dead.push(deadLetter(running.compiled, 'input', messageId, 1, describeError(error), String(record)))
      return
    }
    running.counters.in++
    return this.enqueue(running, 0, { id: messageId, payload: checked.record, attempt: 0 })
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
    for (const running of this.running.values()) for (const worker of running.workers) worker.queue.close()
    await Promise.all(this.loops)
  }

  async stats(): Promise<PipelineStats[]> {
    return [...this.running.values()].map(({ compiled, workers, counters }) => ({
      pipeline: compiled.name,
      counters: { ...counters },
      stages: workers.map((w) => ({ stage: w.name, queued: w.queue.size, counters: { ...w.counters } })),
    }))
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.dead]
  }

  /** The in-process queue of a standalone or iterator consumer (see consumeIter). */
  openConsumerQueue(consumer: ConsumerRef): ConsumerQueueReader {
    return this.consumerQueues.open(consumer)
  }

  private isDuplicate(running: Running, id: string): boolean {
    running.seen ??= new Map()
    const now = Date.now()
    // Ids older than the window are forgotten, oldest first (a Map keeps insertion order), so a
    // long-running producer's ids do not pile up.
    const oldest = now - (this.options.dedupeWindowMs ?? DEDUPE_WINDOW_MS)
    for (const [seenId, at] of running.seen) {
      if (at > oldest) break
      running.seen.delete(seenId)
    }
    if (!running.seen.has(id)) {
      running.seen.set(id, now)
      return false
    }
    running.counters.duplicates = (running.counters.duplicates ?? 0) + 1
    return true
  }

  private enqueue(running: Running, index: number, message: MemoryMessage): void | Promise<void> {
    const worker = running.workers[index] as StageWorker
    worker.counters.added++
    this.inFlight++
    return worker.queue.push(message)
  }

  private hostFor(running: Running) {
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
        this.dead.push(deadLetter(running.compiled, stage, message.id, attempts, describeError(error), message.payload))
      },
      settled: () => {
        if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve()
      },
      filtered: () => {
        running.counters.filtered++
      },
    }
  }

  private get(pipeline: string): Running {
    const running = this.running.get(pipeline) ?? [...this.running.values()].find((r) => r.compiled.name === pipeline)
    if (!running)
      throw new StairsError('ENGINE', `no pipeline '${pipeline}' in this run; running: ${[...this.running.keys()].join(', ') || 'none'}`)
    return running
  }

  private concurrencyOf(stage: string): number {
    const { concurrency } = this.options
    if (typeof concurrency === 'number') return Math.max(1, concurrency)
    return Math.max(1, concurrency?.[stage] ?? 1)
  }
}

function deadLetter(
  compiled: CompiledPipeline,
  stage: string,
  id: string,
  attempts: number,
  error: { name: string; message: string },
  payload: unknown,
): DeadLetter {
  return Object.freeze({ app: compiled.app, pipeline: compiled.name, stage, id, attempts, error, payload, at: new Date().toISOString() })
}
