// A user's project with the packed stairs tarball installed: `npm pack` of this checkout, the
// fixture test/fixtures/package-project copied to a temporary folder, and an npm install there of
// the tarball (a real copy, no link to this checkout). The install starts from this repository's
// package-lock.json, so stairs' dependencies and the tools get the versions the repo locks, from
// npm's cache when they are there (`npm ci` put them there).
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { withoutSourceCondition } from './source-condition.js'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const PACKAGE_FIXTURE = path.join(REPO, 'test/fixtures/package-project')

export interface RunResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment of a user's process: none of this repository's npm settings (npm run exports
 * them as npm_* variables, including its local prefix) and no "stairs-source" condition, and no
 * repository node_modules/.bin on PATH.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value
  const nodeOptions = withoutSourceCondition(env.NODE_OPTIONS)
  if (nodeOptions === undefined) delete env.NODE_OPTIONS
  else env.NODE_OPTIONS = nodeOptions
  env.PATH = (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.startsWith(REPO))
    .join(path.delimiter)
  return { ...env, NO_COLOR: '1', ...extra }
}

/** Starts a command; stdout and stderr are collected by `finished`. */
export function start(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): { child: ChildProcess; output: () => RunResult; finished: Promise<RunResult> } {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const output = (): RunResult => ({ code: child.exitCode, stdout, stderr })
  const finished = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, output, finished }
}

/** Runs a command to its end, with `input` on stdin. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  const started = start(command, args, options)
  started.child.stdin?.end(options.input ?? '')
  return started.finished
}

export interface PackedTarball {
  readonly file: string
  readonly files: readonly string[]
  readonly packedBytes: number
  readonly unpackedBytes: number
}

/** `npm pack` of this checkout into `dir` (prepack builds dist/ first). */
export async function packStairs(dir: string): Promise<PackedTarball> {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir, '--loglevel=error'], { cwd: REPO, env: process.env })
  if (packed.code !== 0) throw new Error(`npm pack failed (exit ${packed.code}):\n${packed.stderr}`)
  // With --json the build's output goes to stderr; stdout is the report.
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string
    size: number
    unpackedSize: number
    files: { path: string }[]
  }[]
  const entry = report[0]
  if (!entry) throw new Error(`npm pack printed no report:\n${packed.stdout}`)
  return {
    file: path.join(dir, entry.filename),
    files: entry.files.map((f) => f.path).sort(),
    packedBytes: entry.size,
    unpackedBytes: entry.unpackedSize,
  }
}

const lockedVersion = (lock: { packages: Record<string, { version?: string }> }, name: string): string => {
  const version = lock.packages[`node_modules/${name}`]?.version
  if (!version) throw new Error(`package-lock.json locks no ${name}`)
  return version
}

/** Copies the fixture to `dir` and installs `tarball` (and the tools the checks need) there. */
export async function installProject(dir: string, tarball: string): Promise<void> {
  mkdirSync(dir, { recursive: true })
  cpSync(PACKAGE_FIXTURE, dir, { recursive: true })
  const lockText = readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')
  const lock = JSON.parse(lockText) as { packages: Record<string, { version?: string }> }
  const manifest = {
    name: 'stairs-user-project',
    private: true,
    type: 'module',
    dependencies: { stairs: `file:${tarball}`, zod: lockedVersion(lock, 'zod') },
    devDependencies: Object.fromEntries(['typescript', '@types/node', 'tsd'].map((name) => [name, lockedVersion(lock, name)])),
  }
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  writeFileSync(path.join(dir, 'package-lock.json'), lockText)
  const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir })
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed (exit ${installed.code}):\n${installed.stderr}`)
}
