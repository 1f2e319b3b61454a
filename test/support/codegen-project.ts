// Copies of codegen fixture projects in temporary directories, wired to this checkout: `stairs`
// and `zod` resolve through node_modules symlinks, and a tsconfig with the repository's strict
// options. Codegen runs there as it would in a user's project.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const CODEGEN_FIXTURE = path.join(REPO, 'test/fixtures/codegen-project')

// tsconfig.json has comments: read it as TypeScript does. Its options include the "stairs-source"
// condition, so these projects type-check against the sources they run.
const repoCompilerOptions = (): unknown => ts.readConfigFile(path.join(REPO, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions

/** A temporary project directory; `files` maps relative paths to contents. */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-codegen-test-'))
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), content)
  }
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true })
  symlinkSync(REPO, path.join(dir, 'node_modules/stairs'), 'dir')
  symlinkSync(path.join(REPO, 'node_modules/zod'), path.join(dir, 'node_modules/zod'), 'dir')
  mkdirSync(path.join(dir, 'node_modules/@types'))
  symlinkSync(path.join(REPO, 'node_modules/@types/node'), path.join(dir, 'node_modules/@types/node'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'codegen-test-project', type: 'module', private: true }))
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: repoCompilerOptions(), include: ['**/*.ts'] }, null, 2))
  return dir
}

/** The fixture's sources (without its expected output), each passed through `transform`. */
export function fixtureSources(transform: (file: string, text: string) => string = (_f, t) => t): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name)
      const rel = path.relative(CODEGEN_FIXTURE, full).split(path.sep).join('/')
      if (rel === 'expected') continue
      if (statSync(full).isDirectory()) walk(full)
      else files[rel] = transform(rel, readFileSync(full, 'utf8'))
    }
  }
  walk(CODEGEN_FIXTURE)
  return files
}

/** Every file under `dir`, by relative path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name)
      if (statSync(full).isDirectory()) walk(full)
      else out[path.relative(dir, full).split(path.sep).join('/')] = readFileSync(full, 'utf8')
    }
  }
  walk(dir)
  return out
}

export function copyProject(from: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-codegen-test-'))
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true })
  return dir
}

export const removeProject = (dir: string): void => rmSync(dir, { recursive: true, force: true })

export interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a TypeScript entrypoint with tsx in a fresh Node process. */
export function runTs(file: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: options.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** `stairs codegen` as a process (codegen/bin.ts), in `project`. */
export const runCodegenCli = (project: string, args: readonly string[] = []): Promise<ProcessResult> =>
  runTs(path.join(REPO, 'codegen/bin.ts'), ['--project', project, ...args], { cwd: REPO })
