// How tests find Redis: REDIS_URL, else 127.0.0.1:6379, else a redis-server started here on a free
// port, else a clear failure. Tests that need their own server (restarts, AOF, auth, TLS) call
// startRedisServer. Every test uses its own key prefix (uniquePrefix) and deletes it after.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'

let shared: Promise<string> | undefined

/** The Redis URL tests use (found or started once per test process). */
export function redisUrl(): Promise<string> {
  shared ??= findRedis()
  return shared
}

async function findRedis(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL
  if (await answersPing('redis://127.0.0.1:6379')) return 'redis://127.0.0.1:6379'
  const server = await startRedisServer()
  process.once('exit', () => server.kill('SIGKILL'))
  return server.url
}

async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface TestRedisServer {
  readonly url: string
  readonly port: number
  readonly dir: string
  readonly process: ChildProcess
  /** Sends a signal (SIGKILL to crash it). */
  kill(signal?: NodeJS.Signals): void
  /** Starts the server again on the same port and directory (AOF files survive). */
  restart(): Promise<void>
  /** Stops the server and removes its directory. */
  stop(): Promise<void>
}

/** Starts a redis-server owned by the test on a free port; `args` adds options (e.g. ['--appendonly', 'yes']). */
export async function startRedisServer(
  options: { args?: string[]; port?: number; scheme?: 'redis' | 'rediss' } = {},
): Promise<TestRedisServer> {
  const binary = spawnSync('redis-server', ['--version'])
  if (binary.error) {
    throw new Error(
      'No Redis for the tests: REDIS_URL is unset, nothing answers on 127.0.0.1:6379, and redis-server is not on PATH. Install it (apt-get install redis-server, brew install redis) or set REDIS_URL.',
    )
  }
  const port = options.port ?? (await freePort())
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(options.args ?? [])]
  let child = await launch(args, port)
  const url = `${options.scheme ?? 'redis'}://127.0.0.1:${port}`
  return {
    url,
    port,
    dir,
    get process() {
      return child
    },
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal)
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await new Promise((resolve) => child.once('exit', resolve))
      }
      child = await launch(args, port)
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await new Promise((resolve) => child.once('exit', resolve))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start (code ${child.exitCode}): ${output.slice(-500)}`)
    if (/Ready to accept connections/.test(output)) return child
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server on port ${port} did not start within 10 s: ${output.slice(-500)}`)
}

/** A key prefix unique to one test, so parallel tests never share keys. */
export const uniquePrefix = (name: string): string => `stairs-test-${name}-${randomBytes(4).toString('hex')}`

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await client.del(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
}
