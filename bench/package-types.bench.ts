// What a user's type-check pays for stairs (issue 22): `tsc --noEmit` of a user project importing
// stairs and stairs/runtime (test/fixtures/package-project), against the built declarations (the
// package today) and, as the baseline in the same run, against the TypeScript sources (the package
// before, whose exports pointed at src/*.ts: the user's tsc compiled them, skipLibCheck or not).
// `node_modules/stairs` links this checkout; dist/ is built first (as `npm run build` does).
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type BenchResult, compared, median } from './harness.js'

const run = promisify(execFile)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/lib/tsc.js')
const RUNS = 3

interface Check {
  totalSeconds: number
  instantiations: number
  files: number
}

/** The user's options (the scaffold's), with or without skipLibCheck. */
const userConfig = (skipLibCheck: boolean) => ({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck,
    noEmit: true,
  },
  include: ['apps', 'feed.ts', 'stairs.config.ts'],
})

async function check(project: string, config: string, sources: boolean): Promise<Check> {
  const args = [tsc, '-p', join(project, config), '--extendedDiagnostics', '--pretty', 'false']
  // The "stairs-source" condition maps `stairs` to src/*.ts, as the exports did before the build.
  if (sources) args.push('--customConditions', 'stairs-source')
  const { stdout } = await run(process.execPath, args).catch((error: { stdout?: string }) => {
    throw new Error(`tsc failed on ${config}${sources ? ' (sources)' : ''}:\n${error.stdout ?? error}`)
  })
  const figure = (label: string): number => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(stdout)?.[1] ?? Number.NaN)
  return { totalSeconds: figure('Total time'), instantiations: figure('Instantiations'), files: figure('Files') }
}

/** Sources and declarations alternately (so a change in the machine's load hits both), medians of RUNS. */
async function measure(project: string, config: string): Promise<{ sources: Check; declarations: Check }> {
  await check(project, config, true) // warm-up: the file cache
  const sources: Check[] = []
  const declarations: Check[] = []
  for (let i = 0; i < RUNS; i++) {
    sources.push(await check(project, config, true))
    declarations.push(await check(project, config, false))
  }
  const summary = (samples: Check[]): Check => ({ ...(samples[0] as Check), totalSeconds: median(samples.map((s) => s.totalSeconds)) })
  return { sources: summary(sources), declarations: summary(declarations) }
}

export default async function (): Promise<BenchResult[]> {
  await run(process.execPath, [tsc, '-p', join(repo, 'tsconfig.build.json')])
  const project = await mkdtemp(join(tmpdir(), 'stairs-bench-package-types-'))
  try {
    await cp(join(repo, 'test/fixtures/package-project'), project, { recursive: true })
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'bench-user-project', private: true, type: 'module' }))
    await mkdir(join(project, 'node_modules/@types'), { recursive: true })
    await symlink(repo, join(project, 'node_modules/stairs'), 'dir')
    await symlink(join(repo, 'node_modules/zod'), join(project, 'node_modules/zod'), 'dir')
    await symlink(join(repo, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir')
    const results: BenchResult[] = []
    for (const skipLibCheck of [true, false]) {
      const config = `tsconfig.${skipLibCheck ? 'skip' : 'full'}.json`
      await writeFile(join(project, config), JSON.stringify(userConfig(skipLibCheck)))
      const { sources: before, declarations: after } = await measure(project, config)
      results.push(
        compared(
          `user project type-check, skipLibCheck ${skipLibCheck}: declarations`,
          after.totalSeconds,
          's',
          { name: 'sources', value: before.totalSeconds },
          `tsc total time, median of ${RUNS}; ${after.files} files (sources: ${before.files})`,
        ),
        compared(`same, instantiations`, after.instantiations, 'count', { name: 'sources', value: before.instantiations }),
      )
    }
    return results
  } finally {
    await rm(project, { recursive: true, force: true })
  }
}
