// Importing `stairs` must not load a Redis client or ts-morph (test/support/import-probe.ts watches a
// fresh Node process import it). test/package.test.ts checks the same of the installed package.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createImportProbe, packagesIn } from './support/import-probe.js'

const repo = resolve(import.meta.dirname, '..')
const heavy = ['ioredis', 'bullmq', 'ts-morph']

let dir: string
let probe: Awaited<ReturnType<typeof createImportProbe>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stairs-import-weight-'))
  probe = await createImportProbe(dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Every module file a fresh process (with tsx) loads to import `file` (absolute, or relative to the repo). */
const modulesLoadedBy = (file: string): Promise<string[]> =>
  probe(pathToFileURL(resolve(repo, file)).href, { cwd: repo, execArgv: ['--import', 'tsx'] })

describe('import weight', () => {
  it("importing 'stairs' loads no ioredis, bullmq or ts-morph", async () => {
    const loaded = await modulesLoadedBy('src/index.ts')
    // The probe saw the import itself, so an empty list cannot pass by accident.
    expect(loaded.some((url) => url.endsWith('/src/index.ts'))).toBe(true)
    expect(loaded.some((url) => url.endsWith('/src/dsl/app.ts'))).toBe(true)
    expect(packagesIn(loaded, heavy)).toEqual([])
  })

  it('the probe does see a heavy package when a module loads it', async () => {
    // A module outside the repo that loads two heavy packages by their resolved paths.
    const requireFromRepo = createRequire(join(repo, 'package.json'))
    const target = join(dir, 'target.mjs')
    const imports = ['ioredis', 'ts-morph'].map((name) => `import ${JSON.stringify(pathToFileURL(requireFromRepo.resolve(name)).href)}`)
    await writeFile(target, `${imports.join('\n')}\n`)
    expect(packagesIn(await modulesLoadedBy(target), heavy)).toEqual(['ioredis', 'ts-morph'])
  })
})
