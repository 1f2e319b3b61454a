// Codegen speed (issue 4, acceptance 5): `stairs codegen` as a process on synthetic projects of
// 10/50/100/200 pipelines, cold (no generated/) and re-run with nothing changed. Baselines from the
// same run: `tsc --noEmit` of the same project (cold), and a bare `node --import tsx` start (unchanged).
// Wall time depends on how busy the machine is; CPU seconds (user + sys, children included, via
// /usr/bin/time when present) are given in the notes as the steadier figure.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { REPO, removeProject } from '../test/support/codegen-project.js'
import { makeSyntheticProject } from './codegen-project.js'
import { type BenchResult, compared, median, time } from './harness.js'

const BIN = path.join(REPO, 'codegen/bin.ts')
const TSC = createRequire(path.join(REPO, 'package.json')).resolve('typescript/lib/tsc.js')

const TIME = '/usr/bin/time'
const cpu: number[] = []

/** Runs node with `args`; records its CPU seconds in `cpu` when /usr/bin/time is there. */
function run(args: readonly string[], cwd = REPO): void {
  const timed = existsSync(TIME)
  const [command, ...rest] = timed ? [TIME, '-f', 'STAIRS_CPU %U %S', process.execPath, ...args] : [process.execPath, ...args]
  const result = spawnSync(command as string, rest, { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  const match = /STAIRS_CPU ([\d.]+) ([\d.]+)/.exec(result.stderr)
  if (match) cpu.push(Number(match[1]) + Number(match[2]))
}

/** Median CPU seconds of the runs since the last call. */
function cpuSince(): string {
  const values = cpu.splice(0)
  return values.length ? `${median(values).toFixed(2)} s CPU` : 'CPU n/a'
}

export default async function (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const empty = path.join(REPO, 'bench', `.empty-${process.pid}.mjs`)
  writeFileSync(empty, '')
  try {
    const startup = await time(() => run(['--import', 'tsx', empty]), { warmup: 1, runs: 3 })
    const startupCpu = cpuSince()
    for (const pipelines of [10, 50, 100, 200]) {
      const dir = makeSyntheticProject(pipelines)
      try {
        const tsc = await time(() => run([TSC, '--noEmit', '-p', dir]), { warmup: 0, runs: 1 })
        const tscCpu = cpuSince()
        const cold = await time(
          () => {
            rmSync(path.join(dir, 'generated'), { recursive: true, force: true })
            run(['--import', 'tsx', BIN, '--project', dir])
          },
          { warmup: 0, runs: 2 },
        )
        const coldCpu = cpuSince()
        const unchanged = await time(() => run(['--import', 'tsx', BIN, '--project', dir]), { warmup: 0, runs: 3 })
        const unchangedCpu = cpuSince()
        const target = pipelines === 100 ? '; target < 5000 ms' : ''
        results.push(
          compared(
            `${pipelines} pipelines: codegen cold`,
            cold.medianMs,
            'ms',
            { name: 'tsc --noEmit', value: tsc.medianMs },
            `${coldCpu} (tsc ${tscCpu})${target}`,
          ),
          compared(
            `${pipelines} pipelines: codegen unchanged`,
            unchanged.medianMs,
            'ms',
            { name: 'node+tsx start', value: startup.medianMs },
            `${unchangedCpu} (start ${startupCpu}); target < 1000 ms`,
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
