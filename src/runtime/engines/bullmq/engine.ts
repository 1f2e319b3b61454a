// The bullmq engine's entry in the registry. BullMQ is imported only when a run or an admin
// connection starts. It reads the `redis` section of stairs.config.ts for its connection, and
// its own `bullmq` section for the rest.
import type { Engine } from '../../port.js'
import { REDIS_CONNECTION_OPTIONS } from '../redis-common/connection-settings.js'
import { maskUrl } from '../redis-common/redis-connection.js'
import { type BullmqSettings, bullmqSettings } from './bullmq-settings.js'

export const bullmqEngine: Engine<BullmqSettings> = {
  name: 'bullmq',
  description: "one BullMQ queue per stage; the failed set is the dead-letter queue, so BullMQ's own tools see the queues",
  settings: bullmqSettings,
  inherits: ['redis'],
  options: REDIS_CONNECTION_OPTIONS,
  capabilities: { durable: true, distributed: true },
  describe: (settings) => maskUrl(settings.url),
  start: async (pipelines, settings, options) => (await import('./bullmq-run.js')).BullmqRun.start(pipelines, settings, options),
  admin: async (settings) => (await import('./bullmq-admin.js')).connectBullmqAdmin(settings),
}
