// Acceptance 5 of issue 3: after `subscribeFlow(new MyFlow())`, the editor completes exactly the
// record's keys including the flow's outputs, as the TypeScript language service computes them.
import { describe, expect, it } from 'vitest'
import { completionsAt, diagnosticsOf } from './support/language-service.js'

const header = `import { z } from 'zod'
import { App, type DataFrame, Flow } from '../src/index.js'
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

const sorted = (names: string[]): string[] => [...names].sort()

describe("completions inside .get(' after a flow", () => {
  it('list the record keys and the flow outputs after subscribeFlow', () => {
    const chain = `input.subscribeFlow(new MyFlow()).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['p1', 'p2', 'p3', 'seenP2', 'tag', 'value'])
  })

  it('list only the flow output after applyFlow', () => {
    const chain = `input.applyFlow(new MyFlow(), { asWorker: true }).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['p1', 'p2', 'p3', 'seenP2', 'value'])
  })

  it("list a custom run's result keys", () => {
    const chain = `input.subscribeFlow(new Summed()).get('/*|*/')`
    expect(sorted(completionsAt(header + chain))).toEqual(['sum', 'tag', 'value'])
  })

  it('work inside a pipeline builder, from the zod schema', () => {
    const pipeline = `new App('complete_flow').pipeline('p', { input: z.object({ value: z.number(), id: z.string() }) }, (_p, r) =>
  r.subscribeFlow(new MyFlow()).addValue({ done: true }).get('/*|*/'))`
    expect(sorted(completionsAt(header + pipeline))).toEqual(['done', 'id', 'p1', 'p2', 'p3', 'seenP2', 'value'])
  })
})

describe('completions inside a flow', () => {
  it("offer the step names in startFrom('", () => {
    expect(sorted(completionsAt(`${header}new MyFlow().startFrom('/*|*/'`))).toEqual(['first', 'last', 'second'])
  })
})

describe('the error the editor shows', () => {
  it('names the step and the key on the subscribeFlow argument', () => {
    const source = `${header}class Broken extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['last'] })
  last = this.step(({ p2 }: { p2: number }) => ({ p3: p2 }))
}
input.subscribeFlow(new Broken())`
    const errors = diagnosticsOf(source)
    expect(errors).toHaveLength(1)
    expect(errors[0]?.line).toBe(source.split('\n').indexOf('input.subscribeFlow(new Broken())') + 1)
    expect(errors[0]?.message).toContain("step 'last' needs key 'p2', which no earlier step provides")
  })
})
