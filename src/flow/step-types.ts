// The typed face of a step: what a step field of a Flow class carries for the type checker.
import type { stepTypes } from './flow-contract.js'

/** What the type checker knows about one step. */
export interface StepInfo<I, O, N extends string, S extends boolean, M extends boolean, A extends boolean> {
  /** The record the step needs. */
  readonly input: I
  /** The record it adds (one per item for a fan-out step). */
  readonly output: O
  /** The names of the steps that follow (never: a last step). */
  readonly next: N
  readonly saveResult: S
  readonly fanOut: M
  readonly async: A
}

/**
 * A step of a Flow, as declared by `this.step(...)` or `this.fanOut(...)`.
 *
 * The phantom is `StepInfo | object` on purpose: every step type is then assignable to every other,
 * so a subclass may redefine a step with other input/output types (TypeScript checks overriding
 * fields for assignability); the flow check (`CheckFlow`) is what verifies the wiring.
 */
export interface Step<I, O, N extends string, S extends boolean, M extends boolean, A extends boolean> {
  readonly [stepTypes]: StepInfo<I, O, N, S, M, A> | object
}

/** Any step. */
export interface AnyStep {
  readonly [stepTypes]: object
}

/** Methods of a flow that are never steps. Skipping `run` lets a custom `run` that calls
 * `this.startFrom(...)` have its return type inferred without a cycle. */
type NotSteps = 'run' | 'reconnect' | 'startFrom'

/** The names of a flow's steps: its fields holding steps. */
export type StepKeys<F> = { [K in Exclude<keyof F, NotSteps>]: F[K] extends AnyStep ? K : never }[Exclude<keyof F, NotSteps>] & string

/** What is known about a step type. */
export type InfoOf<T> = T extends Step<infer I, infer O, infer N, infer S, infer M, infer A> ? StepInfo<I, O, N, S, M, A> : never

/** The record step `K` of flow `F` needs. */
export type StepInput<F, K extends keyof F> = InfoOf<F[K]>['input']

/** What `connect(from, to)` returns: return it from `reconnect()` so the types see the new edge. */
export interface Connection<A extends string, B extends string> {
  readonly kind: 'connect'
  readonly from: A
  readonly to: B
}

/** What `disconnect(from, to)` returns. */
export interface Disconnection<A extends string, B extends string> {
  readonly kind: 'disconnect'
  readonly from: A
  readonly to: B
}

/** What `saveResult(step, on)` returns. */
export interface SaveMark<S extends string, On extends boolean> {
  readonly kind: 'saveResult'
  readonly step: S
  readonly save: On
}

/** Any rewiring a `reconnect()` may return. */
export type RewireOp = Connection<string, string> | Disconnection<string, string> | SaveMark<string, boolean>
