// `/metrics`: the engine's figures in Prometheus' text format, through prom-client. The figures
// are the engine's own totals (kept in Redis, or in the run's process), not this server's: each
// scrape sets the metrics from a fresh snapshot, so two admin servers report the same values and
// a restarted one loses nothing. Only what the engine offers appears (no workers gauge on an
// engine without `workers`).
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { StageCounters } from '../runtime/engine-types.js'
import type { AdminSnapshot } from './api-types.js'

type StageLabel = 'app' | 'pipeline' | 'stage'
const STAGE_LABELS: readonly StageLabel[] = ['app', 'pipeline', 'stage']

/** Counter name -> the stage counter it reports. */
const COUNTERS: readonly [name: string, field: keyof StageCounters, help: string][] = [
  ['stairs_stage_added_total', 'added', 'Records that entered the stage (first attempts).'],
  ['stairs_stage_processed_total', 'processed', 'Records the stage finished, filtered ones included.'],
  ['stairs_stage_failed_total', 'failed', 'Failed attempts.'],
  ['stairs_stage_filtered_total', 'filtered', 'Records dropped on purpose (STOP) in the stage.'],
  ['stairs_stage_dead_lettered_total', 'deadLettered', 'Records sent to the dead-letter queue from the stage.'],
  ['stairs_stage_retried_total', 'retried', 'Attempts scheduled again after a failure.'],
]

/** A stage queue's labels from its name `app.pipeline.stage` (stage ids may hold dots, app and pipeline names do not). */
export function stageLabels(queue: string): Record<StageLabel, string> {
  const first = queue.indexOf('.')
  const second = queue.indexOf('.', first + 1)
  return { app: queue.slice(0, first), pipeline: queue.slice(first + 1, second), stage: queue.slice(second + 1) }
}

interface HistogramRow {
  readonly labels: Record<StageLabel, string>
  readonly boundsSeconds: readonly number[]
  /** Per bucket, not cumulative; one more than the bounds (+Inf). */
  readonly counts: readonly number[]
  readonly sumSeconds: number
  readonly count: number
}

type HistogramData = Awaited<ReturnType<Histogram<StageLabel>['get']>>

/** A prom-client histogram whose buckets are the engine's stored ones, set whole at each scrape. */
class StoredHistogram extends Histogram<StageLabel> {
  private rows: readonly HistogramRow[] = []
  private readonly title: string
  private readonly helpText: string

  constructor(config: { name: string; help: string; labelNames: readonly StageLabel[]; registers: Registry[] }) {
    super(config)
    this.title = config.name
    this.helpText = config.help
  }

  setRows(rows: readonly HistogramRow[]): void {
    this.rows = rows
  }

  override async get(): Promise<HistogramData> {
    const values: HistogramData['values'] = []
    const name = this.title
    for (const row of this.rows) {
      let cumulative = 0
      row.boundsSeconds.forEach((le, i) => {
        cumulative += row.counts[i] ?? 0
        values.push({ labels: { ...row.labels, le } as never, value: cumulative, metricName: `${name}_bucket` })
      })
      values.push({ labels: { ...row.labels, le: '+Inf' } as never, value: row.count, metricName: `${name}_bucket` })
      values.push({ labels: row.labels, value: row.sumSeconds, metricName: `${name}_sum` })
      values.push({ labels: row.labels, value: row.count, metricName: `${name}_count` })
    }
    // The shape prom-client's registry formats (its `type` is the text 'histogram' at run time).
    return { name, help: this.helpText, type: 'histogram', aggregator: 'sum', values } as unknown as HistogramData
  }

  /** What the registry formats the text from (prom-client's own reads the observations this class does not keep). */
  getForPromString(): Promise<HistogramData> {
    return this.get()
  }
}

export class AdminMetrics {
  readonly registry = new Registry()
  private readonly counters: [Counter<StageLabel>, keyof StageCounters][]
  private readonly queueLength: Gauge<StageLabel>
  private readonly inFlight: Gauge<StageLabel>
  private readonly deadLetters: Gauge<StageLabel>
  private readonly workers: Gauge<StageLabel> | undefined
  private readonly consumerQueue: Gauge<'app' | 'consumer'>
  private readonly up: Gauge
  private readonly processing: StoredHistogram

  constructor(offers: { readonly workers: boolean }) {
    const registers = [this.registry]
    const labelNames = STAGE_LABELS
    this.counters = COUNTERS.map(([name, field, help]) => [new Counter({ name, help, labelNames, registers }), field])
    this.queueLength = new Gauge({ name: 'stairs_stage_queue_length', help: 'Records waiting in the stage queue.', labelNames, registers })
    this.inFlight = new Gauge({
      name: 'stairs_stage_in_flight',
      help: 'Records taken by a worker and not yet acknowledged.',
      labelNames,
      registers,
    })
    this.deadLetters = new Gauge({
      name: 'stairs_stage_dead_letters',
      help: 'Dead letters of the stage now in the dead-letter queue (capped at the admin server’s read limit).',
      labelNames,
      registers,
    })
    this.workers = offers.workers
      ? new Gauge({ name: 'stairs_stage_workers', help: 'Stage workers alive (recent heartbeat).', labelNames, registers })
      : undefined
    this.consumerQueue = new Gauge({
      name: 'stairs_consumer_queue_length',
      help: 'Records waiting in a standalone or iterator consumer queue.',
      labelNames: ['app', 'consumer'],
      registers,
    })
    this.up = new Gauge({ name: 'stairs_engine_up', help: '1 when the last read of the engine succeeded, else 0.', registers })
    this.processing = new StoredHistogram({
      name: 'stairs_stage_processing_seconds',
      help: "Time a record spent in the stage's program (its steps, async waits included), not queue time.",
      labelNames,
      registers,
    })
  }

  /** Sets every metric from a snapshot (stages missing from it are dropped). */
  update(snapshot: AdminSnapshot, queues: readonly string[]): void {
    this.up.set(snapshot.ok ? 1 : 0)
    for (const [counter] of this.counters) counter.reset()
    for (const gauge of [this.queueLength, this.inFlight, this.deadLetters, this.workers]) gauge?.reset()
    this.consumerQueue.reset()
    const rows: HistogramRow[] = []
    for (const queue of queues) {
      const figures = snapshot.stages[queue]
      if (!figures) continue
      const labels = stageLabels(queue)
      for (const [counter, field] of this.counters) counter.inc(labels, figures.counters[field])
      this.queueLength.set(labels, figures.waiting)
      this.inFlight.set(labels, figures.inFlight)
      if (figures.deadLetters !== undefined) this.deadLetters.set(labels, figures.deadLetters)
      this.workers?.set(labels, snapshot.workers[queue]?.length ?? 0)
      const times = figures.processingTime
      if (times)
        rows.push({
          labels,
          boundsSeconds: times.boundsMs.map((ms) => ms / 1000),
          counts: times.counts,
          sumSeconds: times.sumMs / 1000,
          count: times.count,
        })
    }
    this.processing.setRows(rows)
    for (const [queue, figures] of Object.entries(snapshot.consumers)) {
      const dot = queue.indexOf('.')
      this.consumerQueue.set({ app: queue.slice(0, dot), consumer: queue.slice(dot + 1) }, figures.waiting)
    }
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
