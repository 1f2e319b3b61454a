// `stairs codegen --watch` generates at start and again when a source file changes.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeProject, REPO, removeProject } from './support/codegen-project.js'

const APP = `import { App } from 'stairs'
import { z } from 'zod'

export const app = new App('watched')

export const echo = app.pipeline('echo', { input: z.object({ text: z.string() }) }, (_p, r) =>
  r.subscribeFunc(({ text }: { text: string }) => ({ size: text.length }), { name: 'measure', asWorker: true }),
)
`
const dir = makeProject({ 'stairs.config.ts': "export default { apps: ['src/app.ts'] }\n", 'src/app.ts': APP })
afterAll(() => removeProject(dir))

describe('codegen --watch', () => {
  it('regenerates after an edit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'codegen/bin.ts'), '--watch', '--project', dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    const until = async (what: string, check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 45_000
      while (!check()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${what}; output so far:\n${stdout}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    try {
      await until('first generation', () => stdout.includes('generated/workers/watched.echo.ts'))
      const shapes = path.join(dir, 'generated/shapes.ts')
      expect(readFileSync(shapes, 'utf8')).not.toContain('words')
      writeFileSync(path.join(dir, 'src/app.ts'), APP.replace('({ size: text.length })', "({ size: text.length, words: text.split(' ') })"))
      await until('second generation', () => readFileSync(shapes, 'utf8').includes('words: string[]'))
    } finally {
      child.kill('SIGTERM')
    }
  })
})
