// Runs a worker producer: `initWorkerProducer` records the batch list once; any number of
// `processWorkerProducer` calls (processes, machines) claim batches under a lease, push each row
// with the id `${producer}:${batch}:${index}`, and mark the batch done once every push resolved.
// A process that dies mid-batch leaves its lease to expire; the batch is then read again by
// another process, and the pipeline drops the rows it already had by their ids.
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { ProducerContext, ProducerProgress } from '../../dsl/producer-types.js'
import type { WorkerProducer } from '../../dsl/worker-producer.js'
import { errorMessage, StairsError } from '../../errors.js'
import type { BatchLeaseStore, WorkerProducerStatus } from '../core/batch-lease-store.js'
import type { EngineAdmin, PipelineRun } from '../engine-types.js'
import { batchEta, ProgressMeter } from './progress-meter.js'
import { QueueLimit } from './queue-limit.js'
import { rowChunks } from './row-chunks.js'
import { runKey } from './run-producer.js'

// biome-ignore lint/suspicious/noExplicitAny: any declared worker producer, whatever its batch and row types
type AnyWorkerProducer = WorkerProducer<any, any, any>

export interface WorkerProducerRunOptions {
  args?: readonly string[]
  signal?: AbortSignal
}

/** The message id of row `index` of batch `batch`: the same on every replay, so duplicates can be dropped. */
export const workerProducerMessageId = (producer: string, batch: number, index: number): string => `${producer}:${batch}:${index}`

/**
 * Records the producer's batch list on the engine (`stairs producer:init`). Idempotent: once the list
 * is sealed, later calls change nothing and report `created: false`; an init that crashed midway
 * is simply run again (`batches` must list the same batches each time).
 */
export async function initWorkerProducer(
  producer: AnyWorkerProducer,
  admin: EngineAdmin,
  options: WorkerProducerRunOptions = {},
): Promise<{ created: boolean; total: number }> {
  return withStore(producer, admin, async (store) => {
    if (await store.initialized()) return { created: false, total: (await store.status()).total }
    let total = 0
    let chunk: string[] = []
    for await (const batch of producer.batches(contextOf(producer, options))) {
      const json = JSON.stringify(batch)
      if (json === undefined)
        throw new StairsError('CONFIG', `worker producer '${producer.app}.${producer.name}': batch ${total} is not JSON`)
      chunk.push(json)
      total++
      if (chunk.length === 1000) {
        await store.storeBatches(total - chunk.length, chunk)
        chunk = []
      }
    }
    await store.storeBatches(total - chunk.length, chunk)
    const { sealed, total: stored } = await store.seal(total, producer.leaseMs)
    return { created: sealed, total: stored }
  })
}

/** Batches total, done, leased and reclaimed (for `inspect` and tests). */
export function workerProducerStatus(producer: AnyWorkerProducer, admin: EngineAdmin): Promise<WorkerProducerStatus> {
  return withStore(producer, admin, (store) => store.status())
}

/** Forgets the batch list and progress, so that `init` can record a new one. */
export function resetWorkerProducer(producer: AnyWorkerProducer, admin: EngineAdmin): Promise<void> {
  return withStore(producer, admin, (store) => store.reset())
}

export interface ProcessWorkerProducerOptions extends WorkerProducerRunOptions {
  /** Rows, rate, and batches done / total with an ETA, a few times a second. */
  onProgress?: (progress: ProducerProgress) => void
  /** Called when this process claims a batch (tests use it to kill a process mid-batch). */
  onBatch?: (event: { index: number; reclaimed: boolean }) => void
  /** Rows sent per round trip (default 256). */
  batchSize?: number
}

export interface ProcessResult {
  /** Batches this process finished. */
  readonly batches: number
  /** Of which were reclaimed after another process's lease expired. */
  readonly reclaimed: number
  /** Batches this process gave up because another process took them over (its lease lapsed). */
  readonly lost: number
  readonly rows: number
  readonly elapsedMs: number
}

/**
 * Claims and pushes batches until none is left (`stairs producer:process`); run it in as many
 * processes as you like. Returns when every batch is done, or when the signal aborts.
 */
