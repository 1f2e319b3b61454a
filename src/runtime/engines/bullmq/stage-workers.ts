// The BullMQ Workers a run hosts in this process, one per served stage, and their graceful stop:
// take nothing new, let the jobs in hand finish up to a timeout, then close.
import type { Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { checkContracts } from '../../core/contracts.js'
import type { ResolvedStartOptions } from '../../core/start-options.js'
import { WorkerLog } from '../../core/worker-log.js'
import { redisKeys } from '../../keys.js'
import type { StartOptions } from '../../port.js'
import { RedisContractStore } from '../redis-common/contract-store.js'
import type { CounterBuffer } from '../redis-common/stage-counters.js'
import type { StageTimings } from '../redis-common/stage-timings.js'
import { type BullmqRunSettings, RUN_RETRY_DELAY_MS } from './bullmq-settings.js'
import type { PipelineQueues } from './dead-letters.js'
import { InFlightJobs } from './in-flight-jobs.js'
import { JunkTolerantQueue, JunkTolerantWorker } from './junk-tolerant-job.js'
import { StageProcessor } from './stage-processor.js'
import type { StageQueue } from './stage-queues.js'

/** A BullMQ queue handle for a stage, with the stage's job options as defaults. */
export const stageQueueHandle = (stage: StageQueue, client: Redis): Queue =>
  new JunkTolerantQueue(stage.name, { connection: client, prefix: stage.prefix, defaultJobOptions: stage.jobOptions })

export class StageWorkers {
  private readonly workers: Worker[] = []
  /** Handles on the next stages' queues, where the workers send their outputs. */
  private readonly forward: Queue[] = []
  private readonly inFlight = new InFlightJobs()

  constructor(
    private readonly client: Redis,
    private readonly settings: BullmqRunSettings,
    private readonly options: StartOptions,
    private readonly resolved: ResolvedStartOptions,
    private readonly counters: CounterBuffer,
    private readonly timings: StageTimings,
  ) {}

  /** Checks the contracts of every served stage first (refusing before any job is taken), then starts a Worker per stage. */
  async start(pipelines: readonly PipelineQueues[]): Promise<void> {
    const serve = pipelines.map((pipeline) => ({
      pipeline,
      stages: pipeline.stages.filter((stage) => this.resolved.serves(`${pipeline.compiled.name}/${stage.stage}`)),
    }))
    const { contracts } = this.options
    if (contracts) {
      const served = serve
        .flatMap(({ stages }) => stages.map((stage) => stage.publicName))
        .filter((queue) => contracts[queue] !== undefined)
      await checkContracts(
        new RedisContractStore(this.client, this.settings.prefix),
        Object.fromEntries(served.map((q) => [q, contracts[q] as string])),
      )
    }
    for (const { pipeline, stages } of serve) for (const stage of stages) this.startOne(pipeline, stage)
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()))
  }

  private startOne(pipeline: PipelineQueues, stage: StageQueue): void {
    const { compiled } = pipeline
    const nextStage = pipeline.stages[stage.index + 1]
    const next = nextStage ? { queue: stageQueueHandle(nextStage, this.client), stage: nextStage } : undefined
    if (next) this.forward.push(next.queue)
    const onOutput = this.options.onOutput
    const processor = new StageProcessor(
      compiled,
      stage,
      next,
      this.counters,
      pipeline.scope,
      (record, id) => onOutput?.(compiled.name, record, id),
      this.settings.maxRecordBytes,
      this.timings.timesFor(redisKeys.stageTimings(this.settings.prefix, compiled.app, compiled.name, stage.stage)),
    )
    const worker = new JunkTolerantWorker(stage.name, processor.process, {
      connection: this.client,
      prefix: stage.prefix,
      concurrency: this.resolved.concurrencyOf(`${compiled.name}/${stage.stage}`),
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      maxStalledCount: this.settings.maxStalledCount,
      runRetryDelay: RUN_RETRY_DELAY_MS,
    })
    const log = new WorkerLog('bullmq', `pipeline '${compiled.app}.${compiled.name}', stage '${stage.stage}'`)
    worker.on('error', (error) => log.failure(error))
    this.inFlight.watch(worker)
    this.workers.push(worker)
  }

  /**
   * Takes nothing new, lets the jobs in hand finish (up to shutdownTimeoutMs), then closes. Past
   * the timeout, close(true) stops renewing their locks: BullMQ redelivers them to another worker.
   */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.pause(true)))
    if (!(await this.inFlight.settled(this.settings.shutdownTimeoutMs, () => this.client.ping())))
      console.error(
        `stairs bullmq worker: ${this.inFlight.size} in-flight record(s) did not finish within ${this.settings.shutdownTimeoutMs} ms; stopping anyway (they will be redelivered)`,
      )
    await this.close()
  }

  /** Closes at once (also after a failed start); safe to call again. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close(true).catch(() => {})))
    await Promise.all(this.forward.map((queue) => queue.close().catch(() => {})))
  }
}
