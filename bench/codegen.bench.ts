// Codegen speed (issue 4, acceptance 5): `stairs codegen` as a process on synthetic projects of
// 10/50/100/200 pipelines, cold (no generated/) and re-run with nothing changed. Baselines from the
// same run: `tsc --noEmit` of the same project (cold), and a bare `node --import tsx` start (unchanged).
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { REPO, removeProject } from '../test/support/codegen-project.js'
import { makeSyntheticProject } from './codegen-project.js'
import { type BenchResult, compared, time } from './harness.js'

const BIN = path.join(REPO, 'codegen/bin.ts')
const TSC = createRequire(path.join(REPO, 'package.json')).resolve('typescript/lib/tsc.js')

function run(args: readonly string[], cwd = REPO): void {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
}

export default async function (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const empty = path.join(REPO, 'bench', `.empty-${process.pid}.mjs`)
  writeFileSync(empty, '')
  try {
    const startup = await time(() => run(['--import', 'tsx', empty]), { warmup: 1, runs: 3 })
    for (const pipelines of [10, 50, 100, 200]) {
      const dir = makeSyntheticProject(pipelines)
      try {
        const tsc = await time(() => run([TSC, '--noEmit', '-p', dir]), { warmup: 0, runs: 1 })
        const cold = await time(
          () => {
            rmSync(path.join(dir, 'generated'), { recursive: true, force: true })
            run(['--import', 'tsx', BIN, '--project', dir])
          },
          { warmup: 0, runs: 2 },
        )
        const unchanged = await time(() => run(['--import', 'tsx', BIN, '--project', dir]), { warmup: 0, runs: 3 })
        const target = pipelines === 100 ? '; target < 5000 ms' : ''
        results.push(
          compared(
            `${pipelines} pipelines: codegen cold`,
            cold.medianMs,
            'ms',
            { name: 'tsc --noEmit', value: tsc.medianMs },
            `runs ${cold.runsMs.map(Math.round).join(', ')}${target}`,
          ),
          compared(
            `${pipelines} pipelines: codegen unchanged`,
            unchanged.medianMs,
            'ms',
            { name: 'node+tsx start', value: startup.medianMs },
            `target < 1000 ms`,
          ),
          { name: `${pipelines} pipelines: cold per pipeline`, value: cold.medianMs / pipelines, unit: 'ms' },
        )
      } finally {
        removeProject(dir)
      }
    }
  } finally {
    rmSync(empty, { force: true })
  }
  return results
}
