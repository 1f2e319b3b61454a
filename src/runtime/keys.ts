// Every Redis key and queue name stairs uses, in one place (runtime and codegen share it).
// Keys of one pipeline share the hash tag `{app.pipeline}`, so on Redis Cluster a stage's stream,
// the next stage's stream and the pipeline's dead letters sit in one slot: forwarding a batch and
// acknowledging it can be one atomic MULTI.

export const DEFAULT_PREFIX = 'stairs'

/** The public name of a stage's queue: `app.pipeline.stage` (what inspect and codegen show). */
export const queueName = (app: string, pipeline: string, stage: string): string => `${app}.${pipeline}.${stage}`

const tag = (app: string, pipeline: string): string => `{${app}.${pipeline}}`

export const redisKeys = {
  /** Stream holding a stage's envelopes (redis engine). */
  stageStream: (prefix: string, app: string, pipeline: string, stage: string) => `${prefix}:${app}:${tag(app, pipeline)}:stage:${stage}`,
  /** Hash of a stage's counters (added, processed, failed, filtered, retried, deadLettered). */
  stageCounters: (prefix: string, app: string, pipeline: string, stage: string) =>
    `${prefix}:${app}:${tag(app, pipeline)}:counters:${stage}`,
  /** Histogram of a stage's processing times (core/processing-time.ts buckets, sum, count). */
  stageTimings: (prefix: string, app: string, pipeline: string, stage: string) => `${prefix}:${app}:${tag(app, pipeline)}:timing:${stage}`,
  /** Per-second counter windows of a stage, for rates: one hash per second, expiring. */
  stageRate: (prefix: string, app: string, pipeline: string, stage: string, second: number) =>
    `${prefix}:${app}:${tag(app, pipeline)}:rate:${stage}:${second}`,
  /** Dead-letter list of a pipeline: records, stage, error, attempts. */
  deadLetters: (prefix: string, app: string, pipeline: string) => `${prefix}:${app}:${tag(app, pipeline)}:dlq`,
  /** Records a pipeline finished with, when the run collects outputs. */
  outputs: (prefix: string, app: string, pipeline: string) => `${prefix}:${app}:${tag(app, pipeline)}:out`,
  /** Failed envelopes of a stage waiting for their retry (redis engine): a ZSET scored by due time. */
  stageRetries: (prefix: string, app: string, pipeline: string, stage: string) => `${prefix}:${app}:${tag(app, pipeline)}:retry:${stage}`,
  /** Hash of a pipeline's counters (in, out, filtered, deadLettered, rejected, duplicates). */
  pipelineCounters: (prefix: string, app: string, pipeline: string) => `${prefix}:${app}:${tag(app, pipeline)}:pcounters`,
  /** Message ids a pipeline's first stage saw in one dedupe time bucket (duplicate suppression). */
  seenIds: (prefix: string, app: string, pipeline: string, bucket: number) => `${prefix}:${app}:${tag(app, pipeline)}:seen:${bucket}`,
  /** Hash: queue name -> contract hash registered by the running system (deploy safety). */
  contracts: (prefix: string, app: string) => `${prefix}:${app}:contracts`,
  /** Queue of a standalone or iterator consumer. */
  consumerQueue: (prefix: string, app: string, consumer: string) => `${prefix}:${app}:{consumer.${consumer}}:queue`,
  /** Lock held by the one process reading a standalone or iterator consumer's queue. */
  consumerLock: (prefix: string, app: string, consumer: string) => `${prefix}:${app}:{consumer.${consumer}}:lock`,
  /** State of a worker producer: batch list, leases, done set, progress. */
  producer: (prefix: string, app: string, producer: string, part: string) => `${prefix}:${app}:{producer.${producer}}:${part}`,
  /** Prefix for BullMQ queues (BullMQ adds `:queue:...`); the braces keep a queue in one slot. */
  bullmqPrefix: (prefix: string, app: string, pipeline: string) => `${prefix}:${app}:${tag(app, pipeline)}:bull`,
}

/** BullMQ queue names may not contain ':'; node ids never do. */
export const bullmqQueueName = (pipeline: string, stage: string): string => `${pipeline}.${stage}`
