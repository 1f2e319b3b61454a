// Acceptance 5 of issue 3: a flow whose step needs a key no earlier step provides shows one error on
// the subscribeFlow argument, naming the step and the key. (The flow completions are cases in
// test/cases/editor-cases.ts, checked by test/autocomplete.test.ts.)
import { describe, expect, it } from 'vitest'
import { flowHeader } from './cases/editor-cases.js'
import { diagnosticsOf } from './support/language-service.js'

describe('the error the editor shows', () => {
  it('names the step and the key on the subscribeFlow argument', () => {
    const source = `${flowHeader('../src/index.js')}class Broken extends Flow<{ value: number }> {
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
