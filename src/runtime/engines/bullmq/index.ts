// The bullmq engine: one BullMQ queue and Worker per stage; BullMQ's failed set is the dead-letter
// queue. Loaded only when chosen (`loadEngine('bullmq')`), so memory runs never import bullmq.
import type { EngineModule } from '../../engine-registry.js'
import { listDeadLetters, queueStatus, replayDeadLetters } from './admin.js'
import { BullmqRun } from './bullmq-run.js'

/**
 * The bullmq engine module.
 *
 * @example const run = await (await loadEngine('bullmq')).startRun([pipeline], { redis: { url } })
 */
export const bullmqEngine: EngineModule = {
  startRun: (pipelines, options) => BullmqRun.start(pipelines, options),
  listDeadLetters,
  replayDeadLetters,
  queueStatus,
}

export { BullmqRun } from './bullmq-run.js'
export { ContractMismatchError } from './contracts.js'
