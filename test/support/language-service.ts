// A tiny harness over TypeScript's LanguageService for in-memory snippets: what an editor would
// show (completions, quick info, errors) for a file that lives, virtually, inside the repository.
// The snippets resolve imports like a real file in `test/` (so `'../src/index.js'` and `'zod'` work),
// with the compiler options of the repo's tsconfig and the real lib files.

import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The repository root (where tsconfig.json lives). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Where a snippet lives by default: a file in `test/`, so its imports read like a test's. */
export const defaultSnippetPath = join(repoRoot, 'test', '__snippet__.ts')

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

function repoCompilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json')
  const read = ts.readConfigFile(configPath, ts.sys.readFile)
  if (read.error) throw new Error(`cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`)
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot, undefined, configPath)
  return { ...parsed.options, noEmit: true }
}

/** In-memory files over the real file system; one LanguageService reused so lib files parse once. */
class SnippetHost {
  private readonly files = new Map<string, { text: string; version: number }>()
  private readonly options = repoCompilerOptions()
  readonly service: ts.LanguageService

  constructor() {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (fileName) => String(this.files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const text = this.files.get(fileName)?.text ?? ts.sys.readFile(fileName)
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
      },
      getCurrentDirectory: () => repoRoot,
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

let shared: SnippetHost | undefined
function host(): SnippetHost {
  shared ??= new SnippetHost()
  return shared
}

function splitMarker(source: string, marker: string): { text: string; position: number } {
  const position = source.indexOf(marker)
  if (position < 0) throw new Error(`the snippet has no marker ${marker}`)
  if (source.indexOf(marker, position + marker.length) >= 0) throw new Error(`the snippet has more than one marker ${marker}`)
  return { text: source.slice(0, position) + source.slice(position + marker.length), position }
}

/** The completion entry names an editor offers at `marker` (in the order TypeScript gives them). */
export function completionsAt(source: string, marker = defaultMarker, options: SnippetOptions = {}): string[] {
  const { text, position } = splitMarker(source, marker)
  const fileName = host().set(options.fileName ?? defaultSnippetPath, text)
  const completions = host().service.getCompletionsAtPosition(fileName, position, {
    includeCompletionsWithInsertText: true,
    includeCompletionsForModuleExports: false,
  })
  return completions?.entries.map((entry) => entry.name) ?? []
}

/** The hover text (type display) at `marker`, or undefined when there is none. */
export function quickInfoAt(source: string, marker = defaultMarker, options: SnippetOptions = {}): string | undefined {
  const { text, position } = splitMarker(source, marker)
  const fileName = host().set(options.fileName ?? defaultSnippetPath, text)
  const info = host().service.getQuickInfoAtPosition(fileName, position)
  return info ? ts.displayPartsToString(info.displayParts) : undefined
}

/** Syntactic and semantic errors of the snippet, with their full (flattened) message text. */
export function diagnosticsOf(source: string, options: SnippetOptions = {}): SnippetDiagnostic[] {
  const fileName = host().set(options.fileName ?? defaultSnippetPath, source)
  const service = host().service
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
