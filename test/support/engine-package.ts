// A workspace laid out as a user's install of the out-of-tree postgres engine: the package
// (test/fixtures/engine-package) and the project that registers it (test/fixtures/engine-project)
// copied to a temporary folder whose node_modules holds stairs (this checkout), pg, zod, tsx and
// stairs-engine-postgres, so imports resolve as they do for a user (Node's own resolution, no
// path into src/). Also: a fresh schema per test, dropped afterwards.
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import ts from 'typescript'
import type { Engine } from '../../src/runtime/index.js'
import { CHECKOUT } from './cli.js'

export const PG_URL = process.env.STAIRS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface EngineWorkspace {
  readonly root: string
  /** The copied project (cwd for the CLI). */
  readonly project: string
  /** The installed package's entry module. */
  readonly engineModule: string
  /** Its module that registers the engine when imported (`stairs-engine-postgres/register`). */
  readonly registerModule: string
  cleanup(): void
}

/** Lays out the workspace; `cleanup` removes it. */
export function engineWorkspace(): EngineWorkspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stairs-pg-engine-'))
  const packageDir = path.join(root, 'packages/stairs-engine-postgres')
  cpSync(path.join(CHECKOUT, 'test/fixtures/engine-package'), packageDir, { recursive: true })
  const project = path.join(root, 'project')
  cpSync(path.join(CHECKOUT, 'test/fixtures/engine-project'), project, { recursive: true })
  const modules = path.join(root, 'node_modules')
  mkdirSync(modules)
  symlinkSync(CHECKOUT, path.join(modules, 'stairs'), 'dir')
  for (const name of ['pg', 'zod', 'tsx']) symlinkSync(path.join(CHECKOUT, 'node_modules', name), path.join(modules, name), 'dir')
  symlinkSync(packageDir, path.join(modules, 'stairs-engine-postgres'), 'dir')
  mkdirSync(path.join(modules, '@types'))
  symlinkSync(path.join(CHECKOUT, 'node_modules/@types/node'), path.join(modules, '@types/node'), 'dir')
  // The repository's strict options (with the condition that resolves stairs to its sources),
  // for codegen's type-check of the project.
  const options = ts.readConfigFile(path.join(CHECKOUT, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', type: 'module', private: true }, null, 2))
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['**/*.ts'] }, null, 2))
  return {
    root,
    project,
    engineModule: path.join(packageDir, 'src/index.ts'),
    registerModule: path.join(packageDir, 'src/register.ts'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** The engine, imported from the workspace's install (the same stairs modules as the test's). */
export async function importEngine(workspace: EngineWorkspace): Promise<Engine<{ url: string; schema: string }>> {
  const module = (await import(pathToFileURL(workspace.engineModule).href)) as { postgresEngine: Engine<{ url: string; schema: string }> }
  return module.postgresEngine
}

/** A schema name no other test uses. */
export const freshSchema = (label: string): string => `t_${label}_${randomBytes(4).toString('hex')}`

/** Drops a test's schema with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

/** One query on the test database (for assertions on the tables themselves). */
export async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}
