// Acceptance 7: 1,000,000 records into a pipeline whose last stage is slow stay under 300 MB RSS,
// because bounded queues slow the producer down. The contrast: a naive loop that starts every
// record at once and awaits them all. Each variant runs in its own process, so each peak is its own.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { App } from '../src/index.js'
import { startMemoryRun } from '../src/runtime/index.js'
import { type BenchResult, perSecond, sampleRss } from './harness.js'

const RECORDS = Number(process.env.STAIRS_BENCH_RSS_RECORDS ?? 1_000_000)
const LIMIT_MB = 300
const MB = 1024 * 1024

const input = z.object({ id: z.number(), text: z.string() })

/** Records made on demand (a generator), so the source itself holds nothing. */
function* source(): Generator<{ id: number; text: string }> {
  for (let id = 0; id < RECORDS; id++) yield { id, text: `record ${id} `.padEnd(120, 'lorem ipsum dolor sit amet ') }
}

const count = ({ text }: { text: string }) => ({ words: text.split(' ').length })
/** The slow last stage: each record waits for a turn of the event loop. */
const slow = async ({ id, words }: { id: number; words: number }) => {
  await new Promise<void>((resolve) => setImmediate(resolve))
  return { digest: (id * 31 + words) % 1009 }
}

const app = new App('rss')
const pipeline = app.pipeline('slow_tail', { input }, (_p, record) => record.subscribeFunc(count).subscribeFunc(slow, { asWorker: true }))

interface Measured {
  peakRss: number
  ms: number
  outputs: number
}

async function engineVariant(): Promise<Measured> {
  let outputs = 0
  const run = startMemoryRun([pipeline], { onOutput: () => void outputs++ })
  const start = performance.now()
  await run.feed(pipeline.name, source())
  await run.drain()
  await run.stop()
  return { peakRss: 0, ms: performance.now() - start, outputs }
}

/** What one writes without a queue: start everything, then wait for everything. */
async function naiveVariant(): Promise<Measured> {
  const start = performance.now()
  const pending: Promise<unknown>[] = []
  for (const raw of source()) {
    const record = input.parse(raw)
    pending.push(slow({ ...record, ...count(record) }).then((result) => ({ ...record, ...result })))
  }
  const outputs = (await Promise.all(pending)).length
  return { peakRss: 0, ms: performance.now() - start, outputs }
}

function measureInChild(variant: 'engine' | 'naive'): Measured {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), variant], { encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`rss bench, ${variant}: exited with ${child.status ?? child.signal}\n${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Measured
}

export default async function memoryRssBench(): Promise<BenchResult[]> {
  const engine = measureInChild('engine')
  const naive = measureInChild('naive')
  const n = `${RECORDS.toLocaleString('en-US')} records`
  for (const [name, m] of [
    ['engine', engine],
    ['naive', naive],
  ] as const)
    if (m.outputs !== RECORDS) throw new Error(`rss bench, ${name}: ${m.outputs} outputs of ${RECORDS}`)
  return [
    {
      name: 'engine peak RSS, slow last stage',
      value: engine.peakRss / MB,
      unit: 'MB',
      baseline: { name: 'naive: all records in flight', value: naive.peakRss / MB },
      ratio: engine.peakRss / naive.peakRss,
      note: `${n}; limit ${LIMIT_MB} MB: ${engine.peakRss / MB < LIMIT_MB ? 'OK' : 'EXCEEDED'}`,
    },
    {
      name: 'engine input rate, slow last stage',
      value: perSecond(RECORDS, engine.ms),
      unit: 'records/s',
      baseline: { name: 'naive', value: perSecond(RECORDS, naive.ms) },
      ratio: naive.ms / engine.ms,
      note: 'with backpressure the input runs at the slow stage pace',
    },
  ]
}

// Child mode: `memory-rss.bench.ts engine|naive` runs one variant and prints its figures as JSON.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const variant = process.argv[2]
  const sampler = sampleRss(5)
  const measured = await (variant === 'naive' ? naiveVariant() : engineVariant())
  measured.peakRss = sampler.stop()
  console.log(JSON.stringify(measured))
}
