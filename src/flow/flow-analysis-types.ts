// The type-level walk of a flow's steps: from the first steps, along `next`, accumulating the record.
// It yields events (a last step reached, a saved step, an error), from which the flow's output,
// `startFrom`'s result and the compile-time check are read. One walk per path; flows are small.
import type { Merge, Prettify } from '../dsl/shape-types.js'
import type { flowTypes } from './flow-contract.js'
import type { Connection, Disconnection, InfoOf, SaveMark, StepInfo, StepKeys } from './step-types.js'

interface LastEvent<K, Own, Acc, Many> {
  readonly kind: 'last'
  readonly step: K
  readonly own: Own
  readonly acc: Acc
  readonly many: Many
}
interface SaveEvent<K, Acc, Many> {
  readonly kind: 'save'
  readonly step: K
  readonly acc: Acc
  readonly many: Many
}
interface ErrorEvent<M extends string> {
  readonly kind: 'error'
  readonly message: M
}
interface AsyncEvent {
  readonly kind: 'async'
}

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T]
type MissingKeys<Acc, I> = Exclude<RequiredKeys<I>, keyof Acc>
type MistypedKeys<Acc, I> = { [K in keyof I & keyof Acc]-?: [Acc[K]] extends [I[K]] ? never : K }[keyof I & keyof Acc]

/** An error event when the record `Acc` lacks (or mistypes) a key step `K` needs; never otherwise. */
type NeedError<K extends string, I, Acc> = [MissingKeys<Acc, I>] extends [never]
  ? [MistypedKeys<Acc, I>] extends [never]
    ? never
    : ErrorEvent<`step '${K}' needs key '${MistypedKeys<Acc, I> & string}' with another type than earlier steps provide`>
  : ErrorEvent<`step '${K}' needs key '${MissingKeys<Acc, I> & string}', which no earlier step provides`>

/** The rewiring a flow's `reconnect()` returns (its `connect`/`disconnect`/`saveResult` calls). */
type Rewiring<F> = F extends { readonly [flowTypes]: { readonly rewiring: infer R } }
  ? R extends readonly (infer Op)[]
    ? Op
    : never
  : never
type Connected<W, K> = W extends Connection<infer A, infer B> ? (A extends K ? B : never) : never
type Disconnected<W, K> = W extends Disconnection<infer A, infer B> ? (A extends K ? B : never) : never
type SaveFlag<W, K, S> = [Extract<W, SaveMark<K & string, boolean>>] extends [never]
  ? S
  : Extract<W, SaveMark<K & string, boolean>> extends SaveMark<infer _K, infer On>
    ? On
    : S

/** What is known about step K once `reconnect()` has rewired it. */
type EffectiveInfo<F, K extends keyof F> =
  InfoOf<F[K]> extends StepInfo<infer I, infer O, infer N, infer S, infer M, infer A>
    ? StepInfo<I, O, Exclude<N, Disconnected<Rewiring<F>, K>> | (Connected<Rewiring<F>, K> & string), SaveFlag<Rewiring<F>, K, S>, M, A>
    : never

/** Visits step K with record Acc; `Path` holds the steps already on this path (cycle guard). */
type Visit<F, K extends string, Acc, Path extends string, Many extends boolean> = K extends Path
  ? ErrorEvent<`step '${K}' leads back to itself (a cycle)`>
  : K extends keyof F
    ? VisitStep<F, K, EffectiveInfo<F, K>, Acc, Path, Many>
    : never // a `next` naming no step is reported by NextErrors

type VisitStep<F, K extends string, S, Acc, Path extends string, Many extends boolean> =
  S extends StepInfo<infer I, infer O, infer N, infer Save, infer M, infer A>
    ? NeedError<K, I, Acc> extends infer E
      ? [E] extends [never]
        ? Continue<F, K, O, N, Save, M extends true ? true : Many, A, Merge<Acc, O>, Path>
        : E
      : never
    : never

