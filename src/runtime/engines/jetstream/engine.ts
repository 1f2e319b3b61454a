// The jetstream engine's entry in the registry. The NATS client is imported only when a run or an
// admin connection starts.
import type { Engine, EngineOption } from '../../port.js'
import { describeServers, type JetStreamSettings, jetstreamSettings } from './settings.js'

const OPTIONS: readonly EngineOption[] = [
  {
    flag: 'nats-url',
    setting: 'servers',
    env: ['STAIRS_NATS_URL', 'NATS_URL'],
    description: 'jetstream engine: nats://[user:password@]host:port, several separated by commas (one cluster)',
    parse: (text) => {
      const urls = text
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean)
      return urls.length === 1 ? urls[0] : urls
    },
  },
  {
    flag: 'prefix',
    setting: 'prefix',
    env: ['STAIRS_NATS_PREFIX'],
    description: 'key prefix of the Redis engines, or stream name prefix of jetstream (default stairs)',
  },
  {
    flag: 'nats-creds',
    setting: 'credsFile',
    env: ['STAIRS_NATS_CREDS', 'NATS_CREDS'],
    description: 'jetstream engine: a .creds file to log in with',
  },
]

export const jetstreamEngine: Engine<JetStreamSettings> = {
  name: 'jetstream',
  description: 'NATS JetStream: a replicated log, one stream per pipeline, durable pull consumers per stage, at-least-once',
  settings: jetstreamSettings,
  options: OPTIONS,
  capabilities: { durable: true, distributed: true },
  describe: (settings) => describeServers(settings),
  start: async (pipelines, settings, options) => (await import('./jetstream-run.js')).JetStreamRun.start(pipelines, settings, options),
  admin: async (settings) => (await import('./jetstream-admin.js')).connectJetStreamAdmin(settings),
}
