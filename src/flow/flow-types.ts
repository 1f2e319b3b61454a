// Type-level contract of a Flow, as seen by the pipeline builder.
import type { StairsTypeError } from '../dsl/type-error.js'
import type { FlowErrors } from './flow-analysis-types.js'
import type { FlowRuntime, flowTypes } from './flow-contract.js'

/** Phantom carrier of a flow's input and output shapes (type-level only). */
export interface FlowTyped<I, O> {
  readonly [flowTypes]: { readonly input: I; readonly output: O }
}

// biome-ignore lint/suspicious/noExplicitAny: the widest flow, for constraints only
export type AnyFlow = FlowTyped<any, any> & FlowRuntime

/** The record a flow needs. */
export type FlowInput<F> = F extends { readonly [flowTypes]: { readonly input: infer I } } ? I : never

/**
 * The record a flow produces as a pipeline component: the accumulated record at its last step(s),
 * or what its own `run` returns.
 * @example type Out = FlowOutput<MyFlow> // { value: number; p1: number; p2: number; p3: number; seenP2: number }
 */
export type FlowOutput<F> = F extends { readonly [flowTypes]: { readonly output: infer O } } ? O : never

/**
 * `unknown` for a flow whose steps all get the keys they need; otherwise a sentence naming the step
 * and the key. Intersected with the flow argument of `subscribeFlow`/`applyFlow`.
 */
export type CheckFlow<F> = [FlowErrors<F>] extends [never] ? unknown : StairsTypeError<FlowErrors<F>>
