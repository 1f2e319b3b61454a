// Type-level helpers for record shapes. Runtime code imports these with `import type` only.

import type { Stop } from './stop.js'
import type { StairsTypeError } from './type-error.js'

/** A record: a plain JSON object with string keys. */
export type AnyRecord = Record<string, unknown>

/**
 * `{ ...A, ...B }` as one flat mapped type: B wins on clashes. Flat (no `Omit & B`) so that a
 * chain of a hundred merges stays a chain of cheap mapped types and never nests intersections.
 */
export type Merge<A, B> = {
  [K in keyof A | keyof B]: K extends keyof B ? B[K] : K extends keyof A ? A[K] : never
}

/** Flattens a shape for display (hover, output types). Used only at output boundaries. */
export type Prettify<T> = { [K in keyof T]: T[K] } & {}

export type MaybePromise<T> = T | Promise<T>

/** What a subscribed/applied function may return: a record, nothing, or STOP (maybe async). */
export type FuncReturn = MaybePromise<object | undefined | void | Stop>

/** The record part of what a function returned (nothing or STOP merges nothing). */
export type ReturnedRecord<R> = [Exclude<Awaited<R>, undefined | void | Stop>] extends [never]
  ? {}
  : Exclude<Awaited<R>, undefined | void | Stop>

/** What a fan-out function may return: one record per item. */
export type FanOutReturn<T> = MaybePromise<Iterable<T>> | AsyncIterable<T>

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T]

type MissingKeys<S, I> = Exclude<RequiredKeys<I>, keyof S>

type MistypedKeys<S, I> = {
  [K in keyof I & keyof S]-?: [S[K]] extends [I[K]] ? never : K
}[keyof I & keyof S]

type KeyList<K> = K extends string ? `'${K}'` : never

/**
 * `unknown` when a record of shape S can feed something that needs I; otherwise a sentence naming
 * the missing or mistyped key. Intersected with the argument's type, so a mismatch is reported on
 * the argument itself.
 */
export type CheckInput<S, I, Who extends string> = [MissingKeys<S, I>] extends [never]
  ? [MistypedKeys<S, I>] extends [never]
    ? unknown
    : StairsTypeError<`${Who} needs key ${KeyList<MistypedKeys<S, I>>} with another type than the record has`>
  : StairsTypeError<`${Who} needs key ${KeyList<MissingKeys<S, I>>}, which the record does not have`>

/** Rejects functions whose declared result is not a record (numbers, strings, arrays). */
export type CheckReturn<R, Who extends string> = [ReturnedRecord<R>] extends [readonly unknown[]]
  ? StairsTypeError<`${Who} must return a record (an object), not an array`>
  : unknown

/** A deep partial, for config overrides merged over a pipeline's defaults. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T
