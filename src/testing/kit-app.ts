// The pipelines the conformance kit runs on an engine: one app, `kit`, with one pipeline per
// semantics point. They are plain DSL, defined once at module load, so a child worker process
// that imports this module builds exactly the graph the test process built (same node ids).
// Records carry a `key` unique to the test, so behaviour that depends on what happened to a
// record before (retries) is kept per record and never leaks between tests.
import { appendFileSync, existsSync } from 'node:fs'
import { z } from 'zod'
import { App } from '../dsl/app.js'
import { STOP } from '../dsl/stop.js'

export const kitApp = new App('kit')

const keyed = z.object({ key: z.string(), n: z.number() })

/** 1 stage: no worker boundary. */
export const oneStage = kitApp.pipeline('one_stage', { input: keyed }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ doubled: n * 2 }), { name: 'double' }),
)

/** 3 stages: two worker boundaries, each record serialized twice on the way. */
export const threeStages = kitApp.pipeline('three_stages', { input: keyed }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ doubled: n * 2 }), { name: 'double', asWorker: true })
    .subscribeFunc(({ doubled }) => ({ plus: doubled + 1 }), { name: 'plus_one', asWorker: true }),
)

/** Fan-out across a boundary: record n becomes n % 3 + 1 records. */
export const fanOut = kitApp.pipeline('fan_out', { input: keyed }, (_p, r) =>
  r
    .subscribeFanOut(({ n }) => Array.from({ length: (n % 3) + 1 }, (_, copy) => ({ copy })), { name: 'copies', asWorker: true })
    .subscribeFunc(({ copy }) => ({ tagged: `c${copy}` }), { name: 'tag', asWorker: true }),
)

/** `when` skips a node (the record passes unchanged); STOP drops a record on purpose (counted as filtered). */
export const whenStop = kitApp.pipeline('when_stop', { input: keyed }, (_p, r) =>
  r
    .subscribeFunc(() => ({ even: true }), { name: 'mark_even', when: ({ n }) => n % 2 === 0, asWorker: true })
    .subscribeFunc(({ n }) => (n % 3 === 0 ? STOP : { kept: true }), { name: 'drop_threes', asWorker: true }),
)

/** A sub-pipeline with a nested default config, called across a worker boundary. */
export const scale = kitApp.pipeline(
  'scale',
  { input: z.object({ n: z.number() }), config: { factor: 10, tag: { prefix: 'p', suffix: 's' } } },
  (p, r) =>
    r.applyFunc(({ n }) => ({ scaled: n * p.config.factor, tag: `${p.config.tag.prefix}-${p.config.tag.suffix}` }), {
      name: 'scale',
      asWorker: true,
    }),
)

/** Calls `scale` with its defaults. */
export const callsDefault = kitApp.pipeline('calls_default', { input: keyed }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'before', asWorker: true }).subscribePipeline(scale),
)

/** Calls `scale` with a config override merged over its defaults. */
export const callsOverride = kitApp.pipeline('calls_override', { input: keyed }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'before', asWorker: true })
    .subscribePipeline(scale, { config: { factor: 3, tag: { suffix: 'S' } } }),
)

/** Attempts per record key, kept by the failing steps below (process-local, keys are per test). */
export const attemptsSeen = new Map<string, number>()

const countAttempt = (key: string): number => {
  const attempt = (attemptsSeen.get(key) ?? 0) + 1
  attemptsSeen.set(key, attempt)
  return attempt
}

/** Retries: each record fails its first two attempts, then succeeds on the third. */
export const flaky = kitApp.pipeline('flaky', { input: keyed }, (_p, r) =>
  r.subscribeFunc(
    ({ key }) => {
      const attempt = countAttempt(key)
      if (attempt < 3) throw new Error(`flaky: attempt ${attempt} of '${key}' fails`)
      return { attempt }
    },
    { name: 'flaky_step', asWorker: true, retry: { attempts: 3, backoffMs: 5 } },
  ),
)

