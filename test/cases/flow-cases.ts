// Flow semantics (issue 3) as engine-independent cases: each point with the flow inline and behind
// its own worker boundary (`asWorker`); both variants must give the same records on every engine.
import { z } from 'zod'
import { App, Flow, STOP } from '../../src/index.js'
import type { EngineCase } from '../../src/testing/index.js'

const valueInput = z.object({ value: z.number() })

class Powers extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
}

class PowersOverride extends Powers {
  override second = this.step(({ p1 }: { p1: number }) => ({ p2: -p1 }), { next: ['last'] })
}

class PowersReconnected extends Powers {
  extra = this.step(({ p3 }: { p3: number }) => ({ p4: p3 + 1 }))
  override reconnect() {
    return [this.connect('last', 'extra')] as const
  }
}

class Branches extends Flow<{ value: number }> {
  root = this.step(({ value }: { value: number }) => ({ doubled: value * 2 }), { next: ['left', 'right'] })
  left = this.step((record: { doubled: number }) => ({ left: record.doubled + 1, leftSawRight: 'right' in record }))
  right = this.step((record: { doubled: number }) => ({ right: record.doubled - 1, rightSawLeft: 'left' in record }))
}

class OddOnly extends Flow<{ value: number }> {
  check = this.step(({ value }: { value: number }) => (value % 2 === 1 ? { odd: true } : STOP), { next: ['mark'] })
  mark = this.step(({ value }: { value: number }) => ({ marked: `#${value}` }))
}

class Splitter extends Flow<{ text: string }> {
  split = this.fanOut(({ text }: { text: string }) => text.split(' ').map((word) => ({ word })), { next: ['measure'] })
  measure = this.step(({ word }: { word: string }) => ({ length: word.length }))
}

class Summed extends Flow<{ value: number }> {
  run(this: Summed, input: { value: number }) {
    const result = this.startFrom('square', input)
    return { sum: result.square.squared + result.cube.cubed }
  }
  square = this.step(({ value }: { value: number }) => ({ squared: value * value }), { next: ['cube'], saveResult: true })
  cube = this.step(({ value }: { value: number }) => ({ cubed: value ** 3 }))
}

class AsyncSteps extends Flow<{ value: number }> {
  fetch = this.step(async ({ value }: { value: number }) => ({ fetched: value + 1 }), { next: ['use'] })
  use = this.step(({ fetched }: { fetched: number }) => ({ used: fetched * 10 }))
}

type CaseSpec = Omit<EngineCase, 'name'>
type On = { asWorker: boolean }

function bothVariants(slug: string, title: string, build: (app: App, on: On) => CaseSpec): EngineCase[] {
  return [false, true].map((worker) => {
    const app = new App(`flow_${slug}_${worker ? 'workers' : 'inline'}`)
    return { name: `flow: ${title} [${worker ? 'asWorker' : 'no boundary'}]`, ...build(app, { asWorker: worker }) }
  })
}

const counted = (inCount: number, out: number, filtered = 0) => ({ in: inCount, out, filtered, deadLettered: 0, rejected: 0 })
const shared = new Powers()

