// Runs a producer: each row of its generator goes to each of its pipelines through `run.push`
// (the run checks the row against the pipeline's schema: a bad row is dead-lettered, the producer
// goes on), with backpressure by queue length and progress reports.
import { errorMessage, StairsError } from '../errors.js'
import type { PipelineRun } from '../runtime/engine-types.js'
import type { Producer } from './producer.js'
import type { ProducerContext, ProducerProgress } from './producer-types.js'
import { ProgressMeter } from './progress-meter.js'
import { QueueLimit } from './queue-limit.js'

export interface RunProducerOptions {
  /** Called with the count and rate a few times a second, and once at the end (`finished`). */
  onProgress?: (progress: ProducerProgress) => void
  /** Extra arguments for the generator (`context.args`). */
  args?: readonly string[]
  /** Stops reading the source (SIGTERM): rows already read are still pushed. */
  signal?: AbortSignal
  /** Pushes in flight at once (default 64): pipelining for the Redis engines, order kept. */
  inFlight?: number
}

export interface ProducerResult {
  /** Rows read from the generator. */
  readonly rows: number
  /** Pushes made (rows x pipelines); schema failures among them are in the dead letters. */
  readonly pushed: number
  readonly elapsedMs: number
  /** Per pipeline with a limit: the largest input queue length seen while waiting for room. */
  readonly maxQueued: Readonly<Record<string, number>>
}

/** The name a run knows a pipeline by. */
export const runKey = (pipeline: { app: string; name: string }): string => `${pipeline.app}.${pipeline.name}`

/**
 * Sends every row of `producer` into its pipelines on `run`.
 *
 * @example
 * const run = await startRun('redis', [clean], { redis, workers: false })
 * await runProducer(lines, run, { onProgress: (p) => bar.update(p.rows) })
 */
export async function runProducer<Row, C>(
  producer: Producer<Row, C>,
  run: PipelineRun,
  options: RunProducerOptions = {},
): Promise<ProducerResult> {
  const targets = producer.pipelines.map((pipeline) => runKey(pipeline))
  const limits =
    producer.limit === undefined ? [] : targets.map((target) => new QueueLimit(run, target, producer.limit as number, options.signal))
  const meter = new ProgressMeter(`${producer.app}.${producer.name}`, options.onProgress)
  const window = new PushWindow(options.inFlight ?? 64)
  const context: ProducerContext<C> = {
    app: producer.app,
    config: producer.config,
    args: options.args ?? [],
    signal: options.signal ?? new AbortController().signal,
  }
  let pushed = 0
  try {
    for await (const row of producer.generate(context)) {
      for (let i = 0; i < targets.length; i++) {
        const gate = limits[i]?.take()
        if (gate) await gate
        const full = window.add(run.push(targets[i] as string, row))
        if (full) await full
        pushed++
      }
      meter.row()
      if (context.signal.aborted) break
    }
    await window.flush()
  } catch (error) {
    await window.flush().catch(() => {})
    throw new StairsError(
      'ENGINE',
      `producer '${producer.app}.${producer.name}' stopped after ${meter.rows} rows: ${errorMessage(error)}`,
      { cause: error },
    )
  }
  const report = meter.report(true)
  const maxQueued: Record<string, number> = {}
  limits.forEach((limit, i) => {
    maxQueued[targets[i] as string] = limit.maxObserved
  })
  return { rows: report.rows, pushed, elapsedMs: report.elapsedMs, maxQueued }
}

/** Keeps up to `size` pushes in flight; their order of issue is their order on the queue. */
export class PushWindow {
  private pending: Promise<void>[] = []

  constructor(private readonly size: number) {}

  /** Adds a push; returns a promise to await when the window is full. */
  add(push: Promise<void>): Promise<void> | undefined {
    // Handled here so a failing push is not an unhandled rejection before flush awaits it.
    push.catch(() => {})
    this.pending.push(push)
    if (this.pending.length >= this.size) return this.flush()
  }

  async flush(): Promise<void> {
    const pending = this.pending
    this.pending = []
    await Promise.all(pending)
  }
}
