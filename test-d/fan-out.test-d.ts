// Fan-out: one record per item of the returned iterable, merged with the input (subscribe) or alone (apply).
import { expectError, expectType } from 'tsd'
import type { DataFrame, ShapeOf } from '../src/index.js'

declare const input: DataFrame<{ a: number; b: number }>

const spread = input.subscribeFanOut(({ a }) => [1, 2, 3].map((i) => ({ i, v: a * i })))
expectType<{ a: number; b: number; i: number; v: number }>({} as ShapeOf<typeof spread>)

const items = input.applyFanOut(function* ({ a, b }) {
  yield { v: a }
  yield { v: b }
})
expectType<{ v: number }>({} as ShapeOf<typeof items>)
const after = items.subscribeFunc(({ v }) => ({ w: v * 100 }))
expectType<{ v: number; w: number }>({} as ShapeOf<typeof after>)

const fromAsync = input.applyFanOut(async function* ({ a }) {
  yield { n: a }
})
expectType<{ n: number }>({} as ShapeOf<typeof fromAsync>)
const fromPromise = input.subscribeFanOut(async ({ a }) => [{ n: String(a) }])
expectType<{ a: number; b: number; n: string }>({} as ShapeOf<typeof fromPromise>)

// Must not compile: a missing key, items that are not records, a result that is not iterable.
expectError(input.subscribeFanOut(({ c }: { c: number }) => [{ v: c }]))
expectError(input.applyFanOut(({ a }) => [a, a]))
expectError(input.applyFanOut(({ a }) => ({ v: a })))
