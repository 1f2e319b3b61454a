// Finds and loads a stairs project: the config file found from a directory upwards, validated,
// and the App instances exported by its app modules (TypeScript, loaded through tsx).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { App } from '../dsl/app.js'
import { errorMessage, StairsError } from '../errors.js'
import { checkEngineSections } from '../runtime/host/engine-choice.js'
import { type ProjectConfig, projectConfigSchema } from './config.js'

export const CONFIG_FILE = 'stairs.config.ts'
/** What `tsc` makes of CONFIG_FILE in a compiled project (beside the compiled generated/ folder). */
export const COMPILED_CONFIG_FILE = 'stairs.config.js'

export interface LoadedApp {
  readonly app: App<Record<string, unknown>>
  /** The module it came from, relative to the project root, and the export name. */
  readonly module: string
  readonly exportName: string
}

export interface Project {
  readonly root: string
  readonly configFile: string
  readonly config: ProjectConfig
  readonly apps: readonly LoadedApp[]
}

/** Thrown when there is no project, or its config is invalid: one line, what to do. */
export class ProjectError extends StairsError {
  override readonly name = 'ProjectError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options)
  }
}

export function findProjectRoot(from: string): string | undefined {
  let dir = path.resolve(from)
  for (;;) {
    if (existsSync(path.join(dir, CONFIG_FILE))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** Imports a TypeScript module, registering tsx's loader once if this process has none. */
export async function importTs(file: string): Promise<Record<string, unknown>> {
  await ensureTsLoader()
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>
}

let loader: Promise<void> | undefined
function ensureTsLoader(): Promise<void> {
  loader ??= (async () => {
    // Under tsx (or node --import tsx) .ts imports already work.
    if (process.execArgv.some((a) => a.includes('tsx')) || process.env.TSX_TSCONFIG_PATH !== undefined || 'tsx' in process.versions) return
    // The bin launchers register tsx themselves and say so here (per process, unlike an env var).
    if ((globalThis as Record<symbol, unknown>)[Symbol.for('stairs.tsxRegistered')] === true) return
    const { register } = await import('tsx/esm/api')
    register()
  })()
  return loader
}

/**
 * Loads and checks stairs.config.ts in `root`: importing it registers the engines it registers;
 * its keys, the chosen engine and every engine section are checked before anything connects.
 */
export async function loadProjectConfig(root: string): Promise<ProjectConfig> {
  const configFile = path.join(root, CONFIG_FILE)
  let exported: unknown
  try {
    exported = (await importTs(configFile)).default
  } catch (error) {
    throw new ProjectError(`${CONFIG_FILE}: loading it failed: ${errorMessage(error)}`, { cause: error })
  }
  return checkProjectConfig(exported, CONFIG_FILE)
}

/**
 * The config a generated worker runs with, found from its manifest's folder upwards. In a compiled
 * project (`tsc` wrote dist/generated/ and dist/stairs.config.js) the compiled config is nearer than
 * the source one and loads with plain `import`, so a compiled worker never needs tsx.
 */
export async function loadConfigNear(dir: string): Promise<ProjectConfig | undefined> {
  let at = path.resolve(dir)
  for (;;) {
    const compiled = path.join(at, COMPILED_CONFIG_FILE)
    if (existsSync(compiled)) {
      let exported: unknown
      try {
        exported = ((await import(pathToFileURL(compiled).href)) as Record<string, unknown>).default
      } catch (error) {
        throw new ProjectError(`${compiled}: loading it failed: ${errorMessage(error)}`, { cause: error })
      }
      return checkProjectConfig(exported, compiled)
    }
    if (existsSync(path.join(at, CONFIG_FILE))) return loadProjectConfig(at)
    const parent = path.dirname(at)
    if (parent === at) return undefined
    at = parent
  }
}

/** Checks a config module's default export; errors start with `label` (the file). */
function checkProjectConfig(exported: unknown, label: string): ProjectConfig {
  const parsed = projectConfigSchema.safeParse(exported)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : '(root)'
    throw new ProjectError(`${label}: ${where}: ${issue?.message ?? parsed.error.message}`)
  }
  try {
    checkEngineSections(parsed.data)
  } catch (error) {
    if (error instanceof StairsError) throw new ProjectError(error.message.startsWith(label) ? error.message : `${label}: ${error.message}`)
    throw error
  }
  return parsed.data
}

export async function loadProject(from: string = process.cwd()): Promise<Project> {
  const root = findProjectRoot(from)
  if (!root)
    throw new ProjectError(
      `no ${CONFIG_FILE} in ${path.resolve(from)} or any folder above it: run this inside a stairs project (create one with 'stairs-admin project:new NAME')`,
    )
  const configFile = path.join(root, CONFIG_FILE)
  const config = await loadProjectConfig(root)
  const apps: LoadedApp[] = []
  for (const module of config.apps) {
    const file = path.resolve(root, module)
    if (!existsSync(file)) throw new ProjectError(`${CONFIG_FILE}: apps: module '${module}' does not exist (looked for ${file})`)
    const exports = await importTs(file)
    for (const [exportName, value] of Object.entries(exports).sort(([a], [b]) => a.localeCompare(b))) {
      if (value instanceof App && !apps.some((a) => a.app === value)) apps.push({ app: value, module, exportName })
    }
  }
  if (apps.length === 0)
    throw new ProjectError(`${CONFIG_FILE}: none of the app modules exports an App (export const app = new App('name'))`)
  const names = new Set<string>()
  for (const { app, module } of apps) {
    if (names.has(app.name)) throw new ProjectError(`two apps are named '${app.name}' (the second in ${module}): app names must be unique`)
    names.add(app.name)
  }
  return { root, configFile, config, apps }
}
