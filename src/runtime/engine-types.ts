// What a run offers whatever its engine, so tests, the CLI and the admin page drive every engine
// alike. The engine port itself (what an engine implements) is in port.ts.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { ConsumerRef, RetryPolicy } from '../graph/nodes.js'
import type { ConsumerQueueReader } from './consumers/consumer-queue-types.js'
import type { BatchLeaseStore } from './core/batch-lease-store.js'
import type { ContractStore } from './core/contracts.js'

export interface StageCounters {
  /** Records that entered the stage (first attempts). */
  added: number
  /** Records the stage finished (including filtered ones). */
  processed: number
  /** Failed attempts. */
  failed: number
  /** Records dropped with STOP in this stage. */
  filtered: number
  /** Attempts scheduled again after a failure. */
  retried: number
  deadLettered: number
}

export interface PipelineCounters {
  /** Records accepted at the input (after the schema check). */
  in: number
  /** Records that reached the end of the pipeline. */
  out: number
  filtered: number
  deadLettered: number
  /** Records refused at the input by the schema (also dead-lettered). */
  rejected: number
  /** Records dropped at the input because their message id was already pushed (a replayed batch). */
  duplicates: number
}

export interface PipelineStats {
  readonly pipeline: string
  readonly counters: PipelineCounters
  readonly stages: readonly { readonly stage: string; readonly queued: number; readonly counters: StageCounters }[]
}

/** A record that could not be processed, with why. */
export interface DeadLetter {
  readonly app: string
  readonly pipeline: string
  /** The stage id, or `input` for a record the schema refused. */
  readonly stage: string
  readonly id: string
  readonly attempts: number
  readonly error: { readonly name: string; readonly message: string }
  /** The stage's input as it travelled (the envelope), or the raw input record. */
  readonly payload: unknown
  readonly at: string
}

export interface RunOptions {
  /** Workers per stage: one number for all, or per `pipeline/stage` (default 1). */
  concurrency?: number | Record<string, number>
  /** Default retry policy for stages that declare none. */
  retry?: RetryPolicy
  /** Records a stage queue holds before producers wait (backpressure). */
  queueCapacity?: number
  /**
   * Receives each record that reaches the end of a pipeline. On the Redis engines it is called in
   * the process that runs the pipeline's last stage (a producer-only run never calls it): to read
   * outputs elsewhere, end the pipeline with a consumer (standalone or iterator).
   */
  onOutput?: (pipeline: string, record: object, id: string) => void
  /** How long an explicit message id is at least remembered to drop a replay (ms, default 1 hour). */
  dedupeWindowMs?: number
}

