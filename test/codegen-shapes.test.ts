// shapes.ts prints record types canonically: sorted members, optional keys, unions, arrays of
// unions, tuples, records, nested objects and recursion, with no imports and no absolute paths.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCodegen } from '../codegen/index.js'
import { makeProject, removeProject } from './support/codegen-project.js'

const APP = `import { App } from 'stairs'
import { z } from 'zod'

export const app = new App('shapes')

interface Tree { name: string; children: Tree[] }
const grow = ({ label }: { label: string }): { tree: Tree } => ({ tree: { name: label, children: [] } })

export const kinds = app.pipeline(
  'kinds',
  {
    input: z.object({
      label: z.string(),
      maybe: z.number().optional(),
      nullable: z.string().nullable(),
      either: z.union([z.literal('a'), z.literal(2), z.boolean()]),
      list: z.array(z.union([z.string(), z.number()])),
      pair: z.tuple([z.string(), z.number()]),
      counts: z.record(z.string(), z.number()),
      'odd-key': z.string(),
      nested: z.object({ deep: z.object({ flag: z.boolean() }) }),
    }),
  },
  (_p, r) => r.subscribeFunc(grow, { asWorker: true }),
)
`
let dir: string
let shapes: string
beforeAll(async () => {
  dir = makeProject({ 'stairs.config.ts': "export default { apps: ['src/app.ts'] }\n", 'src/app.ts': APP })
  await runCodegen({ project: dir })
  shapes = readFileSync(path.join(dir, 'generated/shapes.ts'), 'utf8')
})
afterAll(() => removeProject(dir))

// Nested objects print inline, so an interface's body ends at the first line holding only `}`.
const body = (name: string): string => new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(shapes)?.[1] ?? ''

describe('shapes.ts', () => {
  it('prints the input schema member by member, sorted, in canonical form', () => {
    expect(body('ShapesKindsInput').split('\n')).toEqual([
      '  counts: Record<string, number>',
      '  either: "a" | 2 | boolean',
      '  label: string',
      '  list: (number | string)[]',
      '  maybe?: number',
      '  nested: { deep: { flag: boolean } }',
      '  nullable: string | null',
      '  "odd-key": string',
      '  pair: [string, number]',
    ])
  })

  it('expands user interfaces structurally, stops at recursion, keeps standard library names', () => {
    expect(body('ShapesKindsGrow')).toContain('  tree: { children: unknown[]; name: string }')
  })

  it('refers to nothing outside the file', () => {
    expect(shapes).not.toMatch(/import|\/tmp\/|node_modules/)
  })
})
