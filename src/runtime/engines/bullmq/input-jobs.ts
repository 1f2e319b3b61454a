// Turns an input record into the first stage's job: schema check, wire check, envelope, size
// limit and job id. No Redis here; the run queues the jobs (add, or addBulk for feed).
import type { JobsOptions } from 'bullmq'
import { InputError } from '../../../errors.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { checkWireSafe, encodeEnvelope } from '../../programs/wire.js'
import { checkEnvelopeSize, JOB_NAME, jobIdOf, type StageQueue } from './stage-queues.js'

export interface InputJob {
  readonly name: string
  readonly data: string
  readonly opts: JobsOptions
}

export interface InputLimits {
  readonly maxRecordBytes: number
  /** How long an explicit id is remembered after its job completed (ms). */
  readonly dedupeWindowMs: number
}

/**
 * The job for `record`, or `{ refused }` with the reason when the schema or the wire refuses it
 * (it belongs in the dead-letter queue). Throws for a record over the size limit: the producer
 * must hear about that at once.
 */
export function inputJob(
  compiled: CompiledPipeline,
  first: StageQueue,
  messageId: string,
  explicitId: boolean,
  record: unknown,
  limits: InputLimits,
): InputJob | { refused: Error } {
  const where = `${compiled.name}/input`
  const checked = compiled.validate(record)
  let data: string
  try {
    if (!checked.ok) throw new InputError(checked.message)
    checkWireSafe(checked.record, where)
    data = encodeEnvelope(messageId, [checked.record], undefined, where)
  } catch (error) {
    return { refused: error as Error }
  }
  checkEnvelopeSize(data, `pipeline '${compiled.name}', push`, messageId, limits.maxRecordBytes)
  const jobId = jobIdOf(messageId)
  // An explicit id (a worker producer's) is remembered for a while after its job completed, so a
  // replayed batch is dropped; generated ids are unique anyway.
  const ids = explicitId ? { jobId, deduplication: { id: jobId, ttl: limits.dedupeWindowMs } } : { jobId }
  return { name: JOB_NAME, data, opts: { ...first.jobOptions, ...ids } }
}
