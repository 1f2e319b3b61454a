// Pure types of producers: what a producer yields, and what its generator receives.
import type { AnyPipeline, PipelineInput } from './pipeline-types.js'

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never

/** A row every listed pipeline accepts: the intersection of their input types. */
export type ProducerRow<P extends readonly AnyPipeline[]> = UnionToIntersection<PipelineInput<P[number]>>

/** What a producer's generator (and a worker producer's `batches`/`read`) receives. */
export interface ProducerContext<C> {
  /** The app's name and config. */
  readonly app: string
  readonly config: C
  /** Extra command-line arguments (`stairs producer:process app.name -- a b`). */
  readonly args: readonly string[]
  /** Aborted when the run is asked to stop (SIGTERM): stop reading and return. */
  readonly signal: AbortSignal
}

/** A source of rows: an async generator, or any (async) iterable. */
export type RowSource<Row> = AsyncIterable<Row> | Iterable<Row>

/** Progress of a producer, reported through `onProgress` (the CLI draws a progress bar). */
export interface ProducerProgress {
  readonly producer: string
  /** Rows read from the source so far. */
  readonly rows: number
  /** Rows per second since the start. */
  readonly rate: number
  readonly elapsedMs: number
  /** Worker producers: batches done (by every process) and the total; ETA from this process's rate. */
  readonly batches?: { readonly done: number; readonly total: number; readonly etaMs: number | undefined }
  /** True on the last report. */
  readonly finished: boolean
}
