// Acceptance 5: consumerIter yields the records in order for a single producer, ends when empty
// if asked, keeps what a stopped iteration did not take, and feeds a training loop (a small
// logistic regression trained here) with exactly the number of rows produced.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { consumeIter, runProducer } from '../src/runtime/index.js'
import { availableEngines, type EngineRun, startEngine } from './support/producer-engines.js'

const ROWS = 1000

// A deterministic PRNG (mulberry32), so every engine trains on the same data.
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const app = new App('iter_test')
const examples = app.consumerIter('examples', ({ id, features, label }: { id: number; features: number[]; label: number }) => ({
  id,
  x: features,
  y: label,
}))
const prepare = app.pipeline('prepare', { input: z.object({ id: z.number(), a: z.number(), b: z.number() }) }, (_p, point) =>
  point
    // The true boundary is a + 2b > 1; the label is computed in a worker stage.
    .subscribeFunc(({ a, b }) => ({ features: [a, b], label: a + 2 * b > 1 ? 1 : 0 }), { name: 'featurize', asWorker: true })
    .subscribeConsumer(examples),
)
const points = app.producer('points', { pipelines: [prepare] }, function* () {
  const next = random(42)
  for (let id = 0; id < ROWS; id++) yield { id, a: next(), b: next() }
})

const engines = await availableEngines()
let current: EngineRun | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

describe.each(engines)('consumerIter on %s', (engine) => {
  it('yields records in order, resumes after a break, ends when empty, and trains a model on exactly every row', async () => {
    current = await startEngine(engine, [prepare], {}, 'iter')
    const where = current.admin
    await runProducer(points, current.run)

    // Take the first 10 and stop: they are acknowledged, the rest stay for the next iteration.
    const seen: number[] = []
    for await (const example of consumeIter(examples, where)) {
      seen.push(example.id)
      if (seen.length === 10) break
    }

    // On Redis, "empty" is the consumer's own queue: let the pipeline finish first.
    await current.run.drain()
    // Logistic regression by SGD, trained as the records stream in.
    const w = [0, 0]
    let bias = 0
    for await (const { id, x, y } of consumeIter(examples, where, { stopWhenEmpty: true })) {
      seen.push(id)
      const [x0, x1] = x as [number, number]
      const p = 1 / (1 + Math.exp(-(w[0]! * x0 + w[1]! * x1 + bias)))
      const g = p - y
      w[0]! -= 0.5 * g * x0
      w[1]! -= 0.5 * g * x1
      bias -= 0.5 * g
    }
    expect(seen).toEqual([...Array(ROWS).keys()])

    // The model learned the boundary: accuracy on fresh points.
    const next = random(7)
    let correct = 0
    for (let i = 0; i < 500; i++) {
      const a = next()
      const b = next()
      const predicted = w[0]! * a + w[1]! * b + bias > 0 ? 1 : 0
      if (predicted === (a + 2 * b > 1 ? 1 : 0)) correct++
    }
    expect(correct / 500).toBeGreaterThan(0.9)

    // Ended because empty: a new iteration with stopWhenEmpty yields nothing.
    const rest: unknown[] = []
    for await (const example of consumeIter(examples, where, { stopWhenEmpty: true })) rest.push(example)
    expect(rest).toEqual([])
  })

  it('refuses a consumer of another kind', async () => {
    current = await startEngine(engine, [prepare], {}, 'iter')
    const simple = new App('iter_kind').consumer('plain', () => {})
    const iteration = consumeIter(simple, current.admin)
    await expect(iteration.next()).rejects.toThrow(
      /consumeIter takes a consumer made by app.consumerIter\(...\); 'iter_kind.plain' is a simple consumer/,
    )
  })
})
