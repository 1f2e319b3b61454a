// A run on the bullmq engine: a producer side (push into the first stage's queue, stats, dead
// letters) and, unless told otherwise, one BullMQ Worker per stage in this process.
import { randomBytes } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import { InputAdmission } from '../../core/admission.js'
import { type ResolvedStartOptions, resolveStartOptions } from '../../core/start-options.js'
import type { DeadLetter, PipelineRun, PipelineStats } from '../../engine-types.js'
import type { StartOptions } from '../../port.js'
import { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { redisConsumerDelivery } from '../redis-common/consumer-queue.js'
import { connectRedis, type RedisSettings, redisFailure } from '../redis-common/redis-connection.js'
import { CounterBuffer, readPipelineCounters, readStageCounters } from '../redis-common/stage-counters.js'
import { StageTimings } from '../redis-common/stage-timings.js'
import { type BullmqRunSettings, type BullmqSettings, COUNTER_FLUSH_MS } from './bullmq-settings.js'
import { deadLettersOf, type PipelineQueues, rejectInputs } from './dead-letters.js'
import { type InputJob, inputJob, withoutReplays } from './input-jobs.js'
import { counterScope, type StageQueue, stageQueues } from './stage-queues.js'
import { StageWorkers, stageQueueHandle } from './stage-workers.js'

/** Records queued per addBulk by feed(). */
const FEED_CHUNK = 500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Job states that mean "not finished yet" for drain(). */
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const

/** A pipeline of the run, with producer-side queue handles (one per stage: push, counts). */
interface Running extends PipelineQueues {
  readonly admission: InputAdmission
}

/**
 * A run on the bullmq engine (start it with `startRun('bullmq', pipelines, { settings })`):
 * records pushed here become jobs of the first stage's BullMQ queue; each stage's Worker runs the
 * stage and adds its outputs to the next stage's queue before completing the job.
 */
export class BullmqRun implements PipelineRun {
  private readonly running = new Map<string, Running>()
  private readonly counters = new CounterBuffer()
  private readonly timings = new StageTimings()
  private stageWorkers: StageWorkers | undefined
  private readonly runId = randomBytes(6).toString('hex')
  private sequence = 0
  private flushTimer: NodeJS.Timeout | undefined
  private stopping: Promise<void> | undefined
  private closed = false

  private constructor(
    private readonly redis: RedisSettings,
    private readonly settings: BullmqRunSettings,
    private readonly producer: Redis,
    private readonly worker: Redis | undefined,
    private readonly options: StartOptions,
    private readonly resolved: ResolvedStartOptions,
  ) {}

  /** Connects (failing fast with the masked URL), checks contracts, then starts the workers. */
  static async start(pipelines: readonly AnyPipeline[], engineSettings: BullmqSettings, options: StartOptions): Promise<BullmqRun> {
    const resolved = resolveStartOptions(options)
    const settings: BullmqRunSettings = {
      ...engineSettings,
      maxRecordBytes: resolved.maxRecordBytes,
      shutdownTimeoutMs: resolved.shutdownTimeoutMs,
      dedupeWindowMs: resolved.dedupeWindowMs,
    }
    const redis: RedisSettings = { url: settings.url, prefix: settings.prefix, ...(settings.tls ? { tls: settings.tls } : {}) }
    const producer = await connectRedis(redis, 'producer')
    const wantsWorkers = options.workers !== false
    let worker: Redis | undefined
    try {
      worker = wantsWorkers ? await connectRedis(redis, 'worker') : undefined
    } catch (error) {
      producer.disconnect()
      throw error
    }
    const run = new BullmqRun(redis, settings, producer, worker, options, resolved)
    try {
      await run.init(pipelines)
    } catch (error) {
      await run.close()
      throw error instanceof StairsError ? error : redisFailure(redis, error, 'starting the bullmq engine')
    }
    return run
  }

  private async init(pipelines: readonly AnyPipeline[]): Promise<void> {
    // Standalone and iterator consumers have their own Redis queue, read by `stairs consumer:*`.
    const deliver = redisConsumerDelivery(this.worker ?? this.producer, this.settings.prefix)
    for (const pipeline of pipelines) {
      const compiled = new CompiledPipeline(pipeline, { deliver })
      const key = `${compiled.app}.${compiled.name}`
      if (this.running.has(key)) throw new StairsError('DUPLICATE_NAME', `pipeline '${key}' is started twice in one run`)
      const stages = stageQueues(compiled, this.settings.prefix, this.resolved.retry)
      const queues = stages.map((stage) => stageQueueHandle(stage, this.producer))
      const admission = new InputAdmission(compiled, this.settings.maxRecordBytes)
      this.running.set(key, { compiled, scope: counterScope(compiled, this.settings.prefix), stages, queues, admission })
    }
    // One scripted read per queue proves the user may run BullMQ's scripts on these keys.
    for (const running of this.running.values()) for (const queue of running.queues) await queue.getJobCounts('waiting')
    if (this.worker) {
      this.stageWorkers = new StageWorkers(this.worker, this.settings, this.options, this.resolved, this.counters, this.timings)
      await this.stageWorkers.start([...this.running.values()])
    }
    this.flushTimer = setInterval(() => void this.flushCounters().catch(() => {}), COUNTER_FLUSH_MS)
    this.flushTimer.unref()
  }

  async push(pipeline: string, record: unknown, id?: string): Promise<void> {
    const running = this.get(pipeline)
    const job = await this.prepare(running, record, id)
    if (job) await this.enqueue(running, [job])
  }

  /** Like push for each record, but queued with addBulk in chunks (one round trip per chunk). */
  async feed(pipeline: string, source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    const running = this.get(pipeline)
    let chunk: InputJob[] = []
    let count = 0
    try {
      for await (const record of source) {
        count++
        const job = await this.prepare(running, record, undefined)
        if (job) chunk.push(job)
        if (chunk.length >= FEED_CHUNK) {
          await this.enqueue(running, chunk)
          chunk = []
        }
      }
    } finally {
      // What was accepted before a failure (an oversize record) is queued, as push would have.
      if (chunk.length) await this.enqueue(running, chunk)
    }
    await this.flushCounters()
    return count
  }

  /** The first stage's job for a record; a refused record is dead-lettered (undefined). */
  private async prepare(running: Running, record: unknown, id: string | undefined): Promise<InputJob | undefined> {
    if (this.stopping) throw new StairsError('ENGINE', 'the run is stopped: it takes no new records')
    const messageId = id ?? `${this.runId}-${++this.sequence}`
    const job = inputJob(
      running.admission,
      running.stages[0] as StageQueue,
      messageId,
      id !== undefined,
      record,
      this.settings.dedupeWindowMs,
    )
    if (!('refused' in job)) return job
    await this.guard(rejectInputs(this.producer, running.scope, [job.refused]))
    this.counters.pipeline(running.scope, 'rejected')
    this.counters.pipeline(running.scope, 'deadLettered')
    return undefined
  }

  private async enqueue(running: Running, all: InputJob[]): Promise<void> {
    const queue = running.queues[0] as Queue
    const { fresh: jobs, duplicates } = await this.guard(withoutReplays(this.producer, queue, all))
    if (duplicates > 0) this.counters.pipeline(running.scope, 'duplicates', duplicates)
    if (jobs.length === 0) return
    const [only] = jobs
    await this.guard<unknown>(jobs.length === 1 && only ? queue.add(only.name, only.data, only.opts) : queue.addBulk(jobs))
    this.counters.stage(running.scope, (running.stages[0] as StageQueue).stage, 'added', jobs.length)
    this.counters.pipeline(running.scope, 'in', jobs.length)
    const capacity = this.options.queueCapacity
    if (capacity !== undefined) while ((await this.waiting(running.compiled.name)) > capacity) await sleep(20)
  }

  async waiting(pipeline: string): Promise<number> {
    const queue = this.get(pipeline).queues[0] as Queue
    return this.guard(queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'))
  }

  /** Resolves once no stage queue of the run holds a job that is waiting, delayed or active. */
  async drain(): Promise<void> {
    while (await this.anyPending()) await sleep(20)
    await this.flushCounters()
  }

  /**
   * Looks at the stage queues in pipeline order: only a stage's jobs create jobs downstream, so a
   * stage seen empty after its upstream was seen empty stays empty (no snapshot needed).
   */
  private async anyPending(): Promise<boolean> {
    for (const running of this.running.values())
      for (const queue of running.queues) if ((await this.guard(queue.getJobCountByTypes(...PENDING_STATES))) > 0) return true
    return false
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    await this.stageWorkers?.stop()
    await this.close()
  }

  private async close(): Promise<void> {
    this.closed = true
    clearInterval(this.flushTimer)
    // Already closed after a stop; after a failed start, workers that did start must stop too.
    await this.stageWorkers?.close()
    await this.flushCounters().catch(() => {})
    const queues = [...this.running.values()].flatMap((running) => running.queues)
    await Promise.all(queues.map((queue) => queue.close().catch(() => {})))
    for (const client of [this.producer, this.worker]) client?.disconnect()
  }

  async stats(): Promise<PipelineStats[]> {
    this.checkOpen('stats')
    await this.flushCounters()
    const result: PipelineStats[] = []
    for (const { compiled, scope, stages, queues } of this.running.values()) {
      const counters = await this.guard(readPipelineCounters(this.producer, scope))
      const stageStats = []
      for (const stage of stages) {
        const queued = await this.guard((queues[stage.index] as Queue).getJobCountByTypes('waiting', 'prioritized', 'delayed'))
        stageStats.push({ stage: stage.stage, queued, counters: await this.guard(readStageCounters(this.producer, scope, stage.stage)) })
      }
      result.push({ pipeline: compiled.name, counters, stages: stageStats })
    }
    return result
  }

  async deadLetters(): Promise<DeadLetter[]> {
    this.checkOpen('deadLetters')
    const all: DeadLetter[] = []
    for (const running of this.running.values()) all.push(...(await this.guard(deadLettersOf(this.producer, running))))
    return all
  }

  /** After stop() the connections are closed: say so instead of "Connection is closed". */
  private checkOpen(what: string): void {
    if (this.closed)
      throw new StairsError(
        'ENGINE',
        `${what}(): the run is stopped and its Redis connections are closed; call it before stop(), or use queueStatus()`,
      )
  }

  private async flushCounters(): Promise<void> {
    const client = this.worker ?? this.producer
    await Promise.all([this.counters.flush(client), this.timings.flush(client)])
  }

  /** Turns a Redis failure into one line naming the masked URL. */
  private async guard<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending
    } catch (error) {
      if (error instanceof StairsError) throw error
      throw redisFailure(this.redis, error)
    }
  }

  private get(pipeline: string): Running {
    const running = this.running.get(pipeline) ?? [...this.running.values()].find((r) => r.compiled.name === pipeline)
    if (!running)
      throw new StairsError('ENGINE', `no pipeline '${pipeline}' in this run; running: ${[...this.running.keys()].join(', ') || 'none'}`)
    return running
  }
}
