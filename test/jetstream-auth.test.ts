// Logging in to nats-server: user and password (a wrong password is refused with a clear error
// naming the server; the right one works), a token, and TLS with a CA and certificate made here
// with openssl (a client that does not trust the CA is refused).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { startRun } from '../src/runtime/index.js'
import { startNatsServer, type TestNatsServer, uniqueNatsPrefix } from './support/nats.js'

const app = new App('js_auth')
const echo = app.pipeline('echo', { input: z.object({ n: z.number() }) }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'plus', asWorker: true }),
)

const servers: TestNatsServer[] = []
const dirs: string[] = []
afterAll(async () => {
  for (const server of servers) await server.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Pushes three records through and returns the outputs. */
async function roundTrip(settings: Record<string, unknown>): Promise<object[]> {
  const outputs: object[] = []
  const run = await startRun('jetstream', [echo], {
    settings: { prefix: uniqueNatsPrefix('auth'), pullWaitMs: 50, ...settings },
    onOutput: (_p, record) => outputs.push(record),
  })
  try {
    await run.feed('js_auth.echo', [{ n: 1 }, { n: 2 }, { n: 3 }])
    await run.drain()
  } finally {
    await run.stop()
  }
  return outputs
}

describe('jetstream authentication and TLS', () => {
  it('refuses a wrong password with a clear error and accepts the right one', async () => {
    const server = await startNatsServer({ config: 'authorization { user: stairs, password: "s3cret" }' })
    servers.push(server)
    const url = server.url
    await expect(roundTrip({ servers: url, user: 'stairs', password: 'wrong', requestTimeoutMs: 2000 })).rejects.toThrow(
      `cannot use NATS at ${url}: the server refused the credentials (authorization violation): check user and password, token, nkey seed or creds file`,
    )
    await expect(roundTrip({ servers: url.replace('nats://', 'nats://stairs:nope@') })).rejects.toThrow(/nats:\/\/stairs:\*\*\*@127/)
    expect(await roundTrip({ servers: url, user: 'stairs', password: 's3cret' })).toHaveLength(3)
    expect(await roundTrip({ servers: url.replace('nats://', 'nats://stairs:s3cret@') })).toHaveLength(3)
  })

  it('logs in with a token', async () => {
    const server = await startNatsServer({ config: 'authorization { token: "t0ken" }' })
    servers.push(server)
    await expect(roundTrip({ servers: server.url, token: 'other', requestTimeoutMs: 2000 })).rejects.toThrow(/authorization violation/)
    expect(await roundTrip({ servers: server.url, token: 't0ken' })).toHaveLength(3)
  })

  it('speaks TLS with a certificate made here, and refuses a client that does not trust its CA', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stairs-tls-'))
    dirs.push(dir)
    const file = (name: string) => path.join(dir, name)
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=stairs test CA',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    )
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'))
    execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > ${file('san.ext')}`])
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file('san.ext'),
      '-out',
      file('server.pem'),
    )
    const server = await startNatsServer({
      config: `tls { cert_file: "${file('server.pem')}", key_file: "${file('server.key')}" }`,
      scheme: 'tls',
    })
    servers.push(server)
    await expect(roundTrip({ servers: server.url, tls: {}, requestTimeoutMs: 2000 })).rejects.toThrow(
      /cannot use NATS at tls:\/\/127\.0\.0\.1:\d+: TLS failed/,
    )
    expect(await roundTrip({ servers: server.url, tls: { caFile: file('ca.pem') } })).toHaveLength(3)
  })
})
