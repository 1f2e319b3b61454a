// The redis engine's admin side: queue status, dead letters (list, replay, delete), workers
// alive, plus what both Redis engines share (redis-admin-base.ts). One connection, no workers.
import type { Redis } from 'ioredis'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import type { DeadLetter, EngineAdmin, QueueStatus, WorkerInfo } from '../../engine-types.js'
import { removeLetters } from '../redis-common/dead-letter-list.js'
import { RedisAdminBase } from '../redis-common/redis-admin-base.js'
import { connectRedis } from '../redis-common/redis-connection.js'
import { readQueueStatus } from './counters.js'
import { readDeadLetters, replay } from './dead-letter-queue.js'
import { compileForRedis } from './redis-run.js'
import type { RedisStreamsSettings } from './settings.js'
import { GROUP, type PipelineKeys, pipelineKeys } from './stream-layout.js'

export async function connectRedisStreamsAdmin(settings: RedisStreamsSettings): Promise<EngineAdmin> {
  const redis = { url: settings.url, prefix: settings.prefix, ...(settings.tls ? { tls: settings.tls } : {}) }
  return new RedisStreamsAdmin(await connectRedis(redis, 'producer'), redis, settings)
}

class RedisStreamsAdmin extends RedisAdminBase implements EngineAdmin {
  constructor(
    client: Redis,
    redis: { url: string; prefix: string },
    private readonly settings: RedisStreamsSettings,
  ) {
    super(client, redis)
  }

  queueStatus(pipelines: readonly AnyPipeline[]): Promise<QueueStatus[]> {
    return this.guard('reading queue status', () =>
      readQueueStatus(
        this.client,
        this.keysOf(pipelines).map((p) => p.keys),
      ),
    )
  }

  listDeadLetters(pipelines: readonly AnyPipeline[], limit?: number): Promise<DeadLetter[]> {
    return this.guard('listing dead letters', () =>
      readDeadLetters(
        this.client,
        this.keysOf(pipelines).map((p) => p.keys),
        limit,
      ),
    )
  }

  replayDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    return this.guard('replaying dead letters', async () => {
      let count = 0
      for (const { compiled, keys } of this.keysOf(pipelines)) count += await replay(this.client, compiled, keys, ids)
      return count
    })
  }

  deleteDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    return this.guard('deleting dead letters', async () => {
      let count = 0
      for (const { keys } of this.keysOf(pipelines)) count += await removeLetters(this.client, keys.deadLetters, ids)
      return count
    })
  }

  /** Consumers of each stage's group seen within a few read timeouts (they block on the stream in a loop). */
  workers(pipelines: readonly AnyPipeline[]): Promise<WorkerInfo[]> {
    const aliveMs = Math.max(5_000, this.settings.blockMs * 5)
    return this.guard('listing workers', async () => {
      const found: WorkerInfo[] = []
      for (const { keys } of this.keysOf(pipelines))
        for (const stage of keys.stages) {
          const consumers = (await this.client.xinfo('CONSUMERS', stage.stream, GROUP).catch(() => [])) as unknown[][]
          for (const fields of consumers) {
            const info = Object.fromEntries(fieldPairs(fields))
            const idle = Number(info.idle ?? Number.POSITIVE_INFINITY)
            if (!(idle < aliveMs)) continue
            const name = String(info.name)
            const [host = name, pid = '0'] = name.split(':')
            found.push({
              app: keys.app,
              pipeline: keys.pipeline,
              stage: stage.id,
              id: name,
              host,
              pid: Number(pid),
              lastSeen: new Date(Date.now() - idle).toISOString(),
            })
          }
        }
      return found
    })
  }

  private keysOf(pipelines: readonly AnyPipeline[]): { compiled: ReturnType<typeof compileForRedis>[number]; keys: PipelineKeys }[] {
    return compileForRedis(pipelines).map((compiled) => ({ compiled, keys: pipelineKeys(compiled, this.redis.prefix) }))
  }
}

function* fieldPairs(fields: readonly unknown[]): Generator<[string, unknown]> {
  for (let i = 0; i + 1 < fields.length; i += 2) yield [String(fields[i]), fields[i + 1]]
}
