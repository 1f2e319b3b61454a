// What a memory run holds, as its admin side reads it: the pipelines with their stage workers,
// the dead letters, the consumer queues. memory-run.ts owns the state; memory-admin.ts reads it.
import type { ConsumerRef } from '../../../graph/nodes.js'
import type { ConsumerQueueReader } from '../../consumers/consumer-queue-types.js'
import type { InputAdmission } from '../../core/admission.js'
import type { DeadLetter, PipelineCounters } from '../../engine-types.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { MemoryMessage, StageWorker } from './stage-worker.js'

export interface MemoryPipeline {
  readonly compiled: CompiledPipeline
  readonly workers: StageWorker[]
  readonly counters: PipelineCounters
  readonly admission: InputAdmission
  sequence: number
  /** `app.pipeline`. */
  readonly key: string
  /** Explicit message ids pushed within the dedupe window, oldest first, with when they came. */
  seen?: Map<string, number>
}

export interface MemoryState {
  readonly pipelines: ReadonlyMap<string, MemoryPipeline>
  /** Dead letters, oldest first; the admin side removes replayed and deleted ones. */
  readonly dead: DeadLetter[]
  readonly consumerQueues: {
    status(consumer: ConsumerRef): { waiting: number; inFlight: number }
    open(consumer: ConsumerRef): ConsumerQueueReader
  }
  /** Puts a message back on stage `index` of a pipeline (a replayed dead letter). */
  requeueDead(running: MemoryPipeline, index: number, message: MemoryMessage): void
}