/** Every Flow semantics case, both variants. */
export const flowCases: EngineCase[] = [
  ...bothVariants('chain', 'subscribeFlow merges the accumulated record at the last step', (app, on) => ({
    pipeline: app.pipeline('chain', { input: valueInput }, (_p, r) => r.subscribeFlow(new Powers(), on)),
    inputs: [{ value: 3 }, { value: 2 }],
    expected: [
      { value: 3, p1: 3, p2: 9, p3: 27, seenP2: 9 },
      { value: 2, p1: 2, p2: 4, p3: 8, seenP2: 4 },
    ],
    counters: counted(2, 2),
  })),
  ...bothVariants('apply', 'applyFlow on a data point keeps only the flow output', (app, on) => ({
    pipeline: app.pipeline('apply', { input: z.object({ value: z.number(), other: z.string() }) }, (_p, r) =>
      r.get('value').applyFlow(new Powers(), on),
    ),
    inputs: [{ value: 2, other: 'gone' }],
    expected: [{ value: 2, p1: 2, p2: 4, p3: 8, seenP2: 4 }],
    counters: counted(1, 1),
  })),
  ...bothVariants('branches', 'branches each run on their own copy and their records merge', (app, on) => ({
    pipeline: app.pipeline('branches', { input: valueInput }, (_p, r) => r.subscribeFlow(new Branches(), on)),
    inputs: [{ value: 5 }],
    expected: [{ value: 5, doubled: 10, left: 11, leftSawRight: false, right: 9, rightSawLeft: false }],
    counters: counted(1, 1),
  })),
  ...bothVariants('stop', 'STOP in a step drops the record (filtered)', (app, on) => ({
    pipeline: app.pipeline('stop', { input: valueInput }, (_p, r) => r.subscribeFlow(new OddOnly(), on)),
    inputs: [{ value: 1 }, { value: 2 }, { value: 3 }],
    expected: [
      { value: 1, odd: true, marked: '#1' },
      { value: 3, odd: true, marked: '#3' },
    ],
    counters: counted(3, 2, 1),
  })),
  ...bothVariants('fanout', 'a fan-out step runs the next step once per item', (app, on) => ({
    pipeline: app.pipeline('fanout', { input: z.object({ text: z.string() }) }, (_p, r) => r.subscribeFlow(new Splitter(), on)),
    inputs: [{ text: 'to be' }],
    expected: [
      { text: 'to be', word: 'to', length: 2 },
      { text: 'to be', word: 'be', length: 2 },
    ],
    counters: counted(1, 2),
  })),
  ...bothVariants('custom_run', "a custom run's result is the flow output", (app, on) => ({
    pipeline: app.pipeline('custom_run', { input: valueInput }, (_p, r) => r.subscribeFlow(new Summed(), on)),
    inputs: [{ value: 2 }],
    expected: [{ value: 2, sum: 12 }],
    counters: counted(1, 1),
  })),
  ...bothVariants('override', 'a subclass override changes what the later steps see', (app, on) => ({
    pipeline: app.pipeline('override', { input: valueInput }, (_p, r) => r.subscribeFlow(new PowersOverride(), on)),
    inputs: [{ value: 3 }],
    expected: [{ value: 3, p1: 3, p2: -3, p3: 27, seenP2: -3 }],
    counters: counted(1, 1),
  })),
  ...bothVariants('reconnect', 'reconnect() adds a step after the last one', (app, on) => ({
    pipeline: app.pipeline('reconnect', { input: valueInput }, (_p, r) => r.subscribeFlow(new PowersReconnected(), on)),
    inputs: [{ value: 2 }],
    expected: [{ value: 2, p1: 2, p2: 4, p3: 8, seenP2: 4, p4: 9 }],
    counters: counted(1, 1),
  })),
  ...bothVariants('async', 'async steps are awaited', (app, on) => ({
    pipeline: app.pipeline('async', { input: valueInput }, (_p, r) => r.subscribeFlow(new AsyncSteps(), on)),
    inputs: [{ value: 4 }],
    expected: [{ value: 4, fetched: 5, used: 50 }],
    counters: counted(1, 1),
  })),
  ...bothVariants('shared', 'one flow instance used twice in a pipeline', (app, on) => ({
    pipeline: app.pipeline('shared', { input: valueInput }, (_p, r) =>
      r
        .subscribeFlow(shared, on)
        .make({ value: 'p3' })
        .subscribeFlow(shared, { ...on, name: 'Powers_again' }),
    ),
    inputs: [{ value: 2 }],
    expected: [{ value: 8, p1: 8, p2: 64, p3: 512, seenP2: 64 }],
    counters: counted(1, 1),
  })),
]
