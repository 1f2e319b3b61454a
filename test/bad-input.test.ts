// Acceptance 6 of issue 2: bad records end in the dead-letter list with a useful error, the run
// goes on, and nothing is lost (fed = out + filtered + dead-lettered). Also the builder's errors.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, concatenate, GraphError, NameError, STOP } from '../src/index.js'
import { planPipeline } from '../src/plan/planner.js'
import { runPipeline } from '../src/runtime/index.js'

const ab = z.object({ a: z.number(), b: z.number() })
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })

/** The line of this file that calls it (the stack is source-mapped). */
const lineOfCaller = (): number => Number(/bad-input\.test\.ts:(\d+)/.exec(new Error().stack?.split('\n')[2] ?? '')?.[1])

describe('records that fail their input schema', () => {
  it('are dead-lettered with the zod message, and the run goes on', async () => {
    const app = new App('bad_schema')
    const pl = app.pipeline('schema', { input: ab }, (_p, r) => r.subscribeFunc(f1))
    const bad = { a: 'one', b: 2 }
    const { outputs, stats, deadLetters } = await runPipeline(pl, [{ a: 1, b: 2 }, bad as never, { a: 3, b: 4 }])

    expect(outputs).toEqual([
      { a: 1, b: 2, x: 10 },
      { a: 3, b: 4, x: 30 },
    ])
    const zodMessage = ab.safeParse(bad).error?.message
    expect(zodMessage).toContain('expected number')
    expect(deadLetters).toHaveLength(1)
    expect(deadLetters[0]).toMatchObject({ pipeline: 'schema', stage: 'input', attempts: 1, payload: bad })
    expect(deadLetters[0]?.error).toEqual({ name: 'InputError', message: zodMessage })
    expect(stats.counters).toMatchObject({ in: 2, out: 2, rejected: 1, deadLettered: 1, filtered: 0 })
  })
})

describe('values that cannot cross a stage boundary', () => {
  const cyclic = (): object => {
    const node: { self?: object } = {}
    node.self = node
    return node
  }
  const unsafe: [string, () => unknown, string, string][] = [
    ['a function', () => () => 1, 'payload', 'a function'],
    ['a BigInt', () => 10n, 'payload', 'a bigint'],
    ['a Map', () => new Map([['k', 1]]), 'payload', 'a Map'],
    ['a cyclic object', cyclic, 'payload.self', 'a cyclic reference'],
  ]

  it.each(unsafe)('%s fails with an error naming the stage and the key', async (_what, make, key, holds) => {
    const app = new App('bad_wire')
    const pl = app.pipeline('wire', { input: ab }, (_p, r) =>
      r
        .subscribeFunc(({ a }) => (a === 1 ? { payload: make() } : { payload: 'fine' }), { name: 'produce' })
        .subscribeFunc(({ b }) => ({ c: b + 1 }), { name: 'after', asWorker: true }),
    )
    const { outputs, stats, deadLetters } = await runPipeline(pl, [
      { a: 1, b: 2 },
      { a: 2, b: 2 },
    ])

    expect(outputs).toEqual([{ a: 2, b: 2, payload: 'fine', c: 3 }])
    expect(deadLetters).toHaveLength(1)
    const [dead] = deadLetters
    // The boundary is crossed when stage `input` hands the record to stage `after`: permanent, no retry.
    expect(dead).toMatchObject({ pipeline: 'wire', stage: 'input', attempts: 1 })
    expect(dead?.error.name).toBe('WireError')
    expect(dead?.error.message).toContain(`stage 'wire/input': key '${key}' holds ${holds}`)
    expect(stats.counters).toMatchObject({ in: 2, out: 1, filtered: 0, deadLettered: 1 })
  })
  it('a fan-out child that cannot cross fails its whole record: none of its siblings goes on', async () => {
    const app = new App('bad_wire_fan')
    const pl = app.pipeline('fan', { input: z.object({ a: z.number() }) }, (_p, r) =>
      r
        .applyFanOut(({ a }) => [{ v: a }, { v: a === 1 ? 10n : a * 10 }], { name: 'spread' })
        .subscribeFunc(({ v }) => ({ w: String(v) }), { name: 'after', asWorker: true }),
    )
    const { outputs, stats, deadLetters } = await runPipeline(pl, [{ a: 1 }, { a: 2 }])

    expect(outputs).toEqual([
      { v: 2, w: '2' },
      { v: 20, w: '20' },
    ])
    expect(deadLetters.map((d) => [d.stage, d.error.name, d.payload])).toEqual([['input', 'WireError', { a: 1 }]])
    expect(deadLetters[0]?.error.message).toContain("stage 'fan/input': key 'v' holds a bigint")
    expect(stats.counters).toMatchObject({ in: 2, out: 2, deadLettered: 1 })
  })
})

