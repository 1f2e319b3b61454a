// `stairs codegen`: inspect (load the project in a child process) and read its types (one
// TypeScript program) in parallel, build the model, emit every file, then write or check.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CONFIG_FILE, findProjectRoot } from '../src/project/load-project.js'
import { loadManifest } from '../src/runtime/manifest.js'
import { boundaryNodes, buildModel } from './build-model.js'
import { emitAll, MANIFEST_FILE } from './emit/emit-all.js'
import { CodegenError } from './errors.js'
import { shortHash } from './hash.js'
import { inputsHash } from './inputs-hash.js'
import { runInspect } from './inspect/run-inspect.js'
import { readStaticConfig } from './static-config.js'
import type { PipelineTypes } from './types/node-types.js'
import { compareOutputs, workerFilesOnDisk, writeOutputs } from './write-outputs.js'

export interface CodegenOptions {
  /** A directory inside the project (default: the working directory). */
  project?: string
  /** Write nothing; report the files that are stale. */
  check?: boolean
}

export interface CodegenResult {
  /** Project root and generated directory (absolute). */
  readonly root: string
  readonly generatedDir: string
  /** Files written (relative to the project root). */
  readonly written: string[]
  /** Check mode: files that are out of date, missing or no longer belong. */
  readonly stale: string[]
  readonly unchanged: string[]
  /** True when the inputs hash matched and nothing had to be regenerated. */
  readonly skipped: boolean
}

/**
 * Generates `generated/` for the project containing `project` (or checks it with `check: true`).
 * Throws a CodegenError naming the user's file:line; writes nothing when it throws.
 *
 * @example const { stale } = await runCodegen({ check: true })
 */
export async function runCodegen(options: CodegenOptions = {}): Promise<CodegenResult> {
  const from = path.resolve(options.project ?? process.cwd())
  const root = findProjectRoot(from)
  if (!root) throw new CodegenError('PROJECT_LOAD', `no ${CONFIG_FILE} in ${from} or any folder above it`, null)
  const configFile = path.join(root, CONFIG_FILE)
  const staticConfig = readStaticConfig(configFile)
  const generatedDir = path.resolve(root, staticConfig.generated)
  const relativeTo =
    (dir: string) =>
    (file: string): string =>
      path.relative(root, path.join(dir, file)).split(path.sep).join('/')

  if (!options.check) {
    const unchanged = upToDate(root, configFile, generatedDir)
    if (unchanged) return { root, generatedDir, written: [], stale: [], unchanged: unchanged.map(relativeTo(generatedDir)), skipped: true }
  }

  const inspecting = runInspect(root)
  // TypeScript is loaded only now: an unchanged run never pays for it.
  const { createProjectProgram, isProjectSource, projectDiagnostics } = await import('./types/ts-program.js')
  const { CallIndex, pipelineTypes } = await import('./types/node-types.js')
  const { ShapePrinter } = await import('./types/shape-printer.js')
  // Type errors are reported before load errors: a load failure is often their consequence.
  const appFiles = (staticConfig.apps ?? []).map((m) => path.resolve(root, m))
  let program = createProjectProgram(root, [configFile, ...appFiles])
  const diagnostics = projectDiagnostics(program, root, generatedDir)
  if (diagnostics.messages.length) {
    await inspecting.catch(() => undefined)
    throw new CodegenError(
      'TYPE_ERRORS',
      `${diagnostics.messages.length} error(s) in the project:\n${diagnostics.messages.slice(0, 20).join('\n')}`,
      diagnostics.firstLocation,
    )
  }
  const inspected = await inspecting
  if (!inspected.ok) throw new CodegenError('PROJECT_LOAD', inspected.error.message, inspected.error.location)
  const project = inspected.project
  const modules = [...new Set(project.apps.map((a) => path.resolve(root, a.module)))]
  if (modules.some((m) => !appFiles.includes(m))) {
    // The config computes its app list: the program needs the modules it actually loaded.
    program = createProjectProgram(root, [configFile, ...modules])
    const more = projectDiagnostics(program, root, generatedDir)
    if (more.messages.length) throw new CodegenError('TYPE_ERRORS', more.messages.slice(0, 20).join('\n'), more.firstLocation)
  }

  const projectFiles = program.program.getSourceFiles().filter((sf) => isProjectSource(sf.fileName, root, generatedDir))
  const index = new CallIndex(program.program, root, projectFiles)
  const printer = new ShapePrinter(program.checker)
  const types = new Map<string, PipelineTypes>()
  for (const app of project.apps) {
    for (const pl of app.pipelines) {
      types.set(`${app.name}.${pl.name}`, pipelineTypes(pl, app.module, boundaryNodes(pl), index, program.checker, printer))
    }
  }

  const model = buildModel(project, types, inputsHash(root, [configFile, ...modules]))
  const files = emitAll(model)
  // The loaded config decides where output goes (the static read is only a first guess).
  const outDir = project.generatedDir
  const relative = relativeTo(outDir)
  const status = compareOutputs(outDir, files)
  const stale = [...status.changed, ...status.extra].map(relative).sort()
  const unchanged = status.unchanged.map(relative)
  if (options.check) return { root, generatedDir: outDir, written: [], stale, unchanged, skipped: false }
  writeOutputs(outDir, files, status)
  return { root, generatedDir: outDir, written: stale, stale: [], unchanged, skipped: false }
}

/** The generated files when the inputs hash and every output's hash still match; else undefined. */
function upToDate(root: string, configFile: string, generatedDir: string): string[] | undefined {
  try {
    const manifest = loadManifest(path.join(generatedDir, MANIFEST_FILE))
    const modules = [...new Set(manifest.apps.map((a) => path.resolve(root, a.module)))]
    if (modules.length === 0 || manifest.inputsHash !== inputsHash(root, [configFile, ...modules])) return undefined
    for (const [file, hash] of Object.entries(manifest.outputs)) {
      if (shortHash(readFileSync(path.join(generatedDir, file), 'utf8')) !== hash) return undefined
    }
    if (workerFilesOnDisk(generatedDir).some((f) => !(f in manifest.outputs))) return undefined
    return [...Object.keys(manifest.outputs), MANIFEST_FILE].sort()
  } catch {
    return undefined
  }
}
