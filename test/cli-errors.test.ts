// Acceptance 3 of the CLI: wrong input gives one line saying what is wrong, and an exit code.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, scaffoldLinkedProject, tempDir } from './support/cli.js'
import { freePort } from './support/redis.js'

const temp = tempDir('errors')
let project: string

beforeAll(async () => {
  project = await scaffoldLinkedProject(temp.dir, 'demo')
  // A standalone consumer, so consumer names have something to be suggested.
  appendFileSync(
    path.join(project, 'apps/demo/consumers.ts'),
    "\nexport const writeLog = app.standaloneConsumer('write_log', (record: { id: number }) => console.log(record.id))\n",
  )
})
afterAll(() => temp.cleanup())

const stairs = (args: string[], env?: Record<string, string>) => runCli('stairs', args, { cwd: project, ...(env ? { env } : {}) })

/** A known failure: exactly one `error:` line (plus an optional hint) and no stack trace. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  expect(lines[0]).toMatch(/^error: /)
  expect(lines.slice(1).every((l) => l.startsWith('hint: '))).toBe(true)
  expect(stderr).not.toMatch(/\n\s+at /)
  return lines[0] as string
}

describe('unknown names list the valid ones and suggest the closest', () => {
  it('pipeline', async () => {
    const { code, stderr } = await stairs(['graph', 'demo.word_cont'])
    expect(code).toBe(2)
    expect(expectOneLine(stderr)).toBe("error: unknown pipeline 'demo.word_cont': did you mean 'demo.word_count'? (valid: demo.word_count)")
  })

  it('app', async () => {
    const { code, stderr } = await stairs(['graph', 'dmeo'])
    expect(code).toBe(2)
    expect(expectOneLine(stderr)).toContain("unknown app or app.pipeline 'dmeo': did you mean 'demo'?")
  })

  it("a pipeline's bare name suggests its app.pipeline", async () => {
    const { code, stderr } = await stairs(['pipelines:run', 'word_count', '--input', 'x.jsonl'])
    expect(code).toBe(2)
    expect(expectOneLine(stderr)).toBe(
      "error: unknown app or app.pipeline 'word_count': did you mean 'demo.word_count'? (pipelines are named app.pipeline; apps: demo)",
    )
  })

  it('producer', async () => {
    const { code, stderr } = await stairs(['producer:process', 'demo.sentence'])
    expect(code).toBe(2)
    expect(expectOneLine(stderr)).toBe(
      "error: unknown producer 'demo.sentence': did you mean 'demo.sentences'? (valid: demo.sentence_pages, demo.sentences)",
    )
  })

  it('standalone consumer', async () => {
    const { code, stderr } = await stairs(['consumer:standalone', 'demo.write_lg'])
    expect(code).toBe(2)
    expect(expectOneLine(stderr)).toBe(
      "error: unknown standalone consumer 'demo.write_lg': did you mean 'demo.write_log'? (valid: demo.write_log)",
    )
  })

  it('command (commander suggests too)', async () => {
    const { code, stderr } = await stairs(['pipelines:rn'])
    expect(code).toBe(2)
    expect(stderr).toContain("unknown command 'pipelines:rn'")
    expect(stderr).toContain('pipelines:run')
  })
})

describe('other failures', () => {
  it('Redis unreachable: one line naming the URL with the password masked', async () => {
    const port = await freePort()
    const { code, stderr } = await stairs(['inspect:status', '--engine', 'redis'], { REDIS_URL: `redis://bob:s3cret@127.0.0.1:${port}` })
    expect(code).toBe(1)
    expect(expectOneLine(stderr)).toBe(
      `error: cannot use Redis at redis://bob:***@127.0.0.1:${port}: connection refused: is redis-server running there?`,
    )
    expect(stderr).not.toContain('s3cret')
  })

  it('a stairs.config.ts failing its schema: the zod path and message', async () => {
    const config = path.join(project, 'stairs.config.ts')
    const original = readFileSync(config, 'utf8')
    try {
      writeFileSync(config, original.replace('concurrency: 1', 'concurrency: 0'))
      const bad = await stairs(['graph'])
      expect(bad.code).toBe(2)
      expect(expectOneLine(bad.stderr)).toBe('error: stairs.config.ts: concurrency: Too small: expected number to be >0')
      writeFileSync(config, original.replace("url: 'redis://127.0.0.1:6379'", "url: 'http://127.0.0.1:6379'"))
      const url = await stairs(['graph'])
      expect(url.code).toBe(2)
      expect(expectOneLine(url.stderr)).toBe('error: stairs.config.ts: redis.url: must start with redis:// or rediss://')
    } finally {
      writeFileSync(config, original)
    }
  })

  it('a command outside a project', async () => {
    const outside = tempDir('outside')
    try {
      const { code, stderr } = await runCli('stairs', ['pipelines:run'], { cwd: outside.dir })
      expect(code).toBe(2)
      expect(expectOneLine(stderr)).toMatch(/^error: no stairs\.config\.ts in .+ or any folder above it: run this inside a stairs project/)
      const admin = await runCli('stairs-admin', ['app:new', 'second'], { cwd: outside.dir })
      expect(admin.code).toBe(2)
      expect(expectOneLine(admin.stderr)).toMatch(/^error: no stairs\.config\.ts in /)
    } finally {
      outside.cleanup()
    }
  })

  it('stairs-admin refuses a bad name, an existing folder and an existing app', async () => {
    const badName = await runCli('stairs-admin', ['project:new', 'My Project'], { cwd: temp.dir })
    expect(badName.code).toBe(2)
    expect(expectOneLine(badName.stderr)).toMatch(/^error: project name 'My Project' is not valid: use lower-case letters/)
    const exists = await runCli('stairs-admin', ['project:new', 'demo'], { cwd: temp.dir })
    expect(exists.code).toBe(1)
    expect(exists.stderr).toBe(
      `error: folder ${project} already exists and is not empty\nhint: choose another name, or remove the folder\n`,
    )
    const again = await runCli('stairs-admin', ['app:new', 'demo'], { cwd: project })
    expect(again.code).toBe(1)
    expect(expectOneLine(again.stderr)).toBe(`error: app folder apps/demo already exists in ${project}`)
    const badApp = await runCli('stairs-admin', ['app:new', '9lives'], { cwd: project })
    expect(badApp.code).toBe(2)
    expect(expectOneLine(badApp.stderr)).toMatch(/^error: app name '9lives' is not valid/)
  })

  it('a bad option value names the option; --verbose adds the stack trace', async () => {
    const bad = await stairs(['pipelines:run', '--concurrency', 'zero'])
    expect(bad.code).toBe(2)
    expect(expectOneLine(bad.stderr)).toBe('error: option --concurrency: concurrency must be a number')
    const engine = await stairs(['pipelines:run', '--engine', 'kafka'])
    expect(engine.code).toBe(2)
    expect(expectOneLine(engine.stderr)).toMatch(/^error: unknown engine 'kafka'; registered engines: memory, redis, bullmq/)
    const verbose = await stairs(['graph', 'demo.nope', '--verbose'])
    expect(verbose.code).toBe(2)
    expect(verbose.stderr).toMatch(/\n\s+at /)
  })
})
