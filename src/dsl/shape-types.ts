// Type-level helpers for record shapes. Runtime code imports these with `import type` only.

import type { Stop } from './stop.js'
import type { StairsTypeError } from './type-error.js'

/** A record: a plain JSON object with string keys. */
export type AnyRecord = Record<string, unknown>

/**
 * `{ ...A, ...B }`: B wins on clashes, optional keys stay optional. A plain intersection when no key
 * clashes (the common case), else `Omit<A, keyof B> & B`. Intersections flatten, so a chain of a
 * hundred merges is one flat intersection whose property types never chain through the previous
 * steps (a chain of mapped types did, and hit TS2589 near a hundred steps).
 */
export type Merge<A, B> = [keyof A & keyof B] extends [never] ? A & B : Omit<A, keyof B> & B

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
 * the argument itself. The plain assignability test first: it is cheap, and it is the common case
 * (it cut the 100-step chain fixture from 634k to 110k instantiations); the key-by-key analysis
 * runs only to explain a failure.
 */
export type CheckInput<S, I, Who extends string> = [S] extends [I]
  ? unknown
  : [MissingKeys<S, I>] extends [never]
    ? [MistypedKeys<S, I>] extends [never]
      ? unknown
      : StairsTypeError<`${Who} needs key ${KeyList<MistypedKeys<S, I>>} with another type than the record has`>
    : StairsTypeError<`${Who} needs key ${KeyList<MissingKeys<S, I>>}, which the record does not have`>

/** Rejects functions whose result is not a record: arrays, and what a promise resolves to (numbers, strings). */
export type CheckReturn<R, Who extends string> = [ReturnedRecord<R>] extends [readonly unknown[]]
  ? StairsTypeError<`${Who} must return a record (an object), not an array`>
  : [ReturnedRecord<R>] extends [object]
    ? unknown
    : StairsTypeError<`${Who} must return a record (an object), nothing or STOP`>

/** A deep partial, for config overrides merged over a pipeline's defaults. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T
