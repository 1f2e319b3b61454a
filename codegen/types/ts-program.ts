// One TypeScript program over the project (its tsconfig, rooted at the config and app modules),
// and its syntax and type errors in the project's own files.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { getLibFiles, libFolderInMemoryPath } from '@ts-morph/common'
import { ts } from 'ts-morph'
import { processConditions } from '../node-conditions.js'

// The framework's own sources are checked by its own build, not reported as the user's errors.
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const FRAMEWORK_DIRS = ['src', 'codegen'].map((dir) => path.join(PACKAGE_DIR, dir) + path.sep)

export interface ProjectProgram {
  readonly program: ts.Program
  readonly checker: ts.TypeChecker
}

const FALLBACK_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
}

/**
 * Creates the program with the compiler API that ts-morph ships: the nearest tsconfig.json's
 * options (else strict NodeNext defaults), rooted at `files` only, so the rest of the tsconfig's
 * files are never parsed. (A ts-morph `Project` host loses each file's ESM/CJS format under
 * NodeNext — false TS1470 errors — and took three times as long here.)
 */
export function createProjectProgram(root: string, files: readonly string[]): ProjectProgram {
  const configPath = ts.findConfigFile(root, (f) => existsSync(f))
  let options = FALLBACK_OPTIONS
  if (configPath) {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      { noEmit: true },
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    )
    if (parsed) options = parsed.options
  }
  options = withProcessConditions(options)
  const program = ts.createProgram({ rootNames: [...files], options, host: hostWithBundledLibs(options) })
  return { program, checker: program.getTypeChecker() }
}

const CONDITION_AWARE = [ts.ModuleResolutionKind.Node16, ts.ModuleResolutionKind.NodeNext, ts.ModuleResolutionKind.Bundler]

/** Adds the export conditions Node resolves with here, so the types match the modules the project loads. */
function withProcessConditions(options: ts.CompilerOptions): ts.CompilerOptions {
  const extra = processConditions().filter((c) => !options.customConditions?.includes(c))
  if (extra.length === 0 || !CONDITION_AWARE.includes(options.moduleResolution ?? ts.ModuleResolutionKind.Node10)) return options
  return { ...options, customConditions: [...(options.customConditions ?? []), ...extra] }
}

let libs: Map<string, string> | undefined
/** A disk compiler host whose `lib.*.d.ts` come from the copies bundled with ts-morph (its TypeScript has no lib folder on disk). */
function hostWithBundledLibs(options: ts.CompilerOptions): ts.CompilerHost {
  libs ??= new Map(getLibFiles().map((f) => [path.posix.join(libFolderInMemoryPath, f.fileName), f.text]))
  const bundled = libs
  const host = ts.createCompilerHost(options, true)
  const { getSourceFile, fileExists, readFile } = host
  host.getDefaultLibLocation = () => libFolderInMemoryPath
  host.getDefaultLibFileName = (opts) => path.posix.join(libFolderInMemoryPath, ts.getDefaultLibFileName(opts))
  host.fileExists = (file) => bundled.has(file) || fileExists.call(host, file)
  host.readFile = (file) => bundled.get(file) ?? readFile.call(host, file)
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const text = bundled.get(file)
    return text === undefined
      ? getSourceFile.call(host, file, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(file, text, languageVersion, true)
  }
  return host
}

/** True for the project's own sources (not libraries, not generated output). */
export function isProjectSource(file: string, root: string, generatedDir: string): boolean {
  const normalized = path.resolve(file)
  return (
    normalized.startsWith(root + path.sep) &&
    !normalized.startsWith(generatedDir + path.sep) &&
    !normalized.includes(`${path.sep}node_modules${path.sep}`) &&
    !normalized.endsWith('.d.ts') &&
    !FRAMEWORK_DIRS.some((dir) => normalized.startsWith(dir))
  )
}

/** Syntax errors first (they make type errors noise), then type errors: `file:line:col - error TSn: message`. */
export function projectDiagnostics(
  { program }: ProjectProgram,
  root: string,
  generatedDir: string,
): { messages: string[]; firstLocation: string | null } {
  const files = program.getSourceFiles().filter((sf) => isProjectSource(sf.fileName, root, generatedDir))
  let diagnostics: readonly ts.Diagnostic[] = files.flatMap((sf) => program.getSyntacticDiagnostics(sf))
  if (diagnostics.length === 0) diagnostics = files.flatMap((sf) => program.getSemanticDiagnostics(sf))
  let firstLocation: string | null = null
  const messages = diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ')
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
    const file = path.relative(root, d.file.fileName).split(path.sep).join('/')
    firstLocation ??= `${file}:${line + 1}`
    return `${file}:${line + 1}:${character + 1} - error TS${d.code}: ${text}`
  })
  return { messages, firstLocation }
}
