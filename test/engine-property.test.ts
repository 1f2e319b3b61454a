// Acceptance 1 of issue 5, the property half: random pipelines (chains, branches joined by
// concatenate, worker boundaries, STOP filters, fan-out) over random inputs give the same
// multiset of outputs on every engine. Fixed seed, so CI runs the same 25 pipelines every time.
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, concatenate, type DataFrame, STOP } from '../src/index.js'
import { canonicalRecords, runCase } from '../src/testing/index.js'
import { availableEngines } from './support/engines.js'

const engines = await availableEngines('property')

afterAll(async () => {
  for (const engine of engines) await engine.cleanup()
})

type V = { v: number }
type Op =
  | { kind: 'add'; k: number; worker: boolean }
  | { kind: 'filter'; m: number; worker: boolean }
  | { kind: 'fan'; n: number; worker: boolean }
  | { kind: 'branch'; k: number; m: number; worker: boolean }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), k: fc.integer({ min: -5, max: 5 }), worker: fc.boolean() }),
  fc.record({ kind: fc.constant('filter' as const), m: fc.integer({ min: 2, max: 4 }), worker: fc.boolean() }),
  fc.record({ kind: fc.constant('fan' as const), n: fc.integer({ min: 0, max: 3 }), worker: fc.boolean() }),
  fc.record({
    kind: fc.constant('branch' as const),
    k: fc.integer({ min: 1, max: 3 }),
    m: fc.integer({ min: 2, max: 5 }),
    worker: fc.boolean(),
  }),
)

let built = 0

/** A pipeline applying `ops` in order to `{ v }` records, in an app of its own. */
function buildPipeline(ops: readonly Op[]) {
  const app = new App(`property_${++built}`)
  return app.pipeline('random', { input: z.object({ v: z.number() }) }, (_p, record) => {
    let h: DataFrame<V> = record
    ops.forEach((o, i) => {
      const options = { name: `op${i}`, asWorker: o.worker }
      switch (o.kind) {
        case 'add':
          h = h.applyFunc(({ v }: V) => ({ v: v + o.k }), options)
          break
        case 'filter':
          h = h.applyFunc(({ v }: V) => (Math.abs(v) % o.m === 0 ? STOP : { v }), options)
          break
        case 'fan':
          h = h.applyFanOut(({ v }: V) => Array.from({ length: o.n }, (_, n) => ({ v: v * 4 + n })), options)
          break
        case 'branch': {
          // Two branches from one record, one of which may STOP; concatenate joins them.
          const left = h.applyFunc(({ v }: V) => ({ v: v * o.k }), { name: `op${i}_left`, asWorker: o.worker })
          const right = h.applyFunc(({ v }: V) => (Math.abs(v) % o.m === 1 ? STOP : { v: v - 1 }), { name: `op${i}_right` })
          h = concatenate({ x: left.get('v'), y: right.get('v') }).applyFunc(({ x, y }) => ({ v: x + y }), { name: `op${i}_join` })
          break
        }
      }
    })
    return h
  })
}

describe('engine property: random pipelines', () => {
  it('give the same multiset of outputs on every engine', async () => {
    expect(engines.map((e) => e.name)).toEqual(expect.arrayContaining(['memory', 'redis']))
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 8 }),
        async (ops, values) => {
          const pipeline = buildPipeline(ops)
          const engineCase = { name: 'random', pipeline, inputs: values.map((v) => ({ v })), expected: [] }
          const results: string[][] = []
          for (const engine of engines) {
            const { outputs, deadLetters } = await runCase(engineCase, engine.start)
            expect(deadLetters, engine.name).toEqual([])
            results.push(canonicalRecords(outputs))
          }
          for (let i = 1; i < results.length; i++) expect(results[i], engines[i]?.name).toEqual(results[0])
        },
      ),
      { seed: 20_261_124, numRuns: 25 },
    )
  })
})
