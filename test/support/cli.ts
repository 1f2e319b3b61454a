// Runs the stairs CLIs as real subprocesses (node bin/*.js), and makes throwaway projects.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '')
export const BIN = { stairs: path.join(CHECKOUT, 'bin/stairs.js'), 'stairs-admin': path.join(CHECKOUT, 'bin/stairs-admin.js') }

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  readonly cwd: string
  readonly env?: Record<string, string | undefined>
  /** Written to stdin, which is then closed. */
  readonly input?: string
}

/** Environment for child processes: no inherited REDIS_URL/prefix surprises, no colours. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...extra }
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key]
  return env
}

/** Starts a CLI; the caller decides when to signal it. */
export function startCli(bin: keyof typeof BIN, args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [BIN[bin], ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Runs a CLI to its end and collects its output. */
export function runCli(bin: keyof typeof BIN, args: readonly string[], options: CliOptions): Promise<CliResult> {
  const child = startCli(bin, args, options)
  return collect(child, options.input)
}

export function collect(child: ChildProcess, input?: string): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin?.end(input ?? '')
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A temp folder, removed by the returned cleanup. */
export function tempDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stairs-cli-${name}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Links an existing project folder to this checkout without npm install (node_modules/stairs and
 * zod as symlinks): for tests that exercise the CLI, not the install.
 */
export function linkCheckout(projectDir: string): void {
  mkdirSync(path.join(projectDir, 'node_modules'), { recursive: true })
  symlinkSync(CHECKOUT, path.join(projectDir, 'node_modules/stairs'), 'dir')
  symlinkSync(path.join(CHECKOUT, 'node_modules/zod'), path.join(projectDir, 'node_modules/zod'), 'dir')
}

/** A new project made by `stairs-admin project:new NAME` in `parent`, linked to this checkout. */
export async function scaffoldLinkedProject(parent: string, name: string): Promise<string> {
  const result = await runCli('stairs-admin', ['project:new', name, '--stairs', CHECKOUT], { cwd: parent })
  if (result.code !== 0) throw new Error(`project:new failed (${result.code}): ${result.stderr}`)
  const dir = path.join(parent, name)
  linkCheckout(dir)
  return dir
}
