// Issue 4, acceptance 4: anchored on declared shapes (what codegen writes to shapes.ts), chains of
// 100 and 200 steps compile with no TS2589 and the editor completes every key at their end.
// Figures (with and without shapes) live in bench/type-cost-shapes.bench.ts.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateAnchoredChainFixture } from './fixtures/type-cost/generate-shapes.js'
import { completionsAt, repoRoot } from './support/language-service.js'

// Two folders below the repo root, as the generator's default import expects; /tmp/ is git-ignored.
const dir = join(repoRoot, 'tmp', `type-cost-shapes-test-${process.pid}`)

function compile(file: string): string[] {
  const configPath = join(repoRoot, 'tsconfig.json')
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, repoRoot)
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true })
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.each([100, 200])('a %i-step chain anchored on declared shapes', { timeout: 180_000 }, (steps) => {
  it('compiles with no TS2589 and no other error', async () => {
    const file = join(dir, `anchored-${steps}.ts`)
    await writeFile(file, generateAnchoredChainFixture(steps, { endWith: `.get('k${steps}')` }))
    expect(compile(file)).toEqual([])
  })

  it('still reports a miswired step after the last anchor', async () => {
    const file = join(dir, `anchored-${steps}-broken.ts`)
    const broken = generateAnchoredChainFixture(steps).replace(
      `({ k${steps - 2} }: { k${steps - 2}: number }) => ({ k${steps - 1}: k${steps - 2} + 1 })`,
      `({ q${steps - 2} }: { q${steps - 2}: number }) => ({ k${steps - 1}: q${steps - 2} + 1 })`,
    )
    await writeFile(file, broken)
    const errors = compile(file)
    expect(errors, errors.join('\n')).toHaveLength(1)
    expect(errors[0]).toMatch(new RegExp(`needs key 'q${steps - 2}'`))
  })

  it('completes every key at its end', () => {
    const source = generateAnchoredChainFixture(steps, { endWith: ".get('/*|*/')" })
    const names = completionsAt(source, '/*|*/', { fileName: join(dir, `anchored-${steps}-completions.ts`) })
    expect([...names].sort()).toEqual(Array.from({ length: steps + 1 }, (_, i) => `k${i}`).sort())
  })
})
