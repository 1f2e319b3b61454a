// Where each stage of a pipeline lives in BullMQ (queue name and key prefix), the job options that
// carry our retry policy, and how message ids become job ids. Every process derives the same
// layout from the same pipeline, so producers and workers on different machines agree.
import type { JobsOptions } from 'bullmq'
import type { RetryPolicy } from '../../../graph/nodes.js'
import { bullmqQueueName, queueName, redisKeys } from '../../keys.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { CounterScope } from '../redis-common/stage-counters.js'

/** BullMQ job name of every record job (the stage is the queue). */
export const JOB_NAME = 'record'

export interface StageQueue {
  readonly index: number
  /** The stage id (`input` for the first stage). */
  readonly stage: string
  /** BullMQ queue name, `pipeline.stage`. */
  readonly name: string
  /** BullMQ key prefix (hash-tagged per pipeline). */
  readonly prefix: string
  /** Public name `app.pipeline.stage` (contracts, inspect). */
  readonly publicName: string
  readonly jobOptions: JobsOptions
}

export function stageQueues(compiled: CompiledPipeline, keyPrefix: string, fallback: RetryPolicy): StageQueue[] {
  const prefix = redisKeys.bullmqPrefix(keyPrefix, compiled.app, compiled.name)
  return compiled.plan.stages.map((stage, index) => ({
    index,
    stage: stage.id,
    name: bullmqQueueName(compiled.name, stage.id),
    prefix,
    publicName: queueName(compiled.app, compiled.name, stage.id),
    jobOptions: jobOptions(compiled.retryFor(index, fallback)),
  }))
}

/**
 * Retries as BullMQ attempts with exponential backoff and 50% jitter; completed jobs vanish, failed
 * ones stay (BullMQ's default: the failed set is the dead-letter queue). Kept small: BullMQ stores
 * and parses these options with every job.
 */
export function jobOptions(retry: RetryPolicy): JobsOptions {
  return Object.freeze({
    attempts: Math.max(1, retry.attempts),
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    removeOnComplete: true,
  })
}

export const counterScope = (compiled: CompiledPipeline, keyPrefix: string): CounterScope => ({
  prefix: keyPrefix,
  app: compiled.app,
  pipeline: compiled.name,
})

/**
 * The BullMQ job id of a message id. BullMQ refuses ids that are integers or contain ':', so ids
 * get a constant letter in front and ':' / '%' escaped: distinct message ids stay distinct.
 */
export const jobIdOf = (messageId: string): string => `m${messageId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`
