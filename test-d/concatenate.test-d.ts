// concatenate: a point gives its value under the new key, a frame nests its whole record.
import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, concatenate, type DataFrame, type ShapeOf } from '../src/index.js'

declare const input: DataFrame<{ a: number; b: number }>
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })
const f2 = ({ x }: { x: number }) => ({ y: x + 1 })

const points = concatenate({ xx: input.subscribeFunc(f1).get('x'), bb: input.get('b') })
expectType<{ xx: number; bb: number }>({} as ShapeOf<typeof points>)

const frames = concatenate({ r1: input.subscribeFunc(f1), r2: input.applyFunc(f1).subscribeFunc(f2) })
expectType<{ r1: { a: number; b: number; x: number }; r2: { x: number; y: number } }>({} as ShapeOf<typeof frames>)

const mixed = concatenate({ whole: input, x: input.subscribeFunc(f1).get('x') })
expectType<{ whole: { a: number; b: number }; x: number }>({} as ShapeOf<typeof mixed>)

// Shorthand keys named after the branches.
const k1 = input.applyFunc(({ a }) => ({ v: a }), { name: 'k1' })
const k2 = input.applyFunc(({ b }) => ({ v: String(b) }), { name: 'k2' })
const both = concatenate({ k1, k2 })
expectType<{ k1: { v: number }; k2: { v: string } }>({} as ShapeOf<typeof both>)

// The joined frame goes on like any other.
const after = both.subscribeFunc(({ k1 }) => ({ first: k1.v }))
expectType<{ k1: { v: number }; k2: { v: string }; first: number }>({} as ShapeOf<typeof after>)
expectError(both.get('v'))

// Must not compile: branches that are not handles.
expectError(concatenate({ a: 1 }))
expectError(concatenate({ a: { b: 2 } }))

// Handles written inline inside concatenate keep inferring their functions' results: the
// argument's constraint must not pin an inner unannotated arrow's result to `any`.
const app = new App('inline')
app.pipeline('inline_branches', { input: z.object({ a: z.number(), b: z.number() }) }, (_p, r) => {
  const items = r.applyFanOut(({ a }) => [{ i: a }], { name: 'fan' })
  const joined = concatenate({
    item: items.subscribeFunc(({ i }) => ({ j: i * 2 })),
    c: r.subscribeFunc(({ a }) => ({ z: `${a}` })),
    b: r.get('b'),
  })
  expectType<{ item: { i: number; j: number }; c: { a: number; b: number; z: string }; b: number }>({} as ShapeOf<typeof joined>)
  return joined
})
