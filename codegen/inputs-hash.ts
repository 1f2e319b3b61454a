// The hash of everything generated/ is made from: the config, the app modules and the local
// modules they import (found by a quick scan of relative imports: no TypeScript loaded, so an
// unchanged run stays fast), and the generator itself.
// Framework sources and packages are not inputs: `--check` always regenerates in full, so a
// framework change that alters the output is still caught there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { shortHash } from './hash.js'

const CODEGEN_DIR = path.dirname(fileURLToPath(import.meta.url))
const PACKAGE_DIR = path.dirname(CODEGEN_DIR)
const FRAMEWORK_DIRS = ['src', 'codegen'].map((dir) => path.join(PACKAGE_DIR, dir) + path.sep)
// `.ts` in a checkout, `.js` when built (dist/): the code that runs, not its declarations.
const EXT = path.extname(fileURLToPath(import.meta.url))

let generatorHash: string | undefined
/**
 * The framework code whose behaviour shapes the output: the generator itself, and what decides
 * node ids, stages, live slots and queue names. A change there invalidates every output, so the
 * unchanged-inputs fast path never keeps files that a full run would write differently.
 */
const GENERATOR_SOURCES = [
  CODEGEN_DIR,
  ...['src/dsl', 'src/graph', 'src/plan', 'src/flow', 'src/runtime/keys', 'src/runtime/manifest'].map((p) => path.join(PACKAGE_DIR, p)),
]

/** Hash of the generator's sources (see GENERATOR_SOURCES). */
function generatorFingerprint(): string {
  if (generatorHash) return generatorHash
  const files: string[] = []
  const walk = (target: string): void => {
    if (existsSync(target + EXT)) {
      files.push(target + EXT)
      return
    }
    for (const entry of readdirSync(target, { withFileTypes: true })) {
      const full = path.join(target, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith(EXT) && !entry.name.endsWith(`.d${EXT}`)) files.push(full)
    }
  }
  for (const source of GENERATOR_SOURCES) walk(source)
  files.sort()
  generatorHash = shortHash(files.map((f) => `${path.relative(PACKAGE_DIR, f)}\0${readFileSync(f, 'utf8')}`).join('\0'))
  return generatorHash
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"\n]+)['"]/g
const SOURCE = /\.[cm]?tsx?$/

/** A relative specifier as a file: `./x.js` -> `./x.ts`, `./dir` -> `./dir/index.ts`. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier)
  const stem = base.replace(/\.([cm]?)jsx?$/, '')
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, path.join(base, 'index.ts')]
  return candidates.find((file) => SOURCE.test(file) && existsSync(file) && statSync(file).isFile())
}

/** The project's local modules reachable from `roots` by relative imports (framework and packages left out). */
export function localModules(roots: readonly string[]): string[] {
  const seen = new Set<string>()
  const queue = roots.map((r) => path.resolve(r))
  while (queue.length) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] as string
      if (!specifier.startsWith('.')) continue
      const resolved = resolveRelative(file, specifier)
      if (!resolved || FRAMEWORK_DIRS.some((dir) => resolved.startsWith(dir))) continue
      queue.push(resolved)
    }
  }
  return [...seen].sort()
}

/**
 * Hash of the inputs: files under the root by relative path and content, files outside it by
 * content only (so a copy of the project elsewhere hashes the same), plus the generator.
 */
export function inputsHash(root: string, roots: readonly string[]): string {
  const entries = localModules(roots).map((file) => {
    let content = ''
    try {
      content = readFileSync(file, 'utf8')
    } catch {
      content = '<missing>'
    }
    const relative = path.relative(root, file)
    const name = relative.startsWith('..') ? '<outside>' : relative.split(path.sep).join('/')
    return `${name}\0${shortHash(content)}`
  })
  entries.sort()
  return shortHash([`generator\0${generatorFingerprint()}`, ...entries].join('\n'))
}
