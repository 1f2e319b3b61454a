// A tiny harness over TypeScript's LanguageService for in-memory snippets: what an editor would
// show (completions, quick info, errors) for a file that lives, virtually, inside the repository.
// The snippets resolve imports like a real file in `test/` (so `'../src/index.js'` and `'zod'` work),
// with the compiler options of the repo's tsconfig and the real lib files. `editorFor(dir)` does
// the same inside another project (its tsconfig, its node_modules): the packaging test runs the
// editor cases there against the installed package's declarations.

import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The repository root (where tsconfig.json lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Where a snippet lives by default: a file in `test/`, so its imports read like a test's. */
export const defaultSnippetPath = join(repoRoot, 'test', '__snippet__.ts')
const defaultSnippetName = '__snippet__.ts'

/** The marker `completionsAt`/`quickInfoAt` look for (removed from the source before analysis). */
export const defaultMarker = '/*|*/'

/** A diagnostic flattened to what a test asserts on. */
export interface SnippetDiagnostic {
  code: number
  message: string
  /** 1-based line and column in the snippet (after the marker was removed). */
  line: number
  column: number
}

export interface SnippetOptions {
  /** Absolute path the snippet pretends to have (default `test/__snippet__.ts`). */
  fileName?: string
}

function compilerOptionsOf(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json')
  const read = ts.readConfigFile(configPath, ts.sys.readFile)
  if (read.error) throw new Error(`cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`)
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath)
  return { ...parsed.options, noEmit: true }
}

/** In-memory files over the real file system; one LanguageService reused so lib files parse once. */
class SnippetHost {
  private readonly files = new Map<string, { text: string; version: number }>()
  private readonly options: ts.CompilerOptions
  readonly service: ts.LanguageService

  constructor(readonly root: string) {
    this.options = compilerOptionsOf(root)
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (fileName) => String(this.files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const text = this.files.get(fileName)?.text ?? ts.sys.readFile(fileName)
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
      },
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (fileName) => this.files.has(fileName) || ts.sys.fileExists(fileName),
      readFile: (fileName) => this.files.get(fileName)?.text ?? ts.sys.readFile(fileName),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    }
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry())
  }

  /** Sets (or replaces) a virtual file and returns its path. */
  set(fileName: string, text: string): string {
    const version = (this.files.get(fileName)?.version ?? 0) + 1
    this.files.set(fileName, { text, version })
    return fileName
  }
}

const hosts = new Map<string, SnippetHost>()
function hostFor(root: string): SnippetHost {
  let host = hosts.get(root)
  if (!host) hosts.set(root, (host = new SnippetHost(root)))
  return host
}

function splitMarker(source: string, marker: string): { text: string; position: number } {
  const position = source.indexOf(marker)
  if (position < 0) throw new Error(`the snippet has no marker ${marker}`)
  if (source.indexOf(marker, position + marker.length) >= 0) throw new Error(`the snippet has more than one marker ${marker}`)
  return { text: source.slice(0, position) + source.slice(position + marker.length), position }
}

/** The completion entry names an editor offers at `marker` (in the order TypeScript gives them). */
function completionsIn(host: SnippetHost, source: string, marker: string, options: SnippetOptions): string[] {
  const { text, position } = splitMarker(source, marker)
  const fileName = host.set(options.fileName ?? join(host.root, defaultSnippetName), text)
  const completions = host.service.getCompletionsAtPosition(fileName, position, {
    includeCompletionsWithInsertText: true,
    includeCompletionsForModuleExports: false,
  })
  return completions?.entries.map((entry) => entry.name) ?? []
}

/** The hover text (type display) at `marker`, or undefined when there is none. */
function quickInfoIn(host: SnippetHost, source: string, marker: string, options: SnippetOptions): string | undefined {
  const { text, position } = splitMarker(source, marker)
  const fileName = host.set(options.fileName ?? join(host.root, defaultSnippetName), text)
  const info = host.service.getQuickInfoAtPosition(fileName, position)
  return info ? ts.displayPartsToString(info.displayParts) : undefined
}

/** Syntactic and semantic errors of the snippet, with their full (flattened) message text. */
function diagnosticsIn(host: SnippetHost, source: string, options: SnippetOptions): SnippetDiagnostic[] {
  const fileName = host.set(options.fileName ?? join(host.root, defaultSnippetName), source)
  const service = host.service
  const all = [...service.getSyntacticDiagnostics(fileName), ...service.getSemanticDiagnostics(fileName)]
  return all.map((diagnostic) => {
    const start = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0, character: 0 }
    return {
      code: diagnostic.code,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      line: start.line + 1,
      column: start.character + 1,
    }
  })
}

/** What an editor shows, for snippets living in the project at `root` (default: this repository, snippets in `test/`). */
export interface Editor {
  /** The completion entry names an editor offers at `marker` (in the order TypeScript gives them). */
  completionsAt(source: string, marker?: string, options?: SnippetOptions): string[]
  /** The hover text (type display) at `marker`, or undefined when there is none. */
  quickInfoAt(source: string, marker?: string, options?: SnippetOptions): string | undefined
  /** Syntactic and semantic errors of the snippet, with their full (flattened) message text. */
  diagnosticsOf(source: string, options?: SnippetOptions): SnippetDiagnostic[]
}

/** An editor over the project at `root`, its tsconfig.json and its node_modules; snippets default to `ROOT/__snippet__.ts`. */
export function editorFor(root: string): Editor {
  const host = hostFor(root)
  return {
    completionsAt: (source, marker = defaultMarker, options = {}) => completionsIn(host, source, marker, options),
    quickInfoAt: (source, marker = defaultMarker, options = {}) => quickInfoIn(host, source, marker, options),
    diagnosticsOf: (source, options = {}) => diagnosticsIn(host, source, options),
  }
}

const repo = (): Editor => editorFor(repoRoot)
const inTest = (options: SnippetOptions): SnippetOptions => ({ fileName: defaultSnippetPath, ...options })
export const completionsAt = (source: string, marker = defaultMarker, options: SnippetOptions = {}): string[] =>
  repo().completionsAt(source, marker, inTest(options))
export const quickInfoAt = (source: string, marker = defaultMarker, options: SnippetOptions = {}): string | undefined =>
  repo().quickInfoAt(source, marker, inTest(options))
export const diagnosticsOf = (source: string, options: SnippetOptions = {}): SnippetDiagnostic[] =>
  repo().diagnosticsOf(source, inTest(options))
