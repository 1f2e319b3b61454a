// The bullmq engine's admin side: queue status from BullMQ's job counts, dead letters (failed
// jobs of every stage queue, plus refused inputs) with replay and delete, and what both Redis
// engines share (redis-admin-base.ts). One connection; queue handles opened per call.
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { DeadLetter, EngineAdmin, EngineDashboard, QueueStatus, WorkerInfo } from '../../engine-types.js'
import { redisKeys } from '../../keys.js'
import { CompiledPipeline, DEFAULT_RETRY } from '../../programs/compiled-pipeline.js'
import { removeLetters } from '../redis-common/dead-letter-list.js'
import { RedisAdminBase } from '../redis-common/redis-admin-base.js'
import { connectRedis } from '../redis-common/redis-connection.js'
import { readRates, readStageCounters } from '../redis-common/stage-counters.js'
import { readProcessingTimes } from '../redis-common/stage-timings.js'
import type { BullmqSettings } from './bullmq-settings.js'
import { deadLettersOf, failedJobs, messageIdOf, type PipelineQueues } from './dead-letters.js'
import { JunkTolerantQueue } from './junk-tolerant-job.js'
import { counterScope, stageQueues } from './stage-queues.js'

export async function connectBullmqAdmin(settings: BullmqSettings): Promise<EngineAdmin> {
  const redis = { url: settings.url, prefix: settings.prefix, ...(settings.tls ? { tls: settings.tls } : {}) }
  return new BullmqAdmin(await connectRedis(redis, 'producer'), redis)
}

class BullmqAdmin extends RedisAdminBase implements EngineAdmin {
  constructor(client: Redis, redis: { url: string; prefix: string }) {
    super(client, redis)
  }

  /** Each stage queue's waiting and in-flight counts (BullMQ's job counts), counters and rates. */
  queueStatus(pipelines: readonly AnyPipeline[]): Promise<QueueStatus[]> {
    return this.withQueues(pipelines, 'reading queue status', async (opened) => {
      const status: QueueStatus[] = []
      for (const { scope, stages, queues } of opened)
        for (const stage of stages) {
          const processingTime = await readProcessingTimes(
            this.client,
            redisKeys.stageTimings(scope.prefix, scope.app, scope.pipeline, stage.stage),
          )
          const counts = await (queues[stage.index] as Queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active')
          status.push({
            app: scope.app,
            pipeline: scope.pipeline,
            stage: stage.stage,
            queue: stage.publicName,
            waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
            inFlight: counts.active ?? 0,
            counters: await readStageCounters(this.client, scope, stage.stage),
            rates: await readRates(this.client, scope, stage.stage),
            ...(processingTime ? { processingTime } : {}),
          })
        }
      return status
    })
  }

  /**
   * Stage workers connected now: BullMQ's own list of a queue's worker connections (CLIENT LIST).
   * Each is known by its connection's address (host and port); BullMQ's client names carry no
   * process id, so `pid` is 0. The last time one was seen is when its connection last sent a
   * command. (Naming the workers `host:pid:n` through BullMQ's `name` option made a SIGKILL test
   * of worker producers stall: left out.)
   */
  workers(pipelines: readonly AnyPipeline[]): Promise<WorkerInfo[]> {
    return this.withQueues(pipelines, 'listing workers', async (opened) => {
      const found: WorkerInfo[] = []
      const now = Date.now()
      for (const { scope, stages, queues } of opened)
        for (const stage of stages)
          for (const client of await (queues[stage.index] as Queue).getWorkers()) {
            const addr = String(client.addr ?? client.rawname ?? 'unknown')
            found.push({
              app: scope.app,
              pipeline: scope.pipeline,
              stage: stage.stage,
              id: addr,
              host: addr.slice(0, addr.lastIndexOf(':')) || addr,
              pid: 0,
              lastSeen: new Date(now - (Number(client.idle) || 0) * 1000).toISOString(),
            })
          }
      return found
    })
  }

  /** The dead letters of these pipelines, oldest first (failed jobs of every stage queue, and refused inputs). */
  listDeadLetters(pipelines: readonly AnyPipeline[], limit = -1): Promise<DeadLetter[]> {
    return this.withQueues(pipelines, 'listing dead letters', async (opened) => {
      const all: DeadLetter[] = []
      for (const pipeline of opened) all.push(...(await deadLettersOf(this.client, pipeline, limit)))
      return all
    })
  }

  /**
   * Retries failed jobs (all, or those whose message id is in `ids`) from the stage they failed in,
   * with fresh attempts; returns how many. Inputs the schema refused are not replayed: they would
   * be refused again (push them anew once fixed).
   */
  replayDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    const wanted = ids ? new Set(ids) : undefined
    return this.withQueues(pipelines, 'replaying dead letters', async (opened) => {
      let replayed = 0
      for (const pipeline of opened)
        for (const queue of pipeline.queues)
          for (const job of await failedJobs(queue)) {
            if (wanted && !wanted.has(messageIdOf(job))) continue
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
            replayed++
          }
      return replayed
    })
  }

  deleteDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    const wanted = ids ? new Set(ids) : undefined
    return this.withQueues(pipelines, 'deleting dead letters', async (opened) => {
      let deleted = 0
      for (const pipeline of opened) {
        const { scope } = pipeline
        deleted += await removeLetters(this.client, redisKeys.deadLetters(scope.prefix, scope.app, scope.pipeline), ids)
        for (const queue of pipeline.queues)
          for (const job of await failedJobs(queue)) {
            if (wanted && !wanted.has(messageIdOf(job))) continue
            await job.remove()
            deleted++
          }
      }
      return deleted
    })
  }

  /** bull-board over every stage queue of these pipelines (mounted by the admin server at /bull). */
  async dashboard(pipelines: readonly AnyPipeline[]): Promise<EngineDashboard> {
    const { bullBoardDashboard } = await import('./bull-board.js')
    const deliver = () => {
      throw new StairsError('ENGINE', 'the admin side runs no stages')
    }
    const stages = pipelines.flatMap((pipeline) =>
      stageQueues(new CompiledPipeline(pipeline, { deliver }), this.redis.prefix, DEFAULT_RETRY),
    )
    return bullBoardDashboard(this.client, stages)
  }

  private async withQueues<T>(pipelines: readonly AnyPipeline[], doing: string, use: (opened: PipelineQueues[]) => Promise<T>): Promise<T> {
    const deliver = () => {
      throw new StairsError('ENGINE', 'the admin side runs no stages')
    }
    const opened = pipelines.map((pipeline) => {
      const compiled = new CompiledPipeline(pipeline, { deliver })
      const stages = stageQueues(compiled, this.redis.prefix, DEFAULT_RETRY)
      const queues = stages.map((stage) => new JunkTolerantQueue(stage.name, { connection: this.client, prefix: stage.prefix }))
      return { compiled, scope: counterScope(compiled, this.redis.prefix), stages, queues }
    })
    try {
      return await this.guard(doing, () => use(opened))
    } finally {
      await Promise.all(opened.flatMap((p) => p.queues).map((queue) => queue.close().catch(() => {})))
    }
  }
}
