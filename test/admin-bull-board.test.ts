// bull-board on the bullmq engine: the admin server mounts the engine's dashboard at /bull, lists
// every stage queue of the shown pipelines under its stairs name, and applies the same token
// rule to it as to the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { AdminGraph } from '../src/admin/api-types.js'
import { type AdminServer, startAdminServer } from '../src/admin/server.js'
import { App } from '../src/index.js'
import { connectAdmin, type EngineAdmin } from '../src/runtime/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const app = new App('admin_bull')
app.pipeline('two_stages', { input: z.object({ n: z.number() }) }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'first' })
    .subscribeFunc(({ m }) => ({ k: m * 2 }), { name: 'second', asWorker: true }),
)

const TOKEN = 'bull-board-token-0123456789'
let url: string
let prefix: string
let admin: EngineAdmin
let server: AdminServer

beforeAll(async () => {
  url = await redisUrl()
  prefix = uniquePrefix('admin-bull')
  admin = await connectAdmin('bullmq', { url, prefix })
  server = await startAdminServer({ admin, engine: 'bullmq', apps: [app], port: 0, token: TOKEN })
})
afterAll(async () => {
  await server?.close()
  await admin?.close()
  await deletePrefix(url, prefix)
})

describe('bull-board at /bull', () => {
  it('is linked from the graph, serves its page and lists the stage queues by their stairs names', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` }
    const graph = (await (await fetch(`http://127.0.0.1:${server.port}/api/graph`, { headers })).json()) as AdminGraph
    expect(graph.dashboard).toEqual({ title: 'bull-board', path: 'bull' })
    const page = await fetch(`http://127.0.0.1:${server.port}/bull/`, { headers })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/<html/i)
    const queues = (await (await fetch(`http://127.0.0.1:${server.port}/bull/api/queues`, { headers })).json()) as {
      queues: { displayName: string }[]
    }
    expect(queues.queues.map((q) => q.displayName).sort()).toEqual(['admin_bull.two_stages.input', 'admin_bull.two_stages.second'])
  })

  it('takes the token rule of the page', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/bull/api/queues`)).status).toBe(401)
    const foreign = await fetch(`http://127.0.0.1:${server.port}/bull/api/queues/admin_bull.two_stages.input/retry/failed`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' },
    })
    expect(foreign.status).toBe(403)
  })
})
