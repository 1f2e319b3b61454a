// Where a pipeline lives in Redis on the redis engine: one stream, counters hash and retry ZSET
// per stage, plus the pipeline's dead letters, seen ids and counters (all under one hash tag).

import { DEFAULT_PREFIX, queueName, redisKeys } from '../../keys.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'

/** The consumer group every stage stream is read through. */
export const GROUP = 'stairs'

export interface StageKeys {
  readonly id: string
  readonly queue: string
  readonly stream: string
  readonly counters: string
  readonly retries: string
  /** The processing-time histogram hash. */
  readonly timings: string
  /** The rate window hash of the given unix second. */
  rate(second: number): string
}

export interface PipelineKeys {
  readonly app: string
  readonly pipeline: string
  readonly stages: readonly StageKeys[]
  readonly counters: string
  readonly deadLetters: string
  /** The set of explicit ids first seen in dedupe time bucket `bucket` (Date.now() / window). */
  readonly seen: (bucket: number) => string
}

export function pipelineKeys(compiled: CompiledPipeline, prefix = DEFAULT_PREFIX): PipelineKeys {
  const { app, name } = compiled
  return {
    app,
    pipeline: name,
    stages: compiled.plan.stages.map(({ id }) => ({
      id,
      queue: queueName(app, name, id),
      stream: redisKeys.stageStream(prefix, app, name, id),
      counters: redisKeys.stageCounters(prefix, app, name, id),
      retries: redisKeys.stageRetries(prefix, app, name, id),
      timings: redisKeys.stageTimings(prefix, app, name, id),
      rate: (second: number) => redisKeys.stageRate(prefix, app, name, id, second),
    })),
    counters: redisKeys.pipelineCounters(prefix, app, name),
    deadLetters: redisKeys.deadLetters(prefix, app, name),
    seen: (bucket: number) => redisKeys.seenIds(prefix, app, name, bucket),
  }
}
