// subscribeFunc merges a function's result into the record; applyFunc keeps only the result.
import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, type DataFrame, type ShapeOf, STOP } from '../src/index.js'

declare const input: DataFrame<{ a: number; b: number }>
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })
const f2 = ({ x }: { x: number }) => ({ y: x + 1 })

const one = input.subscribeFunc(f1)
expectType<{ a: number; b: number; x: number }>({} as ShapeOf<typeof one>)
const two = one.subscribeFunc(f2)
expectType<{ a: number; b: number; x: number; y: number }>({} as ShapeOf<typeof two>)

// An unannotated parameter is typed by the record.
const inferred = input.subscribeFunc((r) => ({ z: r.a, label: `${r.b}` }))
expectType<{ a: number; b: number; z: number; label: string }>({} as ShapeOf<typeof inferred>)

// A returned key replaces the record's key, with the returned type.
const clash = input.subscribeFunc(({ a }) => ({ a: String(a) }))
expectType<{ a: string; b: number }>({} as ShapeOf<typeof clash>)

const applied = input.applyFunc(f1)
expectType<{ x: number }>({} as ShapeOf<typeof applied>)
const appliedThen = applied.subscribeFunc(f2)
expectType<{ x: number; y: number }>({} as ShapeOf<typeof appliedThen>)

// Async results are awaited; returning nothing or STOP adds no key.
const later = input.subscribeFunc(async ({ a }) => ({ x: a }))
expectType<{ a: number; b: number; x: number }>({} as ShapeOf<typeof later>)
const filter = input.subscribeFunc(({ a }) => (a > 1 ? undefined : STOP))
expectType<{ a: number; b: number }>({} as ShapeOf<typeof filter>)
const maybe = input.subscribeFunc(({ a }) => (a > 1 ? { big: true } : STOP))
expectType<{ a: number; b: number; big: boolean }>({} as ShapeOf<typeof maybe>)
const nothing = input.applyFunc(() => undefined)
expectType<{}>({} as ShapeOf<typeof nothing>)

// A function may take fewer keys than the record has, or optional ones it lacks.
const fewer = input.subscribeFunc(({ b }: { b: number; extra?: string }) => ({ c: b }))
expectType<{ a: number; b: number; c: number }>({} as ShapeOf<typeof fewer>)

// Must not compile: a key the record lacks, a key of another type, a non-object result.
expectError(input.subscribeFunc(({ c }: { c: number }) => ({ y: c })))
expectError(input.applyFunc(({ c }: { c: number }) => ({ y: c })))
expectError(input.subscribeFunc(({ a }: { a: string }) => ({ y: a })))
expectError(input.subscribeFunc(({ a }) => a * 2))
expectError(input.subscribeFunc(() => 'text'))
expectError(input.subscribeFunc(() => [1, 2]))
expectError(input.applyFunc(async () => 5))
expectError(two.subscribeFunc(({ q }: { q: number }) => ({ r: q })))

// The builder's input frame comes from the zod schema.
const app = new App('types_subscribe')
app.pipeline('pl', { input: z.object({ a: z.number(), b: z.number() }) }, (_p, frame) => {
  expectType<{ a: number; b: number }>({} as ShapeOf<typeof frame>)
  return frame.subscribeFunc(f1).subscribeFunc(f2)
})
