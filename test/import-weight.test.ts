// Importing `stairs` must not load a Redis client or ts-morph: a fresh Node process imports a module
// with a resolve hook that records every module URL resolved, plus the CommonJS module cache
// (CommonJS `require` calls between packages do not pass through the ESM hooks on Node 20).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repo = resolve(import.meta.dirname, '..')
const heavy = ['ioredis', 'bullmq', 'ts-morph']

// Runs in the hooks thread: reports every resolved URL on the port, and answers 'flush' once every
// earlier report was posted (messages on one port arrive in order).
const hookSource = `
let port
export async function initialize(data) {
  port = data.port
  port.on('message', () => port.postMessage({ flushed: true }))
  port.unref()
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  port.postMessage({ url: result.url })
  return result
}
`

// The child: registers the hook (after tsx, so it sees tsx's final URLs), imports the target,
// flushes the hook's reports and prints every URL and every CommonJS module it loaded.
const childSource = (hookUrl: string) => `
import { register, createRequire } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const { port1, port2 } = new MessageChannel()
const urls = []
let flushed
port1.on('message', (m) => (m.url ? urls.push(m.url) : flushed?.()))
register(${JSON.stringify(hookUrl)}, { data: { port: port2 }, transferList: [port2] })
await import(process.argv[2])
await new Promise((done) => { flushed = done; port1.postMessage('flush') })
port1.close()
const cjs = Object.keys(createRequire(import.meta.url).cache)
process.stdout.write(JSON.stringify({ urls, cjs }))
`

let dir: string
let child: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stairs-import-weight-'))
  const hook = join(dir, 'hook.mjs')
  await writeFile(hook, hookSource)
  child = join(dir, 'child.mjs')
  await writeFile(child, childSource(pathToFileURL(hook).href))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Every module file a fresh process loads to import `file` (absolute, or relative to the repo). */
async function modulesLoadedBy(file: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, pathToFileURL(resolve(repo, file)).href], { cwd: repo })
  const { urls, cjs } = JSON.parse(stdout) as { urls: string[]; cjs: string[] }
  return [...urls, ...cjs.map((file) => pathToFileURL(file).href)]
}

const packagesIn = (urls: string[]): string[] =>
  heavy.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`) || url === `node:${name}`))

describe('import weight', () => {
  it("importing 'stairs' loads no ioredis, bullmq or ts-morph", async () => {
    const loaded = await modulesLoadedBy('src/index.ts')
    // The probe saw the import itself, so an empty list cannot pass by accident.
    expect(loaded.some((url) => url.endsWith('/src/index.ts'))).toBe(true)
    expect(loaded.some((url) => url.endsWith('/src/dsl/app.ts'))).toBe(true)
    expect(packagesIn(loaded)).toEqual([])
  })

  it('the probe does see a heavy package when a module loads it', async () => {
    // A module outside the repo that loads two heavy packages by their resolved paths.
    const requireFromRepo = createRequire(join(repo, 'package.json'))
    const probe = join(dir, 'probe.mjs')
    const imports = ['ioredis', 'ts-morph'].map((name) => `import ${JSON.stringify(pathToFileURL(requireFromRepo.resolve(name)).href)}`)
    await writeFile(probe, `${imports.join('\n')}\n`)
    expect(packagesIn(await modulesLoadedBy(probe))).toEqual(['ioredis', 'ts-morph'])
  })
})
