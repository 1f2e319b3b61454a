// The BullMQ processor of one stage: decodes the job's envelope, runs the stage program, and sends
// the outputs to the next stage's queue before the job completes, so a crash between the two
// redelivers the job instead of losing its outputs (at-least-once). What the results and a
// failure mean is decided in the core (outcome.ts, failure.ts); BullMQ schedules the retries.
import { type Job, type Queue, UnrecoverableError } from 'bullmq'
import { errorMessage } from '../../../errors.js'
import { isPermanent } from '../../core/failure.js'
import { StageOutcome } from '../../core/outcome.js'
import type { ProcessingTimes } from '../../core/processing-time.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { State } from '../../programs/node-ops.js'
import type { Emit, StageProgram } from '../../programs/stage-program.js'
import { decodeEnvelope } from '../../programs/wire.js'
import type { CounterBuffer, CounterScope } from '../redis-common/stage-counters.js'
import { JOB_NAME, jobIdOf, type StageQueue } from './stage-queues.js'

export type OutputSink = (record: object, id: string) => void | Promise<void>

const collect: Emit = (state, branch, emitted) => {
  ;(emitted as unknown[]).push(state, branch)
}

export class StageProcessor {
  private readonly program: StageProgram
  private readonly outcome: StageOutcome

  constructor(
    compiled: CompiledPipeline,
    private readonly queue: StageQueue,
    /** The next stage's queue, or undefined for the last stage. */
    private readonly next: { queue: Queue; stage: StageQueue } | undefined,
    private readonly counters: CounterBuffer,
    private readonly scope: CounterScope,
    private readonly output: OutputSink,
    maxRecordBytes: number,
    /** Where this stage's processing times are added (flushed to Redis with the counters). */
    private readonly times: ProcessingTimes,
  ) {
    this.program = compiled.stages[queue.index] as StageProgram
    this.outcome = new StageOutcome(compiled, queue.index, maxRecordBytes)
  }

  /** The BullMQ processor function. */
  readonly process = async (job: Job): Promise<void> => {
    const started = performance.now()
    try {
      await this.processJob(job)
    } finally {
      this.times.observe(performance.now() - started)
    }
  }

  private async processJob(job: Job): Promise<void> {
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
    const emitted: unknown[] = []
    try {
      const running = this.program.run(state, collect, emitted)
      if (running) await running
    } catch (error) {
      throw this.failed(job, error, isPermanent(error))
    }
    try {
      await this.forward(id, emitted)
    } catch (error) {
      throw this.failed(job, error, isPermanent(error))
    }
    this.counters.stage(this.scope, this.queue.stage, 'processed')
  }

  private async forward(id: string, emitted: unknown[]): Promise<void> {
    const sends: unknown[] = []
    const outputs: unknown[] = []
    const filtered = this.outcome.settle(id, emitted, sends, outputs)
    if (this.next && sends.length) {
      const opts = this.next.stage.jobOptions
      const jobs: { name: string; data: string; opts: Queue['defaultJobOptions'] }[] = []
      for (let i = 0; i < sends.length; i += 2)
        jobs.push({ name: JOB_NAME, data: sends[i + 1] as string, opts: { ...opts, jobId: jobIdOf(sends[i] as string) } })
      // One job (the common case) is one script call; addBulk wraps its calls in a MULTI.
      const [only] = jobs
      if (jobs.length === 1 && only) await this.next.queue.add(only.name, only.data, only.opts)
      else await this.next.queue.addBulk(jobs)
      this.counters.stage(this.scope, this.next.stage.stage, 'added', jobs.length)
    }
    for (let i = 0; i < outputs.length; i += 2) {
      const done = this.output(outputs[i] as object, outputs[i + 1] as string)
      if (done) await done
      this.counters.pipeline(this.scope, 'out')
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
      const unrecoverable = new UnrecoverableError(`${this.outcome.where}: ${message}`)
      // Keep the original error's name in the failed job's stack trace (dead letters report it).
      unrecoverable.stack = `${error instanceof Error ? error.name : 'Error'}: ${unrecoverable.message}`
      return unrecoverable
    }
    return error instanceof Error ? error : new Error(message)
  }
}
