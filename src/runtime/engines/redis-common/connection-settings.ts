// The connection settings both Redis engines take (the `redis` section of stairs.config.ts, the
// --redis-url and --prefix flags, REDIS_URL), with their defaults in one place.
import { z } from 'zod'
import type { EngineOption } from '../../port.js'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** Key prefix of every key stairs writes (`stairs:<app>:...`). */
export const DEFAULT_KEY_PREFIX = 'stairs'

export const redisConnectionShape = {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default(DEFAULT_REDIS_URL),
  /** Key prefix; tests and several deployments on one server use their own. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default(DEFAULT_KEY_PREFIX),
  /** TLS options for rediss:// URLs, as Node's tls.connect takes them (ca, cert, key, servername). */
  tls: z.record(z.string(), z.unknown()).optional(),
}

export const REDIS_CONNECTION_OPTIONS: readonly EngineOption[] = [
  {
    flag: 'redis-url',
    setting: 'url',
    env: ['STAIRS_REDIS_URL', 'REDIS_URL'],
    description: 'Redis engines: redis://[user:password@]host:port[/db] (or rediss:// for TLS)',
  },
  { flag: 'prefix', setting: 'prefix', env: ['STAIRS_REDIS_PREFIX'], description: 'Redis engines: key prefix (default stairs)' },
]

const positive = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int()
    .positive()

/** Milliseconds as a positive whole number. */
export const milliseconds = (what: string) => positive(what)
/** A positive count. */
export const count = (what: string) => positive(what)
