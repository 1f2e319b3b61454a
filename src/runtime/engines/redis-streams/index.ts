// The redis engine: pipelines on Redis Streams and consumer groups, batched, at-least-once.
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import type { EngineModule } from '../../engine-registry.js'
import { DEFAULT_PREFIX } from '../../keys.js'
import { connectRedis, type RedisSettings } from '../redis-common/redis-connection.js'
import { readQueueStatus } from './counters.js'
import { readDeadLetters, replay } from './dead-letter-queue.js'
import { compileForRedis, RedisRun } from './redis-run.js'
import { pipelineKeys } from './stream-layout.js'

export { resetContracts } from './contracts.js'
export { RedisRun } from './redis-run.js'
export { RecordTooLargeError } from './settings.js'

async function withClient<T>(redis: RedisSettings, use: (client: Awaited<ReturnType<typeof connectRedis>>) => Promise<T>): Promise<T> {
  const client = await connectRedis(redis, 'producer')
  try {
    return await use(client)
  } finally {
    client.disconnect()
  }
}

const keysOf = (pipelines: readonly AnyPipeline[], redis: RedisSettings) =>
  compileForRedis(pipelines).map((compiled) => ({ compiled, keys: pipelineKeys(compiled, redis.prefix ?? DEFAULT_PREFIX) }))

/** The `redis` engine module (loaded by `loadEngine('redis')`). */
export const redisEngine: EngineModule = {
  startRun: (pipelines, options) => RedisRun.start(pipelines, options),
  listDeadLetters: (pipelines, redis, limit) =>
    withClient(redis, (client) =>
      readDeadLetters(
        client,
        keysOf(pipelines, redis).map((p) => p.keys),
        limit,
      ),
    ),
  replayDeadLetters: (pipelines, redis, ids) =>
    withClient(redis, async (client) => {
      let count = 0
      for (const { compiled, keys } of keysOf(pipelines, redis)) count += await replay(client, compiled, keys, ids)
      return count
    }),
  queueStatus: (pipelines, redis) =>
    withClient(redis, (client) =>
      readQueueStatus(
        client,
        keysOf(pipelines, redis).map((p) => p.keys),
      ),
    ),
}
