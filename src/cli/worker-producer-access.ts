// producer:init / producer:process for worker producers, with progress (batches done / total).
import type { WorkerProducer } from '../producers/worker-producer.js'
import type { PipelineRun } from '../runtime/engine-types.js'
import type { RedisSettings } from '../runtime/redis-connection.js'
import { CliError } from './errors.js'

type AnyWorkerProducer = WorkerProducer<unknown, unknown, unknown>

const notYet = (producer: AnyWorkerProducer): CliError =>
  new CliError(`worker producer '${producer.app}.${producer.name}': this stairs version cannot run worker producers yet`)

/** Records the batch list in Redis (once). */
export async function initWorkerProducerCli(producer: AnyWorkerProducer, _redis: RedisSettings, _args: readonly string[]): Promise<void> {
  throw notYet(producer)
}

/** Claims batches until none is left, pushing their rows into `run`. */
export async function processWorkerProducerCli(
  producer: AnyWorkerProducer,
  _run: PipelineRun,
  _redis: RedisSettings,
  _args: readonly string[],
): Promise<void> {
  throw notYet(producer)
}
