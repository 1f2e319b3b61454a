// The DSL's runtime semantics (issue 2, acceptance 1 and 2) as engine-independent cases. Each
// point comes twice: with no worker boundary, and with `asWorker` on every node that takes it,
// and both variants must give the same records. Inputs are `{ a: 1, b: 2 }` unless a case needs more.
import { z } from 'zod'
import { App, concatenate, STOP, StopPipeline } from '../../src/index.js'
import type { EngineCase } from '../../src/testing/index.js'

const ab = z.object({ a: z.number(), b: z.number() })
const input = { a: 1, b: 2 }

const f1 = ({ a }: { a: number }) => ({ x: a * 10 })
const f2 = ({ x }: { x: number }) => ({ y: x + 1 })

interface Variant {
  /** A fresh app for this case and variant. */
  app: App
  /** Node options: the node's name, and `asWorker` in the worker variant. */
  on: (name: string) => { name: string; asWorker: boolean }
}

type CaseSpec = Omit<EngineCase, 'name'>

/** The two variants of one semantics point. */
function bothVariants(slug: string, title: string, build: (variant: Variant) => CaseSpec): EngineCase[] {
  return [false, true].map((worker) => {
    const app = new App(`dsl_${slug}_${worker ? 'workers' : 'inline'}`)
    const spec = build({ app, on: (name) => ({ name, asWorker: worker }) })
    return { name: `${title} [${worker ? 'asWorker' : 'no boundary'}]`, ...spec }
  })
}

const one = (out: number) => ({ in: 1, out, filtered: 0, deadLettered: 0, rejected: 0 })

/** A sub-pipeline with a nested default config, for the config default/override cases. */
function scalePipeline(app: App, on: Variant['on']) {
  const config = { factor: 10, tag: { prefix: 'p', suffix: 's' } }
  return app.pipeline('scale', { input: z.object({ a: z.number() }), config }, (p, record) =>
    record.applyFunc(({ a }) => ({ x: a * p.config.factor, tag: `${p.config.tag.prefix}-${p.config.tag.suffix}` }), on('scale')),
  )
}

