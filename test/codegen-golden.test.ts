// Golden files: the fixture project generates exactly test/fixtures/codegen-project/expected/**,
// a second run changes nothing, and shuffling the declarations changes nothing but line numbers.
import path from 'node:path'
import { ts } from 'ts-morph'
import { afterAll, describe, expect, it } from 'vitest'
import { runCodegen } from '../codegen/index.js'
import { CODEGEN_FIXTURE, fixtureSources, makeProject, readTree, removeProject } from './support/codegen-project.js'

const expected = readTree(path.join(CODEGEN_FIXTURE, 'expected'))
const made: string[] = []
afterAll(() => made.forEach(removeProject))

/** A seeded shuffle (mulberry32), so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Moves every top-level declaration but the imports and `new App(...)` to a shuffled place. */
function shuffleDeclarations(file: string, text: string, seed: number): string {
  if (file === 'stairs.config.ts') {
    return text.replace(/apps: \[([^\]]*)\]/, (_, list: string) => `apps: [${list.split(', ').reverse().join(', ')}]`)
  }
  if (!file.endsWith('.ts')) return text
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
  const fixed = sf.statements.filter((s) => ts.isImportDeclaration(s) || s.getText(sf).includes('new App('))
  const moving = sf.statements.filter((s) => !fixed.includes(s))
  return [...fixed, ...shuffled(moving, seed)].map((s) => s.getFullText(sf).replace(/^\n+/, '')).join('\n\n')
}

/** Line numbers necessarily move with the declarations; everything else must not. */
function withoutLines(file: string, text: string): string {
  if (file !== 'manifest.json') return text.replace(/(\.ts):\d+/g, '$1:?')
  const manifest = JSON.parse(text)
  delete manifest.inputsHash
  delete manifest.outputs['graph.md']
  return JSON.stringify(manifest, (key, value) => (key === 'source' && typeof value === 'string' ? value.replace(/:\d+$/, ':?') : value), 2)
}

describe('codegen golden files', () => {
  it('the committed expected files are up to date with the fixture sources', async () => {
    const result = await runCodegen({ project: CODEGEN_FIXTURE, check: true })
    expect(result.stale).toEqual([])
    expect(result.unchanged.length).toBe(Object.keys(expected).length)
  })

  it('a fresh copy of the fixture generates exactly the expected files, and a second run changes nothing', async () => {
    const dir = makeProject(fixtureSources())
    made.push(dir)
    const first = await runCodegen({ project: dir })
    expect(first.written.sort()).toEqual(Object.keys(expected).map((f) => `expected/${f}`))
    expect(readTree(path.join(dir, 'expected'))).toEqual(expected)

    const second = await runCodegen({ project: dir })
    expect(second.written).toEqual([])
    expect(second.skipped).toBe(true)
    const check = await runCodegen({ project: dir, check: true })
    expect(check.stale).toEqual([])
    expect(readTree(path.join(dir, 'expected'))).toEqual(expected)
  })

  it.each([7, 42])('shuffling the declarations (seed %i) changes nothing but line numbers', async (seed) => {
    const sources = fixtureSources((file, text) => shuffleDeclarations(file, text, seed))
    expect(sources['src/shop.ts']).not.toEqual(fixtureSources()['src/shop.ts'])
    const dir = makeProject(sources)
    made.push(dir)
    await runCodegen({ project: dir })
    const generated = readTree(path.join(dir, 'expected'))
    expect(Object.keys(generated)).toEqual(Object.keys(expected))
    for (const file of Object.keys(expected)) {
      expect(withoutLines(file, generated[file] as string), file).toEqual(withoutLines(file, expected[file] as string))
    }
  })
})
