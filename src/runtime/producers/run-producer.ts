// Runs a producer: the rows of its generator go, in batches, to each of its pipelines through
// `run.feed` (the run checks the row against the pipeline's schema: a bad row is dead-lettered, the producer
// goes on), with backpressure by queue length and progress reports.

import type { Producer } from '../../dsl/producer.js'
import type { ProducerContext, ProducerProgress } from '../../dsl/producer-types.js'
import { errorMessage, StairsError } from '../../errors.js'
import type { PipelineRun } from '../engine-types.js'
import { ProgressMeter } from './progress-meter.js'
import { QueueLimit } from './queue-limit.js'
import { rowChunks } from './row-chunks.js'

export interface RunProducerOptions {
  /** Called with the count and rate a few times a second, and once at the end (`finished`). */
  onProgress?: (progress: ProducerProgress) => void
  /** Extra arguments for the generator (`context.args`). */
  args?: readonly string[]
  /** Stops reading the source (SIGTERM): rows already read are still sent. */
  signal?: AbortSignal
  /** Rows sent per `run.feed` call (default 256, at most `limit`): one round trip on Redis. */
  batchSize?: number
  /** A row from a slow async source waits at most this long for a full batch (default 50 ms). */
  maxDelayMs?: number
}

export interface ProducerResult {
  /** Rows read from the generator. */
  readonly rows: number
  /** Records sent (rows x pipelines); schema failures among them are in the dead letters. */
  readonly pushed: number
  readonly elapsedMs: number
  /** Per pipeline with a limit: the largest input queue length seen when polling for room. */
  readonly maxQueued: Readonly<Record<string, number>>
}

/** The name a run knows a pipeline by. */
export const runKey = (pipeline: { app: string; name: string }): string => `${pipeline.app}.${pipeline.name}`

/**
 * Sends every row of `producer` into each of its pipelines on `run`, in order, in batches; with
 * `limit`, waits while a pipeline's input queue is full.
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
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 256, producer.limit ?? Number.POSITIVE_INFINITY))
  const meter = new ProgressMeter(`${producer.app}.${producer.name}`, options.onProgress)
  const context: ProducerContext<C> = {
    app: producer.app,
    config: producer.config,
    args: options.args ?? [],
    signal: options.signal ?? new AbortController().signal,
  }
  let pushed = 0
  const send = async (target: string, limit: QueueLimit | undefined, rows: Row[]) => {
    const gate = limit?.take(rows.length)
    if (gate) await gate
    await run.feed(target, rows)
  }
  try {
    for await (const rows of rowChunks(producer.generate(context), batchSize, options.maxDelayMs ?? 50, context.signal)) {
      if (targets.length === 1) await send(targets[0] as string, limits[0], rows)
      else await Promise.all(targets.map((target, i) => send(target, limits[i], rows)))
      pushed += rows.length * targets.length
      for (let i = 0; i < rows.length; i++) meter.row()
    }
  } catch (error) {
    throw new StairsError(
      'ENGINE',
      `producer '${producer.app}.${producer.name}' stopped after ${meter.rows} rows: ${errorMessage(error)}`,
      {
        cause: error,
      },
    )
  }
  const report = meter.report(true)
  const maxQueued: Record<string, number> = {}
  limits.forEach((limit, i) => {
    maxQueued[targets[i] as string] = limit.maxObserved
  })
  return { rows: report.rows, pushed, elapsedMs: report.elapsedMs, maxQueued }
}
