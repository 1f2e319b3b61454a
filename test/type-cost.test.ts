// Acceptance 5 of issue 2: a pipeline of 100 chained subscribeFunc calls compiles (no TS2589, no
// error at all) and the editor still completes every key at its end. Figures live in bench/type-cost.bench.ts.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateChainFixture } from './fixtures/type-cost/generate.js'
import { completionsAt, repoRoot } from './support/language-service.js'

const steps = 100
// Two folders below the repo root, as the generator's default import expects; /tmp/ is git-ignored.
const dir = join(repoRoot, 'tmp', `type-cost-test-${process.pid}`)
const keys = Array.from({ length: steps + 1 }, (_, i) => `k${i}`)

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json')
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, repoRoot)
  return { ...parsed.options, noEmit: true }
}

/** Every error of a program made of `file` (and what it imports), as `TSnnnn line: message`. */
function compile(file: string): string[] {
  const program = ts.createProgram([file], compilerOptions())
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0
    return `TS${d.code} ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`
  })
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe(`a pipeline of ${steps} chained subscribeFunc steps`, { timeout: 180_000 }, () => {
  it('compiles with no TS2589 and no other error', async () => {
    const file = join(dir, `chain-${steps}.ts`)
    await writeFile(file, generateChainFixture(steps, { endWith: `.get('k${steps}')` }))
    expect(compile(file)).toEqual([])
  })

  it('still reports a miswired step deep in the chain, naming its key', async () => {
    const file = join(dir, `chain-${steps}-broken.ts`)
    const source = generateChainFixture(steps).replace(
      '({ k80 }: { k80: number }) => ({ k81: k80 + 1 })',
      '({ q80 }: { q80: number }) => ({ k81: q80 + 1 })',
    )
    await writeFile(file, source)
    const errors = compile(file)
    expect(errors, errors.join('\n')).toHaveLength(1)
    expect(errors[0]).toMatch(/^TS2345 89: .*the function needs key 'q80', which the record does not have/)
  })

  it('completes every key at its end', () => {
    const source = generateChainFixture(steps, { endWith: ".get('/*|*/')" })
    const names = completionsAt(source, '/*|*/', { fileName: join(dir, `chain-${steps}-completions.ts`) })
    expect([...names].sort()).toEqual([...keys].sort())
  })
})
