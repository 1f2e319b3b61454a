// The bullmq engine's dead-letter queue is BullMQ's failed set of each stage queue (so bull-board
// and QueueEvents see it), plus the pipeline's dead-letter list for inputs the schema refused
// (they never became jobs). Entries of that list are DeadLetter JSON, as on the redis engine.
import type { Job, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { DeadLetter } from '../../engine-types.js'
import { redisKeys } from '../../keys.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { decodeEnvelope } from '../../programs/wire.js'
import { readLetterLists } from '../redis-common/dead-letter-list.js'
import type { CounterScope } from '../redis-common/stage-counters.js'
import type { StageQueue } from './stage-queues.js'

export interface PipelineQueues {
  readonly compiled: CompiledPipeline
  readonly scope: CounterScope
  readonly stages: readonly StageQueue[]
  readonly queues: readonly Queue[]
}

/** Records refused inputs in the pipeline's dead-letter list. */
export async function rejectInputs(client: Redis, scope: CounterScope, letters: readonly DeadLetter[]): Promise<void> {
  await client.rpush(redisKeys.deadLetters(scope.prefix, scope.app, scope.pipeline), ...letters.map((letter) => JSON.stringify(letter)))
}

/** Every dead letter of a pipeline, oldest first, at most `limit` (all when negative). */
export async function deadLettersOf(client: Redis, pipeline: PipelineQueues, limit = -1): Promise<DeadLetter[]> {
  const { scope } = pipeline
  const [stored = []] = await readLetterLists(client, [redisKeys.deadLetters(scope.prefix, scope.app, scope.pipeline)], limit)
  const letters: DeadLetter[] = stored.map(({ letter }) => letter)
  for (const stage of pipeline.stages) {
    const jobs = await failedJobs(pipeline.queues[stage.index] as Queue, limit)
    for (const job of jobs) letters.push(toDeadLetter(scope, stage, job))
  }
  letters.sort((a, b) => a.at.localeCompare(b.at))
  return limit < 0 ? letters : letters.slice(0, limit)
}

/** Failed jobs of a queue, oldest first. */
export async function failedJobs(queue: Queue, limit = -1): Promise<Job[]> {
  const jobs = (await queue.getJobs(['failed'], 0, limit < 0 ? -1 : limit - 1, true)) as Job[]
  return jobs.filter((job): job is Job => job != null)
}

/** The message id a failed job carried (its envelope's), or the job id when the data is junk. */
export function messageIdOf(job: Job): string {
  try {
    return decodeEnvelope(job.data as string).id
  } catch {
    return job.id ?? ''
  }
}

function toDeadLetter(scope: CounterScope, stage: StageQueue, job: Job): DeadLetter {
  let id = job.id ?? ''
  let payload: unknown = job.data
  try {
    const envelope = decodeEnvelope(job.data as string)
    id = envelope.id
    // The first stage's input is the record itself, as the memory engine reports it.
    if (stage.index === 0) payload = envelope.data[0]
  } catch {
    // junk data: report it as it is
  }
  return Object.freeze({
    app: scope.app,
    pipeline: scope.pipeline,
    stage: stage.stage,
    id,
    attempts: job.attemptsMade,
    error: { name: errorNameOf(job), message: job.failedReason ?? '' },
    payload,
    at: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
  })
}

/** The error's class name, from the first line of the stack trace BullMQ kept (`StepError: ...`). */
function errorNameOf(job: Job): string {
  const first = job.stacktrace?.[job.stacktrace.length - 1]?.split('\n', 1)[0] ?? ''
  return /^([A-Za-z_$][\w$]*):/.exec(first)?.[1] ?? 'Error'
}
