// The jetstream engine's admin side: queue status from consumer info and the counters bucket,
// dead letters (list, replay, delete), workers alive (heartbeats), contracts, consumer queues,
// worker producers' batch leases and purge. One connection, no workers.
import type { KV } from '@nats-io/kv'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader } from '../../consumers/consumer-queue-types.js'
import type { BatchLeaseStore } from '../../core/batch-lease-store.js'
import { MAX_RECORD_BYTES } from '../../core/record-size.js'
import type { ConsumerQueueStatus, DeadLetter, EngineAdmin, QueueStatus, WorkerInfo } from '../../engine-types.js'
import { KvBatchLeases } from './batch-leases.js'
import { openBucket } from './buckets.js'
import { connectNats, type NatsLink, natsFailure } from './connection.js'
import { consumerQueueState, LOCK_MS, openJetStreamConsumerQueue } from './consumer-queue.js'
import { JetStreamContractStore } from './contract-store.js'
import { CounterStore, ratesOf, readCounters, stageCountersOf } from './counter-store.js'
import { deleteLetters, readLetters, replayLetters } from './dead-letters.js'
import { bucketNames } from './layout.js'
import { ReliablePublisher } from './reliable-publish.js'
import { type CompiledLayout, compileForJetStream, ensureSharedStreams, recordLimit } from './run-setup.js'
import type { JetStreamSettings } from './settings.js'
import { stageStates } from './stage-state.js'
import { ALIVE_MS, aliveWorkers } from './worker-heartbeats.js'

export async function connectJetStreamAdmin(settings: JetStreamSettings): Promise<EngineAdmin> {
  const link = await connectNats(settings, 'admin')
  try {
    const buckets = await Promise.all([
      openBucket(link, settings, bucketNames.counters(settings.prefix)),
      openBucket(link, settings, bucketNames.contracts(settings.prefix)),
      openBucket(link, settings, bucketNames.locks(settings.prefix), { ttlMs: LOCK_MS }),
      openBucket(link, settings, bucketNames.leases(settings.prefix)),
    ])
    await ensureSharedStreams(link, settings)
    return new JetStreamAdmin(link, settings, ...buckets)
  } catch (error) {
    await link.nc.close().catch(() => {})
    if (error instanceof StairsError) throw error
    throw natsFailure(link.where, error, 'opening the admin side')
  }
}

class JetStreamAdmin implements EngineAdmin {
  readonly where: string
  readonly contracts: JetStreamContractStore

  constructor(
    private readonly link: NatsLink,
    private readonly settings: JetStreamSettings,
    private readonly counterKv: KV,
    contractKv: KV,
    private readonly locks: KV,
    private readonly leases: KV,
  ) {
    this.where = link.where
    this.contracts = new JetStreamContractStore(contractKv)
  }

  queueStatus(pipelines: readonly AnyPipeline[]): Promise<QueueStatus[]> {
    return this.guard('reading queue status', async () => {
      const status: QueueStatus[] = []
      for (const { layout } of this.layouts(pipelines)) {
        const stored = await readCounters(this.counterKv, layout.counterKey)
        const states = await stageStates(this.link.jsm, layout, layout.stages).catch(() => layout.stages.map(() => undefined))
        layout.stages.forEach((stage, i) => {
          status.push({
            app: layout.app,
            pipeline: layout.pipeline,
            stage: stage.id,
            queue: stage.queue,
            waiting: states[i]?.waiting ?? 0,
            inFlight: states[i]?.inFlight ?? 0,
            redelivered: states[i]?.redelivered ?? 0,
            counters: stageCountersOf(stored, stage.id),
            rates: ratesOf(stored, stage.id),
          })
        })
      }
      return status
    })
  }

  consumerQueueStatus(consumers: readonly ConsumerRef[]): Promise<ConsumerQueueStatus[]> {
    return this.guard('reading consumer queues', async () => {
      const status: ConsumerQueueStatus[] = []
      for (const consumer of consumers)
        status.push({
          app: consumer.app,
          consumer: consumer.name,
          kind: consumer.kind,
          queue: `${consumer.app}.${consumer.name}`,
          ...(await consumerQueueState(this.link, this.settings, consumer)),
        })
      return status
    })
  }

  listDeadLetters(pipelines: readonly AnyPipeline[], limit?: number): Promise<DeadLetter[]> {
    return this.guard('listing dead letters', async () => {
      const letters: DeadLetter[] = []
      for (const { layout } of this.layouts(pipelines))
        for (const { letter } of await readLetters(this.link.jsm, this.settings.prefix, layout, limit)) letters.push(letter)
      return letters
    })
  }

  replayDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    return this.guard('replaying dead letters', async () => {
      const publisher = new ReliablePublisher(this.link.js, this.settings.ackWaitMs)
      const counters = new CounterStore(this.counterKv)
      const limit = recordLimit(this.link, undefined, MAX_RECORD_BYTES)
      try {
        let count = 0
        for (const { compiled, layout } of this.layouts(pipelines))
          count += await replayLetters(this.link.jsm, publisher, counters, this.settings.prefix, compiled, layout, limit, ids)
        return count
      } finally {
        counters.stop()
      }
    })
  }

  deleteDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    return this.guard('deleting dead letters', async () => {
      let count = 0
      for (const { layout } of this.layouts(pipelines)) count += await deleteLetters(this.link.jsm, this.settings.prefix, layout, ids)
      return count
    })
  }

  openConsumerQueue(consumer: ConsumerRef): Promise<ConsumerQueueReader> {
    return this.guard(`opening consumer '${consumer.app}.${consumer.name}'`, () =>
      openJetStreamConsumerQueue(this.link, this.settings, this.locks, consumer),
    )
  }

  batchLeases(app: string, producer: string): BatchLeaseStore {
    return new KvBatchLeases(this.leases, app, producer)
  }

  /** Deletes every stream and KV bucket of the prefix. */
  /** Stage workers whose heartbeat (in the workers bucket) is recent. */
  workers(pipelines: readonly AnyPipeline[]): Promise<WorkerInfo[]> {
    return this.guard('listing workers', async () => {
      const kv = await openBucket(this.link, this.settings, bucketNames.workers(this.settings.prefix), { ttlMs: ALIVE_MS })
      return aliveWorkers(
        kv,
        this.layouts(pipelines).map(({ layout }) => layout),
      )
    })
  }

  async purge(): Promise<void> {
    await this.guard('deleting the prefix', async () => {
      const { prefix } = this.settings
      const buckets = new Set(Object.values(bucketNames).map((name) => `KV_${name(prefix)}`))
      const names: string[] = []
      for await (const info of this.link.jsm.streams.list()) {
        const name = info.config.name
        const ours = name.startsWith(`${prefix}_`) && info.config.subjects?.every((s) => s.startsWith(`${prefix}.`))
        if (ours || buckets.has(name)) names.push(name)
      }
      for (const name of names) await this.link.jsm.streams.delete(name).catch(() => false)
    })
  }

  async close(): Promise<void> {
    await this.link.nc.close().catch(() => {})
  }

  private layouts(pipelines: readonly AnyPipeline[]): CompiledLayout[] {
    return compileForJetStream(pipelines, this.settings.prefix)
  }

  private async guard<T>(doing: string, use: () => Promise<T>): Promise<T> {
    try {
      return await use()
    } catch (error) {
      if (error instanceof StairsError) throw error
      throw natsFailure(this.where, error, doing)
    }
  }
}
