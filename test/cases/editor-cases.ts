// What an editor shows for stairs code, as data: the keys offered inside `.get('` and the compile
// errors of miswired calls. test/autocomplete, flow-autocomplete and type-errors check them against
// the sources (`'../src/index.js'`); test/package.test.ts checks the same cases against the
// declarations of the packed package (`'stairs'`), so compiled types lose no guarantee.

/** One completion case: `snippet` (after its header) holds the marker `/*|*\/`; `keys` sorted. */
export interface CompletionCase {
  readonly title: string
  readonly header: 'dsl' | 'flow'
  readonly snippet: string
  readonly keys: readonly string[]
}

/** One must-not-compile line and what its error says. */
export interface TypeErrorCase {
  readonly title: string
  readonly line: string
  readonly message: RegExp
}

/** Handles and functions the completion snippets use, importing stairs from `from`. */
export const dslHeader = (from: string): string => `import { z } from 'zod'
import { App, concatenate, type DataFrame } from '${from}'
declare const input: DataFrame<{ a: number; b: number }>
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })
const f2 = ({ x }: { x: number }) => ({ y: x + 1 })
`

/** Two flows (one with a custom run) over an input frame, importing stairs from `from`. */
export const flowHeader = (from: string): string => `import { z } from 'zod'
import { App, type DataFrame, Flow } from '${from}'
declare const input: DataFrame<{ value: number; tag: string }>
class MyFlow extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
}
class Summed extends Flow<{ value: number }> {
  run(this: Summed, input: { value: number }) {
    const result = this.startFrom('square', input)
    return { sum: result.square.squared + result.cube.cubed }
  }
  square = this.step(({ value }: { value: number }) => ({ squared: value * value }), { next: ['cube'], saveResult: true })
  cube = this.step(({ value }: { value: number }) => ({ cubed: value ** 3 }))
}
`

export const completionCases: readonly CompletionCase[] = [
  {
    title: 'list the keys after subscribeFunc and addValue',
    header: 'dsl',
    snippet: `input.subscribeFunc(f1).addValue({ c: 5 }).subscribeFunc(({ a, c }) => ({ s: a + c })).get('/*|*/')`,
    keys: ['a', 'b', 'c', 's', 'x'],
  },
  {
    title: 'follow a chain of applyFunc, subscribeFunc, make and addValue (apply and make drop keys)',
    header: 'dsl',
    snippet: `input.applyFunc(f1).subscribeFunc(f2).make({ z: 'x', w: 'y' }).addValue({ v: true }).get('/*|*/')`,
    keys: ['v', 'w', 'z'],
  },
  {
    title: 'show a returned key once when it replaces an input key',
    header: 'dsl',
    snippet: `input.subscribeFunc(({ a }) => ({ a: String(a), extra: 1 })).get('/*|*/')`,
    keys: ['a', 'b', 'extra'],
  },
  {
    title: 'list only the point key on a data point',
    header: 'dsl',
    snippet: `input.get('a').subscribeFunc(f1).get('/*|*/')`,
    keys: ['a', 'x'],
  },
  {
    title: 'list the branch names after concatenate',
    header: 'dsl',
    snippet: `concatenate({ left: input.get('a'), right: input.applyFunc(f1) }).get('/*|*/')`,
    keys: ['left', 'right'],
  },
  {
    title: 'work inside a pipeline builder, from the zod schema',
    header: 'dsl',
    snippet: `new App('complete').pipeline('p', { input: z.object({ id: z.string(), n: z.number() }) }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ doubled: n * 2 })).addValue({ source: 'api' }).get('/*|*/'))`,
    keys: ['doubled', 'id', 'n', 'source'],
  },
  {
    title: "also list the keys inside make({ k: '",
    header: 'dsl',
    snippet: `input.subscribeFunc(f1).make({ k: '/*|*/' })`,
    keys: ['a', 'b', 'x'],
  },
  {
    title: 'list the record keys and the flow outputs after subscribeFlow',
    header: 'flow',
    snippet: `input.subscribeFlow(new MyFlow()).get('/*|*/')`,
    keys: ['p1', 'p2', 'p3', 'seenP2', 'tag', 'value'],
  },
  {
    title: 'list only the flow output after applyFlow',
    header: 'flow',
    snippet: `input.applyFlow(new MyFlow(), { asWorker: true }).get('/*|*/')`,
    keys: ['p1', 'p2', 'p3', 'seenP2', 'value'],
  },
  {
    title: "list a custom run's result keys",
    header: 'flow',
    snippet: `input.subscribeFlow(new Summed()).get('/*|*/')`,
    keys: ['sum', 'tag', 'value'],
  },
  {
    title: 'work inside a pipeline builder with a flow, from the zod schema',
    header: 'flow',
    snippet: `new App('complete_flow').pipeline('p', { input: z.object({ value: z.number(), id: z.string() }) }, (_p, r) =>
  r.subscribeFlow(new MyFlow()).addValue({ done: true }).get('/*|*/'))`,
    keys: ['done', 'id', 'p1', 'p2', 'p3', 'seenP2', 'value'],
  },
  {
    title: "offer the step names in startFrom('",
    header: 'flow',
    snippet: `new MyFlow().startFrom('/*|*/'`,
    keys: ['first', 'last', 'second'],
  },
]

