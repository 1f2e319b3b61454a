// Which modules a fresh Node process loads to import one module: a resolve hook records every
// module URL resolved, plus the CommonJS module cache (CommonJS `require` calls between packages do
// not pass through the ESM hooks on Node 20). Used for the import weight of the sources
// (test/import-weight.test.ts) and of the installed package (test/package.test.ts).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

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

// The child: registers the hook (after any --import loader, so it sees the loader's final URLs),
// imports the target, flushes the hook's reports and prints every URL and CommonJS module it loaded.
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

export interface ProbeOptions {
  readonly cwd: string
  /** Node flags before the child (e.g. `['--import', 'tsx']` to import TypeScript). */
  readonly execArgv?: readonly string[]
  readonly env?: NodeJS.ProcessEnv
}

/** Writes the probe into `dir` (a temporary folder the caller removes). */
export async function createImportProbe(dir: string): Promise<(target: string, options: ProbeOptions) => Promise<string[]>> {
  const hook = join(dir, 'probe-hook.mjs')
  await writeFile(hook, hookSource)
  const child = join(dir, 'probe-child.mjs')
  await writeFile(child, childSource(pathToFileURL(hook).href))
  /** Every module URL a fresh process loads to import `target` (a file URL or a package specifier). */
  return async (target, options) => {
    const { stdout } = await run(process.execPath, [...(options.execArgv ?? []), child, target], { cwd: options.cwd, env: options.env })
    const { urls, cjs } = JSON.parse(stdout) as { urls: string[]; cjs: string[] }
    return [...urls, ...cjs.map((file) => pathToFileURL(file).href)]
  }
}

/** The packages of `names` that appear among `urls`. */
export const packagesIn = (urls: readonly string[], names: readonly string[]): string[] =>
  names.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`) || url === `node:${name}`))
