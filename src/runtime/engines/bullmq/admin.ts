// Library functions behind `inspect` and the dead-letter commands on the bullmq engine: they open
// their own short-lived producer connection, never start workers.
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { DeadLetter, QueueStatus } from '../../engine-types.js'
import { CompiledPipeline, DEFAULT_RETRY } from '../../programs/compiled-pipeline.js'
import { connectRedis, type RedisSettings, redisFailure } from '../redis-common/redis-connection.js'
import { readRates, readStageCounters } from '../redis-common/stage-counters.js'
import { deadLettersOf, failedJobs, messageIdOf, type PipelineQueues } from './dead-letters.js'
import { JunkTolerantQueue } from './junk-tolerant-job.js'
import { counterScope, stageQueues } from './stage-queues.js'

async function withQueues<T>(
  pipelines: readonly AnyPipeline[],
  redis: RedisSettings,
  use: (client: Redis, opened: PipelineQueues[]) => Promise<T>,
): Promise<T> {
  const client = await connectRedis(redis, 'producer')
  const deliver = () => {
    throw new StairsError('ENGINE', 'admin functions do not run stages')
  }
  const opened = pipelines.map((pipeline) => {
    const compiled = new CompiledPipeline(pipeline, { deliver })
    const stages = stageQueues(compiled, redis, DEFAULT_RETRY)
    const queues = stages.map((stage) => new JunkTolerantQueue(stage.name, { connection: client, prefix: stage.prefix }))
    return { compiled, scope: counterScope(compiled, redis), stages, queues }
  })
  try {
    return await use(client, opened)
  } catch (error) {
    throw error instanceof StairsError ? error : redisFailure(redis, error)
  } finally {
    await Promise.all(opened.flatMap((p) => p.queues).map((queue) => queue.close().catch(() => {})))
    client.disconnect()
  }
}

/** The dead letters of these pipelines, oldest first (failed jobs of every stage queue, and refused inputs). */
export function listDeadLetters(pipelines: readonly AnyPipeline[], redis: RedisSettings, limit = -1): Promise<DeadLetter[]> {
  return withQueues(pipelines, redis, async (client, opened) => {
    const all: DeadLetter[] = []
    for (const pipeline of opened) all.push(...(await deadLettersOf(client, pipeline, limit)))
    all.sort((a, b) => a.at.localeCompare(b.at))
    return limit < 0 ? all : all.slice(0, limit)
  })
}

/**
 * Retries failed jobs (all, or those whose message id is in `ids`) from the stage they failed in,
 * with fresh attempts; returns how many. Inputs the schema refused are not replayed: they would
 * be refused again (push them anew once fixed).
 */
export function replayDeadLetters(pipelines: readonly AnyPipeline[], redis: RedisSettings, ids?: readonly string[]): Promise<number> {
  const wanted = ids ? new Set(ids) : undefined
  return withQueues(pipelines, redis, async (_client, opened) => {
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

/** Each stage queue's waiting and in-flight counts (BullMQ's job counts), counters and rates. */
export function queueStatus(pipelines: readonly AnyPipeline[], redis: RedisSettings): Promise<QueueStatus[]> {
  return withQueues(pipelines, redis, async (client, opened) => {
    const status: QueueStatus[] = []
    for (const { scope, stages, queues } of opened)
      for (const stage of stages) {
        const counts = await (queues[stage.index] as Queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active')
        status.push({
          app: scope.app,
          pipeline: scope.pipeline,
          stage: stage.stage,
          queue: stage.publicName,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
          inFlight: counts.active ?? 0,
          counters: await readStageCounters(client, scope, stage.stage),
          rates: await readRates(client, scope, stage.stage),
        })
      }
    return status
  })
}
