// InferInput/InferOutput read a declared pipeline's record types.
import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, concatenate, type InferInput, type InferOutput, type Pipeline } from '../src/index.js'

const app = new App('types_infer')
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })

const chain = app.pipeline('chain', { input: z.object({ a: z.number(), b: z.string().optional() }) }, (_p, r) => r.subscribeFunc(f1))
expectType<{ a: number; b?: string | undefined }>({} as InferInput<typeof chain>)
expectType<{ a: number; b?: string | undefined; x: number }>({} as InferOutput<typeof chain>)

const pointOut = app.pipeline('point_out', { input: z.object({ a: z.number() }) }, (_p, r) => r.subscribeFunc(f1).get('x'))
expectType<{ x: number }>({} as InferOutput<typeof pointOut>)

const joined = app.pipeline('joined', { input: z.object({ a: z.number() }) }, (_p, r) =>
  concatenate({ x: r.subscribeFunc(f1).get('x'), all: r }),
)
expectType<{ x: number; all: { a: number } }>({} as InferOutput<typeof joined>)
expectType<Pipeline<{ a: number }, { x: number; all: { a: number } }, {}>>(joined)

// A zod transform: the pipeline's input is the parsed (output) type.
const parsed = app.pipeline('parsed', { input: z.object({ n: z.string().transform(Number) }) }, (_p, r) => r)
expectType<{ n: number }>({} as InferInput<typeof parsed>)

// Must not compile: a builder that returns no handle.
expectError(app.pipeline('no_handle', { input: z.object({ a: z.number() }) }, () => ({ a: 1 })))
