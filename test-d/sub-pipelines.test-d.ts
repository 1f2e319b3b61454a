// subscribePipeline merges another pipeline's output; applyPipeline keeps only it. Config overrides are DeepPartial.
import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, type DataFrame, type PipelineConfig, type ShapeOf } from '../src/index.js'

const app = new App('types_sub')
const config = { factor: 10, tag: { prefix: 'p', suffix: 's' } }
const scale = app.pipeline('scale', { input: z.object({ a: z.number() }), config }, (p, record) => {
  expectType<{ factor: number; tag: { prefix: string; suffix: string } }>(p.config)
  expectType<{ readonly name: string; readonly config: {} }>(p.app)
  return record.applyFunc(({ a }) => ({ x: a * p.config.factor, tag: p.config.tag.prefix }))
})
expectType<{ factor: number; tag: { prefix: string; suffix: string } }>({} as PipelineConfig<typeof scale>)

declare const input: DataFrame<{ a: number; b: number }>

const merged = input.subscribePipeline(scale)
expectType<{ a: number; b: number; x: number; tag: string }>({} as ShapeOf<typeof merged>)
const only = input.applyPipeline(scale)
expectType<{ x: number; tag: string }>({} as ShapeOf<typeof only>)

// Overrides: any deep part of the config.
const tuned = input.subscribePipeline(scale, { config: { factor: 3 } })
expectType<{ a: number; b: number; x: number; tag: string }>({} as ShapeOf<typeof tuned>)
input.subscribePipeline(scale, { config: { tag: { suffix: 'S' } } })
input.applyPipeline(scale, { config: {} })

// A pipeline with no config takes an empty override only.
const plain = app.pipeline('plain', { input: z.object({ b: z.number() }) }, (_p, r) => r.subscribeFunc(({ b }) => ({ c: b })))
const plainMerged = input.subscribePipeline(plain)
expectType<{ a: number; b: number; c: number }>({} as ShapeOf<typeof plainMerged>)

// Must not compile: an input the record cannot feed, overrides of the wrong type or unknown keys.
const needsText = app.pipeline('needs_text', { input: z.object({ text: z.string() }) }, (_p, r) => r)
expectError(input.subscribePipeline(needsText))
expectError(input.applyPipeline(needsText))
const needsStringA = app.pipeline('needs_string_a', { input: z.object({ a: z.string() }) }, (_p, r) => r)
expectError(input.subscribePipeline(needsStringA))
expectError(input.subscribePipeline(scale, { config: { factor: 'three' } }))
expectError(input.subscribePipeline(scale, { config: { tag: { suffix: 1 } } }))
expectError(input.subscribePipeline(scale, { config: { unknown: 1 } }))
