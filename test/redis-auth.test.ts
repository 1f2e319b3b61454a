// Acceptance 6 of issue 5: a wrong password or a missing ACL permission fails with ONE line naming
// the URL with its password masked; a TLS connection (rediss://) to a test-owned TLS redis-server
// works. Each server here is owned by the test (requirepass + an ACL user; TLS with a fresh CA).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { connectRedis } from '../src/runtime/engines/redis-common/redis-connection.js'
import { RedisConnectionError, startRun } from '../src/runtime/index.js'
import { freePort, startRedisServer, type TestRedisServer } from './support/redis.js'

const PASSWORD = 'S3cret-pw'
const LIMITED_PASSWORD = 'limited-pw-77'

const app = new App('auth_check')
const pl = app.pipeline('p', { input: z.object({ n: z.number() }) }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'first' })
    .subscribeFunc(({ m }) => ({ k: m * 2 }), { name: 'second', asWorker: true }),
)

/** Runs three records through `pl` on `engine` and returns the outputs. */
async function roundTrip(engine: 'bullmq' | 'redis', redis: { url: string; prefix: string; tls?: object }): Promise<object[]> {
  const outputs: object[] = []
  const run = await startRun(engine, [pl], { settings: redis, onOutput: (_p, record) => outputs.push(record) })
  try {
    await run.feed('auth_check.p', [{ n: 1 }, { n: 2 }, { n: 3 }])
    await run.drain()
  } finally {
    await run.stop()
  }
  return outputs
}

/** The rejection of `pending`, checked to be one RedisConnectionError line naming `maskedUrl` and hiding `secret`. */
async function oneLineFailure(pending: Promise<unknown>, maskedUrl: string, secret: string): Promise<string> {
  const error = await pending.then(
    () => {
      throw new Error('expected a failure, but it worked')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RedisConnectionError)
  const message = (error as Error).message
  expect(message.split('\n')).toHaveLength(1)
  expect(message).toContain(`cannot use Redis at ${maskedUrl}`)
  expect(message).not.toContain(secret)
  return message
}

describe('Redis with a password and ACL users', () => {
  let server: TestRedisServer
  let base: string
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--requirepass', PASSWORD] })
    base = `127.0.0.1:${server.port}`
    const admin = new Redis(`redis://:${PASSWORD}@${base}`)
    try {
      // Everything but scripting: enough to PING, not enough to run BullMQ's or our Lua scripts.
      await admin.call('ACL', 'SETUSER', 'limited', 'on', `>${LIMITED_PASSWORD}`, '~*', '&*', '+@all', '-@scripting')
    } finally {
      admin.disconnect()
    }
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('a wrong password fails in one line naming the masked URL', async () => {
    const message = await oneLineFailure(
      connectRedis({ url: `redis://:not-the-${PASSWORD}@${base}` }, 'producer'),
      `redis://:***@${base}`,
      `not-the-${PASSWORD}`,
    )
    expect(message).toContain('wrong user name or password (WRONGPASS)')
  })

  it('a missing password says the server needs one', async () => {
    const message = await oneLineFailure(connectRedis({ url: `redis://${base}` }, 'producer'), `redis://${base}`, PASSWORD)
    expect(message).toContain('NOAUTH')
  })

  it.each(['bullmq', 'redis'] as const)('a wrong password fails a %s run at start, in one line', async (engine) => {
    const run = startRun(engine, [pl], { settings: { url: `redis://default:wrong-${PASSWORD}@${base}`, prefix: 'auth' } })
    const message = await oneLineFailure(run, `redis://default:***@${base}`, `wrong-${PASSWORD}`)
    expect(message).toContain('WRONGPASS')
  })

  it.each(['bullmq', 'redis'] as const)(
    'a user lacking a permission the %s run needs fails at start in one line naming the masked URL',
    async (engine) => {
      // The user can connect (PING works), so only the run's own commands find the gap.
      const client = await connectRedis({ url: `redis://limited:${LIMITED_PASSWORD}@${base}` }, 'producer')
      client.disconnect()
      // An engine may find the gap when it starts or at the first push; either way, one clear line.
      const settings = { url: `redis://limited:${LIMITED_PASSWORD}@${base}`, prefix: `auth-${engine}` }
      const runAndPush = (async () => {
        const run = await startRun(engine, [pl], { settings: settings, workers: false })
        try {
          await run.push('auth_check.p', { n: 1 })
        } finally {
          await run.stop()
        }
      })()
      const message = await oneLineFailure(runAndPush, `redis://limited:***@${base}`, LIMITED_PASSWORD)
      expect(message).toContain('NOPERM')
    },
  )

  it.each(['bullmq', 'redis'] as const)('the right password runs records on %s', async (engine) => {
    const outputs = await roundTrip(engine, { url: `redis://default:${PASSWORD}@${base}`, prefix: `auth-ok-${engine}` })
    expect(outputs.map((o) => (o as { k: number }).k).sort()).toEqual([4, 6, 8])
  })
})

describe('Redis over TLS', () => {
  let server: TestRedisServer
  let certs: string
  let url: string
  let ca: Buffer
  beforeAll(async () => {
    certs = mkdtempSync(path.join(os.tmpdir(), 'stairs-tls-'))
    makeCertificates(certs)
    ca = readFileSync(path.join(certs, 'ca.crt'))
    const port = await freePort()
    const tlsArgs = ['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no']
    const files = ['--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.crt']
    try {
      server = await startRedisServer({
        port,
        scheme: 'rediss',
        args: [...tlsArgs, ...files.map((f) => (f.startsWith('--') ? f : path.join(certs, f)))],
      })
    } catch (error) {
      throw new Error(`this redis-server cannot serve TLS (was it built with BUILD_TLS=yes?): ${(error as Error).message}`)
    }
    url = server.url
  })
  afterAll(async () => {
    await server?.stop()
    if (certs) rmSync(certs, { recursive: true, force: true })
  })

  it('connects with rediss:// and the CA, and PINGs', async () => {
    expect(url.startsWith('rediss://')).toBe(true)
    const client = await connectRedis({ url, tls: { ca } }, 'producer')
    try {
      expect(await client.ping()).toBe('PONG')
      // The server speaks TLS only: the plain port is off.
      expect(await client.config('GET', 'port')).toEqual(['port', '0'])
    } finally {
      client.disconnect()
    }
  })

  it('refuses a server whose certificate it cannot verify, in one line', async () => {
    const message = await oneLineFailure(connectRedis({ url }, 'producer'), url, PASSWORD)
    expect(message).toMatch(/self[- ]signed|unable to (get|verify)/i)
  })

  it.each(['bullmq', 'redis'] as const)('runs records on %s over TLS', async (engine) => {
    const outputs = await roundTrip(engine, { url, prefix: `tls-${engine}`, tls: { ca } })
    expect(outputs.map((o) => (o as { k: number }).k).sort()).toEqual([4, 6, 8])
  })
})

/** A CA and a server certificate for 127.0.0.1 signed by it, written into `dir`. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' })
    if (result.error) throw new Error(`openssl is needed for the TLS test and could not run: ${result.error.message}`)
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`)
  }
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl('genrsa', '-out', 'ca.key', '2048')
  openssl('req', '-x509', '-new', '-nodes', '-key', 'ca.key', '-sha256', '-days', '2', '-subj', '/CN=stairs-test-ca', '-out', 'ca.crt')
  openssl('genrsa', '-out', 'server.key', '2048')
  openssl('req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr')
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    'ext.cnf',
  )
}
