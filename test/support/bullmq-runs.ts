// What the bullmq engine tests share: runs started on a real Redis under a unique key prefix
// (deleted after the file), their outputs collected, and BullMQ handles on their stage queues.
import { Queue } from 'bullmq'
import { afterAll, beforeAll } from 'vitest'
import { z } from 'zod'
import type { AnyPipeline } from '../../src/index.js'
import { type PipelineRun, redisKeys, type StartRunOptions, startRun } from '../../src/runtime/index.js'
import { bullmqQueueName } from '../../src/runtime/keys.js'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface StartedRun {
  run: PipelineRun
  outputs: { record: object; id: string }[]
  prefix: string
}

export interface BullmqRuns {
  /** The Redis URL (set once the file's beforeAll ran). */
  readonly url: string
  /** Starts a bullmq run (concurrency 4 unless given) on its own prefix, collecting outputs. */
  start(pipelines: AnyPipeline[], options?: StartRunOptions): Promise<StartedRun>
  /** A plain BullMQ Queue on one stage queue of a run (close it after use). */
  stageQueue(prefix: string, app: string, pipeline: string, stage: string): Queue
}

/** Call at the top of a test file: registers the hooks that find Redis and clean the prefixes. */
export function bullmqRuns(tag: string): BullmqRuns {
  let url = ''
  const prefixes: string[] = []
  beforeAll(async () => {
    url = await redisUrl()
  })
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(url, prefix)
  })
  return {
    get url() {
      return url
    },
    async start(pipelines, options = {}) {
      const prefix = uniquePrefix(tag)
      prefixes.push(prefix)
      const outputs: StartedRun['outputs'] = []
      const run = await startRun('bullmq', pipelines, {
        concurrency: 4,
        ...options,
        settings: { url, prefix, ...options.settings },
        onOutput: (_pipeline, record, id) => outputs.push({ record, id }),
      })
      return { run, outputs, prefix }
    },
    stageQueue: (prefix, app, pipeline, stage) =>
      new Queue(bullmqQueueName(pipeline, stage), { connection: { url }, prefix: redisKeys.bullmqPrefix(prefix, app, pipeline) }),
  }
}

/** The input schema most bullmq tests use. */
export const numbers = z.object({ n: z.number() })
