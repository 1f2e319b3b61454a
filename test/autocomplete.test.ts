// Acceptance 4 of issue 2 (and 5 of issue 3, for flows): inside `.get('`, the editor offers exactly
// the keys of the record at that point of the chain, as the TypeScript language service computes
// them. The cases live in test/cases/editor-cases.ts; test/package.test.ts runs them on the package.
import { describe, expect, it } from 'vitest'
import { type CompletionCase, completionCases, completionSource } from './cases/editor-cases.js'
import { completionsAt } from './support/language-service.js'

const check = (c: CompletionCase): void => {
  expect([...completionsAt(completionSource(c, '../src/index.js'))].sort()).toEqual(c.keys)
}

describe("completions inside .get('", { timeout: 120_000 }, () => {
  it.each(completionCases.filter((c) => c.header === 'dsl').map((c) => [c.title, c] as const))('%s', (_title, c) => check(c))
})

describe("completions inside .get(' after a flow, and in startFrom('", { timeout: 120_000 }, () => {
  it.each(completionCases.filter((c) => c.header === 'flow').map((c) => [c.title, c] as const))('%s', (_title, c) => check(c))
})
