// Turns an input record into the first stage's job: the core's admission (schema, wire, size,
// core/admission.ts), then the job id; and which jobs replay an explicit id BullMQ still holds.
// The run queues the jobs (add, or addBulk).
import type { JobsOptions, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { InputAdmission } from '../../core/admission.js'
import type { DeadLetter } from '../../engine-types.js'
import { JOB_NAME, jobIdOf, type StageQueue } from './stage-queues.js'

export interface InputJob {
  readonly name: string
  readonly data: string
  readonly opts: JobsOptions
}

/**
 * The job for `record`, or `{ refused }` with its dead letter when the schema or the wire refuses
 * it. Throws RecordTooLargeError for a record over the size limit: the producer must hear at once.
 * An explicit id (a worker producer's) is remembered for `dedupeWindowMs` after its job
 * completed, so a replayed batch is dropped; generated ids are unique anyway.
 */
export function inputJob(
  admission: InputAdmission,
  first: StageQueue,
  messageId: string,
  explicitId: boolean,
  record: unknown,
  dedupeWindowMs: number,
): InputJob | { refused: DeadLetter } {
  const admitted = admission.encode(record, messageId)
  if (!admitted.ok) return { refused: admitted.letter }
  const jobId = jobIdOf(messageId)
  const ids = explicitId ? { jobId, deduplication: { id: jobId, ttl: dedupeWindowMs } } : { jobId }
  return { name: JOB_NAME, data: admitted.envelope, opts: { ...first.jobOptions, ...ids } }
}

/**
 * The jobs of `jobs` that are not replays: an explicit id whose job or deduplication key BullMQ
 * still holds, or that came earlier in the same batch, is a duplicate. BullMQ drops those itself
 * but its add does not say so, so they are found here (one round trip, only for explicit ids)
 * to be counted as duplicates rather than as new input. Checked before the add: two producers
 * racing on one id may both count it as new, and BullMQ still queues it once.
 */
export async function withoutReplays(
  client: Redis,
  queue: Queue,
  jobs: readonly InputJob[],
): Promise<{ fresh: InputJob[]; duplicates: number }> {
  const explicit = jobs.filter((job) => job.opts.deduplication !== undefined)
  if (explicit.length === 0) return { fresh: [...jobs], duplicates: 0 }
  const check = client.pipeline()
  for (const job of explicit) check.exists(queue.toKey(job.opts.jobId as string), `${queue.keys.de}:${job.opts.deduplication?.id}`)
  const found = (await check.exec()) ?? []
  const known = new Set<string>()
  explicit.forEach((job, i) => {
    const [error, count] = found[i] ?? []
    if (error) throw error
    if (Number(count) > 0) known.add(job.opts.jobId as string)
  })
  const fresh: InputJob[] = []
  for (const job of jobs) {
    const id = job.opts.deduplication ? (job.opts.jobId as string) : undefined
    if (id !== undefined && known.has(id)) continue
    if (id !== undefined) known.add(id)
    fresh.push(job)
  }
  return { fresh, duplicates: jobs.length - fresh.length }
}
