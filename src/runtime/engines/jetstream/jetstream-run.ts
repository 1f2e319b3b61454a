// A run on the jetstream engine: a producer side (push, feed, stats, dead letters, drain) plus,
// when asked, stage workers in this process. Workers elsewhere on the same servers and prefix
// read the same durable consumers.
import { createInbox } from '@nats-io/transport-node'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import { InputAdmission } from '../../core/admission.js'
import { checkContracts } from '../../core/contracts.js'
import { type ResolvedStartOptions, resolveStartOptions } from '../../core/start-options.js'
import type { DeadLetter, PipelineRun, PipelineStats } from '../../engine-types.js'
import type { StartOptions } from '../../port.js'
import { openBucket } from './buckets.js'
import { connectNats, type NatsLink, natsFailure } from './connection.js'
import { ConsumerOutbox, type Outgoing } from './consumer-outbox.js'
import { JetStreamContractStore } from './contract-store.js'
import { CounterStore, readCounters, stageCountersOf } from './counter-store.js'
import { readLetters } from './dead-letters.js'
import { bucketNames, type PipelineLayout, type StageLayout } from './layout.js'
import { Puller } from './pull.js'
import { ReliablePublisher } from './reliable-publish.js'
import { type CompiledLayout, compileForJetStream, ensureLayouts, recordLimit } from './run-setup.js'
import { isServerFault } from './server-faults.js'
import type { JetStreamSettings } from './settings.js'
import { stageStates } from './stage-state.js'
import { JetStreamStageWorker } from './stage-worker.js'
import { ALIVE_MS, type HeartbeatWorker, WorkerHeartbeats } from './worker-heartbeats.js'

/** Records sent per round of a feed (each acknowledged before the next round). */
const FEED_CHUNK = 500
/** Records the first stage holds before producers wait (the servers keep them, not this heap). */
const QUEUE_CAPACITY = 100_000

interface Running extends CompiledLayout {
  readonly admission: InputAdmission
}

export class JetStreamRun implements PipelineRun {
  private readonly running = new Map<string, Running>()
  private readonly workers: JetStreamStageWorker[] = []
  private readonly pullers: Puller[] = []
  private heartbeats: WorkerHeartbeats | undefined
  private loops: Promise<void>[] = []
  private stopped = false
  private readonly runTag = Math.random().toString(36).slice(2, 8)
  private sequence = 0
  /** Records pushed since the first stage's length was last looked at (backpressure). */
  private sinceCheck = 0
  private readonly checkEvery: number
  private readonly queueCapacity: number
  private readonly publisher: ReliablePublisher
  private readonly counters: CounterStore

  private constructor(
    private readonly settings: JetStreamSettings,
    private readonly resolved: ResolvedStartOptions,
    private readonly link: NatsLink,
    counters: CounterStore,
    private readonly maxRecordBytes: number,
    queueCapacity: number | undefined,
  ) {
    this.publisher = new ReliablePublisher(link.js, settings.ackWaitMs)
    this.counters = counters
    this.queueCapacity = Math.max(1, queueCapacity ?? QUEUE_CAPACITY)
    this.checkEvery = Math.max(1, Math.min(1000, Math.floor(this.queueCapacity / 10)))
  }

  static async start(pipelines: readonly AnyPipeline[], settings: JetStreamSettings, options: StartOptions): Promise<JetStreamRun> {
    const resolved = resolveStartOptions(options)
    const link = await connectNats(settings, options.workers === false ? 'producer' : 'worker')
    let run: JetStreamRun | undefined
    try {
      const maxRecordBytes = recordLimit(link, options.maxRecordBytes, resolved.maxRecordBytes)
      const counters = new CounterStore(await openBucket(link, settings, bucketNames.counters(settings.prefix)))
      run = new JetStreamRun(settings, resolved, link, counters, maxRecordBytes, options.queueCapacity)
      const outbox = run.outbox()
      const compiled = compileForJetStream(pipelines, settings.prefix, outbox.deliver)
      await ensureLayouts(
        link,
        settings,
        compiled.map((c) => c.layout),
        options.dedupeWindowMs ?? settings.duplicateWindowMs,
      )
      for (const c of compiled)
        run.running.set(`${c.compiled.app}.${c.compiled.name}`, { ...c, admission: new InputAdmission(c.compiled, maxRecordBytes) })
      if (options.workers !== false) await run.startWorkers(options, outbox)
      return run
    } catch (error) {
      run?.counters.stop()
      await link.nc.close().catch(() => {})
      if (error instanceof StairsError) throw error
      throw natsFailure(link.where, error, 'starting a run')
    }
  }

