// Acceptance 8: the memory engine against a hand-written loop doing the same work (the same zod
// validation, the same three functions, the same merges), without and with worker boundaries.
import { z } from 'zod'
import { App } from '../src/index.js'
import { startMemoryRun } from '../src/runtime/index.js'
import { type BenchResult, compared, perSecond, time } from './harness.js'

const RECORDS = Number(process.env.STAIRS_BENCH_RECORDS ?? 500_000)

const input = z.object({ id: z.number(), name: z.string(), value: z.number() })
type Input = z.infer<typeof input>

const double = ({ value }: { value: number }) => ({ doubled: value * 2 })
const measure = ({ name }: { name: string }) => ({ length: name.length })
const score = ({ doubled, length }: { doubled: number; length: number }) => ({ score: doubled + length })

const app = new App('bench')
const plain = app.pipeline('three_steps', { input }, (_p, record) =>
  record.subscribeFunc(double).subscribeFunc(measure).subscribeFunc(score),
)
const workers = app.pipeline('three_workers', { input }, (_p, record) =>
  record.subscribeFunc(double, { asWorker: true }).subscribeFunc(measure, { asWorker: true }).subscribeFunc(score, { asWorker: true }),
)

const records: Input[] = Array.from({ length: RECORDS }, (_, i) => ({ id: i, name: `name-${i % 1000}`, value: i }))

// Every variant sums the scores it saw, so no work can be optimized away and all can be compared.
let checksum = 0

function handLoop(validate: boolean): void {
  let sum = 0
  for (const raw of records) {
    const r0 = validate ? input.parse(raw) : raw
    const r1 = { ...r0, ...double(r0) }
    const r2 = { ...r1, ...measure(r1) }
    const r3 = { ...r2, ...score(r2) }
    sum += r3.score
  }
  checksum = sum
}

// The same loop with one shared merge helper: V8 runs one spread site much faster than three
// distinct inline ones, so this is the fastest hand-written form we know, shown for honesty.
const merge = <A extends object, B extends object>(a: A, b: B): A & B => ({ ...a, ...b })

function tunedLoop(): void {
  let sum = 0
  for (const raw of records) {
    const r0 = input.parse(raw)
    const r1 = merge(r0, double(r0))
    const r2 = merge(r1, measure(r1))
    const r3 = merge(r2, score(r2))
    sum += r3.score
  }
  checksum = sum
}

async function engine(pipeline: typeof plain | typeof workers): Promise<void> {
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

export default async function memoryEngineBench(): Promise<BenchResult[]> {
  const expected = records.reduce((sum, r) => sum + r.value * 2 + r.name.length, 0)
  const check = (what: string) => {
    if (checksum !== expected) throw new Error(`${what}: checksum ${checksum}, expected ${expected}`)
  }
  const loop = await rateOf(() => handLoop(true))
  check('hand loop')
  const bare = await rateOf(() => handLoop(false))
  check('hand loop without validation')
  const tuned = await rateOf(tunedLoop)
  check('tuned hand loop')
  const noBoundaries = await rateOf(() => engine(plain))
  check('engine')
  const boundaries = await rateOf(() => engine(workers))
  check('engine with boundaries')

  const unit = 'records/s'
  const n = `${RECORDS.toLocaleString('en-US')} records, median of 3 runs`
  const rows = (clock: 'wall' | 'cpu', tag: string): BenchResult[] => {
    const handLoopRef = { name: 'hand loop + zod', value: loop[clock] }
    const bareRef = { name: 'hand loop, no validation', value: bare[clock] }
    const tunedRef = { name: 'tuned hand loop + zod', value: tuned[clock] }
    return [
      compared(`engine, 3 steps, no boundary${tag}`, noBoundaries[clock], unit, handLoopRef, `target >= 0.5x; ${n}`),
      compared(`engine, 3 steps, no boundary${tag}`, noBoundaries[clock], unit, bareRef, 'vs a loop without validation'),
      compared(`engine, 3 steps, no boundary${tag}`, noBoundaries[clock], unit, tunedRef, 'vs the loop with one shared merge helper'),
      compared(
        `engine, 3 steps, 3 boundaries${tag}`,
        boundaries[clock],
        unit,
        handLoopRef,
        'target >= 200,000 records/s (JSON at every boundary)',
      ),
      compared(`engine, 3 steps, 3 boundaries${tag}`, boundaries[clock], unit, bareRef),
      compared(`hand loop + zod${tag}`, loop[clock], unit, bareRef, 'the cost of validation alone'),
    ]
  }
  // Wall clock is what the targets mean; records per CPU-second are less skewed when others share the cores.
  return [...rows('wall', ''), ...rows('cpu', ' [per CPU-s]')]
}

/** Records/s of `fn` over RECORDS records, by wall clock and by CPU time (median of 3 after a warm-up). */
async function rateOf(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const timing = await time(fn, { warmup: 1, runs: 3 })
  return { wall: perSecond(RECORDS, timing.medianMs), cpu: perSecond(RECORDS, timing.cpuMedianMs) }
}
