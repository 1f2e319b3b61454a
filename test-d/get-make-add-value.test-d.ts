// get gives a one-key point, make projects and renames, addValue merges constants.
import { expectError, expectType } from 'tsd'
import type { DataFrame, DataPoint, ShapeOf } from '../src/index.js'

declare const input: DataFrame<{ a: number; b: string; nested: { deep: boolean } }>

const a = input.get('a')
expectType<DataPoint<'a', number>>(a)
expectType<{ a: number }>({} as ShapeOf<typeof a>)
const nested = input.get('nested')
expectType<{ nested: { deep: boolean } }>({} as ShapeOf<typeof nested>)

// A chain on a point sees only the point's key.
const fromPoint = a.subscribeFunc(({ a }) => ({ x: a * 10 }))
expectType<{ a: number; x: number }>({} as ShapeOf<typeof fromPoint>)
expectError(a.subscribeFunc(({ b }: { b: string }) => ({ y: b })))

const made = input.make({ z: 'a', label: 'b' })
expectType<{ z: number; label: string }>({} as ShapeOf<typeof made>)
const again = made.get('label')
expectType<{ label: string }>({} as ShapeOf<typeof again>)
const afterMake = made.subscribeFunc(({ z }) => ({ w: z + 1 }))
expectType<{ z: number; label: string; w: number }>({} as ShapeOf<typeof afterMake>)
const emptyMake = input.make({})
expectType<{}>({} as ShapeOf<typeof emptyMake>)

const added = input.addValue({ c: 5, tag: 'x' })
expectType<{ a: number; b: string; nested: { deep: boolean }; c: number; tag: string }>({} as ShapeOf<typeof added>)
const overridden = input.addValue({ a: 'now a string' })
expectType<{ a: string; b: string; nested: { deep: boolean } }>({} as ShapeOf<typeof overridden>)
const sum = added.subscribeFunc(({ a, c }) => ({ s: a + c }))
expectType<{ a: number; b: string; nested: { deep: boolean }; c: number; tag: string; s: number }>({} as ShapeOf<typeof sum>)

// Must not compile: get or make of a key the record lacks, a non-record addValue.
expectError(input.get('missing'))
expectError(made.get('a'))
expectError(input.make({ z: 'missing' }))
expectError(made.make({ q: 'b' }))
expectError(input.addValue(5))
expectError(input.addValue('text'))
