// The BullMQ processor of one stage: decodes the job's envelope, runs the stage program, and sends
// the outputs to the next stage's queue before the job completes, so a crash between the two
// redelivers the job instead of losing its outputs (at-least-once).
import { type Job, type Queue, UnrecoverableError } from 'bullmq'
import { errorMessage, isPermanent } from '../../../errors.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import { STOPPED, type State } from '../../programs/node-ops.js'
import type { StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope, encodeEnvelope } from '../../programs/wire.js'
import type { CounterBuffer, CounterScope } from '../redis-common/stage-counters.js'
import { checkEnvelopeSize, JOB_NAME, jobIdOf, type StageQueue } from './stage-queues.js'

export type OutputSink = (record: object, id: string) => void | Promise<void>

export class StageProcessor {
  private readonly program: StageProgram
  private readonly where: string

  constructor(
    private readonly compiled: CompiledPipeline,
    private readonly queue: StageQueue,
    /** The next stage's queue, or undefined for the last stage. */
    private readonly next: { queue: Queue; stage: StageQueue } | undefined,
    private readonly counters: CounterBuffer,
    private readonly scope: CounterScope,
    private readonly output: OutputSink,
    private readonly maxEnvelopeBytes: number,
  ) {
    this.program = compiled.stages[queue.index] as StageProgram
    this.where = `pipeline '${compiled.name}', stage '${queue.stage}'`
  }

  /** The BullMQ processor function. */
  readonly process = async (job: Job): Promise<void> => {
    let state: State
    let id: string
    try {
      if (typeof job.data !== 'string')
        throw new Error(`job data is ${job.data === null ? 'null' : typeof job.data}, not an envelope string`)
      const envelope = decodeEnvelope(job.data)
      state = this.program.load(envelope)
      id = envelope.id
    } catch (error) {
      // Junk bytes never get better by retrying: straight to the failed set, with the reason.
      throw this.failed(job, error, true)
    }
    const outputs: [State, string][] = []
    try {
      const running = this.program.run(state, (out, branch) => {
        outputs.push([out, branch])
      })
      if (running) await running
    } catch (error) {
      throw this.failed(job, error, isPermanent(error))
    }
    try {
      await this.forward(id, outputs)
    } catch (error) {
      throw this.failed(job, error, isPermanent(error) || isEnvelopeError(error))
    }
    this.counters.stage(this.scope, this.queue.stage, 'processed')
  }

  private async forward(id: string, outputs: [State, string][]): Promise<void> {
    let filtered = outputs.length === 0 ? 1 : 0
    if (this.next) {
      const jobs: { name: string; data: string; opts: Queue['defaultJobOptions'] }[] = []
      for (const [state, branch] of outputs) {
        const next = this.compiled.outgoing(this.queue.index, state)
        if (!next) {
          filtered++
          continue
        }
        const childId = branch ? id + branch : id
        const data = encodeEnvelope(childId, next.data, next.stopped, `${this.compiled.name}/${this.queue.stage}`)
        checkEnvelopeSize(data, this.where, childId, this.maxEnvelopeBytes)
        jobs.push({ name: JOB_NAME, data, opts: { ...this.next.stage.jobOptions, jobId: jobIdOf(childId) } })
      }
      if (jobs.length) {
        // One job (the common case) is one script call; addBulk wraps its calls in a MULTI.
        const [only] = jobs
        if (jobs.length === 1 && only) await this.next.queue.add(only.name, only.data, only.opts)
        else await this.next.queue.addBulk(jobs)
        this.counters.stage(this.scope, this.next.stage.stage, 'added', jobs.length)
      }
    } else {
      for (const [state, branch] of outputs) {
        const record = this.compiled.output(state)
        if (record === STOPPED) {
          filtered++
          continue
        }
        const done = this.output(record, branch ? id + branch : id)
        if (done) await done
        this.counters.pipeline(this.scope, 'out')
      }
    }
    if (filtered) {
      this.counters.stage(this.scope, this.queue.stage, 'filtered', filtered)
      this.counters.pipeline(this.scope, 'filtered', filtered)
    }
  }

  /** Counts a failed attempt and returns what to throw: UnrecoverableError when it must not be retried. */
  private failed(job: Job, error: unknown, permanent: boolean): Error {
    const attempts = job.attemptsMade + 1
    const final = permanent || attempts >= (job.opts.attempts ?? 1)
    this.counters.stage(this.scope, this.queue.stage, 'failed')
    if (final) {
      this.counters.stage(this.scope, this.queue.stage, 'deadLettered')
      this.counters.pipeline(this.scope, 'deadLettered')
    } else this.counters.stage(this.scope, this.queue.stage, 'retried')
    const message = errorMessage(error)
    if (permanent) {
      const unrecoverable = new UnrecoverableError(`${this.where}: ${message}`)
      // Keep the original error's name in the failed job's stack trace (dead letters report it).
      unrecoverable.stack = `${error instanceof Error ? error.name : 'Error'}: ${unrecoverable.message}`
      return unrecoverable
    }
    return error instanceof Error ? error : new Error(message)
  }
}

const isEnvelopeError = (error: unknown): boolean => error instanceof Error && 'code' in error && error.code === 'ENVELOPE'