  private outbox(): ConsumerOutbox {
    return new ConsumerOutbox(this.settings.prefix, async (message) => {
      await this.publisher.publishAll([message], 0, this.consumerLog)
    })
  }

  private readonly consumerLog = { failure: () => {}, recovered: () => {} } as unknown as import('../../core/worker-log.js').WorkerLog

  private async startWorkers(options: StartOptions, outbox: ConsumerOutbox): Promise<void> {
    const owned: { running: Running; index: number }[] = []
    for (const running of this.running.values())
      running.layout.stages.forEach((stage, index) => {
        if (this.resolved.serves(`${running.compiled.name}/${stage.id}`)) owned.push({ running, index })
      })
    if (!owned.length) return
    if (options.contracts) {
      const queues = new Set(owned.map(({ running, index }) => running.layout.stages[index]?.queue))
      const mine = Object.entries(options.contracts).filter(([queue]) => queues.has(queue))
      const store = new JetStreamContractStore(await openBucket(this.link, this.settings, bucketNames.contracts(this.settings.prefix)))
      await checkContracts(store, Object.fromEntries(mine))
    }
    const beating: HeartbeatWorker[] = []
    for (const { running, index } of owned) {
      const stage = running.layout.stages[index] as StageLayout
      const retry = running.compiled.retryFor(index, this.resolved.retry)
      for (let n = 0; n < this.resolved.concurrencyOf(`${running.compiled.name}/${stage.id}`); n++) {
        beating.push({ layout: running.layout, stage: stage.id, n: beating.length })
        const puller = new Puller(this.link.nc, running.layout.stream, stage.durable, this.settings.requestTimeoutMs, createInbox())
        this.pullers.push(puller)
        this.workers.push(
          new JetStreamStageWorker({
            compiled: running.compiled,
            layout: running.layout,
            index,
            puller,
            publisher: this.publisher,
            outbox,
            counters: this.counters,
            retry,
            settings: this.settings,
            maxRecordBytes: this.maxRecordBytes,
            onOutput: options.onOutput,
          }),
        )
      }
    }
    this.loops = this.workers.map((worker) => worker.loop())
    const workersKv = await openBucket(this.link, this.settings, bucketNames.workers(this.settings.prefix), { ttlMs: ALIVE_MS })
    this.heartbeats = new WorkerHeartbeats(workersKv, beating)
    await this.heartbeats.beat()
  }

  async push(pipeline: string, record: unknown, id?: string): Promise<void> {
    await this.send(this.get(pipeline), [[record, id]])
  }

  /** Records with their message ids, published together; an id seen within the duplicate window is dropped. */
  async pushMany(pipeline: string, entries: readonly (readonly [unknown, string | undefined])[]): Promise<void> {
    await this.send(this.get(pipeline), entries)
  }

  async feed(pipeline: string, source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    const running = this.get(pipeline)
    let chunk: [unknown, undefined][] = []
    let count = 0
    for await (const record of source) {
      chunk.push([record, undefined])
      count++
      if (chunk.length >= FEED_CHUNK) {
        await this.send(running, chunk)
        chunk = []
      }
    }
    if (chunk.length) await this.send(running, chunk)
    return count
  }

  /**
   * Admits and publishes records to the first stage, each with its message id, and waits for the
   * server's acknowledgements. Refused records become dead letters; a record over the size limit
   * stops the records after it and is thrown once the ones before it are queued.
   */
  private async send(running: Running, records: readonly (readonly [unknown, string | undefined])[]): Promise<void> {
    if (this.stopped) throw new StairsError('ENGINE', 'the run is stopped: it takes no new records')
    const { layout, admission, compiled } = running
    const first = layout.stages[0] as StageLayout
    const messages: Outgoing[] = []
    const rejected: Outgoing[] = []
    let tooLarge: unknown
    for (const [record, explicit] of records) {
      const id = explicit ?? `${this.runTag}-${++this.sequence}`
      let admitted: ReturnType<InputAdmission['encode']>
      try {
        admitted = admission.encode(record, id)
      } catch (error) {
        tooLarge = error
        break
      }
      if (admitted.ok) messages.push({ subject: first.subject, data: admitted.envelope, msgID: `${first.id}/${id}` })
      else rejected.push({ subject: layout.deadLetterSubject, data: JSON.stringify(admitted.letter) })
    }
    let fresh = 0
    try {
      const acks = await Promise.all([...messages, ...rejected].map((message) => this.publisher.publish(message)))
      for (let i = 0; i < messages.length; i++) if (!acks[i]?.duplicate) fresh++
    } catch (error) {
      throw natsFailure(this.link.where, error, `queueing records for pipeline '${compiled.app}.${compiled.name}'`)
    }
    const key = layout.counterKey
    this.counters.pipeline(key, 'in', fresh)
    this.counters.pipeline(key, 'duplicates', messages.length - fresh)
    this.counters.stage(key, first.id, 'added', fresh)
    this.counters.pipeline(key, 'rejected', rejected.length)
    this.counters.pipeline(key, 'deadLettered', rejected.length)
    if (tooLarge) throw tooLarge
    this.sinceCheck += messages.length
    if (this.sinceCheck >= this.checkEvery) {
      this.sinceCheck = 0
      await this.waitForRoom(running)
    }
  }

