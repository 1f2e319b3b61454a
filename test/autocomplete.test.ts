// Acceptance 4 of issue 2: inside `.get('`, the editor offers exactly the keys of the record at
// that point of the chain, as the TypeScript language service computes them.
import { describe, expect, it } from 'vitest'
import { completionsAt } from './support/language-service.js'

const header = `import { z } from 'zod'
import { App, concatenate, type DataFrame } from '../src/index.js'
declare const input: DataFrame<{ a: number; b: number }>
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })
const f2 = ({ x }: { x: number }) => ({ y: x + 1 })
`

const sorted = (names: string[]): string[] => [...names].sort()

describe("completions inside .get('", { timeout: 120_000 }, () => {
  it('list the keys after subscribeFunc and addValue', () => {
    const chain = `input.subscribeFunc(f1).addValue({ c: 5 }).subscribeFunc(({ a, c }) => ({ s: a + c })).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['a', 'b', 'c', 's', 'x'])
  })

  it('follow a chain of applyFunc, subscribeFunc, make and addValue (apply and make drop keys)', () => {
    const chain = `input.applyFunc(f1).subscribeFunc(f2).make({ z: 'x', w: 'y' }).addValue({ v: true }).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['v', 'w', 'z'])
  })

  it('show a returned key once when it replaces an input key', () => {
    const chain = `input.subscribeFunc(({ a }) => ({ a: String(a), extra: 1 })).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['a', 'b', 'extra'])
  })

  it('list only the point key on a data point', () => {
    const chain = `input.get('a').subscribeFunc(f1).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['a', 'x'])
  })

  it('list the branch names after concatenate', () => {
    const chain = `concatenate({ left: input.get('a'), right: input.applyFunc(f1) }).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['left', 'right'])
  })

  it('work inside a pipeline builder, from the zod schema', () => {
    const pipeline = `new App('complete').pipeline('p', { input: z.object({ id: z.string(), n: z.number() }) }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ doubled: n * 2 })).addValue({ source: 'api' }).get('/*|*/'))`
    expect(sorted(completionsAt(header + pipeline))).toEqual(['doubled', 'id', 'n', 'source'])
  })

  it("also list the keys inside make({ k: '", () => {
    const chain = `input.subscribeFunc(f1).make({ k: '/*|*/' })`
    expect(sorted(completionsAt(header + chain))).toEqual(['a', 'b', 'x'])
  })
})
