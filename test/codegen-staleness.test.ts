// `stairs codegen --check` notices when the sources moved on: an edited step signature, a renamed
// pipeline, a new asWorker, a changed zod input schema. It writes nothing and exits 1.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCodegen } from '../codegen/index.js'
import { copyProject, makeProject, readTree, removeProject, runCodegenCli } from './support/codegen-project.js'

const APP = `import { App } from 'stairs'
import { z } from 'zod'

export const app = new App('stale')

const words = ({ text }: { text: string }) => ({ words: text.split(' ') })
const count = ({ words }: { words: string[] }) => ({ count: words.length })

export const stats = app.pipeline('stats', { input: z.object({ text: z.string() }) }, (_p, r) =>
  r.subscribeFunc(words, { asWorker: true }).subscribeFunc(count, { asWorker: true }).subscribeFunc(count),
)
`

let base: string
const made: string[] = []
beforeAll(async () => {
  base = makeProject({ 'stairs.config.ts': "export default { apps: ['src/app.ts'] }\n", 'src/app.ts': APP })
  made.push(base)
  await runCodegen({ project: base })
})
afterAll(() => made.forEach(removeProject))

function edited(from: string, to: string): string {
  const dir = copyProject(base)
  made.push(dir)
  const file = path.join(dir, 'src/app.ts')
  const text = readFileSync(file, 'utf8')
  if (!text.includes(from)) throw new Error(`fixture text not found: ${from}`)
  writeFileSync(file, text.replace(from, to))
  return dir
}

const cases = [
  {
    what: 'an edited step function signature',
    from: "words: text.split(' ') })",
    to: "words: text.split(' '), chars: text.length })",
    stale: ['generated/shapes.ts', 'generated/manifest.json', 'generated/queues.ts'],
  },
  {
    what: 'a renamed pipeline',
    from: "app.pipeline('stats'",
    to: "app.pipeline('counts'",
    stale: ['generated/workers/stale.counts.ts', 'generated/workers/stale.stats.ts'],
  },
  {
    what: 'a new asWorker',
    from: '.subscribeFunc(count),',
    to: ".subscribeFunc(count, { asWorker: true, name: 'recount' }),",
    stale: ['generated/queues.ts', 'generated/graph.md'],
  },
  {
    what: 'a changed zod input schema',
    from: 'z.object({ text: z.string() })',
    to: 'z.object({ text: z.string(), lang: z.string() })',
    stale: ['generated/shapes.ts'],
  },
]

describe('codegen --check', () => {
  it('is clean right after generating', async () => {
    expect((await runCodegen({ project: base, check: true })).stale).toEqual([])
  })

  it.each(cases)('catches $what', async ({ from, to, stale }) => {
    const dir = edited(from, to)
    const before = readTree(path.join(dir, 'generated'))
    const result = await runCodegen({ project: dir, check: true })
    for (const file of [...stale, 'generated/manifest.json']) expect(result.stale).toContain(file)
    expect(readTree(path.join(dir, 'generated'))).toEqual(before)
  })

  it('the command exits 1 and lists the stale files', async () => {
    const dir = edited("app.pipeline('stats'", "app.pipeline('counts'")
    const result = await runCodegenCli(dir, ['--check'])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('generated files are stale')
    expect(result.stdout).toContain('generated/workers/stale.stats.ts')
    const clean = await runCodegenCli(base, ['--check'])
    expect(clean.code).toBe(0)
  })
})