  /** Waits while the first stage holds more than the queue capacity (checked every few records). */
  private async waitForRoom(running: Running): Promise<void> {
    let pause = 5
    while ((await this.waitingIn(running.layout)) > this.queueCapacity) {
      await sleep(pause)
      pause = Math.min(pause * 2, 100)
    }
  }

  private async waitingIn(layout: PipelineLayout): Promise<number> {
    const [state] = await stageStates(this.link.jsm, layout, [layout.stages[0] as StageLayout])
    return state?.waiting ?? 0
  }

  async waiting(pipeline: string): Promise<number> {
    const { layout } = this.get(pipeline)
    return this.withLink((link) => stageStates(link.jsm, layout, [layout.stages[0] as StageLayout]).then(([s]) => s?.waiting ?? 0))
  }

  /** Waits until no stage of the run has records waiting or in flight, then writes this process's counters. */
  async drain(): Promise<void> {
    let pause = 5
    for (;;) {
      let drained = true
      try {
        // Stages are read first to last: a record is published to the next stage before it is
        // acknowledged here, so one that moved on between two reads is seen in the later one.
        for (const { layout } of this.running.values()) {
          for (const state of await stageStates(this.link.jsm, layout, layout.stages)) if (state.waiting || state.inFlight) drained = false
          if (!drained) break
        }
      } catch (error) {
        // The servers are away (a restart, a failover): the work is still there; wait for them.
        if (!isServerFault(error)) throw natsFailure(this.link.where, error, 'waiting for the run to drain')
        drained = false
        pause = 200
      }
      if (drained && !this.workers.some((worker) => worker.busy)) break
      await sleep(pause)
      pause = Math.min(pause * 2, 50)
    }
    await this.counters.flush()
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const worker of this.workers) worker.stop()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.resolved.shutdownTimeoutMs)
    })
    const late = await Promise.race([Promise.all(this.loops).then(() => false), timedOut])
    clearTimeout(timer)
    if (late) {
      this.publisher.abandoned = true
      console.error(
        `stairs jetstream worker: in-flight records did not finish within ${this.resolved.shutdownTimeoutMs} ms; stopping anyway (they will be redelivered)`,
      )
    }
    for (const puller of this.pullers) puller.close()
    await this.heartbeats?.stop()
    await this.counters.flush().catch(() => {})
    this.counters.stop()
    await this.link.nc.flush().catch(() => {})
    await this.link.nc.close().catch(() => {})
  }

  async stats(): Promise<PipelineStats[]> {
    if (!this.stopped) await this.counters.flush().catch(() => {})
    return this.withLink(async (link) => {
      const kv = await openBucket(link, this.settings, bucketNames.counters(this.settings.prefix))
      const stats: PipelineStats[] = []
      for (const { layout } of this.running.values()) {
        const stored = await readCounters(kv, layout.counterKey)
        const states = await stageStates(link.jsm, layout, layout.stages)
        stats.push({
          pipeline: layout.pipeline,
          counters: stored.p,
          stages: layout.stages.map((stage, i) => ({
            stage: stage.id,
            queued: (states[i]?.waiting ?? 0) + (states[i]?.inFlight ?? 0),
            counters: stageCountersOf(stored, stage.id),
          })),
        })
      }
      return stats
    })
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.withLink(async (link) => {
      const letters: DeadLetter[] = []
      for (const { layout } of this.running.values())
        for (const { letter } of await readLetters(link.jsm, this.settings.prefix, layout)) letters.push(letter)
      return letters
    })
  }

  /** Runs `use` on the run's connection, or on a short-lived one once the run is stopped. */
  private async withLink<T>(use: (link: NatsLink) => Promise<T>): Promise<T> {
    if (!this.stopped) return use(this.link)
    const link = await connectNats(this.settings, 'producer')
    try {
      return await use(link)
    } finally {
      await link.nc.close().catch(() => {})
    }
  }

  private get(pipeline: string): Running {
    const running = this.running.get(pipeline) ?? [...this.running.values()].find((r) => r.compiled.name === pipeline)
    if (!running)
      throw new StairsError('ENGINE', `no pipeline '${pipeline}' in this run; running: ${[...this.running.keys()].join(', ') || 'none'}`)
    return running
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
