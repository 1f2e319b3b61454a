// Type cost of the DSL (issue 2, acceptance 5): `tsc --extendedDiagnostics` on generated pipelines
// of 25/50/100 chained subscribeFunc steps, against the same program with no steps (the baseline:
// stairs' own types, zod and the libs). Reports instantiations and check time.
import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { generateChainFixture } from '../test/fixtures/type-cost/generate.js'
import { type BenchResult, compared, median } from './harness.js'

const run = promisify(execFile)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/lib/tsc.js')

/** What `tsc --extendedDiagnostics` says about one program. */
export interface TypeCost {
  instantiations: number
  types: number
  /** Median check time over the runs, in seconds. */
  checkSeconds: number
  errors: string[]
}

/**
 * Type-checks `source` as the only root file of a program with the repo's compiler options, from a
 * folder two levels below the repo root (so `../../src/index.js` and `zod` resolve).
 */
export async function measureTypeCost(name: string, source: string, runs = 3): Promise<TypeCost> {
  const dir = join(repo, 'tmp', `type-cost-${process.pid}-${name}`)
  await mkdir(dir, { recursive: true })
  try {
    await writeFile(join(dir, `${name}.ts`), source)
    const config = { extends: '../../tsconfig.json', compilerOptions: { noEmit: true, incremental: false }, include: [`${name}.ts`] }
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config))
    const samples: TypeCost[] = []
    for (let i = 0; i < runs; i++) samples.push(await diagnose(join(dir, 'tsconfig.json')))
    const first = samples[0] as TypeCost
    return { ...first, checkSeconds: median(samples.map((s) => s.checkSeconds)) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function diagnose(project: string): Promise<TypeCost> {
  // tsc exits 1 or 2 on type errors; the figures are printed anyway.
  const { stdout } = await run(process.execPath, [tsc, '-p', project, '--extendedDiagnostics', '--pretty', 'false']).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  )
  const figure = (label: string): number => {
    const match = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(stdout)
    if (!match?.[1]) throw new Error(`tsc --extendedDiagnostics printed no '${label}' for ${project}:\n${stdout.slice(0, 2000)}`)
    return Number(match[1])
  }
  return {
    instantiations: figure('Instantiations'),
    types: figure('Types'),
    checkSeconds: figure('Check time'),
    errors: stdout.split('\n').filter((line) => /error TS\d+/.test(line)),
  }
}

export default async function (): Promise<BenchResult[]> {
  const baseline = await measureTypeCost('chain-0', generateChainFixture(0))
  const results: BenchResult[] = []
  for (const steps of [25, 50, 100]) {
    const cost = await measureTypeCost(`chain-${steps}`, generateChainFixture(steps))
    if (cost.errors.length) throw new Error(`the ${steps}-step fixture does not compile:\n${cost.errors.join('\n')}`)
    const note = `${cost.types} types (baseline ${baseline.types})`
    results.push(
      compared(`${steps} steps: instantiations`, cost.instantiations, 'count', { name: '0 steps', value: baseline.instantiations }, note),
      compared(`${steps} steps: check time`, cost.checkSeconds, 's', { name: '0 steps', value: baseline.checkSeconds }),
      {
        name: `${steps} steps: instantiations per step`,
        value: Math.round((cost.instantiations - baseline.instantiations) / steps),
        unit: 'count',
      },
    )
  }
  return results
}
