// The redis engine's entry in the registry. Its transport (ioredis, the scripts) is imported
// only when a run or an admin connection starts.
import type { Engine } from '../../port.js'
import { REDIS_CONNECTION_OPTIONS } from '../redis-common/connection-settings.js'
import { maskUrl } from '../redis-common/redis-connection.js'
import { type RedisStreamsSettings, redisStreamsSettings } from './settings.js'

export const redisStreamsEngine: Engine<RedisStreamsSettings> = {
  name: 'redis',
  description: 'Redis Streams and consumer groups: batched, one atomic script per batch, at-least-once',
  settings: redisStreamsSettings,
  options: REDIS_CONNECTION_OPTIONS,
  capabilities: { durable: true, distributed: true },
  describe: (settings) => maskUrl(settings.url),
  start: async (pipelines, settings, options) => (await import('./redis-run.js')).RedisRun.start(pipelines, settings, options),
  admin: async (settings) => (await import('./redis-admin.js')).connectRedisStreamsAdmin(settings),
}