/** Every DSL semantics case, both variants. */
export const dslCases: EngineCase[] = [
  ...bothVariants('chain', 'subscribe chain merges each result', ({ app, on }) => ({
    pipeline: app.pipeline('chain', { input: ab }, (_p, r) => r.subscribeFunc(f1, on('f1')).subscribeFunc(f2, on('f2'))),
    inputs: [input],
    expected: [{ a: 1, b: 2, x: 10, y: 11 }],
    counters: one(1),
  })),
  ...bothVariants('point_chain', "a chain on get('a') starts from { a }", ({ app, on }) => ({
    pipeline: app.pipeline('point_chain', { input: ab }, (_p, r) => r.get('a').subscribeFunc(f1, on('f1')).subscribeFunc(f2, on('f2'))),
    inputs: [input],
    expected: [{ a: 1, x: 10, y: 11 }],
    counters: one(1),
  })),
  ...bothVariants('apply', 'applyFunc keeps only its result', ({ app, on }) => ({
    pipeline: app.pipeline('apply', { input: ab }, (_p, r) => r.applyFunc(f1, on('f1')).subscribeFunc(f2, on('f2'))),
    inputs: [input],
    expected: [{ x: 10, y: 11 }],
    counters: one(1),
  })),
  ...bothVariants('after_get', "a function after get('x') receives exactly { x }", ({ app, on }) => ({
    pipeline: app.pipeline('after_get', { input: ab }, (_p, r) =>
      r
        .subscribeFunc(f1, on('f1'))
        .get('x')
        .applyFunc((record) => ({ received: record }), on('inspect')),
    ),
    inputs: [input],
    expected: [{ received: { x: 10 } }],
    counters: one(1),
  })),
  ...bothVariants('make_then_step', 'make renames, and the next step sees only the new keys', ({ app, on }) => ({
    pipeline: app.pipeline('make_then_step', { input: ab }, (_p, r) =>
      r
        .subscribeFunc(f1, on('f1'))
        .make({ z: 'x' })
        .subscribeFunc(({ z }) => ({ w: z + 1 }), on('after_make')),
    ),
    inputs: [input],
    expected: [{ z: 10, w: 11 }],
    counters: one(1),
  })),
  ...bothVariants('make_last', 'make as the last call of a pipeline', ({ app, on }) => ({
    pipeline: app.pipeline('make_last', { input: ab }, (_p, r) =>
      r.subscribeFunc(f1, on('f1')).subscribeFunc(f2, on('f2')).make({ z: 'x' }),
    ),
    inputs: [input],
    expected: [{ z: 10 }],
    counters: one(1),
  })),
  ...bothVariants('add_value', 'addValue merges constants a later step can use', ({ app, on }) => ({
    pipeline: app.pipeline('add_value', { input: ab }, (_p, r) =>
      r.addValue({ c: 5 }).subscribeFunc(({ a, c }) => ({ s: a + c }), on('sum')),
    ),
    inputs: [input],
    expected: [{ a: 1, b: 2, c: 5, s: 6 }],
    counters: one(1),
  })),
  ...bothVariants('clash', 'a returned key wins over the same input key', ({ app, on }) => ({
    pipeline: app.pipeline('clash', { input: ab }, (_p, r) => r.subscribeFunc(({ a }) => ({ a: a + 100 }), on('bump'))),
    inputs: [input],
    expected: [{ a: 101, b: 2 }],
    counters: one(1),
  })),
  ...bothVariants('concat_points', 'concatenate of points gives their values', ({ app, on }) => ({
    pipeline: app.pipeline('concat_points', { input: ab }, (_p, r) =>
      concatenate({ xx: r.subscribeFunc(f1, on('f1')).get('x'), bb: r.get('b') }),
    ),
    inputs: [input],
    expected: [{ xx: 10, bb: 2 }],
    counters: one(1),
  })),
  ...bothVariants('concat_frames', "concatenate of frames nests each branch's record", ({ app, on }) => ({
    pipeline: app.pipeline('concat_frames', { input: ab }, (_p, r) =>
      concatenate({ r1: r.subscribeFunc(f1, on('f1')), r2: r.applyFunc(f1, on('f1')).subscribeFunc(f2, on('f2')) }),
    ),
    inputs: [input],
    expected: [{ r1: { a: 1, b: 2, x: 10 }, r2: { x: 10, y: 11 } }],
    counters: one(1),
  })),
  ...bothVariants('consumer', 'a consumer sees the record and leaves it unchanged', ({ app, on }) => {
    const seen: unknown[] = []
    const watch = app.consumer('watch', (record: { a: number; x: number }) => {
      seen.push(structuredClone(record))
      return { ignored: true }
    })
    return {
      pipeline: app.pipeline('consumer', { input: ab }, (_p, r) =>
        r.subscribeFunc(f1, on('f1')).subscribeConsumer(watch, on('watch')).subscribeFunc(f2, on('f2')),
      ),
      inputs: [input],
      expected: [{ a: 1, b: 2, x: 10, y: 11 }],
      counters: one(1),
      consumerSeen: () => seen.splice(0),
      expectedSeen: [{ a: 1, b: 2, x: 10 }],
    }
  }),
  // One variant only: with asWorker after the fan-out this graph is refused at build time (see
  // test/bad-input.test.ts), since the main line would have to travel once per item.
  ...[new App('dsl_side_fan_out_inline')].map((app): EngineCase => {
    const on = (name: string) => ({ name, asWorker: false })
    const seen: unknown[] = []
    const items = app.consumer('items', (record: { a: number; i: number }) => {
      seen.push({ a: record.a, i: record.i })
    })
    const main = app.consumer('main', (record: { a: number; m: number }) => {
      seen.push({ a: record.a, m: record.m })
    })
    return {
      name: 'a fan-out in a side branch multiplies only its own branch; no items end only that branch [no boundary only]',
      pipeline: app.pipeline('side_fan_out', { input: ab }, (_p, r) => {
        r.subscribeFanOut(({ a }) => Array.from({ length: a }, (_, i) => ({ i })), on('fan')).subscribeConsumer(items, on('items'))
        return r.subscribeFunc(({ a }) => ({ m: a * 2 }), on('double')).subscribeConsumer(main, on('main'))
      }),
      inputs: [
        { a: 2, b: 0 },
        { a: 0, b: 0 },
      ],
      expected: [
        { a: 2, b: 0, m: 4 },
        { a: 0, b: 0, m: 0 },
      ],
      counters: { in: 2, out: 2, filtered: 0, deadLettered: 0 },
      consumerSeen: () => seen.splice(0),
      expectedSeen: [
        { a: 2, i: 0 },
        { a: 2, i: 1 },
        { a: 2, m: 4 },
        { a: 0, m: 0 },
      ],
    }
  }),
  ...bothVariants('when', '`when` false skips the node, true runs it', ({ app, on }) => ({
    pipeline: app.pipeline('when', { input: ab }, (_p, r) => r.subscribeFunc(f1, { ...on('f1'), when: ({ a }) => a > 5 })),
    inputs: [input, { a: 10, b: 2 }],
    expected: [input, { a: 10, b: 2, x: 100 }],
    counters: { in: 2, out: 2, filtered: 0, deadLettered: 0 },
  })),
  ...bothVariants('stop', 'STOP (returned or thrown) drops the record and counts as filtered', ({ app, on }) => ({
    pipeline: app.pipeline('stop', { input: ab }, (_p, r) =>
      r
        .subscribeFunc(({ a }) => (a === 1 ? STOP : undefined), on('drop_ones'))
        .subscribeFunc(({ a }) => {
          if (a === 3) throw new StopPipeline('three is dropped too')
        }, on('drop_threes'))
        .subscribeFunc(f1, on('f1')),
    ),
    inputs: [input, { a: 2, b: 2 }, { a: 3, b: 2 }],
    expected: [{ a: 2, b: 2, x: 20 }],
    counters: { in: 3, out: 1, filtered: 2, deadLettered: 0 },
  })),
  ...bothVariants('fan_out', 'fan-out of 3 items gives 3 records, each merged with the input', ({ app, on }) => ({
    pipeline: app.pipeline('fan_out', { input: ab }, (_p, r) =>
      r.subscribeFanOut(({ a }) => [1, 2, 3].map((i) => ({ i, v: a * i })), on('spread')),
    ),
    inputs: [input],
    expected: [1, 2, 3].map((i) => ({ a: 1, b: 2, i, v: i })),
    counters: one(3),
  })),
  ...bothVariants('apply_fan_out', 'applyFanOut sends each item alone, and later steps run once per item', ({ app, on }) => ({
    pipeline: app.pipeline('apply_fan_out', { input: ab }, (_p, r) =>
      r
        .applyFanOut(function* ({ a, b }) {
          yield { v: a }
          yield { v: b }
        }, on('items'))
        .subscribeFunc(({ v }) => ({ w: v * 100 }), on('scale_item')),
    ),
    inputs: [input],
    expected: [
      { v: 1, w: 100 },
      { v: 2, w: 200 },
    ],
    counters: one(2),
  })),
  ...bothVariants('async', 'an async function is awaited before the next step', ({ app, on }) => ({
    pipeline: app.pipeline('async', { input: ab }, (_p, r) =>
      r.subscribeFunc(async ({ a }) => ({ x: a * 10 }), on('later_f1')).subscribeFunc(f2, on('f2')),
    ),
    inputs: [input],
    expected: [{ a: 1, b: 2, x: 10, y: 11 }],
    counters: one(1),
  })),
  ...bothVariants('config_default', "subscribePipeline uses the called pipeline's default config", ({ app, on }) => {
    const scale = scalePipeline(app, on)
    return {
      pipeline: app.pipeline('config_default', { input: ab }, (_p, r) => r.subscribePipeline(scale)),
      inputs: [input],
      expected: [{ a: 1, b: 2, x: 10, tag: 'p-s' }],
      counters: one(1),
    }
  }),
  ...bothVariants('config_override', 'subscribePipeline(pl, { config }) merges the override over the defaults', ({ app, on }) => {
    const scale = scalePipeline(app, on)
    return {
      pipeline: app.pipeline('config_override', { input: ab }, (_p, r) =>
        r.subscribePipeline(scale, { config: { factor: 3, tag: { suffix: 'S' } } }),
      ),
      inputs: [input],
      expected: [{ a: 1, b: 2, x: 3, tag: 'p-S' }],
      counters: one(1),
    }
  }),
  ...bothVariants('config_both', 'one sub-pipeline called twice, with and without an override', ({ app, on }) => {
    const scale = scalePipeline(app, on)
    return {
      pipeline: app.pipeline('config_both', { input: ab }, (_p, r) =>
        concatenate({ plain: r.subscribePipeline(scale).get('x'), tuned: r.applyPipeline(scale, { config: { factor: 7 } }) }),
      ),
      inputs: [input],
      expected: [{ plain: 10, tuned: { x: 7, tag: 'p-s' } }],
      counters: one(1),
    }
  }),
  ...bothVariants('named_k1_k2', 'nodes named k1 and k2 joined by concatenate({ k1, k2 }) keep both keys', ({ app, on }) => ({
    pipeline: app.pipeline('named_k1_k2', { input: ab }, (_p, r) => {
      const k1 = r.applyFunc(({ a }) => ({ v: a }), on('k1'))
      const k2 = r.applyFunc(({ b }) => ({ v: b }), on('k2'))
      return concatenate({ k1, k2 })
    }),
    inputs: [input],
    expected: [{ k1: { v: 1 }, k2: { v: 2 } }],
    counters: one(1),
  })),
  ...bothVariants('named_prefix', 'a node name that prefixes another (k1, k10) keeps both keys', ({ app, on }) => ({
    pipeline: app.pipeline('named_prefix', { input: ab }, (_p, r) => {
      const k1 = r.applyFunc(({ a }) => ({ v: a }), on('k1'))
      const k10 = r.applyFunc(({ b }) => ({ v: b * 10 }), on('k10'))
      return concatenate({ k1, k10 })
    }),
    inputs: [input],
    expected: [{ k1: { v: 1 }, k10: { v: 20 } }],
    counters: one(1),
  })),
]
