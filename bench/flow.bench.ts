// Acceptance 7 of issue 3: a 5-step flow inside a pipeline on the memory engine, against the same
// five functions called by hand (the same zod validation, the same merges); plus the flow's own
// overhead (its runner against the five calls) and the flow against five subscribeFunc nodes.
import { z } from 'zod'
import { toPipelineStep } from '../src/flow/flow-contract.js'
import { App, Flow } from '../src/index.js'
import { startMemoryRun } from '../src/runtime/index.js'
import { type BenchResult, compared, rate } from './harness.js'

const RECORDS = Number(process.env.STAIRS_BENCH_RECORDS ?? 300_000)

const input = z.object({ id: z.number(), name: z.string(), value: z.number() })
type Input = z.infer<typeof input>

const double = ({ value }: { value: number }) => ({ doubled: value * 2 })
const measure = ({ name }: { name: string }) => ({ length: name.length })
const offset = ({ id }: { id: number }) => ({ offset: id % 7 })
const combine = ({ doubled, length }: { doubled: number; length: number }) => ({ combined: doubled + length })
const score = ({ combined, offset }: { combined: number; offset: number }) => ({ score: combined + offset })

class FiveSteps extends Flow<Input> {
  double = this.step(double, { next: ['measure'] })
  measure = this.step(measure, { next: ['offset'] })
  offset = this.step(offset, { next: ['combine'] })
  combine = this.step(combine, { next: ['score'] })
  score = this.step(score)
}

const app = new App('bench_flow')
const withFlow = app.pipeline('five_step_flow', { input }, (_p, record) => record.subscribeFlow(new FiveSteps()))
const withFuncs = app.pipeline('five_funcs', { input }, (_p, record) =>
  record.subscribeFunc(double).subscribeFunc(measure).subscribeFunc(offset).subscribeFunc(combine).subscribeFunc(score),
)

const records: Input[] = Array.from({ length: RECORDS }, (_, i) => ({ id: i, name: `name-${i % 1000}`, value: i }))
const expected = records.reduce((sum, r) => sum + r.value * 2 + r.name.length + (r.id % 7), 0)
let checksum = 0

function byHand(validate: boolean): void {
  let sum = 0
  for (const raw of records) {
    const r0 = validate ? input.parse(raw) : raw
    const r1 = { ...r0, ...double(r0) }
    const r2 = { ...r1, ...measure(r1) }
    const r3 = { ...r2, ...offset(r2) }
    const r4 = { ...r3, ...combine(r3) }
    const r5 = { ...r4, ...score(r4) }
    sum += r5.score
  }
  checksum = sum
}

// The same calls through one shared merge helper: V8 runs one spread site much faster than five
// distinct inline ones, so this is the fastest hand-written form we know, shown for honesty.
const merge = <A extends object, B extends object>(a: A, b: B): A & B => ({ ...a, ...b })

function byHandTuned(validate: boolean): void {
  let sum = 0
  for (const raw of records) {
    const r0 = validate ? input.parse(raw) : raw
    const r1 = merge(r0, double(r0))
    const r2 = merge(r1, measure(r1))
    const r3 = merge(r2, offset(r2))
    const r4 = merge(r3, combine(r3))
    const r5 = merge(r4, score(r4))
    sum += r5.score
  }
  checksum = sum
}

/** The flow's runner alone: what a pipeline node calls per record. */
function flowRunner(): void {
  const run = new FiveSteps()[toPipelineStep]().run
  let sum = 0
  for (const record of records) sum += (run(record) as { score: number }).score
  checksum = sum
}

async function engine(pipeline: typeof withFlow | typeof withFuncs): Promise<void> {
  let sum = 0
  const run = startMemoryRun([pipeline], {
    onOutput: (_, record) => {
      sum += (record as { score: number }).score
    },
  })
  await run.feed(pipeline.name, records)
  await run.drain()
  await run.stop()
  const [stats] = await run.stats()
  if (stats?.counters.out !== RECORDS) throw new Error(`${pipeline.name}: ${stats?.counters.out} outputs of ${RECORDS}`)
  checksum = sum
}

export default async function flowBench(): Promise<BenchResult[]> {
  const options = { warmup: 1, runs: 3 }
  const check = (what: string) => {
    if (checksum !== expected) throw new Error(`${what}: checksum ${checksum}, expected ${expected}`)
  }
  const hand = await rate(RECORDS, () => byHand(true), options)
  check('by hand')
  const handBare = await rate(RECORDS, () => byHand(false), options)
  check('by hand, no validation')
  const tuned = await rate(RECORDS, () => byHandTuned(true), options)
  check('by hand, tuned')
  const tunedBare = await rate(RECORDS, () => byHandTuned(false), options)
  check('by hand, tuned, no validation')
  const runner = await rate(RECORDS, flowRunner, options)
  check('flow runner')
  const flowPipeline = await rate(RECORDS, () => engine(withFlow), options)
  check('flow pipeline')
  const funcPipeline = await rate(RECORDS, () => engine(withFuncs), options)
  check('subscribeFunc pipeline')

  const unit = 'records/s'
  const n = `${RECORDS.toLocaleString('en-US')} records, median of 3`
  return [
    compared(
      '5-step flow in a pipeline (memory)',
      flowPipeline,
      unit,
      { name: '5 functions by hand + zod', value: hand },
      `target >= 0.5x; ${n}`,
    ),
    compared('5-step flow in a pipeline (memory)', flowPipeline, unit, { name: '5 subscribeFunc nodes (memory)', value: funcPipeline }),
    compared(
      '5-step flow runner alone',
      runner,
      unit,
      { name: '5 functions by hand, no validation', value: handBare },
      'the flow overhead',
    ),
    compared(
      '5-step flow in a pipeline (memory)',
      flowPipeline,
      unit,
      { name: 'tuned by hand + zod', value: tuned },
      'one shared merge helper',
    ),
    compared('5-step flow runner alone', runner, unit, { name: 'tuned by hand, no validation', value: tunedBare }),
  ]
}
