// The other commands as subprocesses: graph, shell, pipelines:run --input, and a standalone
// consumer fed on Redis and drained by consumer:standalone.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, collect, runCli, scaffoldLinkedProject, tempDir } from './support/cli.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const temp = tempDir('commands')
const prefix = uniquePrefix('cli-commands')
let project: string
let env: Record<string, string>

beforeAll(async () => {
  env = { REDIS_URL: await redisUrl(), STAIRS_REDIS_PREFIX: prefix }
  project = await scaffoldLinkedProject(temp.dir, 'demo')
  // A standalone consumer in the pipeline: its records wait in Redis for consumer:standalone.
  const consumers = path.join(project, 'apps/demo/consumers.ts')
  writeFileSync(
    consumers,
    `${readFileSync(consumers, 'utf8')}\nexport const printIds = app.standaloneConsumer('print_ids', (record: { id: number }) => console.log(\`record \${record.id}\`))\n`,
  )
  const pipelines = path.join(project, 'apps/demo/pipelines.ts')
  writeFileSync(
    pipelines,
    readFileSync(pipelines, 'utf8')
      .replace("import { saveCounts } from './consumers.js'", "import { printIds, saveCounts } from './consumers.js'")
      .replace(
        '.subscribeConsumer(saveCounts, { asWorker: true })',
        '.subscribeConsumer(printIds)\n    .subscribeConsumer(saveCounts, { asWorker: true })',
      ),
  )
})
afterAll(async () => {
  await deletePrefix(env.REDIS_URL as string, prefix)
  temp.cleanup()
})

const stairs = (args: string[], input?: string) => runCli('stairs', args, { cwd: project, env, ...(input === undefined ? {} : { input }) })
const sinkLines = (): number => {
  const file = path.join(project, 'out/demo.jsonl')
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0
}

describe('other commands', () => {
  it('graph draws the stages as boxes with the queue between them', async () => {
    const { code, stdout } = await stairs(['graph', 'demo.word_count'])
    expect(code).toBe(0)
    expect(stdout).toBe(
      `${[
        'demo.word_count',
        '┌─ stage 1: input ────────────────────────────────┐',
        '│ input                                     input │',
        '│ CountWords                      flow, subscribe │',
        '│ make              make {id, wordCount, longest} │',
        '│ print_ids  consumer (standalone) demo.print_ids │',
        '└─────────────────────────────────────────────────┘',
        '                        │ queue demo.word_count.save_counts',
        '                        ▼',
        '┌─ stage 2: save_counts ──────────────────────────┐',
        '│ save_counts           consumer demo.save_counts │',
        '└─────────────────────────────────────────────────┘',
      ].join('\n')}\n`,
    )
  })

  it('shell evaluates with the project in scope', async () => {
    const script = [
      "apps.map((a) => a.name).join(',')",
      "[...app('demo').pipelines.keys()].join(',')",
      "runPipeline(pipelines['demo.word_count'], [{ id: 7, text: 'one two three' }]).then((r) => console.log('out', JSON.stringify(r.outputs)))",
      '',
    ].join('\n')
    const { code, stdout } = await stairs(['shell'], script)
    expect(code).toBe(0)
    expect(stdout).toContain("'demo'")
    expect(stdout).toContain("'word_count'")
    expect(stdout).toContain('out [{"id":7,"wordCount":3,"longest":"three"}]')
  })

  it('pipelines:run --input feeds a JSON-lines file on the memory engine, standalone consumers included', async () => {
    rmSync(path.join(project, 'out'), { recursive: true, force: true })
    const file = path.join(project, 'extra.jsonl')
    writeFileSync(file, '{"id":1,"text":"a b"}\n\n{"id":2,"text":"c"}\n')
    const { code, stdout, stderr } = await stairs(['pipelines:run', 'demo.word_count', '--input', 'extra.jsonl'])
    expect(code, stderr).toBe(0)
    expect(stderr).toContain('input extra.jsonl: 2 rows sent to demo.word_count')
    // The project's producer feeds the pipeline too: 10 sample rows + 2.
    expect(stdout).toContain('demo.word_count: 12 in, 12 out, 0 filtered, 0 dead-lettered')
    expect(sinkLines()).toBe(12)
    // The standalone consumer runs in the same process on the memory engine.
    expect(stderr).toContain('consumer demo.print_ids: 12 records handled')
    expect(stdout.match(/^record \d+$/gm)).toHaveLength(12)
    writeFileSync(file, '{"id":1,"text":"a b"}\nnot json\n')
    const bad = await stairs(['pipelines:run', 'demo.word_count', '--input', 'extra.jsonl'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^error: extra\.jsonl:2: not JSON/m)
  })

  it('consumer:standalone drains the records the Redis workers left in its queue', async () => {
    rmSync(path.join(project, 'out'), { recursive: true, force: true })
    expect((await stairs(['producer:process', 'demo.sentences', '--engine', 'redis'])).code).toBe(0)
    const workers: ChildProcess = spawn(process.execPath, [BIN.stairs, 'pipelines:run', 'demo', '--engine', 'redis'], {
      cwd: project,
      env: cliEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stopped = collect(workers)
    for (let i = 0; i < 600 && sinkLines() < 10; i++) await new Promise((r) => setTimeout(r, 50))
    workers.kill('SIGTERM')
    const stoppedWorkers = await stopped
    expect(stoppedWorkers.code).toBe(0)
    expect(stoppedWorkers.stderr).toContain(
      "note: no generated/manifest.json: workers start without the contract check (run 'stairs codegen')",
    )
    const { code, stdout, stderr } = await stairs(['consumer:standalone', 'demo.print_ids', '--engine', 'redis', '--until-empty'])
    expect(code, stderr).toBe(0)
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => Number(l.replace('record ', '')))
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(stderr).toContain('consumer demo.print_ids: 10 records handled')
  })
})
