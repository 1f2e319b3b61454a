// The operator's side of a memory run: its queues, dead letters and consumer queues, read from
// the run's own state (what `stairs pipelines:run --admin` shows), and worker producers' batch
// leases kept in this process.
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { BatchLeaseStore } from '../../core/batch-lease-store.js'
import { INPUT_STAGE } from '../../core/dead-letters.js'
import type { ConsumerQueueStatus, DeadLetter, EngineAdmin, QueueStatus } from '../../engine-types.js'
import { queueName } from '../../keys.js'
import { MemoryBatchLeases } from './memory-batch-leases.js'
import type { MemoryPipeline, MemoryState } from './memory-state.js'

export class MemoryAdmin implements EngineAdmin {
  readonly where = 'memory (this process)'
  private readonly leases = new Map<string, MemoryBatchLeases>()

  constructor(private readonly run: MemoryState) {}

  async queueStatus(pipelines: readonly AnyPipeline[]): Promise<QueueStatus[]> {
    return this.running(pipelines).flatMap(({ compiled, workers }) =>
      workers.map((worker) => ({
        app: compiled.app,
        pipeline: compiled.name,
        stage: worker.name,
        queue: queueName(compiled.app, compiled.name, worker.name),
        waiting: worker.queue.size,
        inFlight: worker.inFlight,
        counters: { ...worker.counters },
        processingTime: worker.times.snapshot(),
      })),
    )
  }

  async consumerQueueStatus(consumers: readonly ConsumerRef[]): Promise<ConsumerQueueStatus[]> {
    return consumers.map((consumer) => ({
      app: consumer.app,
      consumer: consumer.name,
      kind: consumer.kind,
      queue: `${consumer.app}.${consumer.name}`,
      ...this.run.consumerQueues.status(consumer),
    }))
  }

  async listDeadLetters(pipelines: readonly AnyPipeline[], limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const keys = new Set(this.running(pipelines).map((p) => p.key))
    const perPipeline = new Map<string, number>()
    return this.run.dead.filter((letter) => {
      const key = `${letter.app}.${letter.pipeline}`
      if (!keys.has(key)) return false
      const seen = perPipeline.get(key) ?? 0
      perPipeline.set(key, seen + 1)
      return seen < limit
    })
  }

  async replayDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    let replayed = 0
    for (const running of this.running(pipelines)) {
      for (const letter of this.take(running, ids)) {
        // A record the input refused is checked again and stays when it still fails; any other
        // goes back to the stage it failed in, as it travelled.
        if (letter.stage === INPUT_STAGE && typeof letter.payload !== 'string') {
          const admitted = running.admission.admit(letter.payload, letter.id)
          if (!admitted.ok) {
            this.run.dead.push(letter)
            continue
          }
          this.run.requeueDead(running, 0, { id: letter.id, payload: admitted.record, attempt: 0 })
          replayed++
          continue
        }
        const index = running.workers.findIndex((w) => w.name === letter.stage)
        if (index < 0 || (typeof letter.payload !== 'string' && index !== 0)) {
          this.run.dead.push(letter) // nowhere to send it: it stays
          continue
        }
        this.run.requeueDead(running, index, { id: letter.id, payload: letter.payload as string | object, attempt: 0 })
        replayed++
      }
    }
    return replayed
  }

  async deleteDeadLetters(pipelines: readonly AnyPipeline[], ids?: readonly string[]): Promise<number> {
    let deleted = 0
    for (const running of this.running(pipelines)) deleted += this.take(running, ids).length
    return deleted
  }

  async openConsumerQueue(consumer: ConsumerRef) {
    return this.run.consumerQueues.open(consumer)
  }

  batchLeases(app: string, producer: string): BatchLeaseStore {
    const key = `${app}.${producer}`
    let store = this.leases.get(key)
    if (!store) this.leases.set(key, (store = new MemoryBatchLeases()))
    return store
  }

  async close(): Promise<void> {}

  /** Removes and returns a pipeline's dead letters (all, or those with the given ids). */
  private take(running: MemoryPipeline, ids: readonly string[] | undefined): DeadLetter[] {
    const wanted = ids ? new Set(ids) : undefined
    const taken: DeadLetter[] = []
    const kept: DeadLetter[] = []
    for (const letter of this.run.dead) {
      const mine = letter.app === running.compiled.app && letter.pipeline === running.compiled.name && (!wanted || wanted.has(letter.id))
      ;(mine ? taken : kept).push(letter)
    }
    this.run.dead.splice(0, this.run.dead.length, ...kept)
    return taken
  }

  private running(pipelines: readonly AnyPipeline[]): MemoryPipeline[] {
    return pipelines.flatMap((p) => {
      const found = this.run.pipelines.get(`${p.app}.${p.name}`)
      return found ? [found] : []
    })
  }
}
