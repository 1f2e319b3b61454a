// `stairs admin` and `pipelines:run --admin`: one page and its JSON API over an engine's admin
// side, on hono with @hono/node-server. What it shows is what the engine offers; a member the
// engine lacks makes the page show less (and say so), never fail.
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { App } from '../dsl/app.js'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { errorMessage, StairsError } from '../errors.js'
import type { ConsumerRef } from '../graph/nodes.js'
import type { EngineAdmin, EngineDashboard } from '../runtime/engine-types.js'
import type { Manifest } from '../runtime/manifest.js'
import type { AdminFeature, AdminGraph } from './api-types.js'
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT } from './defaults.js'
import { buildGraph } from './graph-model.js'
import { AdminMetrics } from './metrics.js'
import { AdminMonitor } from './monitor.js'
import { loadPageAssets } from './page-assets.js'
import { addRoutes } from './routes.js'
import { accessControl, checkAccessSettings } from './security.js'
import { readShapeMembers } from './shape-members.js'

export { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT }

export interface AdminServerOptions {
  /** The engine's admin side (connectAdmin, or a memory run's `run.admin()`); the server does not close it. */
  readonly admin: EngineAdmin
  /** The engine's name, for the page. */
  readonly engine: string
  readonly apps: readonly App<Record<string, unknown>>[]
  /** The pipelines to show (default: every pipeline of `apps`). */
  readonly pipelines?: readonly AnyPipeline[]
  /** generated/manifest.json, when there is one. */
  readonly manifest?: Manifest | undefined
  /** generated/shapes.ts, for the stages' keys. */
  readonly shapesFile?: string | undefined
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
  /** Required on any host but a loopback one. */
  readonly token?: string | undefined
  /** Time between two reads of the engine (default 1000 ms). */
  readonly intervalMs?: number
}

export interface AdminServer {
  /** `http://host:port/` */
  readonly url: string
  readonly port: number
  readonly monitor: AdminMonitor
  close(): Promise<void>
}

const FEATURES: readonly AdminFeature[] = [
  'queueStatus',
  'consumerQueueStatus',
  'listDeadLetters',
  'replayDeadLetters',
  'deleteDeadLetters',
  'workers',
  'contracts',
]

// No inline script or style anywhere on the page: a payload that slipped into markup could not run.
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
}

/** Starts the server; resolves once it listens. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const host = options.host ?? DEFAULT_ADMIN_HOST
  checkAccessSettings(host, options.token)
  const { admin } = options
  const pipelines = options.pipelines ?? options.apps.flatMap((a) => [...a.pipelines.values()])
  const built = buildGraph({
    apps: options.apps,
    pipelines,
    manifest: options.manifest,
    shapes: options.shapesFile ? await readShapeMembers(options.shapesFile) : new Map(),
  })
  const dashboard: EngineDashboard | undefined = admin.dashboard ? await admin.dashboard(pipelines) : undefined
  const offers = Object.fromEntries(FEATURES.map((f) => [f, admin[f] !== undefined])) as Record<AdminFeature, boolean>
  const graph: AdminGraph = {
    engine: options.engine,
    where: admin.where,
    offers,
    ...(dashboard ? { dashboard: { title: dashboard.title, path: dashboard.path } } : {}),
    notes: built.notes,
    apps: built.apps,
  }
  const queues = built.apps.flatMap((a) => a.pipelines.flatMap((p) => p.stages.map((s) => s.queue)))
  const monitor = new AdminMonitor(admin, pipelines, consumersOf(pipelines), { intervalMs: options.intervalMs ?? 1000 })
  await monitor.start()

  const app = new Hono()
  app.use('*', accessControl({ host, token: options.token }))
  const dashboardPrefix = dashboard ? `/${dashboard.path}` : undefined
  const pageHeaders = secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, referrerPolicy: 'no-referrer' })
  app.use('*', (c, next) => (dashboardPrefix && isUnder(c.req.path, dashboardPrefix) ? next() : pageHeaders(c, next)))
  if (dashboard && dashboardPrefix) {
    const forward = (c: { req: { raw: Request } }) => dashboard.fetch(c.req.raw)
    app.all(dashboardPrefix, forward)
    app.all(`${dashboardPrefix}/*`, forward)
  }
  addRoutes(app, { admin, graph, pipelines, monitor, metrics: new AdminMetrics({ workers: offers.workers }), queues })
  const assets = loadPageAssets()
  app.get('*', (c) => {
    const asset = assets.get(c.req.path)
    if (!asset) return c.json({ error: `no such page: ${c.req.path}` }, 404)
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' })
  })
  app.onError((error, c) => c.json({ error: errorMessage(error) }, 500))

  let server: Server
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_ADMIN_PORT, hostname: host }, (info) => resolve(info.port)) as Server
    server.once('error', (error: NodeJS.ErrnoException) => {
      monitor.stop()
      reject(
        new StairsError(
          'CONFIG',
          error.code === 'EADDRINUSE'
            ? `the admin server cannot listen on ${host}:${options.port}: the port is in use (pass --port)`
            : `the admin server cannot listen on ${host}:${options.port}: ${error.message}`,
        ),
      )
    })
  })
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}/`,
    port,
    monitor,
    async close() {
      monitor.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Open event streams would hold close() forever.
        server.closeAllConnections?.()
      })
      await dashboard?.close()
    },
  }
}

const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`)

/** The consumers subscribed in these pipelines, each once. */
function consumersOf(pipelines: readonly AnyPipeline[]): ConsumerRef[] {
  const found = new Map<string, ConsumerRef>()
  for (const pipeline of pipelines)
    for (const node of pipeline.graph().nodes)
      if (node.kind === 'consumer') found.set(`${node.consumer.app}.${node.consumer.name}`, node.consumer)
  return [...found.values()]
}
