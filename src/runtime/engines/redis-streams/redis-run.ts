// A run on the redis engine: a producer client (push, feed, stats, dead letters, drain) plus, when
// asked, stage workers in this process. Workers elsewhere sharing the Redis see the same streams.
import { hostname } from 'node:os'
import type { Redis } from 'ioredis'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import { InputAdmission } from '../../core/admission.js'
import { checkContracts } from '../../core/contracts.js'
import { type ResolvedStartOptions, resolveStartOptions } from '../../core/start-options.js'
import type { DeadLetter, PipelineRun, PipelineStats } from '../../engine-types.js'
import type { StartOptions } from '../../port.js'
import { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { StageContext } from '../../programs/node-ops.js'
import { RedisContractStore } from '../redis-common/contract-store.js'
import { connectRedis, type RedisSettings, redisFailure } from '../redis-common/redis-connection.js'
import { StageTimings } from '../redis-common/stage-timings.js'
import { ConsumerOutbox } from './consumer-outbox.js'
import { readStageStates, readStats } from './counters.js'
import { readDeadLetters } from './dead-letter-queue.js'
import { type EncodedInputs, encodeInputs, queueInputs, rejectInputs } from './input-queue.js'
import { RetryPromoter } from './retry-promoter.js'
import { QUEUE_CAPACITY, type RedisStreamsSettings, type StreamsRunSettings } from './settings.js'
import { type PipelineKeys, pipelineKeys } from './stream-layout.js'
import { StreamStageWorker } from './stream-stage-worker.js'
import { ensureGroup } from './worker-support.js'

const FEED_CHUNK = 500
/** How often stage workers add their processing times to Redis. */
const TIMINGS_FLUSH_MS = 1000
let consumerSequence = 0

interface Running {
  readonly compiled: CompiledPipeline
  readonly keys: PipelineKeys
  readonly admission: InputAdmission
}

/**
 * Compiles pipelines for the redis engine. `deliver` hands records to standalone and iterator
 * consumers (their own streams); admin helpers that never run stages leave it out.
 */
export function compileForRedis(pipelines: readonly AnyPipeline[], deliver?: StageContext['deliver']): CompiledPipeline[] {
  const context: StageContext = {
    deliver:
      deliver ??
      ((consumer: ConsumerRef): never => {
        throw new StairsError(
          'ENGINE',
          `consumer '${consumer.app}.${consumer.name}' (${consumer.kind}) needs its own queue, which this run does not have`,
        )
      }),
  }
  return pipelines.map((pipeline) => new CompiledPipeline(pipeline, context))
}

export class RedisRun implements PipelineRun {
  private readonly running = new Map<string, Running>()
  private readonly workers: StreamStageWorker[] = []
  private readonly readers: Redis[] = []
  private loops: Promise<void>[] = []
  private writer: Redis | undefined
  private promoter: RetryPromoter | undefined
  private readonly runTag = Math.random().toString(36).slice(2, 8)
  private sequence = 0
  private stopped = false
  /** Where stage workers' deliveries to consumers go (their own streams); set with the workers. */
  private outbox: ConsumerOutbox | undefined
  private readonly timings = new StageTimings()
  private timingsTimer: NodeJS.Timeout | undefined

  private constructor(
    private readonly settings: StreamsRunSettings,
    private readonly resolved: ResolvedStartOptions,
    private readonly redis: RedisSettings,
    private producer: Redis,
  ) {}

  static async start(pipelines: readonly AnyPipeline[], engineSettings: RedisStreamsSettings, options: StartOptions): Promise<RedisRun> {
    const resolved = resolveStartOptions(options)
    const settings: StreamsRunSettings = {
      ...engineSettings,
      maxRecordBytes: resolved.maxRecordBytes,
      shutdownTimeoutMs: resolved.shutdownTimeoutMs,
      dedupeWindowMs: resolved.dedupeWindowMs,
      queueCapacity: Math.max(1, options.queueCapacity ?? QUEUE_CAPACITY),
    }
    const redis: RedisSettings = { url: settings.url, prefix: settings.prefix, ...(settings.tls ? { tls: settings.tls } : {}) }
    const run = new RedisRun(settings, resolved, redis, await connectRedis(redis, 'producer'))
    try {
      for (const compiled of compileForRedis(pipelines, (consumer, record) => run.deliverToConsumer(consumer, record))) {
        const key = `${compiled.app}.${compiled.name}`
        if (run.running.has(key)) throw new StairsError('DUPLICATE_NAME', `pipeline '${key}' is started twice in one run`)
        const keys = pipelineKeys(compiled, settings.prefix)
        run.running.set(key, { compiled, keys, admission: new InputAdmission(compiled, settings.maxRecordBytes) })
        for (const stage of keys.stages) await ensureGroup(run.producer, stage.stream)
      }
      if (options.workers !== false) await run.startWorkers(options)
    } catch (error) {
      await run.close()
      throw error
    }
    return run
  }

  /** StageContext.deliver: the record goes to the consumer's own stream (consumer-outbox.ts). */
  private deliverToConsumer(consumer: ConsumerRef, record: object): void | Promise<void> {
    this.outbox ??= new ConsumerOutbox(this.writer ?? this.producer, this.settings.prefix)
    return this.outbox.deliver(consumer, record)
  }

  private async startWorkers(options: StartOptions): Promise<void> {
    const owned: { running: Running; index: number }[] = []
    for (const running of this.running.values())
      running.keys.stages.forEach((stage, index) => {
        if (this.resolved.serves(`${running.compiled.name}/${stage.id}`)) owned.push({ running, index })
      })
    if (!owned.length) return
    const writer = await connectRedis(this.redis, 'worker')
    this.writer = writer
    const outbox = new ConsumerOutbox(writer, this.settings.prefix)
    this.outbox = outbox
    if (options.contracts) {
      const ownedQueues = new Set(owned.map(({ running, index }) => running.keys.stages[index]?.queue))
      const mine = Object.entries(options.contracts).filter(([queue]) => ownedQueues.has(queue))
      await checkContracts(new RedisContractStore(writer, this.settings.prefix), Object.fromEntries(mine))
    }
    const host = hostname()
    for (const { running, index } of owned) {
      const retry = running.compiled.retryFor(index, this.resolved.retry)
      const count = this.resolved.concurrencyOf(`${running.compiled.name}/${running.keys.stages[index]?.id}`)
      for (let n = 0; n < count; n++) {
        const reader = await connectRedis(this.redis, 'worker')
        this.readers.push(reader)
        const consumer = `${host}:${process.pid}:${++consumerSequence}`
        const worker = new StreamStageWorker(
          running.compiled,
          running.keys,
          index,
          reader,
          writer,
          consumer,
          retry,
          this.settings,
          options.onOutput,
          outbox,
          this.timings.timesFor(running.keys.stages[index]?.timings as string),
        )
        this.workers.push(worker)
      }
    }
    this.promoter = new RetryPromoter(
      writer,
      owned.map(({ running, index }) => running.keys.stages[index] as PipelineKeys['stages'][number]),
      Math.min(this.settings.blockMs, 100),
    )
    this.loops = this.workers.map((worker) => worker.loop())
    this.timingsTimer = setInterval(() => void this.timings.flush(writer).catch(() => {}), TIMINGS_FLUSH_MS)
    this.timingsTimer.unref()
  }

  async push(pipeline: string, record: unknown, id?: string): Promise<void> {
    const running = this.get(pipeline)
    const length = await this.enqueue(running, [[record, id]])
    if (length > this.settings.queueCapacity) await this.waitForRoom(running)
  }

  /** Records with their message ids in one script call (a worker producer's batch); duplicates are dropped. */
  async pushMany(pipeline: string, entries: readonly (readonly [unknown, string | undefined])[]): Promise<void> {
    const running = this.get(pipeline)
    const length = await this.enqueue(running, entries)
    if (length > this.settings.queueCapacity) await this.waitForRoom(running)
  }

  async feed(pipeline: string, source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    const running = this.get(pipeline)
    let chunk: [unknown, string | undefined][] = []
    let count = 0
    // The next chunk is read and encoded while the one before is on its way; it is sent only once
    // that one landed, so a refusal (an oversize record) still stops everything after it.
    let sending: Promise<void> | undefined
    const flush = async () => {
      const encoded = this.encode(running, chunk)
      chunk = []
      if (sending) await sending
      sending = this.send(running, encoded).then(async (length) => {
        if (length > this.settings.queueCapacity) await this.waitForRoom(running)
      })
      sending.catch(() => {}) // awaited by the next flush or below; this only keeps it from going unhandled meanwhile
    }
    try {
      for await (const record of source) {
        chunk.push([record, undefined])
        count++
        if (chunk.length >= FEED_CHUNK) await flush()
      }
      if (chunk.length) await flush()
    } catch (error) {
      // The source (or a send) failed: what was sent has landed or failed before the caller hears.
      await sending?.catch(() => {})
      throw error
    }
    await sending
    return count
  }

  /** Validates, encodes and enqueues records in one script call; returns the records queued at the stage. */
  private async enqueue(running: Running, records: readonly (readonly [unknown, string | undefined])[]): Promise<number> {
    return this.send(running, this.encode(running, records))
  }

  /** Validates and encodes records for the first stage (no I/O). */
  private encode(running: Running, records: readonly (readonly [unknown, string | undefined])[]): EncodedInputs {
    if (this.stopped) throw new StairsError('ENGINE', 'the run is stopped: it takes no new records')
    return encodeInputs(running.admission, records, this.nextId)
  }

  /** Dead-letters the refused records and queues the rest; returns the records queued at the stage. */
  private async send(running: Running, { ids, texts, rejected, tooLarge }: EncodedInputs): Promise<number> {
    const { compiled, keys } = running
    let queued = 0
    try {
      const client = await this.producerClient()
      if (rejected.length) await rejectInputs(client, keys, rejected)
      if (texts.length) queued = await queueInputs(client, keys, this.settings, ids, texts)
    } catch (error) {
      // Redis refused (NOPERM, WRONGPASS, OOM, gone): one line naming the masked URL.
      throw redisFailure(this.redis, error, `queueing records for pipeline '${compiled.app}.${compiled.name}'`)
    }
    if (tooLarge) throw tooLarge
    return queued
  }

  private readonly nextId = (): string => `${this.runTag}-${++this.sequence}`

  /** Runs `use` on the producer connection, or on a short-lived one once the run is stopped. */
  private async withProducer<T>(use: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.stopped) return use(await this.producerClient())
    const client = await connectRedis(this.redis, 'producer')
    try {
      return await use(client)
    } finally {
      client.disconnect()
    }
  }

  /** The producer connection; a new one after Redis went away (each attempt still fails fast). */
  private async producerClient(): Promise<Redis> {
    if (this.producer.status === 'end') this.producer = await connectRedis(this.redis, 'producer')
    return this.producer
  }

  private async waitForRoom(running: Running): Promise<void> {
    const first = running.keys.stages[0] as PipelineKeys['stages'][number]
    while (((await readStageStates(await this.producerClient(), [first]))[0]?.waiting ?? 0) > this.settings.queueCapacity) await sleep(20)
  }

  async waiting(pipeline: string): Promise<number> {
    const first = this.get(pipeline).keys.stages[0] as PipelineKeys['stages'][number]
    return this.withProducer(async (client) => (await readStageStates(client, [first]))[0]?.waiting ?? 0)
  }

  /** Waits until no stage of the run has records waiting, in flight or scheduled for a retry. */
  async drain(): Promise<void> {
    const stages = [...this.running.values()].flatMap(({ keys }) => keys.stages)
    let pause = 5
    for (;;) {
      const states = await readStageStates(await this.producerClient(), stages)
      // Checked after the reply: a local worker may still be delivering outputs of its last commit.
      if (states.every((state) => state.drained) && !this.workers.some((worker) => worker.busy)) return
      await sleep(pause)
      pause = Math.min(pause * 2, 50)
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.promoter?.stop()
    for (const worker of this.workers) worker.stop()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.settings.shutdownTimeoutMs)
    })
    const finished = await Promise.race([Promise.all(this.loops).then(() => false), timedOut])
    clearTimeout(timer)
    clearInterval(this.timingsTimer)
    if (this.writer) await this.timings.flush(this.writer).catch(() => {})
    if (finished)
      console.error(
        `stairs redis worker: in-flight records did not finish within ${this.settings.shutdownTimeoutMs} ms; stopping anyway (they will be redelivered)`,
      )
    await this.close()
  }

  private async close(): Promise<void> {
    for (const client of [...this.readers, this.writer, this.producer]) client?.disconnect()
  }

  async stats(): Promise<PipelineStats[]> {
    return this.withProducer((client) => readStats(client, this.keyList()))
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.withProducer((client) => readDeadLetters(client, this.keyList()))
  }

  private keyList(): PipelineKeys[] {
    return [...this.running.values()].map((r) => r.keys)
  }

  private get(pipeline: string): Running {
    const running = this.running.get(pipeline) ?? [...this.running.values()].find((r) => r.compiled.name === pipeline)
    if (!running)
      throw new StairsError('ENGINE', `no pipeline '${pipeline}' in this run; running: ${[...this.running.keys()].join(', ') || 'none'}`)
    return running
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
