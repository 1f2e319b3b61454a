// `stairs admin` and `pipelines:run --admin`'s library: the admin server over an engine's admin
// side for the project's pipelines, with generated/manifest.json and shapes.ts when present,
// kept up until a signal (or `until` resolves).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_ADMIN_HOST } from '../admin/defaults.js'
import { type AdminServer, startAdminServer } from '../admin/server.js'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { EngineAdmin } from '../runtime/engine-types.js'
import { loadManifest } from '../runtime/manifest.js'
import type { CliProject } from './project-context.js'

export interface AdminPageOptions {
  readonly port: number
  readonly host?: string | undefined
  readonly token?: string | undefined
  readonly intervalMs?: number | undefined
}

export async function serveAdminPage(
  project: CliProject,
  admin: EngineAdmin,
  engine: string,
  pipelines: readonly AnyPipeline[],
  options: AdminPageOptions,
): Promise<AdminServer> {
  const generated = path.join(project.root, project.config.generated)
  const manifestFile = path.join(generated, 'manifest.json')
  const server = await startAdminServer({
    admin,
    engine,
    apps: project.apps.map((a) => a.app),
    pipelines,
    manifest: existsSync(manifestFile) ? loadManifest(manifestFile) : undefined,
    shapesFile: path.join(generated, 'shapes.ts'),
    host: options.host ?? DEFAULT_ADMIN_HOST,
    port: options.port,
    token: options.token,
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
  })
  console.error(`stairs admin: ${server.url}${options.token ? '?token=<your token>' : ''} (${engine} at ${admin.where})`)
  return server
}