/** Poison: n === 13 always throws; its attempts run out and it goes to the dead letters. */
export const poison = kitApp.pipeline('poison', { input: keyed }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ m: n }), { name: 'first', asWorker: true })
    .subscribeFunc(
      ({ key, n }) => {
        countAttempt(key)
        if (n === 13) throw new Error(`poison: thirteen is unlucky (${key})`)
        return { ok: true }
      },
      { name: 'unlucky', asWorker: true, retry: { attempts: 3, backoffMs: 5 } },
    ),
)

/** Size limit: `grow` makes the record `grow` characters larger before it crosses a boundary. */
export const growing = kitApp.pipeline('growing', { input: z.object({ key: z.string(), pad: z.string(), grow: z.number() }) }, (_p, r) =>
  r
    .subscribeFunc(({ grow }) => ({ big: 'y'.repeat(grow) }), { name: 'grow', asWorker: true })
    .subscribeFunc(({ big }) => ({ length: big.length }), { name: 'measure', asWorker: true }),
)

/** Steps that take `delayMs` each, with a count of steps started and finished (for stop and backpressure). */
export const slowSteps = { started: 0, finished: 0 }

export const slow = kitApp.pipeline('slow', { input: z.object({ key: z.string(), n: z.number(), delayMs: z.number() }) }, (_p, r) =>
  r
    .subscribeFunc(
      async ({ delayMs }) => {
        slowSteps.started++
        await new Promise((resolve) => setTimeout(resolve, delayMs))
        slowSteps.finished++
        return { slept: true }
      },
      { name: 'sleep' },
    )
    .subscribeFunc(({ n }) => ({ m: n }), { name: 'after', asWorker: true }),
)

/** What the standalone consumer saw (in the process that ran it). */
export const standaloneSeen: string[] = []
export const auditLog = kitApp.standaloneConsumer('audit_log', ({ key, m }: { key: string; m: number }) => {
  standaloneSeen.push(`${key}:${m}`)
})
export const audited = kitApp.pipeline('audited', { input: keyed }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'plus', asWorker: true }).subscribeConsumer(auditLog),
)

export const examples = kitApp.consumerIter('examples', ({ key, m }: { key: string; m: number }) => `${key}:${m}`)
export const iterated = kitApp.pipeline('iterated', { input: keyed }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ m: n * 3 }), { name: 'triple', asWorker: true }).subscribeConsumer(examples),
)

/**
 * The durability pipeline (run by child worker processes): 3 stages, the last one's consumer
 * appends `key pid` to the file named by STAIRS_KIT_SINK (a synchronous append, so what a
 * SIGKILL interrupts is only what was not written yet), after STAIRS_KIT_SINK_DELAY_MS per record.
 * While a file `<sink>.hold` exists, the consumer holds its record (and prints `held` once per
 * record): the test kills a worker that is provably in the middle of a batch.
 */
export const sinkLine = kitApp.consumer('sink_line', async ({ key }: { key: string }) => {
  const file = process.env.STAIRS_KIT_SINK
  if (!file) throw new Error('kit: the durable pipeline needs STAIRS_KIT_SINK (the sink file) in its worker process')
  const delay = Number(process.env.STAIRS_KIT_SINK_DELAY_MS ?? 0)
  if (delay > 0) await sleep(delay)
  if (existsSync(`${file}.hold`)) {
    process.stdout.write('held\n')
    while (existsSync(`${file}.hold`)) await sleep(10)
  }
  appendFileSync(file, `${key} ${process.pid}\n`)
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
export const durable = kitApp.pipeline('durable', { input: keyed }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ squared: n * n }), { name: 'square' })
    .subscribeFunc(({ squared }) => ({ even: squared % 2 === 0 }), { name: 'parity', asWorker: true })
    .subscribeConsumer(sinkLine, { name: 'sink', asWorker: true }),
)

/** Rows the limited producer yields; `context.args[0]` is the test id (keys stay per test). */
export const LIMITED_ROWS = 400
export const PRODUCER_LIMIT = 40

/** A producer with `limit` in front of the slow pipeline (each row's step sleeps 2 ms). */
export const limited = kitApp.producer('limited', { pipelines: [slow], limit: PRODUCER_LIMIT }, function* (context) {
  for (let n = 0; n < LIMITED_ROWS; n++) yield { key: `${context.args[0]}-${n}`, n, delayMs: 2 }
})
