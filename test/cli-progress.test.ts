// Acceptance 4 of the CLI: a redrawn progress bar on a terminal (seen through a pty made by
// `script`), plain periodic lines when the output is a pipe.
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, collect, runCli, scaffoldLinkedProject, tempDir } from './support/cli.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const temp = tempDir('progress')
const prefixes: string[] = []
let project: string
let url: string

beforeAll(async () => {
  url = await redisUrl()
  project = await scaffoldLinkedProject(temp.dir, 'demo')
})
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(url, prefix)
  temp.cleanup()
})

/** A fresh key prefix with the worker producer's batch list recorded (3 batches of the 10 sample rows). */
async function initialized(): Promise<Record<string, string>> {
  const prefix = uniquePrefix('cli-progress')
  prefixes.push(prefix)
  const env = { REDIS_URL: url, STAIRS_REDIS_PREFIX: prefix }
  const init = await runCli('stairs', ['producer:init', 'demo.sentence_pages', '--engine', 'redis'], { cwd: project, env })
  expect(init.stderr).toBe('')
  expect(init.stdout).toContain('demo.sentence_pages: 3 batches recorded')
  return env
}

describe('progress of a worker producer', () => {
  it('draws a bar on a pseudo-terminal', async () => {
    const env = await initialized()
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN.stairs)} producer:process demo.sentence_pages --engine redis`
    // script gives the command a pty (stdin, stdout and stderr are terminals) and copies its output here.
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: project, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
    const { code, stdout } = await collect(child)
    expect(code).toBe(0)
    expect(stdout).toContain('\r\x1b[2K') // redrawn in place
    expect(stdout).toMatch(/producer demo\.sentence_pages \[█{28}\] 100% 3\/3 batches/)
    expect(stdout).toContain('this process pushed 10 rows from 3 batches')
  })

  it('prints plain lines without a terminal', async () => {
    const env = await initialized()
    const { code, stderr } = await runCli('stairs', ['producer:process', 'demo.sentence_pages', '--engine', 'redis'], { cwd: project, env })
    expect(code).toBe(0)
    expect(stderr).not.toContain('\r')
    expect(stderr).not.toContain('█')
    expect(stderr).toMatch(/^producer demo\.sentence_pages: \d\/3 batches \(\d+%\), [\d.]+\/s, ETA \S+$/m)
    expect(stderr).toContain('producer demo.sentence_pages: this process pushed 10 rows from 3 batches')
  })
})
