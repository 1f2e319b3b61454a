// Turns an input record into the first stage's job: the core's admission (schema, wire, size,
// core/admission.ts), then the job id. No Redis here; the run queues the jobs (add, or addBulk).
import type { JobsOptions } from 'bullmq'
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
