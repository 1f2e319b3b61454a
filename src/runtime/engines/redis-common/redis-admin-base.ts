// What the admin side of both Redis engines shares: one connection, failures named with the
// masked URL, contracts, consumer queues and worker producers' batch leases (all kept the same
// way by both engines). Each engine adds its own queue status and dead letters.
import type { Redis } from 'ioredis'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader } from '../../consumers/consumer-queue-types.js'
import type { BatchLeaseStore } from '../../core/batch-lease-store.js'
import type { ConsumerQueueStatus } from '../../engine-types.js'
import { RedisBatchLeases } from './batch-lease-store.js'
import { openRedisConsumerQueue, redisConsumerQueueState } from './consumer-queue.js'
import { RedisContractStore } from './contract-store.js'
import { maskUrl, type RedisSettings, redisFailure } from './redis-connection.js'

export abstract class RedisAdminBase {
  readonly where: string
  readonly contracts: RedisContractStore

  protected constructor(
    protected readonly client: Redis,
    protected readonly redis: RedisSettings & { readonly prefix: string },
  ) {
    this.where = maskUrl(redis.url)
    this.contracts = new RedisContractStore(client, redis.prefix)
  }

  async consumerQueueStatus(consumers: readonly ConsumerRef[]): Promise<ConsumerQueueStatus[]> {
    return this.guard('reading consumer queues', async () => {
      const status: ConsumerQueueStatus[] = []
      for (const consumer of consumers) {
        const state = await redisConsumerQueueState(this.client, consumer, this.redis.prefix)
        status.push({
          app: consumer.app,
          consumer: consumer.name,
          kind: consumer.kind,
          queue: `${consumer.app}.${consumer.name}`,
          ...state,
        })
      }
      return status
    })
  }

  openConsumerQueue(consumer: ConsumerRef): Promise<ConsumerQueueReader> {
    return openRedisConsumerQueue(consumer, this.redis)
  }

  batchLeases(app: string, producer: string): BatchLeaseStore {
    return new RedisBatchLeases(this.client, app, producer, this.redis.prefix)
  }

  /** Deletes every key under `<prefix>:` (SCAN, then UNLINK in batches). */
  async purge(): Promise<void> {
    await this.guard('deleting the prefix', async () => {
      let cursor = '0'
      do {
        const [next, keys] = await this.client.scan(cursor, 'MATCH', `${this.redis.prefix}:*`, 'COUNT', 1000)
        cursor = next
        if (keys.length) await this.client.unlink(...keys)
      } while (cursor !== '0')
    })
  }

  async close(): Promise<void> {
    this.client.disconnect()
  }

  /** Runs `use`, turning a Redis failure into one line naming the masked URL and what was being done. */
  protected async guard<T>(doing: string, use: () => Promise<T>): Promise<T> {
    try {
      return await use()
    } catch (error) {
      throw redisFailure(this.redis, error, doing)
    }
  }
}
