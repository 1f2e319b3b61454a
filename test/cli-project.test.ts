// Acceptance 1 of the CLI, as a user does it: a new project installed from this checkout with npm,
// a second app, codegen, a run on the memory engine, then on Redis producer:process, inspect:status
// and pipelines:run; the project's sink receives the expected records each time.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHECKOUT, type CliResult, cliEnv, collect, tempDir } from './support/cli.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'
import { SOURCE_CONDITION } from './support/source-condition.js'

const temp = tempDir('project')
const prefix = uniquePrefix('cli-project')
const project = path.join(temp.dir, 'demo')
let env: Record<string, string>

/** The word counts the sink writes for the 10 sample sentences, in id order (counted by hand). */
const EXPECTED_COUNTS = [12, 3, 12, 5, 10, 5, 7, 5, 6, 5]

/** Runs a command line in the project through the installed bins (node_modules/.bin on PATH). */
function sh(command: string, args: string[], cwd = project): Promise<CliResult> {
  return collect(spawnIn(command, args, cwd))
}

function spawnIn(command: string, args: string[], cwd: string): ChildProcess {
  const bin = path.join(project, 'node_modules/.bin')
  return spawn(command, args, { cwd, env: cliEnv({ ...env, PATH: `${bin}:${process.env.PATH}` }), stdio: ['pipe', 'pipe', 'pipe'] })
}

const sinkOf = (app: string): { id: number; wordCount: number; longest: string }[] => {
  const file = path.join(project, 'out', `${app}.jsonl`)
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : []
}

beforeAll(async () => {
  env = { REDIS_URL: await redisUrl(), STAIRS_REDIS_PREFIX: prefix }
  const created = await sh(
    process.execPath,
    [path.join(CHECKOUT, 'bin/stairs-admin.js'), 'project:new', 'demo'], // no --stairs: a checkout links itself
    temp.dir,
  )
  expect(created.code, created.stderr).toBe(0)
  // Once per file: npm install reaches the registry for zod, tsx, typescript; stairs is a file: link.
  const installed = await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'])
  expect(installed.code, installed.stderr).toBe(0)
}, 300_000)

afterAll(async () => {
  await deletePrefix(env.REDIS_URL as string, prefix)
  temp.cleanup()
})

describe('a new project, end to end', () => {
  it('is installed against this checkout', () => {
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'))
    expect(manifest.dependencies.stairs).toBe(`file:${CHECKOUT}`)
    expect(existsSync(path.join(project, 'node_modules/.bin/stairs'))).toBe(true)
  })

  it('app:new adds a second app and registers it', async () => {
    const { code, stdout } = await sh('stairs-admin', ['app:new', 'second'])
    expect(code).toBe(0)
    expect(stdout).toContain('apps/second/pipelines.ts')
    expect(readFileSync(path.join(project, 'stairs.config.ts'), 'utf8')).toContain("'apps/demo/index.ts',\n    'apps/second/index.ts',")
  })

  it('codegen writes generated/, and the project type-checks with it', async () => {
    const { code, stdout, stderr } = await sh('stairs', ['codegen'])
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('generated/workers/second.word_count.ts')
    expect(existsSync(path.join(project, 'generated/manifest.json'))).toBe(true)
    expect((await sh('stairs', ['codegen', '--check'])).code).toBe(0)
    // The linked checkout is not built: the project's tsc reads stairs' sources, as its Node processes do (NODE_OPTIONS).
    const tsc = await sh('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json', '--customConditions', SOURCE_CONDITION])
    expect(tsc.code, tsc.stdout).toBe(0)
  }, 180_000) // ts-morph and tsc over a fresh project: slow on a busy 2-core machine

  it('pipelines:run on the memory engine: each sink receives every record', async () => {
    const { code, stdout, stderr } = await sh('stairs', ['pipelines:run'])
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('demo.word_count: 10 in, 10 out, 0 filtered, 0 dead-lettered')
    expect(stdout).toContain('second.word_count: 10 in, 10 out, 0 filtered, 0 dead-lettered')
    for (const app of ['demo', 'second']) {
      const rows = sinkOf(app).sort((a, b) => a.id - b.id)
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(rows.map((r) => r.wordCount)).toEqual(EXPECTED_COUNTS)
      expect(rows[0]).toEqual({ id: 1, wordCount: 12, longest: 'pipelines' })
    }
  })

  it('on Redis: producer:process, inspect:status, then pipelines:run until SIGTERM', async () => {
    rmSync(path.join(project, 'out'), { recursive: true, force: true })
    const produced = await sh('stairs', ['producer:process', 'demo.sentences', '--engine', 'redis'])
    expect(produced.code, produced.stderr).toBe(0)
    expect(produced.stderr).toContain('producer demo.sentences: 10 rows pushed to demo.word_count')

    const status = await sh('stairs', ['inspect:status', 'demo', '--engine', 'redis', '--interval', '200'])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain('Queue: demo.word_count.input\nAmount of jobs: 10\n')
    expect(sinkOf('demo')).toEqual([]) // nothing runs the workers yet

    const workers = spawnIn('stairs', ['pipelines:run', 'demo', '--engine', 'redis'], project)
    const done = collect(workers)
    for (let i = 0; i < 600 && sinkOf('demo').length < 10; i++) await new Promise((r) => setTimeout(r, 50))
    workers.kill('SIGTERM')
    const { code, stdout, stderr } = await done
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('SIGTERM, finishing the records in flight')
    expect(stdout).toContain('workers stopped')
    expect(stderr).not.toContain('without the contract check') // codegen's manifest gave the contracts
    const rows = sinkOf('demo').sort((a, b) => a.id - b.id)
    expect(rows.map((r) => r.wordCount)).toEqual(EXPECTED_COUNTS)

    const after = await sh('stairs', ['inspect:status', 'demo', '--engine', 'redis', '--interval', '200'])
    expect(after.stdout).toContain('Queue: demo.word_count.input\nAmount of jobs: 0\n')
    expect(after.stdout).toContain('Queue: demo.word_count.save_counts\nAmount of jobs: 0\n')
  })
})
