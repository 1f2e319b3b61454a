import type { PipelineGraph } from '../graph/nodes.js'
import type { DeepPartial } from './shape-types.js'

declare const pipelineTypes: unique symbol

/** A schema the pipeline validates its input with (a zod schema fits; only `safeParse` is used). */
export interface InputSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { message: string } }
}

/** A declared pipeline: a name, an input schema, a config and a builder, built into a graph on demand. */
export interface Pipeline<In, Out, C> {
  readonly app: string
  readonly name: string
  readonly input: InputSchema<In>
  readonly config: C
  /** Phantom: input, output and config types (type-level only). */
  readonly [pipelineTypes]: { readonly input: In; readonly output: Out; readonly config: C }
  /** Builds the graph, with `config` merged (deeply) over the defaults. */
  graph(config?: DeepPartial<C>): PipelineGraph
}

// biome-ignore lint/suspicious/noExplicitAny: the widest pipeline, for constraints only
export type AnyPipeline = Pipeline<any, any, any>

export type PipelineInput<P> = P extends Pipeline<infer I, infer _O, infer _C> ? I : never
export type PipelineOutput<P> = P extends Pipeline<infer _I, infer O, infer _C> ? O : never
export type PipelineConfig<P> = P extends Pipeline<infer _I, infer _O, infer C> ? C : never

/** `InferInput<typeof pl>`: the record a pipeline takes. */
export type InferInput<P> = PipelineInput<P>
/** `InferOutput<typeof pl>`: the record a pipeline produces. */
export type InferOutput<P> = PipelineOutput<P>
