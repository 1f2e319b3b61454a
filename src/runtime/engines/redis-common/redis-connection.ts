// Connections to Redis for every engine: one URL (redis:// or rediss://, user, password, db),
// errors that name the URL with the password masked, fail-fast for producers and
// reconnect-forever for workers.
import type { Redis, RedisOptions } from 'ioredis'
import { StairsError } from '../../../errors.js'

export interface RedisSettings {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string
  /** Key prefix, `stairs` by default; tests use their own. */
  prefix?: string
  /** Extra TLS options (CA, certs) for rediss:// URLs. */
  tls?: RedisOptions['tls']
}

export class RedisConnectionError extends StairsError {
  override readonly name = 'RedisConnectionError'
  constructor(message: string, cause?: unknown) {
    super('ENGINE', message, { cause })
  }
}

/** The URL with its password replaced by `***`, safe to print. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
  }
}

/** Options for ioredis from a URL: user, password, db and TLS. */
export function redisOptions(settings: RedisSettings, role: 'producer' | 'worker'): RedisOptions {
  let parsed: URL
  try {
    parsed = new URL(settings.url)
  } catch {
    throw new RedisConnectionError(`invalid Redis URL '${maskUrl(settings.url)}': expected redis://[user:password@]host:port[/db]`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisConnectionError(`invalid Redis URL '${maskUrl(settings.url)}': the scheme must be redis:// or rediss://`)
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  if (!Number.isInteger(db) || db < 0)
    throw new RedisConnectionError(`invalid Redis URL '${maskUrl(settings.url)}': the database must be a number`)
  const options: RedisOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    lazyConnect: true,
    // Workers wait out a Redis restart; producers fail fast so a user sees the problem at once.
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: role === 'worker' ? (times) => Math.min(50 * 2 ** times, 1000) : () => null,
    connectTimeout: role === 'worker' ? 10_000 : 3_000,
  }
  if (parsed.username) options.username = decodeURIComponent(parsed.username)
  if (parsed.password) options.password = decodeURIComponent(parsed.password)
  if (parsed.protocol === 'rediss:') options.tls = settings.tls ?? {}
  return options
}

/**
 * Connects and checks the connection with PING, so a wrong password, a missing ACL permission or
 * an unreachable server is one clear error naming the (masked) URL.
 */
export async function connectRedis(settings: RedisSettings, role: 'producer' | 'worker'): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const client = new Redis(redisOptions(settings, role))
  let lastError: unknown
  client.on('error', (error) => {
    lastError = error
  })
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    client.disconnect()
    // "Connection is closed" hides the cause; the error event saw it (ECONNREFUSED, WRONGPASS).
    throw redisFailure(settings, lastError ?? error)
  }
  // Once connected, a producer reconnects in the background after losing Redis (a restart), while
  // its commands keep failing fast (no offline queue) until Redis is back.
  if (role === 'producer') client.options.retryStrategy = (times) => Math.min(50 * 2 ** times, 1000)
  return client
}

/**
 * One line naming the (masked) URL and what went wrong, for any Redis error met while starting or
 * producing (WRONGPASS, NOAUTH, NOPERM, refused): engines wrap their first commands with it.
 */
export function redisFailure(settings: RedisSettings, error: unknown, doing?: string): RedisConnectionError {
  if (error instanceof RedisConnectionError) return error
  const what = doing ? ` (${doing})` : ''
  return new RedisConnectionError(
    `cannot use Redis at ${maskUrl(settings.url)}${what}: ${describe(error)}`.replace(/\s*\n\s*/g, ' '),
    error,
  )
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/WRONGPASS|invalid username-password/i.test(message)) return 'wrong user name or password (WRONGPASS)'
  if (/NOAUTH/i.test(message)) return 'the server needs a password (NOAUTH): put it in the URL, redis://:PASSWORD@host:port'
  if (/NOPERM/i.test(message)) return `the user lacks a permission (NOPERM): ${message}`
  if (/ECONNREFUSED/.test(message)) return 'connection refused: is redis-server running there?'
  return message
}