/** The snippet of a completion case with its header, importing stairs from `from`. */
export const completionSource = (c: CompletionCase, from: string): string =>
  (c.header === 'dsl' ? dslHeader(from) : flowHeader(from)) + c.snippet

/** What the type-error lines use; compiles on its own. */
export const typeErrorHeader = (from: string): string => `import { z } from 'zod'
import { App, type DataFrame } from '${from}'
declare const input: DataFrame<{ a: number; b: number }>
const app = new App('type_errors')
const onC = app.consumer('on_c', (record: { c: boolean }) => record.c)
const needsText = app.pipeline('needs_text', { input: z.object({ text: z.string() }) }, (_p, r) => r)
`

/** One miswired call per line, each with the error it must show. */
const typeErrorTable: [title: string, line: string, message: RegExp][] = [
  [
    'a function needing a missing key',
    `input.subscribeFunc(({ c }: { c: number }) => ({ y: c }))`,
    /the function needs key 'c', which the record does not have/,
  ],
  [
    'a function needing a key of another type',
    `input.subscribeFunc(({ a }: { a: string }) => ({ y: a }))`,
    /the function needs key 'a' with another type than the record has/,
  ],
  [
    'applyFunc needing a missing key',
    `input.applyFunc(({ zz }: { zz: number }) => ({ y: zz }))`,
    /the function needs key 'zz', which the record does not have/,
  ],
  [
    'two missing keys',
    `input.subscribeFunc(({ c, d }: { c: number; d: string }) => ({ y: c + d }))`,
    /needs key 'c'.*needs key 'd'|needs key 'd'.*needs key 'c'/,
  ],
  [
    'a fan-out needing a missing key',
    `input.subscribeFanOut(({ c }: { c: number }) => [{ v: c }])`,
    /the function needs key 'c', which the record does not have/,
  ],
  ['get of an unknown key', `input.get('missing')`, /'"missing"' is not assignable to parameter of type '"a" \| "b"'/],
  ['make of an unknown key', `input.make({ z: 'missing' })`, /'"missing"' is not assignable to type '"a" \| "b"'/],
  ['a consumer needing a missing key', `input.subscribeConsumer(onC)`, /the consumer needs key 'c', which the record does not have/],
  [
    'a pipeline with an incompatible input',
    `input.subscribePipeline(needsText)`,
    /the pipeline needs key 'text', which the record does not have/,
  ],
  ['a function returning an array', `input.subscribeFunc(() => [1])`, /the function must return a record \(an object\), not an array/],
  [
    'an async function resolving to a number',
    `input.applyFunc(async () => 5)`,
    /the function must return a record \(an object\), nothing or STOP/,
  ],
  [
    'an unannotated parameter reading a missing key',
    `input.subscribeFunc((r) => ({ y: r.nope }))`,
    /Property 'nope' does not exist on type '\{ a: number; b: number; \}'/,
  ],
]

export const typeErrorCases: readonly TypeErrorCase[] = typeErrorTable.map(([title, line, message]) => ({ title, line, message }))
