// `app.workerProducer(...)`: a source split into batches that any number of processes read in
// parallel; the batch list and the leases live in Redis (see worker-producer-run.ts).

import { StairsError } from '../errors.js'
import type { AnyPipeline, PipelineInput } from './pipeline-types.js'
import type { ProducerContext, RowSource } from './producer-types.js'

export const DEFAULT_LEASE_MS = 30_000

export interface WorkerProducerOptions<P extends AnyPipeline> {
  pipeline: P
  /**
   * How long a claimed batch stays leased without a heartbeat before another process may take it
   * (default 30 s; the holder renews it every third of that). A replayed batch's duplicates are
   * dropped by message id within the engine's dedupe window (1 h by default on the Redis engines).
   */
  leaseMs?: number
  /** Wait while the pipeline's input queue holds more than this many records. */
  limit?: number
}

export interface WorkerProducerSource<B, Row, C> {
  /** The batch list, read once by `producer:init` (each batch must be JSON: it is stored in Redis). */
  batches: (context: ProducerContext<C>) => RowSource<B>
  /** The rows of one batch; called again for a batch whose process died. Must be deterministic. */
  read: (batch: B, context: ProducerContext<C>) => RowSource<Row>
}

/** A declared worker producer. */
export interface WorkerProducer<B, Row, C = unknown> extends WorkerProducerSource<B, Row, C> {
  readonly kind: 'workerProducer'
  readonly app: string
  readonly name: string
  readonly pipeline: AnyPipeline
  readonly leaseMs: number
  readonly limit: number | undefined
  /** The app's config, handed to `batches` and `read`. */
  readonly config: C
}

export function createWorkerProducer<P extends AnyPipeline, B, C>(
  app: string,
  name: string,
  options: WorkerProducerOptions<P>,
  source: WorkerProducerSource<B, PipelineInput<P>, C>,
  config: C,
): WorkerProducer<B, PipelineInput<P>, C> {
  const where = `worker producer '${app}.${name}'`
  if (typeof options.pipeline?.graph !== 'function') throw new StairsError('CONFIG', `${where}: { pipeline } must be a pipeline`)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  if (!(Number.isInteger(leaseMs) && leaseMs >= 100))
    throw new StairsError('CONFIG', `${where}: leaseMs must be an integer >= 100, got ${leaseMs}`)
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0))
    throw new StairsError('CONFIG', `${where}: limit must be a positive integer, got ${options.limit}`)
  if (typeof source?.batches !== 'function' || typeof source.read !== 'function')
    throw new StairsError('CONFIG', `${where}: the last argument must be { batches, read }, two functions`)
  return Object.freeze({
    kind: 'workerProducer',
    app,
    name,
    pipeline: options.pipeline,
    leaseMs,
    limit: options.limit,
    config,
    batches: source.batches,
    read: source.read,
  })
}
