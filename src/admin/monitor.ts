// Reads the running system through the engine's admin side at a fixed interval: queue status,
// consumer queues, workers alive, dead letters per stage and registered contracts, whichever the
// engine offers. Keeps the last snapshot (what /api/snapshot, /metrics and new event streams
// get), a short history of each stage's rate for the sparklines, and tells subscribers each
// sample. An engine that fails or hangs gives a snapshot with ok: false and the reason, keeping
// the last figures; the next sample that succeeds clears it.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { errorMessage } from '../errors.js'
import type { ConsumerRef } from '../graph/nodes.js'
import type { EngineAdmin, QueueStatus } from '../runtime/engine-types.js'
import type { AdminHistory, AdminSnapshot, StageFigures } from './api-types.js'

export interface MonitorOptions {
  /** Time between samples (default 1000 ms). */
  readonly intervalMs?: number
  /** Samples kept per stage for the sparklines (default 300: five minutes at 1 s). */
  readonly historyPoints?: number
  /** How long one sample may take before the engine counts as unreachable (default 5000 ms). */
  readonly timeoutMs?: number
  /** Dead letters read per pipeline to count them by stage (default 1000). */
  readonly deadLetterCap?: number
}

export type SnapshotListener = (snapshot: AdminSnapshot) => void

const EMPTY: Omit<AdminSnapshot, 'at' | 'ok' | 'deadLetterCap'> = { stages: {}, consumers: {}, workers: {}, registered: {} }

export class AdminMonitor {
  readonly intervalMs: number
  private readonly historyPoints: number
  private readonly timeoutMs: number
  private readonly deadLetterCap: number
  private readonly listeners = new Set<SnapshotListener>()
  private readonly rates = new Map<string, number[]>()
  private current: AdminSnapshot
  /** The last sample that succeeded, with its queue status, for rates. */
  private previous: { at: number; status: ReadonlyMap<string, QueueStatus> } | undefined
  private timer: NodeJS.Timeout | undefined
  private running: Promise<AdminSnapshot> | undefined
  private stopped = false

  constructor(
    private readonly admin: EngineAdmin,
    private readonly pipelines: readonly AnyPipeline[],
    private readonly consumers: readonly ConsumerRef[],
    options: MonitorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000
    this.historyPoints = options.historyPoints ?? 300
    this.timeoutMs = options.timeoutMs ?? 5000
    this.deadLetterCap = options.deadLetterCap ?? 1000
    this.current = { at: Date.now(), ok: true, deadLetterCap: this.deadLetterCap, ...EMPTY }
  }

  /** Takes a first sample, then one every interval until `stop`. */
  async start(): Promise<void> {
    await this.sample()
    const next = (): void => {
      if (this.stopped) return
      this.timer = setTimeout(() => void this.sample().finally(next), this.intervalMs)
      this.timer.unref()
    }
    next()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.listeners.clear()
  }

  latest(): AdminSnapshot {
    return this.current
  }

  history(): AdminHistory {
    return { intervalMs: this.intervalMs, stages: Object.fromEntries(this.rates) }
  }

  /** Calls `listener` with every sample from now on; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Samples now (sharing a sample already under way), e.g. right after a replay. */
  sample(): Promise<AdminSnapshot> {
    this.running ??= this.read().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async read(): Promise<AdminSnapshot> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the engine did not answer within ${this.timeoutMs} ms`)), this.timeoutMs)
    })
    try {
      this.current = await Promise.race([this.readEngine(), timeout])
    } catch (error) {
      this.current = { ...this.current, at: Date.now(), ok: false, error: `${this.admin.where}: ${errorMessage(error)}` }
    } finally {
      clearTimeout(timer)
    }
    for (const listener of this.listeners) listener(this.current)
    return this.current
  }

  private async readEngine(): Promise<AdminSnapshot> {
    const { admin, pipelines } = this
    const queued = this.consumers.filter((c) => c.kind !== 'simple')
    const apps = [...new Set(pipelines.map((p) => p.app))]
    const [status, consumers, workers, letters, registered] = await Promise.all([
      admin.queueStatus ? admin.queueStatus(pipelines) : [],
      admin.consumerQueueStatus && queued.length ? admin.consumerQueueStatus(queued) : [],
      admin.workers ? admin.workers(pipelines) : [],
      admin.listDeadLetters ? admin.listDeadLetters(pipelines, this.deadLetterCap) : undefined,
      admin.contracts ? Promise.all(apps.map((app) => admin.contracts?.list(app) ?? {})) : [],
    ])
    const at = Date.now()
    const byQueue = new Map(status.map((s) => [s.queue, s]))
    const seconds = this.previous ? Math.max(0.001, (at - this.previous.at) / 1000) : 0
    const deadByStage = new Map<string, number>()
    for (const letter of letters ?? []) {
      const queue = `${letter.app}.${letter.pipeline}.${letter.stage}`
      deadByStage.set(queue, (deadByStage.get(queue) ?? 0) + 1)
    }
    const stages: Record<string, StageFigures> = {}
    for (const s of status) {
      const before = this.previous?.status.get(s.queue)
      const processedPerSecond = before && seconds ? Math.max(0, (s.counters.processed - before.counters.processed) / seconds) : 0
      stages[s.queue] = {
        waiting: s.waiting,
        inFlight: s.inFlight,
        counters: s.counters,
        processedPerSecond,
        ...(letters ? { deadLetters: deadByStage.get(s.queue) ?? 0 } : {}),
        ...(s.processingTime ? { processingTime: s.processingTime } : {}),
      }
      this.remember(s.queue, processedPerSecond)
    }
    this.previous = { at, status: byQueue }
    const workersByQueue: Record<string, AdminSnapshot['workers'][string][number][]> = {}
    for (const worker of workers) (workersByQueue[`${worker.app}.${worker.pipeline}.${worker.stage}`] ??= []).push(worker)
    return {
      at,
      ok: true,
      stages,
      consumers: Object.fromEntries(consumers.map((c) => [c.queue, { waiting: c.waiting, inFlight: c.inFlight }])),
      workers: workersByQueue,
      registered: Object.assign({}, ...registered),
      deadLetterCap: this.deadLetterCap,
    }
  }

  private remember(queue: string, rate: number): void {
    let points = this.rates.get(queue)
    if (!points) this.rates.set(queue, (points = []))
    points.push(Math.round(rate * 100) / 100)
    if (points.length > this.historyPoints) points.splice(0, points.length - this.historyPoints)
  }
}
