// Synthetic projects for the codegen bench: `pipelines` pipelines, ten per app module, each with
// two worker stages, a branch join and a zod input schema.
import { makeProject } from '../test/support/codegen-project.js'

function appModule(index: number, count: number): string {
  const lines = [
    "import { App, concatenate } from 'stairs'",
    "import { z } from 'zod'",
    '',
    `export const app${index} = new App('app${index}')`,
    '',
    'const input = z.object({ id: z.string(), n: z.number(), tags: z.array(z.string()) })',
  ]
  for (let j = 0; j < count; j++) {
    const name = `p${index}_${j}`
    lines.push(
      '',
      `const double${j} = ({ n }: { n: number }) => ({ doubled${j}: n * 2 })`,
      `export const ${name} = app${index}.pipeline('${name}', { input }, (_p, r) => {`,
      `  const a = r.subscribeFunc(double${j}, { asWorker: true })`,
      `  const b = a.subscribeFunc(({ doubled${j} }: { doubled${j}: number }) => ({ big: doubled${j} > 10 }), { name: 'classify', asWorker: true })`,
      '  const c = b.subscribeFunc(({ tags }: { tags: string[] }) => ({ tagCount: tags.length }))',
      "  return concatenate({ id: c.get('id'), big: c.get('big'), tagCount: c.get('tagCount') })",
      '})',
    )
  }
  return `${lines.join('\n')}\n`
}

/** Writes a project of `pipelines` pipelines to a temporary directory and returns it. */
export function makeSyntheticProject(pipelines: number): string {
  const files: Record<string, string> = {}
  const modules: string[] = []
  for (let i = 0; i * 10 < pipelines; i++) {
    files[`src/app${i}.ts`] = appModule(i, Math.min(10, pipelines - i * 10))
    modules.push(`'src/app${i}.ts'`)
  }
  files['stairs.config.ts'] = `export default { apps: [${modules.join(', ')}] }\n`
  return makeProject(files)
}
