// producer:init / producer:process for worker producers, with progress (batches done / total).

import type { WorkerProducer } from '../dsl/worker-producer.js'
import type { EngineAdmin, PipelineRun } from '../runtime/engine-types.js'
import { initWorkerProducer, processWorkerProducer } from '../runtime/producers/worker-producer-run.js'
import { createProgress } from './progress.js'

type AnyWorkerProducer = WorkerProducer<unknown, unknown, unknown>

const label = (producer: AnyWorkerProducer): string => `${producer.app}.${producer.name}`

/** Records the batch list on the engine (once; later calls report the list already there). */
export async function initWorkerProducerCli(producer: AnyWorkerProducer, admin: EngineAdmin, args: readonly string[]): Promise<void> {
  const { created, total } = await initWorkerProducer(producer, admin, { args })
  console.log(
    created
      ? `worker producer ${label(producer)}: ${total} batches recorded; run 'stairs producer:process ${label(producer)}' in one or more processes`
      : `worker producer ${label(producer)}: already initialized with ${total} batches (nothing changed)`,
  )
}

/** Claims batches until none is left, pushing their rows into `run`, with a bar of batches done. */
export async function processWorkerProducerCli(
  producer: AnyWorkerProducer,
  run: PipelineRun,
  admin: EngineAdmin,
  args: readonly string[],
): Promise<void> {
  const abort = new AbortController()
  process.once('SIGTERM', () => abort.abort())
  process.once('SIGINT', () => abort.abort())
  const progress = createProgress(`producer ${label(producer)}`, { unit: 'batches' })
  const result = await processWorkerProducer(producer, run, admin, {
    args,
    signal: abort.signal,
    onProgress: (p) => (p.batches ? progress.update(p.batches.done, p.batches.total) : undefined),
  })
  progress.finish(
    `producer ${label(producer)}: this process pushed ${result.rows} rows from ${result.batches} batches` +
      (result.reclaimed > 0 ? ` (${result.reclaimed} reclaimed from a dead process)` : ''),
  )
}
