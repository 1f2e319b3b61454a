// Flow semantics: startFrom/next/saveResult, branches seeing only their own keys, STOP, and the
// errors a wrong Flow definition or a failing step gives.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Flow, FlowDefinitionError, FlowStepError, STOP, StopPipeline } from '../src/index.js'
import { runPipeline } from '../src/runtime/index.js'

// The flow of acceptance 1: first -> second (saveResult) -> last.
class Powers extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
}

// Two branches after `root`; each records which keys it saw.
class Branches extends Flow<{ value: number }> {
  root = this.step(({ value }: { value: number }) => ({ doubled: value * 2 }), { next: ['left', 'right'] })
  left = this.step((record: { doubled: number }) => ({ left: record.doubled + 1, leftSaw: Object.keys(record).sort() }))
  right = this.step((record: { doubled: number }) => ({ right: record.doubled - 1, rightSaw: Object.keys(record).sort() }))
}

const input = z.object({ value: z.number() })

describe('Flow semantics', () => {
  it('startFrom returns the last step output and the saved step record (acceptance 1)', () => {
    expect(new Powers().startFrom('first', { value: 3 })).toEqual({
      last: { p3: 27, seenP2: 9 },
      second: { value: 3, p1: 3, p2: 9 },
    })
  })

  it('starts from a middle step with the data that step needs', () => {
    expect(new Powers().startFrom('second', { value: 2, p1: 5 })).toEqual({
      last: { p3: 8, seenP2: 25 },
      second: { value: 2, p1: 5, p2: 25 },
    })
  })

  it('runs each branch on its own copy: neither sees the other keys', () => {
    expect(new Branches().startFrom('root', { value: 5 })).toEqual({
      left: { left: 11, leftSaw: ['doubled', 'value'] },
      right: { right: 9, rightSaw: ['doubled', 'value'] },
    })
  })

  it('outputs the accumulated record at the last step as a pipeline component', async () => {
    const app = new App('flow_sem_component')
    const pl = app.pipeline('powers', { input }, (_p, record) => record.subscribeFlow(new Powers()))
    const { outputs, stats } = await runPipeline(pl, [{ value: 3 }, { value: 2 }])
    expect(outputs).toEqual([
      { value: 3, p1: 3, p2: 9, p3: 27, seenP2: 9 },
      { value: 2, p1: 2, p2: 4, p3: 8, seenP2: 4 },
    ])
    expect(stats.counters).toMatchObject({ in: 2, out: 2, filtered: 0, deadLettered: 0 })
  })

  // The accumulated record starts from the record the flow receives, so keys the flow does not
  // declare (`tag`) are in its output too; applyFlow replaces the record by that output.
  it('merges the branches last records as a pipeline component', async () => {
    const app = new App('flow_sem_apply')
    const pl = app.pipeline('branches', { input: z.object({ value: z.number(), tag: z.string() }) }, (_p, record) =>
      record.applyFlow(new Branches(), { asWorker: true }),
    )
    const { outputs } = await runPipeline(pl, [{ value: 1, tag: 't' }])
    expect(outputs).toEqual([
      { value: 1, tag: 't', doubled: 2, left: 3, leftSaw: ['doubled', 'tag', 'value'], right: 1, rightSaw: ['doubled', 'tag', 'value'] },
    ])
  })

  it('uses one flow instance in several pipelines (no per-record state)', async () => {
    const app = new App('flow_sem_shared')
    const shared = new Powers()
    const a = app.pipeline('a', { input }, (_p, r) => r.subscribeFlow(shared))
    const b = app.pipeline('b', { input }, (_p, r) => r.addValue({ extra: true }).applyFlow(shared, { asWorker: true }))
    const [ra, rb] = await Promise.all([runPipeline(a, [{ value: 1 }, { value: 2 }]), runPipeline(b, [{ value: 3 }])])
    expect(ra.outputs.map((o) => o.p3)).toEqual([1, 8])
    expect(rb.outputs).toEqual([{ value: 3, extra: true, p1: 3, p2: 9, p3: 27, seenP2: 9 }])
  })

  it('drops the record when a step returns STOP or throws StopPipeline (counted as filtered)', async () => {
    class OnlyEven extends Flow<{ value: number }> {
      check = this.step(({ value }: { value: number }) => (value % 2 === 0 ? { even: true } : STOP), { next: ['big'] })
      big = this.step(({ value }: { value: number }) => {
        if (value > 100) throw new StopPipeline('too big')
        return { half: value / 2 }
      })
    }
    expect(new OnlyEven().startFrom('check', { value: 3 })).toEqual({})
    const app = new App('flow_sem_stop')
    const pl = app.pipeline('even', { input }, (_p, r) => r.subscribeFlow(new OnlyEven()))
    const { outputs, stats, deadLetters } = await runPipeline(pl, [{ value: 1 }, { value: 4 }, { value: 200 }])
    expect(outputs).toEqual([{ value: 4, even: true, half: 2 }])
    expect(stats.counters).toMatchObject({ in: 3, out: 1, filtered: 2, deadLettered: 0 })
    expect(deadLetters).toEqual([])
  })

  it('runs the next step once per item of a fan-out step; the flow becomes a fan-out node', async () => {
    class Words extends Flow<{ text: string }> {
      split = this.fanOut(({ text }: { text: string }) => text.split(' ').map((word) => ({ word })), { next: ['measure'] })
      measure = this.step(({ word }: { word: string }) => ({ length: word.length }))
    }
    expect(new Words().startFrom('split', { text: 'a bb' })).toEqual({ measure: [{ length: 1 }, { length: 2 }] })
    const app = new App('flow_sem_fanout')
    const pl = app.pipeline('words', { input: z.object({ text: z.string() }) }, (_p, r) => r.subscribeFlow(new Words()))
    expect(pl.graph().nodes.find((n) => n.kind === 'func')).toMatchObject({ fanOut: true, component: 'flow', label: 'Words' })
    const { outputs, stats } = await runPipeline(pl, [{ text: 'to be' }, { text: 'x' }])
    expect(outputs).toEqual([
      { text: 'to be', word: 'to', length: 2 },
      { text: 'to be', word: 'be', length: 2 },
      { text: 'x', word: 'x', length: 1 },
    ])
    expect(stats.counters).toMatchObject({ in: 2, out: 3 })
  })

  it('awaits async steps, in startFrom and in a pipeline', async () => {
    class Slow extends Flow<{ value: number }> {
      fetch = this.step(async ({ value }: { value: number }) => ({ fetched: value + 1 }), { next: ['use'] })
      use = this.step(({ fetched }: { fetched: number }) => ({ used: fetched * 10 }))
    }
    const pending = new Slow().startFrom('fetch', { value: 1 })
    expect(pending).toBeInstanceOf(Promise)
    expect(await pending).toEqual({ use: { used: 20 } })
    const app = new App('flow_sem_async')
    const pl = app.pipeline('slow', { input }, (_p, r) => r.subscribeFlow(new Slow()))
    expect((await runPipeline(pl, [{ value: 4 }])).outputs).toEqual([{ value: 4, fetched: 5, used: 50 }])
  })

  it('reports a throwing step by name and flow', () => {
    class Fails extends Flow<{ value: number }> {
      ok = this.step(() => ({ a: 1 }), { next: ['broken'] })
      broken = this.step((): { b: number } => {
        throw new Error('boom')
      })
    }
    const call = () => new Fails().startFrom('ok', { value: 1 })
    expect(call).toThrow(FlowStepError)
    expect(call).toThrow("step 'broken' of flow 'Fails' failed: boom")
  })

  it('rejects a step result that is not a record, naming the step', () => {
    class Wrong extends Flow<{ value: number }> {
      only = this.step(({ value }: { value: number }) => [value] as unknown as { v: number })
    }
    expect(() => new Wrong().startFrom('only', { value: 1 })).toThrow("step 'only' of flow 'Wrong' failed: it returned an array")
  })

  it('refuses a wiring it cannot run, when the flow is first used', () => {
    class Cycle extends Flow<{ value: number }> {
      entry = this.step(() => ({}), { next: ['a'] })
      a = this.step(() => ({}), { next: ['b'] })
      b = this.step(() => ({}), { next: ['a'] })
    }
    // The types refuse this flow too (see test-d/flow-errors.test-d.ts); the casts reach the runtime check.
    expect(() => new Cycle().startFrom('entry', { value: 1 } as never)).toThrow(FlowDefinitionError)
    expect(() => new Cycle().startFrom('entry', { value: 1 } as never)).toThrow("flow 'Cycle': step 'a' leads back to itself (a cycle)")
    class Dangling extends Flow<{ value: number }> {
      // A name TypeScript accepts (`startFrom` is a key of the class) but that is not a step.
      a = this.step(() => ({}), { next: ['startFrom'] })
    }
    expect(() => new Dangling().startFrom('a', { value: 1 } as never)).toThrow(
      "flow 'Dangling': step 'a' names next step 'startFrom', which is not a step of the flow",
    )
    const app = new App('flow_sem_bad')
    expect(() => app.pipeline('bad', { input }, (_p, r) => r.subscribeFlow(new Cycle() as never) as never).graph()).toThrow(
      FlowDefinitionError,
    )
  })
})
