// inspect:status and inspect:monitor's library: queue samples from the engine and their layout.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { QueueStatus } from '../runtime/engine-types.js'

export type QueueStatusFn = (pipelines: readonly AnyPipeline[]) => Promise<QueueStatus[]>

export interface QueueSample {
  readonly at: number
  readonly queues: readonly QueueStatus[]
}

export async function sampleQueues(queueStatus: QueueStatusFn, pipelines: readonly AnyPipeline[]): Promise<QueueSample> {
  return { at: Date.now(), queues: await queueStatus(pipelines) }
}

const seconds = (before: QueueSample, after: QueueSample): number => Math.max(0.001, (after.at - before.at) / 1000)

/**
 * The seed's layout, per queue:
 * ```
 * Queue: app.pipeline.stage
 * Amount of jobs: 10000
 * Queue decreasing by 101.0 tasks per/sec
 * ```
 */
export function formatStatus(before: QueueSample, after: QueueSample): string {
  const dt = seconds(before, after)
  const blocks = after.queues.map((queue) => {
    const previous = before.queues.find((q) => q.queue === queue.queue)
    const change = previous ? (queue.waiting - previous.waiting) / dt : 0
    const trend =
      Math.abs(change) < 0.05
        ? 'Queue is not changing'
        : `Queue ${change < 0 ? 'decreasing' : 'increasing'} by ${Math.abs(change).toFixed(1)} tasks per/sec`
    const lines = [`Queue: ${queue.queue}`, `Amount of jobs: ${queue.waiting}`]
    if (queue.inFlight > 0) lines.push(`In progress: ${queue.inFlight}`)
    return [...lines, trend].join('\n')
  })
  return blocks.length === 0 ? 'No queues.' : blocks.join('\n\n')
}

export interface MonitorRow {
  readonly queue: string
  readonly waiting: number
  readonly inFlight: number
  readonly addedPerSecond: number
  readonly processedPerSecond: number
  readonly failed: number
  readonly deadLettered: number
}

/** Rates from the counter deltas between two samples (exact over the interval). */
export function monitorRows(before: QueueSample, after: QueueSample): MonitorRow[] {
  const dt = seconds(before, after)
  return after.queues.map((queue) => {
    const previous = before.queues.find((q) => q.queue === queue.queue)?.counters ?? queue.counters
    return {
      queue: queue.queue,
      waiting: queue.waiting,
      inFlight: queue.inFlight,
      addedPerSecond: (queue.counters.added - previous.added) / dt,
      processedPerSecond: (queue.counters.processed - previous.processed) / dt,
      failed: queue.counters.failed,
      deadLettered: queue.counters.deadLettered,
    }
  })
}

const HEADERS = ['Queue', 'Waiting', 'In progress', 'Added/s', 'Processed/s', 'Failed', 'Dead-lettered'] as const

export function formatMonitor(rows: readonly MonitorRow[]): string {
  const cells = rows.map((r) => [
    r.queue,
    String(r.waiting),
    String(r.inFlight),
    r.addedPerSecond.toFixed(1),
    r.processedPerSecond.toFixed(1),
    String(r.failed),
    String(r.deadLettered),
  ])
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join('  ')
  return [line(HEADERS), ...cells.map(line)].join('\n')
}