describe('a step that always throws', () => {
  it('ends in the dead-letter list after its retries, with its error', async () => {
    const app = new App('bad_step')
    const explode = ({ a }: { a: number }) => {
      if (a === 2) throw new Error(`cannot handle a=${a}`)
      return { ok: true }
    }
    const pl = app.pipeline('throws', { input: ab }, (_p, r) =>
      r.subscribeFunc(f1).subscribeFunc(explode, { asWorker: true, retry: { attempts: 3, backoffMs: 1 } }),
    )
    const { outputs, stats, deadLetters } = await runPipeline(pl, [
      { a: 1, b: 0 },
      { a: 2, b: 0 },
      { a: 3, b: 0 },
    ])

    expect(outputs.map((o) => o.a).sort()).toEqual([1, 3])
    expect(deadLetters).toHaveLength(1)
    const [dead] = deadLetters
    expect(dead).toMatchObject({ pipeline: 'throws', stage: 'explode', attempts: 3 })
    expect(dead?.error.name).toBe('StepError')
    expect(dead?.error.message).toMatch(/pipeline 'throws', stage 'explode': step 'explode' \(test\/bad-input\.test\.ts:\d+\) failed/)
    expect(dead?.error.message).toContain('cannot handle a=2')
    expect(stats.counters).toMatchObject({ in: 3, out: 2, deadLettered: 1 })
    expect(stats.stages.find((s) => s.stage === 'explode')?.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1 })
  })
})

describe('nothing is lost', () => {
  it('counts every record fed as out, filtered or dead-lettered', async () => {
    const app = new App('bad_mix')
    const pl = app.pipeline('mix', { input: ab }, (_p, r) =>
      r
        .subscribeFunc(({ a }) => (a % 5 === 0 ? STOP : undefined), { name: 'drop_fives', asWorker: true })
        .subscribeFunc(({ a }) => (a % 7 === 0 ? { bad: () => a } : { bad: null }), { name: 'unsafe' })
        .subscribeFunc(
          ({ a }) => {
            if (a % 11 === 0) throw new Error('elevens fail')
          },
          { name: 'fail_elevens', asWorker: true, retry: { attempts: 2, backoffMs: 1 } },
        ),
    )
    const inputs: unknown[] = []
    for (let a = 1; a <= 100; a++) inputs.push(a % 13 === 0 ? { a: String(a), b: 0 } : { a, b: 0 })
    const { outputs, stats, deadLetters } = await runPipeline(pl, inputs as never[])

    const { in: accepted, out, filtered, deadLettered, rejected } = stats.counters
    expect(accepted + rejected).toBe(inputs.length)
    expect(out + filtered + deadLettered).toBe(inputs.length)
    expect(outputs).toHaveLength(out)
    expect(deadLetters).toHaveLength(deadLettered)
    const numbers = Array.from({ length: 100 }, (_, i) => i + 1).filter((a) => a % 13 !== 0)
    expect(rejected).toBe(7)
    expect(filtered).toBe(numbers.filter((a) => a % 5 === 0).length)
    const survivors = numbers.filter((a) => a % 5 !== 0)
    expect(deadLettered).toBe(rejected + survivors.filter((a) => a % 7 === 0 || a % 11 === 0).length)
    expect(out).toBe(survivors.filter((a) => a % 7 !== 0 && a % 11 !== 0).length)
  })
})