export async function processWorkerProducer(
  producer: AnyWorkerProducer,
  run: PipelineRun,
  admin: EngineAdmin,
  options: ProcessWorkerProducerOptions = {},
): Promise<ProcessResult> {
  const where = `worker producer '${producer.app}.${producer.name}'`
  const owner = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  const target = runKey(producer.pipeline)
  const limit = producer.limit === undefined ? undefined : new QueueLimit(run, target, producer.limit, options.signal)
  const meter = new ProgressMeter(`${producer.app}.${producer.name}`, options.onProgress)
  const context = contextOf(producer, options)
  return withStore(producer, admin, async (store) => {
    const first = await store.status()
    let progress = { done: first.done, total: first.total }
    const started = performance.now()
    // ETA from the batches every process finished since this one started.
    const batchProgress = () => ({
      done: progress.done,
      total: progress.total,
      etaMs: batchEta(progress.done - first.done, performance.now() - started, progress.total - progress.done),
    })
    let batches = 0
    let reclaimed = 0
    let lost = 0
    while (!options.signal?.aborted) {
      const claim = await store.claim(owner, producer.leaseMs)
      if (claim.kind === 'uninitialized')
        throw new StairsError(
          'CONFIG',
          `${where} has no batch list yet: run \`stairs producer:init ${producer.app}.${producer.name}\` first`,
        )
      if (claim.kind === 'finished') break
      if (claim.kind === 'wait') {
        // Other processes hold the last batches: wait for them to finish, or for a lease to lapse,
        // and keep the progress moving with what they finish meanwhile.
        await new Promise((resolve) => setTimeout(resolve, Math.min(claim.ms, 250)))
        const status = await store.status()
        progress = { done: status.done, total: status.total }
        if (options.onProgress) meter.report(false, batchProgress())
        continue
      }
      options.onBatch?.({ index: claim.index, reclaimed: claim.reclaimed })
      const kept = await pushBatch(producer, run, store, claim.index, claim.batch, {
        owner,
        target,
        limit,
        meter,
        context,
        batchSize: Math.max(1, Math.min(options.batchSize ?? 256, producer.limit ?? Number.POSITIVE_INFINITY)),
        batchProgress,
      })
      if (!kept) {
        lost++
        continue
      }
      progress = await store.complete(claim.index)
      batches++
      if (claim.reclaimed) reclaimed++
    }
    const report = meter.report(true, batchProgress())
    return { batches, reclaimed, lost, rows: report.rows, elapsedMs: report.elapsedMs }
  })
}

interface BatchRun {
  owner: string
  target: string
  limit: QueueLimit | undefined
  meter: ProgressMeter
  context: ProducerContext<unknown>
  batchSize: number
  batchProgress: () => ProducerProgress['batches']
}

/** Pushes one batch while renewing its lease; false when the lease was lost to another process. */
async function pushBatch(
  producer: AnyWorkerProducer,
  run: PipelineRun,
  store: BatchLeaseStore,
  index: number,
  batch: unknown,
  job: BatchRun,
): Promise<boolean> {
  let lost = false
  let renewal: Promise<void> = Promise.resolve()
  const heartbeat = setInterval(
    () => {
      renewal = store.renew(index, job.owner, producer.leaseMs).then(
        (kept) => {
          if (!kept) lost = true
        },
        () => {},
      )
    },
    Math.max(50, Math.floor(producer.leaseMs / 3)),
  )
  const send = sender(run, job.target)
  let row = 0
  // One chunk is sent while the next is read and encoded: the engine's round trip and the
  // producer's own work overlap. Sends go out in order on one connection, so rows stay in order.
  let sending: { rows: number; done: Promise<void> } | undefined
  const confirm = async () => {
    if (!sending) return
    const { rows, done } = sending
    sending = undefined
    await done
    row += rows
    for (let i = 0; i < rows; i++) job.meter.row(job.batchProgress)
  }
  try {
    let next = 0
    for await (const rows of rowChunks(producer.read(batch, job.context), job.batchSize, 50)) {
      if (lost) break
      const gate = job.limit?.take(rows.length)
      if (gate) await gate
      const entries = rows.map((record, i) => [record, workerProducerMessageId(producer.name, index, next + i)] as const)
      next += rows.length
      const done = send(entries)
      done.catch(() => {}) // handled by confirm(); this only keeps a failure from going unhandled meanwhile
      await confirm()
      sending = { rows: rows.length, done }
    }
    await confirm()
  } catch (error) {
    // The source failed while a chunk was on its way: count it if it arrived, for the message.
    await confirm().catch(() => {})
    throw new StairsError(
      'ENGINE',
      `worker producer '${producer.app}.${producer.name}', batch ${index}, after ${row} rows sent: ${errorMessage(error)}; the batch will be read again`,
      { cause: error },
    )
  } finally {
    clearInterval(heartbeat)
    await renewal
  }
  return !lost
}

/** One round trip per chunk where the engine offers `pushMany`, else one `push` per record, all in flight at once. */
function sender(run: PipelineRun, target: string): (entries: readonly (readonly [unknown, string])[]) => Promise<void> {
  if (run.pushMany) return (entries) => (run.pushMany as NonNullable<PipelineRun['pushMany']>).call(run, target, entries)
  return async (entries) => {
    await Promise.all(entries.map(([record, id]) => run.push(target, record, id)))
  }
}

function contextOf(producer: AnyWorkerProducer, options: WorkerProducerRunOptions): ProducerContext<unknown> {
  return { app: producer.app, config: producer.config, args: options.args ?? [], signal: options.signal ?? new AbortController().signal }
}

async function withStore<T>(producer: AnyWorkerProducer, admin: EngineAdmin, body: (store: BatchLeaseStore) => Promise<T>): Promise<T> {
  if (!admin.batchLeases)
    throw new StairsError(
      'ENGINE',
      `worker producer '${producer.app}.${producer.name}': the engine at ${admin.where} keeps no batch leases; run it on an engine that does (memory, redis, bullmq)`,
    )
  return body(admin.batchLeases(producer.app, producer.name))
}