export interface PipelineRun {
  /** Sends one record into a pipeline (checked against its schema); resolves once queued. */
  push(pipeline: string, record: unknown, id?: string): Promise<void>
  /**
   * Optional: sends records with message ids in one round trip, in order (worker producers' batches);
   * an id already pushed is dropped, as with `push`. Runs without it get one `push` per record.
   */
  pushMany?(pipeline: string, entries: readonly (readonly [record: unknown, id: string | undefined])[]): Promise<void>
  /** Sends every record of a source; resolves with the count once all are queued. */
  feed(pipeline: string, source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number>
  /** Records waiting in a pipeline's input queue (producers wait on this with `limit`). */
  waiting(pipeline: string): Promise<number>
  /** Resolves when every queued record has been processed, filtered or dead-lettered. */
  drain(): Promise<void>
  /** Stops taking new records, finishes the ones in flight, then stops the workers. */
  stop(): Promise<void>
  /** Counters per pipeline and stage (from Redis on the Redis engines). */
  stats(): Promise<PipelineStats[]>
  /** The dead letters of the run's pipelines. */
  deadLetters(): Promise<DeadLetter[]>
  /**
   * The operator's side of a run that keeps its queues in this process (memory): queue status,
   * dead letters, consumer queues. Engines whose queues live on a server offer it through
   * `Engine.admin` instead, without a run.
   */
  admin?(): EngineAdmin
}

/** A stage worker that is alive (it sent a heartbeat within the engine's liveness window). */
export interface WorkerInfo {
  readonly app: string
  readonly pipeline: string
  readonly stage: string
  /** The worker's name on the engine (host:pid:n on the Redis engines). */
  readonly id: string
  readonly host: string
  /** 0 when the engine cannot tell (bullmq knows a worker by its connection only). */
  readonly pid: number
  /** When it last showed it was alive (ISO time). */
  readonly lastSeen: string
}

/** One stage queue as inspect shows it. */
export interface QueueStatus {
  readonly app: string
  readonly pipeline: string
  readonly stage: string
  /** `app.pipeline.stage` */
  readonly queue: string
  /** Records waiting (not yet taken by a worker). */
  readonly waiting: number
  /** Records taken by a worker and not yet acknowledged. */
  readonly inFlight: number
  readonly counters: StageCounters
  /** Per-second rates over the last few seconds (added/s, processed/s), when the engine keeps windows. */
  readonly rates?: { readonly addedPerSecond: number; readonly processedPerSecond: number }
  /** Records delivered more than once and not yet acknowledged (a worker died or timed out on them), when the engine tracks it. */
  readonly redelivered?: number
  /** How long records took in the stage's program since the counters began, when the engine times them. */
  readonly processingTime?: ProcessingTimeHistogram
}

/**
 * Durations of records in a stage (core/processing-time.ts says what is timed), in fixed buckets
 * shared by every engine: `counts[i]` records took at most `boundsMs[i]` (and more than the bound
 * before); the last count, one more than the bounds, is the records slower than every bound.
 */
export interface ProcessingTimeHistogram {
  readonly boundsMs: readonly number[]
  readonly counts: readonly number[]
  readonly sumMs: number
  readonly count: number
}

/**
 * The operator's side of an engine: queues, dead letters, workers and contracts of a running
 * system, without running any stage. The CLI's inspect, dlq and contracts commands and the
 * admin page use it. Every member but `close` is optional: a command that needs a missing one
 * says which engine lacks what.
 */
export interface EngineAdmin {
  /** Where it is connected, safe to print (passwords masked). */
  readonly where: string
  /** Each stage queue's length, in-flight count, counters and rates. */
  queueStatus?(pipelines: readonly AnyPipeline[]): Promise<QueueStatus[]>
  /** Each standalone or iterator consumer queue's length (for inspect, next to stage queues). */
  consumerQueueStatus?(consumers: readonly ConsumerRef[]): Promise<ConsumerQueueStatus[]>
  /** The dead letters of these pipelines, oldest first, at most `limit` per pipeline. */
  listDeadLetters?(pipelines: readonly AnyPipeline[], limit?: number): Promise<DeadLetter[]>
  /**
   * Sends dead letters back to the stage they failed in (all, or those with the given message
   * ids) and removes them from the dead-letter queue; returns how many.
   */
  replayDeadLetters?(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number>
  /** Removes dead letters (all, or those with the given ids) for good; returns how many. */
  deleteDeadLetters?(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number>
  /** Stage workers alive (those that sent a heartbeat recently). */
  workers?(pipelines: readonly AnyPipeline[]): Promise<WorkerInfo[]>
  /** Where workers register the contract hashes of the queues they serve. */
  readonly contracts?: ContractStore
  /** Opens a standalone or iterator consumer's queue (single reader). */
  openConsumerQueue?(consumer: ConsumerRef): Promise<ConsumerQueueReader>
  /** Where worker producers keep their batch list and leases. */
  batchLeases?(app: string, producer: string): BatchLeaseStore
  /**
   * Removes every queue, counter, dead letter and registration this engine keeps under its
   * settings' namespace (the Redis key prefix, the stream name prefix): for tests, examples and a
   * fresh start. Irreversible.
   */
  purge?(): Promise<void>
  /**
   * A web dashboard of the engine's own (bull-board on bullmq), which the admin server mounts at
   * `/<path>` beside its page. A Web-standard fetch handler, so it ties the port to no HTTP library.
   */
  dashboard?(pipelines: readonly AnyPipeline[]): Promise<EngineDashboard>
  /** Closes its connections. */
  close(): Promise<void>
}

/** See `EngineAdmin.dashboard`. */
export interface EngineDashboard {
  /** The link's text on the page: `bull-board`. */
  readonly title: string
  /** Where it is mounted, without slashes (`bull`): it serves every request under `/<path>/`. */
  readonly path: string
  fetch(request: Request): Response | Promise<Response>
  close(): Promise<void>
}

export interface ConsumerQueueStatus {
  readonly app: string
  readonly consumer: string
  readonly kind: ConsumerRef['kind']
  /** The queue as a person names it: `app.consumer`. */
  readonly queue: string
  /** Records waiting to be read. */
  readonly waiting: number
  /** Records read and not yet acknowledged. */
  readonly inFlight: number
}
