// The admin server's HTTP rules: a token is required off loopback and checked on every request
// (the event stream too), a wrong one is refused, cross-origin POSTs are refused, a loopback
// server answers only loopback Host names, payloads are served as JSON text, and an engine that
// goes away shows as ok: false until it returns, without the server failing.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { AdminSnapshot, DeadLetterList } from '../src/admin/api-types.js'
import { type AdminServer, startAdminServer } from '../src/admin/server.js'
import { App } from '../src/index.js'
import { connectAdmin, type PipelineRun, startRun } from '../src/runtime/index.js'
import { startRedisServer, type TestRedisServer, uniquePrefix } from './support/redis.js'

const app = new App('admin_http')
const failing = app.pipeline('failing', { input: z.object({ text: z.string() }) }, (_p, r) =>
  r.subscribeFunc(
    ({ text }) => {
      throw new Error(`cannot take ${text.length} characters`)
    },
    { name: 'refuse', asWorker: true },
  ),
)

const TOKEN = 'a-token-long-enough-1234'
let run: PipelineRun
let open: AdminServer

beforeAll(async () => {
  run = await startRun('memory', [failing], { retry: { attempts: 1, backoffMs: 1 } })
  await run.push('admin_http.failing', { text: '<script>window.pwned = 1</script>' })
  await run.drain()
  // 0.0.0.0 reaches beyond this machine, so it takes a token; the test only ever calls 127.0.0.1.
  open = await startAdminServer({ admin: run.admin?.() as never, engine: 'memory', apps: [app], host: '0.0.0.0', port: 0, token: TOKEN })
})

afterAll(async () => {
  await open?.close()
  await run?.stop()
})

const base = () => `http://127.0.0.1:${open.port}`

describe('admin server security', () => {
  it('refuses to bind a non-loopback address without a token, and a short token', async () => {
    const admin = run.admin?.() as never
    await expect(startAdminServer({ admin, engine: 'memory', apps: [app], host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs a token/)
    await expect(startAdminServer({ admin, engine: 'memory', apps: [app], host: '0.0.0.0', port: 0, token: 'short' })).rejects.toThrow(
      /at least 16 characters/,
    )
  })

  it('requires the token on every route, the event stream included', async () => {
    for (const path of ['/', '/api/graph', '/api/snapshot', '/api/events', '/metrics', '/assets/app.js']) {
      const response = await fetch(`${base()}${path}`)
      expect(response.status, path).toBe(401)
    }
  })

  it('refuses a wrong token, and a token that is a prefix of the right one', async () => {
    for (const token of ['wrong-token-of-some-length', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const response = await fetch(`${base()}/api/graph`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).toBe(403)
    }
  })

  it('takes the right token as a bearer header, or once in the URL, then from the cookie it sets', async () => {
    expect((await fetch(`${base()}/api/graph`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
    const page = await fetch(`${base()}/?token=${TOKEN}`)
    expect(page.status).toBe(200)
    const cookie = page.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/stairs_admin_token=.*HttpOnly.*SameSite=Strict/i)
    const events = await fetch(`${base()}/api/events`, { headers: { cookie: cookie.split(';')[0] as string } })
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/)
    await events.body?.cancel()
  })

  it('refuses a cross-origin POST, and takes a same-origin one', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
    const body = JSON.stringify({ pipeline: 'admin_http.failing', stage: 'input', ids: ['nothing-with-this-id'] })
    const foreign = await fetch(`${base()}/api/dead-letters/delete`, {
      method: 'POST',
      headers: { ...headers, origin: 'http://evil.example' },
      body,
    })
    expect(foreign.status).toBe(403)
    expect(await foreign.json()).toMatchObject({ error: expect.stringMatching(/cross-origin/) })
    const sameSite = await fetch(`${base()}/api/dead-letters/delete`, {
      method: 'POST',
      headers: { ...headers, origin: `http://127.0.0.1:${open.port}` },
      body,
    })
    expect(sameSite.status).toBe(200)
    expect(await sameSite.json()).toEqual({ count: 0 })
    // The letter was not touched by either call.
    expect((await run.deadLetters()).length).toBe(1)
  })

  it('does not mutate on GET, and wants JSON bodies', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` }
    expect((await fetch(`${base()}/api/dead-letters/delete`, { headers })).status).toBe(404)
    const form = await fetch(`${base()}/api/dead-letters/delete`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pipeline=admin_http.failing&stage=input',
    })
    expect(form.status).toBe(415)
    expect((await run.deadLetters()).length).toBe(1)
  })

  it('serves a payload holding <script> as JSON text with a page policy that allows no inline script', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` }
    const list = await fetch(`${base()}/api/dead-letters?pipeline=admin_http.failing&stage=input`, { headers })
    expect(list.headers.get('content-type')).toMatch(/application\/json/)
    const body = (await list.json()) as DeadLetterList
    expect(body.letters).toHaveLength(1)
    expect(body.letters[0]?.payload).toContain('<script>window.pwned = 1</script>')
    const page = await fetch(`${base()}/`, { headers })
    const policy = page.headers.get('content-security-policy') ?? ''
    expect(policy).toContain("script-src 'self'")
    expect(policy).not.toContain('unsafe-inline')
  })
})

describe('admin server on loopback', () => {
  let local: AdminServer
  beforeAll(async () => {
    local = await startAdminServer({ admin: run.admin?.() as never, engine: 'memory', apps: [app], port: 0 })
  })
  afterAll(() => local?.close())

  it('needs no token, but answers only requests addressed to a loopback name', async () => {
    expect((await fetch(`http://127.0.0.1:${local.port}/api/graph`)).status).toBe(200)
    // fetch() may not set Host: a raw request does, as a browser would for a rebound DNS name.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.get(
        { host: '127.0.0.1', port: local.port, path: '/api/graph', headers: { host: `attacker.example:${local.port}` } },
        (response) => {
          response.resume()
          resolve(response.statusCode)
        },
      )
      request.on('error', reject)
    })
    expect(status).toBe(403)
  })
})

describe('admin server when the engine goes away', () => {
  let redis: TestRedisServer
  let server: AdminServer
  let admin: Awaited<ReturnType<typeof connectAdmin>>

  beforeAll(async () => {
    redis = await startRedisServer()
    admin = await connectAdmin('redis', { url: redis.url, prefix: uniquePrefix('admin-outage') })
    server = await startAdminServer({ admin, engine: 'redis', apps: [app], port: 0, intervalMs: 100 })
  })
  afterAll(async () => {
    await server?.close()
    await admin?.close()
    await redis?.stop()
  })

  const snapshot = async (): Promise<AdminSnapshot> =>
    (await fetch(`http://127.0.0.1:${server.port}/api/snapshot`)).json() as Promise<AdminSnapshot>
  const waitFor = async (ok: boolean): Promise<AdminSnapshot> => {
    const deadline = Date.now() + 20_000
    for (;;) {
      const seen = await snapshot()
      if (seen.ok === ok || Date.now() > deadline) return seen
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  it('reports the failure with the server named, keeps serving, and recovers when Redis returns', async () => {
    expect((await waitFor(true)).ok).toBe(true)
    redis.kill('SIGKILL')
    const down = await waitFor(false)
    expect(down.ok).toBe(false)
    expect(down.error).toContain(`127.0.0.1:${redis.port}`)
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200)
    await redis.restart()
    expect((await waitFor(true)).ok).toBe(true)
  })
})
