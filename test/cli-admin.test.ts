// `stairs admin` and `pipelines:run --admin` as a user runs them: real processes in a scaffolded
// project, the page's API answering, Ctrl-C (SIGINT) ending them cleanly, and the refusals a user
// can meet (a memory project, a public address without a token).
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdminGraph, AdminSnapshot } from '../src/admin/api-types.js'
import { collect, runCli, scaffoldLinkedProject, startCli, tempDir } from './support/cli.js'
import { deletePrefix, freePort, redisUrl, uniquePrefix } from './support/redis.js'

const temp = tempDir('cli-admin')
const prefix = uniquePrefix('cli-admin')
let project: string
let env: Record<string, string>

beforeAll(async () => {
  env = { REDIS_URL: await redisUrl(), STAIRS_REDIS_PREFIX: prefix }
  project = await scaffoldLinkedProject(temp.dir, 'demo')
})
afterAll(async () => {
  await deletePrefix(env.REDIS_URL as string, prefix)
  temp.cleanup()
})

/** Waits for the `stairs admin: URL` line a serving command prints on stderr. */
function servedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`no admin URL within 30 s; stderr: ${seen}`)), 30_000)
    child.stderr?.on('data', (chunk) => {
      seen += chunk
      const match = seen.match(/stairs admin: (http:\/\/\S+?\/)[\s?]/)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code} before serving; stderr: ${seen}`)))
  })
}

describe('stairs admin', () => {
  it('serves the graph and figures of a redis project until Ctrl-C', async () => {
    const port = await freePort()
    const child = startCli('stairs', ['admin', '--engine', 'redis', '--port', String(port)], { cwd: project, env })
    const done = collect(child)
    const url = await servedUrl(child)
    expect(url).toBe(`http://127.0.0.1:${port}/`)
    const graph = (await (await fetch(`${url}api/graph`)).json()) as AdminGraph
    expect(graph.engine).toBe('redis')
    expect(graph.apps.map((a) => a.name)).toEqual(['demo'])
    const stages = graph.apps[0]?.pipelines.flatMap((p) => p.stages.map((s) => s.queue))
    const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as AdminSnapshot
    expect(snapshot.ok).toBe(true)
    expect(Object.keys(snapshot.stages).sort()).toEqual([...(stages ?? [])].sort())
    expect((await fetch(`${url}metrics`)).status).toBe(200)
    child.kill('SIGINT')
    expect((await done).code).toBe(0)
  })

  it('on a memory project, points at pipelines:run --admin', async () => {
    const { code, stderr } = await runCli('stairs', ['admin'], { cwd: project, env })
    expect(code).toBe(1)
    expect(stderr).toContain("hint: run 'stairs pipelines:run --admin'")
  })

  it('refuses a public address without a token', async () => {
    const { code, stderr } = await runCli('stairs', ['admin', '--engine', 'redis', '--host', '0.0.0.0', '--port', '0'], {
      cwd: project,
      env,
    })
    expect(code).toBe(2)
    expect(stderr).toMatch(/needs a token \(--token or STAIRS_ADMIN_TOKEN\)/)
  })
})

describe('stairs pipelines:run --admin', () => {
  it('serves the page for a memory run, which stays up after the run until Ctrl-C', async () => {
    const port = await freePort()
    const child = startCli('stairs', ['pipelines:run', '--admin', String(port)], { cwd: project, env })
    const done = collect(child)
    const url = await servedUrl(child)
    const graph = (await (await fetch(`${url}api/graph`)).json()) as AdminGraph
    expect(graph.engine).toBe('memory')
    // The run finishes; its totals stay on the page.
    let processed = 0
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && processed === 0) {
      const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as AdminSnapshot
      processed = Object.values(snapshot.stages).reduce((sum, s) => sum + s.counters.processed, 0)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(processed).toBeGreaterThan(0)
    child.kill('SIGINT')
    const { code, stdout } = await done
    expect(code).toBe(0)
    expect(stdout).toMatch(/demo\.\w+: \d+ in, \d+ out/)
  })
})
