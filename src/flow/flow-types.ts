// Type-level contract of a Flow, as seen by the pipeline builder.
import type { FlowRuntime } from './flow-contract.js'

declare const flowTypes: unique symbol

/** Phantom carrier of a flow's input and output shapes (type-level only). */
export interface FlowTyped<I, O> {
  readonly [flowTypes]: { readonly input: I; readonly output: O }
}

// biome-ignore lint/suspicious/noExplicitAny: the widest flow, for constraints only
export type AnyFlow = FlowTyped<any, any> & FlowRuntime

/** The record a flow needs. */
export type FlowInput<F> = F extends FlowTyped<infer I, infer _O> ? I : never
/** The record a flow produces as a pipeline component (its last step's accumulated record, or `run`'s result). */
export type FlowOutput<F> = F extends FlowTyped<infer _I, infer O> ? O : never
