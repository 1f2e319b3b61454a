// Codegen errors point at the user's file:line, exit non-zero, and leave generated/ as it was.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodegenError, runCodegen } from '../codegen/index.js'
import { copyProject, makeProject, readTree, removeProject, runCodegenCli } from './support/codegen-project.js'

const APP = `import { App } from 'stairs'
import { z } from 'zod'

export const app = new App('errs')

export const first = app.pipeline('first', { input: z.object({ a: z.number() }) }, (_p, r) =>
  r.subscribeFunc(
    function double({ a }: { a: number }) {
      return { b: a * 2 }
    },
    { asWorker: true },
  ),
)
`
const APP_LINES = APP.split('\n').length - 1

let base: string
let generated: Record<string, string>
const made: string[] = []

beforeAll(async () => {
  base = makeProject({ 'stairs.config.ts': "export default { apps: ['src/app.ts'] }\n", 'src/app.ts': APP })
  made.push(base)
  await runCodegen({ project: base })
  generated = readTree(path.join(base, 'generated'))
})
afterAll(() => made.forEach(removeProject))

/** A copy of the valid project with `lines` appended to src/app.ts; returns it and the first new line's number. */
function broken(lines: string): { dir: string; line: number } {
  const dir = copyProject(base)
  made.push(dir)
  writeFileSync(path.join(dir, 'src/app.ts'), APP + lines)
  return { dir, line: APP_LINES + 1 }
}

const cases: { what: string; lines: string; offset: number; says: RegExp }[] = [
  {
    what: 'a pipeline name used twice',
    lines: "export const again = app.pipeline('first', { input: z.object({ a: z.number() }) }, (_p, r) => r)\n",
    offset: 0,
    says: /'first' is used twice/,
  },
  {
    what: 'a name that cannot be a queue name',
    lines: "export const spaced = app.pipeline('bad name!', { input: z.object({ a: z.number() }) }, (_p, r) => r)\n",
    offset: 0,
    says: /"bad name!" is not valid/,
  },
  {
    what: 'an anonymous worker function without a name',
    lines:
      "export const anon = app.pipeline('anon', { input: z.object({ a: z.number() }) }, (_p, r) =>\n  r.subscribeFunc(({ a }: { a: number }) => ({ c: a }), { asWorker: true }),\n)\n",
    offset: 1,
    says: /anonymous function runs as a worker.*`name` option/,
  },
  { what: 'a syntax error', lines: "export const oops = app.pipeline('oops', {\n", offset: 1, says: /error TS1005/ },
  { what: 'a type error', lines: "export const count: number = 'three'\n", offset: 0, says: /error TS2322/ },
]

describe('codegen errors', () => {
  it.each(cases)('$what: file:line, exit 1, nothing written', async ({ lines, offset, says }) => {
    const { dir, line } = broken(lines)
    const result = await runCodegenCli(dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(says)
    // The syntax error is reported where the parser noticed it: the end of the file.
    const expectedLine = says.source.includes('TS1005') ? APP_LINES + 2 : line + offset
    expect(result.stderr).toContain(`src/app.ts:${expectedLine}`)
    expect(result.stderr).not.toMatch(/\n\s+at /) // a message, not a stack trace
    expect(readTree(path.join(dir, 'generated'))).toEqual(generated)
  })

  it('the library throws a CodegenError carrying the location', async () => {
    const { dir, line } = broken("export const count: number = 'three'\n")
    const error = await runCodegen({ project: dir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CodegenError)
    expect((error as CodegenError).reason).toBe('TYPE_ERRORS')
    expect((error as CodegenError).location).toBe(`src/app.ts:${line}`)
  })
})
