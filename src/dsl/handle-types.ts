// The public, typed face of the builder. The runtime lives in handle.ts (untyped behind these).

import type { AnyFlow, CheckFlow, FlowInput, FlowOutput } from '../flow/flow-types.js'
import type { RetryPolicy } from '../graph/nodes.js'
import type { Consumer } from './consumer.js'
import type { AnyPipeline, PipelineConfig, PipelineInput, PipelineOutput } from './pipeline-types.js'
import type {
  AnyRecord,
  CheckInput,
  CheckReturn,
  DeepPartial,
  FanOutReturn,
  FuncReturn,
  Merge,
  Prettify,
  ReturnedRecord,
} from './shape-types.js'

declare const shapeTag: unique symbol
declare const pointTag: unique symbol

/** Options every node takes. */
export interface NodeOptions<S> {
  /** Put this node behind its own queue: a stage boundary, run by its own workers on Redis. */
  asWorker?: boolean
  /** Names the node (required for an anonymous function that runs as a worker). Used in queue names. */
  name?: string
  /** Runs the node only when this returns true; otherwise the record passes on unchanged. */
  when?: (record: S) => boolean
  /** Attempts and backoff for this node's stage; engine defaults otherwise. */
  retry?: Partial<RetryPolicy>
}

export interface PipelineCallOptions<C> {
  /** Overrides merged over the called pipeline's default config (deeply). */
  config?: DeepPartial<C>
}

/** Operations shared by frames and points. `S` is the record's shape, `Self` the handle type. */
export interface HandleOps<S, Self> {
  /** Phantom: the record shape at this point of the graph (type-level only). */
  readonly [shapeTag]: S

  /**
   * Runs `fn` on the record and merges its result in (the result wins on clashes).
   * Returning nothing merges nothing; returning `STOP` drops the record.
   * @example frame.subscribeFunc(({ a }: { a: number }) => ({ x: a * 10 }))
   */
  subscribeFunc<I = S, R extends FuncReturn = FuncReturn>(
    fn: ((input: I) => R) & CheckInput<S, I, 'the function'> & CheckReturn<R, 'the function'>,
    options?: NodeOptions<S>,
  ): DataFrame<Merge<S, ReturnedRecord<R>>>

  /** Runs `fn` on the record; downstream sees only its result. */
  applyFunc<I = S, R extends FuncReturn = FuncReturn>(
    fn: ((input: I) => R) & CheckInput<S, I, 'the function'> & CheckReturn<R, 'the function'>,
    options?: NodeOptions<S>,
  ): DataFrame<ReturnedRecord<R>>

  /** Fan-out: `fn` returns an iterable; one record per item goes on, each merged with the input. */
  subscribeFanOut<I = S, R extends object = object>(
    fn: ((input: I) => FanOutReturn<R>) & CheckInput<S, I, 'the function'>,
    options?: NodeOptions<S>,
  ): DataFrame<Merge<S, R>>

  /** Fan-out: one record per item of the iterable `fn` returns, the item alone. */
  applyFanOut<I = S, R extends object = object>(
    fn: ((input: I) => FanOutReturn<R>) & CheckInput<S, I, 'the function'>,
    options?: NodeOptions<S>,
  ): DataFrame<R>

  /** Runs a Flow on the record and merges its output in. */
  subscribeFlow<F extends AnyFlow>(
    flow: F & CheckInput<S, FlowInput<F>, 'the flow'> & CheckFlow<F>,
    options?: NodeOptions<S>,
  ): DataFrame<Merge<S, FlowOutput<F>>>

  /** Runs a Flow on the record; downstream sees only its output. */
  applyFlow<F extends AnyFlow>(
    flow: F & CheckInput<S, FlowInput<F>, 'the flow'> & CheckFlow<F>,
    options?: NodeOptions<S>,
  ): DataFrame<FlowOutput<F>>

  /** The consumer sees the record; the record passes on unchanged. */
  subscribeConsumer<I = S>(consumer: Consumer<I> & CheckInput<S, I, 'the consumer'>, options?: NodeOptions<S>): Self

  /** Sends the record through another pipeline (always a queue hop) and merges its output in. */
  subscribePipeline<P extends AnyPipeline>(
    pipeline: P & CheckInput<S, PipelineInput<P>, 'the pipeline'>,
    options?: PipelineCallOptions<PipelineConfig<P>>,
  ): DataFrame<Merge<S, PipelineOutput<P>>>

  /** Sends the record through another pipeline; downstream sees only its output. */
  applyPipeline<P extends AnyPipeline>(
    pipeline: P & CheckInput<S, PipelineInput<P>, 'the pipeline'>,
    options?: PipelineCallOptions<PipelineConfig<P>>,
  ): DataFrame<PipelineOutput<P>>

  /** One key of the record, as a data point `{ [key]: value }`. */
  get<K extends keyof S & string>(key: K): DataPoint<K, S[K]>

  /** Projection and renaming: `make({ z: 'x' })` gives `{ z: record.x }`. */
  make<const M extends Record<string, keyof S & string>>(mapping: M): DataFrame<{ -readonly [K in keyof M]: S[M[K]] }>

  /** Merges constant values into the record. */
  addValue<V extends AnyRecord>(values: V): DataFrame<Merge<S, V>>
}

/** The record at one point of a pipeline, of shape `S`. */
export interface DataFrame<S> extends HandleOps<S, DataFrame<S>> {}

/** A one-key frame `{ [K]: T }`, what `get` returns; `concatenate` unwraps it to its value. */
export interface DataPoint<K extends string, T> extends HandleOps<{ [P in K]: T }, DataPoint<K, T>> {
  readonly [pointTag]: K
}

/** Any handle: what a pipeline builder returns and `concatenate` takes. */
// biome-ignore lint/suspicious/noExplicitAny: the widest handle, for constraints only
export type AnyHandle = DataFrame<any> | DataPoint<string, any>

/**
 * Any handle, without `any` inside: used where handles are written inline as arguments
 * (`concatenate({ k: frame.subscribeFunc((r) => ...) })`). A constraint holding `DataFrame<any>`
 * would become an inference source for the inner call's result and pin it to `any`.
 */
export interface HandleLike {
  readonly [shapeTag]: unknown
}

/** The record shape a handle stands for, flattened for display. */
export type ShapeOf<H> = H extends { readonly [shapeTag]: infer S } ? Prettify<S> : never

/** What `concatenate` builds: points give their value, frames nest their record. */
export type ConcatenateShape<M> = {
  -readonly [K in keyof M]: M[K] extends DataPoint<infer _K, infer T>
    ? T
    : M[K] extends { readonly [shapeTag]: infer S }
      ? Prettify<S>
      : never
}
