// The compile errors a user sees for miswired pipelines name the key (tsd checks that they fail;
// this checks what they say), read from the TypeScript language service.
import { describe, expect, it } from 'vitest'
import { diagnosticsOf } from './support/language-service.js'

// One must-not-compile call per line, after a fixed header; `expected` maps a line's marker to the message.
const header = `import { z } from 'zod'
import { App, type DataFrame } from '../src/index.js'
declare const input: DataFrame<{ a: number; b: number }>
const app = new App('type_errors')
const onC = app.consumer('on_c', (record: { c: boolean }) => record.c)
const needsText = app.pipeline('needs_text', { input: z.object({ text: z.string() }) }, (_p, r) => r)
`

const cases: [string, string, RegExp][] = [
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

describe('compile errors name the key', () => {
  const source = header + cases.map(([, line]) => line).join('\n')
  const firstLine = header.split('\n').length
  const diagnostics = diagnosticsOf(source)

  it('the header alone compiles', () => {
    expect(diagnosticsOf(header)).toEqual([])
  })

  it.each(cases.map(([name, line, message], i) => [name, line, message, firstLine + i] as const))(
    '%s',
    (_name, _line, message, lineNumber) => {
      const onLine = diagnostics.filter((d) => d.line === lineNumber)
      expect(onLine, `errors on line ${lineNumber}`).toHaveLength(1)
      expect(onLine[0]?.message).toMatch(message)
    },
  )

  it('reports no error anywhere else', () => {
    expect(diagnostics).toHaveLength(cases.length)
  })
})
