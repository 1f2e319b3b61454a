// What every engine offers, so tests and the CLI drive memory, bullmq and redis alike.
import type { ConsumerRef, RetryPolicy } from '../graph/nodes.js'
import type { ConsumerQueueReader } from './consumers/consumer-queue-types.js'

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
  duplicates?: number
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
  /**
   * Memory engine: how long an explicit message id is remembered to drop a replay (ms, default 1
   * hour). The Redis engines set theirs in `streams` / `bullmq`.
   */
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
  /** Runs that keep consumer queues in-process (memory): opens one for consumeIter/runStandaloneConsumer. */
  openConsumerQueue?(consumer: ConsumerRef): ConsumerQueueReader
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
}