describe('builder errors', () => {
  it('an anonymous arrow running as a worker with no name is a GraphError naming the pipeline and file:line', () => {
    const app = new App('bad_graph')
    let line = 0
    const pl = app.pipeline('anon', { input: ab }, (_p, r) => {
      line = lineOfCaller() + 1
      return r.subscribeFunc(({ a }) => ({ x: a }), { asWorker: true })
    })
    expect(() => pl.graph()).toThrow(GraphError)
    expect(() => pl.graph()).toThrow(
      `pipeline 'anon': (test/bad-input.test.ts:${line}) an anonymous function runs as a worker, so its name becomes a queue name: give it a \`name\` option`,
    )
  })

  it('a fan-out whose items cross a worker boundary while the main line travels on is refused with what to change', async () => {
    const app = new App('bad_side_fan_out')
    const sink = app.consumer('sink', (_record: { i: number }) => {})
    const pl = app.pipeline('side', { input: ab }, (_p, r) => {
      r.subscribeFanOut(({ a }) => [{ i: a }, { i: a + 1 }], { name: 'fan' }).subscribeConsumer(sink, { asWorker: true })
      return r.subscribeFunc(f1, { asWorker: true })
    })
    const message =
      /pipeline 'side' \(test\/bad-input\.test\.ts:\d+\): the fan-out 'fan' sends its items across the worker boundary .* 'f1', which does not depend on it, travels on too.*Drop `asWorker`/
    expect(() => planPipeline(pl.graph())).toThrow(GraphError)
    expect(() => planPipeline(pl.graph())).toThrow(message)
    await expect(runPipeline(pl, [{ a: 1, b: 2 }])).rejects.toThrow(message)
  })

  it('a fan-out whose items cross a boundary to join the main line per item is fine', async () => {
    const app = new App('good_fan_join')
    const pl = app.pipeline('join', { input: ab }, (_p, r) => {
      const items = r.applyFanOut(({ a }) => [{ i: a }, { i: a + 1 }], { name: 'fan' })
      return concatenate({ item: items.subscribeFunc(({ i }) => ({ j: i * 2 }), { name: 'twice', asWorker: true }), b: r.get('b') })
    })
    const { outputs } = await runPipeline(pl, [{ a: 1, b: 2 }])
    expect(outputs).toEqual([
      { item: { i: 1, j: 2 }, b: 2 },
      { item: { i: 2, j: 4 }, b: 2 },
    ])
  })

  it('a node name that cannot be a queue name is a GraphError', () => {
    const app = new App('bad_graph_name')
    const pl = app.pipeline('spaced', { input: ab }, (_p, r) => r.subscribeFunc(f1, { asWorker: true, name: 'has space' }))
    expect(() => pl.graph()).toThrow(/pipeline 'spaced'.*"has space" runs as a worker/)
  })

  it('invalid app, pipeline and consumer names are NameErrors', () => {
    expect(() => new App('my app')).toThrow(NameError)
    expect(() => new App('')).toThrow(/app name "" is not valid/)
    const app = new App('names')
    expect(() => app.pipeline('a.b', { input: ab }, (_p, r) => r)).toThrow(/pipeline name "a.b" is not valid/)
    expect(() => app.consumer('9lives', () => undefined)).toThrow(NameError)
    expect(() => app.pipeline('x'.repeat(81), { input: ab }, (_p, r) => r)).toThrow(NameError)
  })

  it('a name used twice in one app is a NameError', () => {
    const app = new App('dupes')
    app.pipeline('same', { input: ab }, (_p, r) => r)
    expect(() => app.pipeline('same', { input: ab }, (_p, r) => r)).toThrow(NameError)
    expect(() => app.consumer('same', () => undefined)).toThrow(/app 'dupes': the name 'same' is used twice/)
    try {
      app.pipeline('same', { input: ab }, (_p, r) => r)
    } catch (error) {
      expect((error as NameError).code).toBe('DUPLICATE_NAME')
    }
  })
})
