// stairs-admin's library: creates a project folder, or adds an app to the project around a folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isValidName } from '../names.js'
import { CONFIG_FILE, findProjectRoot, ProjectError } from '../project/load-project.js'
import { CliError, usageError } from './errors.js'
import * as appFiles from './templates/app-files.js'
import * as projectFiles from './templates/project-files.js'
import { dependencyRange, STAIRS_ROOT, STAIRS_VERSION } from './version.js'

export interface NewProjectOptions {
  /** Folder name and package name. */
  readonly name: string
  /** Where to create it (default: the working directory). */
  readonly cwd?: string
  /** A path to a stairs checkout (becomes a `file:` dependency) or a version range. */
  readonly stairs?: string
}

/** What the scaffold wrote, relative to the project root. */
export interface ScaffoldResult {
  readonly root: string
  readonly files: readonly string[]
}

const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,213}$/

/** Creates `NAME/` with a config, a tsconfig, a README and one app named after the project. */
export function createProject(options: NewProjectOptions): ScaffoldResult {
  const { name } = options
  if (!PACKAGE_NAME.test(name))
    throw usageError(
      `project name '${name}' is not valid: use lower-case letters, digits, '.', '_' and '-' (it becomes the npm package name)`,
    )
  const appName = name.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[^A-Za-z_]/, '_$&')
  const root = path.resolve(options.cwd ?? process.cwd(), name)
  if (existsSync(root) && readdirSync(root).length > 0)
    throw new CliError(`folder ${root} already exists and is not empty`, { hint: 'choose another name, or remove the folder' })
  const input: projectFiles.ProjectTemplateInput = {
    name,
    appName,
    stairsDependency: stairsDependency(options.stairs, options.cwd ?? process.cwd()),
    versions: {
      zod: dependencyRange('zod', '^4.0.0'),
      tsx: dependencyRange('tsx', '^4.0.0'),
      typescript: dependencyRange('typescript', '~5.9.0'),
      typesNode: dependencyRange('@types/node', '^20.0.0'),
    },
  }
  const files: Record<string, string> = {
    'package.json': projectFiles.packageJson(input),
    [CONFIG_FILE]: projectFiles.stairsConfig([appModulePath(appName)]),
    'tsconfig.json': projectFiles.tsconfig(),
    '.gitignore': projectFiles.gitignore(),
    'README.md': projectFiles.readme(input),
    ...appFilesFor(appName),
  }
  return { root, files: writeAll(root, files) }
}

export interface NewAppOptions {
  readonly name: string
  /** A folder inside the project (default: the working directory). */
  readonly cwd?: string
}

/** Adds `apps/NAME/` to the project around `cwd` and registers it in stairs.config.ts. */
export function createApp(options: NewAppOptions): ScaffoldResult {
  const { name } = options
  if (!isValidName(name))
    throw usageError(
      `app name '${name}' is not valid: use letters, digits, '_' and '-', starting with a letter or '_' (it becomes a Redis key)`,
    )
  const from = options.cwd ?? process.cwd()
  const root = findProjectRoot(from)
  if (!root)
    throw new ProjectError(
      `no ${CONFIG_FILE} in ${path.resolve(from)} or any folder above it: run app:new inside a stairs project (create one with 'stairs-admin project:new NAME')`,
    )
  if (existsSync(path.join(root, 'apps', name))) throw new CliError(`app folder apps/${name} already exists in ${root}`)
  const configFile = path.join(root, CONFIG_FILE)
  const config = registerAppModule(readFileSync(configFile, 'utf8'), appModulePath(name))
  const files = writeAll(root, appFilesFor(name))
  writeFileSync(configFile, config)
  return { root, files: [...files, CONFIG_FILE] }
}

/** Adds a module to the `apps: [...]` list of a stairs.config.ts source, keeping the rest as written. */
export function registerAppModule(source: string, module: string): string {
  const match = /apps\s*:\s*\[([\s\S]*?)\]/.exec(source)
  if (!match) throw new CliError(`${CONFIG_FILE}: cannot find its 'apps: [...]' list; add '${module}' to it by hand`)
  const body = match[1] ?? ''
  if (body.includes(`'${module}'`) || body.includes(`"${module}"`)) return source
  const items = body.trimEnd()
  const separator = items === '' || items.endsWith(',') ? '' : ','
  const indent = /\n([ \t]*)\S/.exec(body)?.[1] ?? '    '
  const closing = /\n([ \t]*)$/.exec(body)?.[0] ?? '\n  '
  const replaced = `apps: [${items}${separator}\n${indent}'${module}',${closing}]`
  return source.slice(0, match.index) + replaced + source.slice(match.index + match[0].length)
}

const appModulePath = (app: string): string => `apps/${app}/index.ts`

function appFilesFor(appName: string): Record<string, string> {
  const input: appFiles.AppTemplateInput = { appName }
  const dir = `apps/${appName}`
  return {
    [`${dir}/app.ts`]: appFiles.appModule(input),
    [`${dir}/flows.ts`]: appFiles.flowsModule(),
    [`${dir}/pipelines.ts`]: appFiles.pipelinesModule(),
    [`${dir}/producers.ts`]: appFiles.producersModule(input),
    [`${dir}/consumers.ts`]: appFiles.consumersModule(input),
    [`${dir}/index.ts`]: appFiles.indexModule(),
    [`data/${appName}.jsonl`]: appFiles.sampleData(),
  }
}

/**
 * `file:/abs/path` for a folder holding a stairs package.json, else a version range. Without
 * `--stairs`: this stairs itself, as a `file:` link when it runs from a checkout (so the new
 * project installs against the code that made it), as `^version` when it was installed from a
 * registry (it then lives under node_modules).
 */
export function stairsDependency(stairs: string | undefined, cwd: string, root = STAIRS_ROOT): string {
  if (stairs === undefined) return root.split(path.sep).includes('node_modules') ? `^${STAIRS_VERSION}` : `file:${root}`
  const folder = path.resolve(cwd, stairs.replace(/^file:/, ''))
  const manifest = path.join(folder, 'package.json')
  if (existsSync(manifest)) {
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
    if (name !== 'stairs') throw usageError(`--stairs ${stairs}: ${manifest} is the package '${name}', not stairs`)
    return `file:${folder}`
  }
  if (/^[~^]?\d+\.\d+\.\d+/.test(stairs) || stairs === 'latest') return stairs
  throw usageError(`--stairs ${stairs}: neither a folder holding stairs' package.json nor a version (like ^0.1.0)`)
}

function writeAll(root: string, files: Record<string, string>): string[] {
  const written: string[] = []
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
    written.push(relative)
  }
  return written.sort()
}