type Continue<F, K extends string, O, N extends string, Save, Many extends boolean, A, Next, Path extends string> =
  | (A extends true ? AsyncEvent : never)
  | (Save extends true ? SaveEvent<K, Next, Many> : never)
  | ([N] extends [never] ? LastEvent<K, O, Next, Many> : VisitEach<F, N, Next, Path | K, Many>)

/** Distributes over the step names N: each branch walks on its own copy of the record. */
type VisitEach<F, N extends string, Acc, Path extends string, Many extends boolean> = N extends string
  ? Visit<F, N, Acc, Path, Many>
  : never

type NextNames<F> = { [K in StepKeys<F>]: EffectiveInfo<F, K>['next'] }[StepKeys<F>]

/** Steps that no other step names as next: where a flow starts. */
export type RootSteps<F> = Exclude<StepKeys<F>, NextNames<F>>

/** The input a flow class declares (`extends Flow<I>`). */
type DeclaredInput<F> = F extends { readonly [flowTypes]: { readonly input: infer I } } ? I : never

/** Every event of the walk from the flow's first steps. */
type FlowEvents<F> = VisitEach<F, RootSteps<F>, DeclaredInput<F>, never, false>

type NextErrors<F> = {
  [K in StepKeys<F>]: Exclude<EffectiveInfo<F, K>['next'], StepKeys<F>> extends infer U
    ? U extends string
      ? `step '${K}' names next step '${U}', which is not a step of the flow`
      : never
    : never
}[StepKeys<F>]

/** The sentences describing what is wrong with a flow's wiring (never when it is sound). */
export type FlowErrors<F> =
  | MessagesOf<FlowEvents<F>>
  | NextErrors<F>
  | ([RootSteps<F>] extends [never] ? 'the flow has no first step (every step is named as some next step)' : never)

type MessagesOf<E> = E extends ErrorEvent<infer M> ? M : never
type LastRecords<E> = E extends LastEvent<infer _K, infer _Own, infer Acc, infer _Many> ? Acc : never
type StepOf<E> = E extends { readonly step: infer K } ? K : never

/** A union of records merged into one record (each key: the union of its types). */
type MergeUnion<U> = {
  [K in U extends unknown ? keyof U : never]: U extends unknown ? (K extends keyof U ? U[K] : never) : never
}

/** The accumulated record at the flow's last step(s): the default output of a flow in a pipeline. */
export type DefaultFlowOutput<F> = Prettify<MergeUnion<LastRecords<FlowEvents<F>>>>

/** What a flow adds to a pipeline record: its own `run`'s result, or the accumulated record. */
export type FlowResult<F> = F extends { run: (...args: never) => infer R }
  ? Exclude<Awaited<R>, undefined | void | symbol>
  : DefaultFlowOutput<F>

type Wrap<T, Many> = Many extends true ? Prettify<T>[] : Prettify<T>
type Saved<E> = Extract<E, { readonly kind: 'save' }>
type Kept<E> = Saved<E> | Exclude<Extract<E, { readonly kind: 'last' }>, { readonly step: StepOf<Saved<E>> }>

type StartFromRecord<E> = {
  [V in Kept<E> as V extends { readonly step: infer K extends string } ? K : never]: V extends SaveEvent<infer _K, infer Acc, infer Many>
    ? Wrap<Acc, Many>
    : V extends LastEvent<infer _K, infer Own, infer _Acc, infer Many>
      ? Wrap<Own, Many>
      : never
}

/**
 * What `startFrom(K, data)` returns: each last step's own output and each `saveResult` step's
 * accumulated record, keyed by step name (arrays after a fan-out step); a promise if a step is async.
 */
export type StartFromResult<F, K extends string, D> =
  VisitEach<F, K, D, never, false> extends infer E
    ? [Extract<E, AsyncEvent>] extends [never]
      ? Prettify<StartFromRecord<E>>
      : Promise<Prettify<StartFromRecord<E>>>
    : never

/** The sentences describing why `startFrom(K, data)` cannot run (never when it can). */
export type StartFromErrors<F, K extends string, D> = MessagesOf<VisitEach<F, K, D, never, false>>
