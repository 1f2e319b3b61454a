import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, type ShapeOf } from '../src/index.js'

const app = new App('typed')
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })

app.pipeline('subscribe', { input: z.object({ a: z.number(), b: z.number() }) }, (_p, input) => {
  // subscribeFunc merges the function's result into the record
  const merged = input.subscribeFunc(f1)
  expectType<{ a: number; b: number; x: number }>({} as ShapeOf<typeof merged>)
  // a function needing a key the record lacks does not compile
  expectError(input.subscribeFunc(({ c }: { c: number }) => ({ y: c })))
  return merged
})
