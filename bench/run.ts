// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or those whose name contains one of
// the arguments), each in its own process so one bench's heap cannot skew another's memory
// figures, prints a table per file and writes every result to bench/results/latest.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Bench, type BenchResult, formatTable } from './harness.js'

const benchDir = dirname(fileURLToPath(import.meta.url))

interface FileResults {
  file: string
  results: BenchResult[]
  error?: string
}

/** Child mode: `run.ts --one FILE OUT` imports one bench, runs it, prints and saves its results. */
async function runOne(file: string, out: string): Promise<void> {
  const bench = (await import(pathToFileURL(file).href)) as { default?: Bench }
  if (typeof bench.default !== 'function') throw new Error(`${file}: no default export (expected async () => BenchResult[])`)
  const results = await bench.default()
  console.log(formatTable(basename(file), results))
  writeFileSync(out, JSON.stringify(results))
}

function selectFiles(names: readonly string[]): string[] {
  const all = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
  const chosen = names.length ? all.filter((f) => names.some((n) => f.includes(n))) : all
  if (chosen.length === 0) throw new Error(`no bench file matches ${names.join(', ')}; there are: ${all.join(', ') || 'none'}`)
  return chosen.map((f) => join(benchDir, f))
}

function runAll(names: readonly string[]): number {
  const files = selectFiles(names)
  const collected: FileResults[] = []
  let failures = 0
  for (const file of files) {
    const out = join(tmpdir(), `stairs-bench-${process.pid}-${basename(file)}.json`)
    // Same loader flags as this process (tsx), so the child runs TypeScript too.
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', file, out], {
      stdio: 'inherit',
    })
    if (child.status === 0) {
      collected.push({ file: basename(file), results: JSON.parse(readFileSync(out, 'utf8')) as BenchResult[] })
    } else {
      failures++
      const error = `exited with ${child.status ?? child.signal}`
      console.error(`== ${basename(file)}: FAILED (${error})`)
      collected.push({ file: basename(file), results: [], error })
    }
    rmSync(out, { force: true })
  }
  mkdirSync(join(benchDir, 'results'), { recursive: true })
  const report = { at: new Date().toISOString(), node: process.version, load: loadAverage(), files: collected }
  writeFileSync(join(benchDir, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log(`\nload average at the end: ${report.load}; results in bench/results/latest.json`)
  return failures ? 1 : 0
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}

const args = process.argv.slice(2)
if (args[0] === '--one') await runOne(args[1] as string, args[2] as string)
else process.exitCode = runAll(args)
