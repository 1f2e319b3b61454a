// Acceptance 1 and 6: a producer sends each row to each of its pipelines; a row that fails a
// pipeline's input schema is dead-lettered there with the zod message, and the producer goes on.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, type ProducerProgress } from '../src/index.js'
import { runProducer } from '../src/runtime/index.js'
import { availableEngines, type EngineRun, startEngine } from './support/producer-engines.js'

const app = new App('producers_two')
const scores = app.pipeline('scores', { input: z.object({ id: z.number(), score: z.number() }) }, (_p, row) =>
  row.subscribeFunc(({ score }) => ({ doubled: score * 2 }), { name: 'double', asWorker: true }),
)
const labels = app.pipeline('labels', { input: z.object({ id: z.number(), label: z.string().min(1) }) }, (_p, row) =>
  row.subscribeFunc(({ label }) => ({ upper: label.toUpperCase() }), { name: 'upper', asWorker: true }),
)

const both = app.producer('both', { pipelines: [scores, labels] }, async function* () {
  for (let id = 0; id < 100; id++) yield { id, score: id, label: `row${id}` }
})

// Row 50 has an empty label (refused by `labels` only) and row 70 a string score (refused by `scores` only).
const flawed = app.producer('flawed', { pipelines: [scores, labels] }, async function* () {
  for (let id = 0; id < 100; id++) {
    if (id === 50) yield { id, score: id, label: '' }
    else if (id === 70) yield { id, score: 'seventy' as unknown as number, label: 'x' }
    else yield { id, score: id, label: 'x' }
  }
})

const engines = await availableEngines()
let current: EngineRun | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

async function runOn(engine: (typeof engines)[number], producer: typeof both) {
  const outputs: Record<string, { id: number }[]> = { scores: [], labels: [] }
  current = await startEngine(
    engine,
    [scores, labels],
    { onOutput: (pipeline, record) => outputs[pipeline]?.push(record as { id: number }) },
    'producers-two',
  )
  const reports: ProducerProgress[] = []
  const result = await runProducer(producer, current.run, { onProgress: (p) => reports.push(p) })
  await current.run.drain()
  return { outputs, result, reports, run: current.run }
}

describe.each(engines)('producer into two pipelines on %s', (engine) => {
  it('delivers each of 100 rows to each pipeline: 200 records', async () => {
    const { outputs, result, reports } = await runOn(engine, both)
    expect(result).toMatchObject({ rows: 100, pushed: 200 })
    expect(outputs.scores?.map((r) => r.id).sort((a, b) => a - b)).toEqual([...Array(100).keys()])
    expect(outputs.labels?.map((r) => r.id).sort((a, b) => a - b)).toEqual([...Array(100).keys()])
    expect(outputs.scores?.[0]).toMatchObject({ doubled: 0 })
    expect(outputs.labels?.find((r) => r.id === 5)).toMatchObject({ upper: 'ROW5' })
    const last = reports.at(-1)
    expect(last).toMatchObject({ producer: 'producers_two.both', rows: 100, finished: true })
    expect(last?.rate).toBeGreaterThan(0)
  })

  it('dead-letters a row that fails a schema, with the zod message, and goes on', async () => {
    const { outputs, result, run } = await runOn(engine, flawed)
    expect(result.rows).toBe(100)
    expect(outputs.scores).toHaveLength(99)
    expect(outputs.labels).toHaveLength(99)
    const dead = await run.deadLetters()
    expect(dead).toHaveLength(2)
    const byPipeline = Object.fromEntries(dead.map((d) => [d.pipeline, d]))
    expect(byPipeline.labels).toMatchObject({ stage: 'input', payload: { id: 50, label: '' } })
    expect(byPipeline.labels?.error.message).toMatch(/label/)
    expect(byPipeline.labels?.error.message).toMatch(/too_small|at least 1|>=1/i)
    expect(byPipeline.scores).toMatchObject({ stage: 'input', payload: { id: 70 } })
    expect(byPipeline.scores?.error.message).toMatch(/expected number, received string/i)
    const stats = Object.fromEntries((await run.stats()).map((s) => [s.pipeline, s.counters]))
    expect(stats.scores).toMatchObject({ in: 99, rejected: 1, out: 99 })
    expect(stats.labels).toMatchObject({ in: 99, rejected: 1, out: 99 })
  })
})
