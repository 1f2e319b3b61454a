// Where each stage of a pipeline lives in BullMQ (queue name and key prefix), the job options that
// carry our retry policy, and how message ids become job ids. Every process derives the same
// layout from the same pipeline, so producers and workers on different machines agree.
import type { JobsOptions } from 'bullmq'
import { StairsError } from '../../../errors.js'
import type { RetryPolicy } from '../../../graph/nodes.js'
import { bullmqQueueName, DEFAULT_PREFIX, queueName, redisKeys } from '../../keys.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { RedisSettings } from '../redis-common/redis-connection.js'
import type { CounterScope } from '../redis-common/stage-counters.js'

/** Largest encoded envelope a producer or a stage may enqueue (bytes). */
export const MAX_ENVELOPE_BYTES = 1024 * 1024

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

export function stageQueues(compiled: CompiledPipeline, settings: RedisSettings, fallback: RetryPolicy): StageQueue[] {
  const prefix = redisKeys.bullmqPrefix(settings.prefix ?? DEFAULT_PREFIX, compiled.app, compiled.name)
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

export const counterScope = (compiled: CompiledPipeline, settings: RedisSettings): CounterScope => ({
  prefix: settings.prefix ?? DEFAULT_PREFIX,
  app: compiled.app,
  pipeline: compiled.name,
})

/**
 * The BullMQ job id of a message id. BullMQ refuses ids that are integers or contain ':', so ids
 * get a constant letter in front and ':' / '%' escaped: distinct message ids stay distinct.
 */
export const jobIdOf = (messageId: string): string => `m${messageId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`

/** Refuses an envelope over the size limit, naming where it was going. */
export function checkEnvelopeSize(data: string, where: string, id: string, limit = MAX_ENVELOPE_BYTES): void {
  // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (data.length * 3 <= limit) return
  const bytes = Buffer.byteLength(data)
  if (bytes > limit)
    throw new StairsError(
      'ENVELOPE',
      `${where}: record '${id}' is ${bytes} bytes once encoded, over the limit of ${limit} bytes; keep large payloads elsewhere (a file, object storage) and send a reference`,
    )
}
