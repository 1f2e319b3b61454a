// Running standalone and iterator consumers: read the consumer's own queue (Redis or a memory
// run), hand each record to the consumer, and acknowledge it only after the consumer is done.
import type { Consumer } from '../../dsl/consumer.js'
import { errorMessage, StairsError } from '../../errors.js'
import type { ConsumerRef } from '../../graph/nodes.js'
import type { EngineAdmin, PipelineRun } from '../engine-types.js'
import { isThenable } from '../programs/node-ops.js'
import { connectAdmin } from '../registry.js'
import type { ConsumerQueueReader, QueuedRecord } from './consumer-queue-types.js'
import { ReadAhead, type ReadAheadOptions } from './read-ahead.js'

/**
 * Where a consumer's queue lives: an engine's admin side (`connectAdmin('redis', ...)`), an
 * engine named with its settings (connected for the read and closed after), or a run that keeps
 * its queues in this process (memory).
 */
export type ConsumerSource = EngineAdmin | PipelineRun | { readonly engine: string; readonly settings?: object }

export interface ConsumeOptions {
  /**
   * End once the queue is empty instead of waiting for more. On a memory run, records still in
   * the run's stages count as pending; on Redis only the consumer's own queue does, so drain the
   * pipeline first (or run this after the producers and workers are done).
   */
  stopWhenEmpty?: boolean
  /** Ends the loop after the current record (e.g. on SIGTERM). */
  signal?: AbortSignal
  /** Records read per round trip (default 100). */
  batchSize?: number
}

/** Opens a consumer's queue wherever `source` keeps it; closing the reader releases what it opened. */
export async function openConsumerQueue(consumer: ConsumerRef, source: ConsumerSource): Promise<ConsumerQueueReader> {
  if ('engine' in source && typeof source.engine === 'string') {
    const admin = await connectAdmin(source.engine, source.settings)
    try {
      const reader = await openFrom(consumer, admin, `engine '${source.engine}'`)
      return {
        where: reader.where,
        read: (max, blockMs, finished) => reader.read(max, blockMs, finished),
        ack: (records) => reader.ack(records),
        settledEmpty: () => reader.settledEmpty(),
        close: () => reader.close().finally(() => admin.close()),
      }
    } catch (error) {
      await admin.close()
      throw error
    }
  }
  if ('push' in source) {
    const admin = source.admin?.()
    if (admin) return openFrom(consumer, admin, 'this run')
    throw new StairsError(
      'ENGINE',
      `consumer '${consumer.app}.${consumer.name}': this run keeps its consumer queues on its server; pass the engine instead (connectAdmin, or { engine, settings })`,
    )
  }
  return openFrom(consumer, source as EngineAdmin, (source as EngineAdmin).where)
}

function openFrom(consumer: ConsumerRef, admin: EngineAdmin, what: string): Promise<ConsumerQueueReader> {
  if (!admin.openConsumerQueue)
    throw new StairsError('ENGINE', `consumer '${consumer.app}.${consumer.name}': ${what} has no consumer queues`)
  return admin.openConsumerQueue(consumer)
}

/**
 * The records that reach an iterator consumer, mapped by its fn, oldest first.
 *
 * @example
 * for await (const row of consumeIter(trainingRows, { url }, { stopWhenEmpty: true })) model.fit(row)
 */
export async function* consumeIter<I, O>(
  consumer: Consumer<I, O>,
  source: ConsumerSource,
  options: ConsumeOptions = {},
): AsyncGenerator<Awaited<O>> {
  expectKind(consumer, 'iter', 'consumeIter')
  const batches = new ReadAhead(await openConsumerQueue(consumer, source), readAheadOptions(options))
  let batch: readonly QueuedRecord[] = []
  let done = 0
  try {
    while (!options.signal?.aborted) {
      const next = await batches.next()
      if (!next) return
      batch = next
      done = 0
      for (const { record } of batch) {
        // Only a promise is awaited here: a sync fn costs no extra microtask per record.
        const result = consumer.fn(record as I)
        const value = (isThenable(result) ? await result : result) as Awaited<O>
        done++
        yield value
      }
      batches.finish(batch)
      batch = []
    }
  } finally {
    // Stopped mid-batch (break, throw, signal): what the caller already received is acked.
    await batches.close(batch.slice(0, done))
  }
}

/**
 * Runs a standalone consumer in this process until its queue is empty (`stopWhenEmpty`) or the
 * signal aborts; returns how many records it handled. A record is acked once `fn` returned, so a
 * crash re-delivers it to the next run instead of losing it.
 */
export async function runStandaloneConsumer<I>(
  consumer: Consumer<I>,
  source: ConsumerSource,
  options: ConsumeOptions & { onProgress?: (handled: number) => void } = {},
): Promise<number> {
  expectKind(consumer, 'standalone', 'runStandaloneConsumer')
  const reader = await openConsumerQueue(consumer, source)
  const batches = new ReadAhead(reader, readAheadOptions(options))
  let handled = 0
  let batch: readonly QueuedRecord[] = []
  let done = 0
  try {
    while (!options.signal?.aborted) {
      const next = await batches.next()
      if (!next) break
      batch = next
      done = 0
      try {
        for (const { record } of batch) {
          const result = consumer.fn(record as I)
          if (isThenable(result)) await result
          done++
        }
      } catch (error) {
        throw new StairsError(
          'STEP_FAILED',
          `standalone consumer '${consumer.app}.${consumer.name}' failed on ${reader.where} entry ${batch[done]?.ref}: ${errorMessage(error)}; the record stays queued`,
          { cause: error },
        )
      }
      batches.finish(batch)
      batch = []
      handled += done
      options.onProgress?.(handled)
    }
  } finally {
    // The records before a failed one are acked; the failed one and those after it stay queued.
    await batches.close(batch.slice(0, done))
  }
  return handled
}

function readAheadOptions(options: ConsumeOptions): ReadAheadOptions {
  return {
    batchSize: options.batchSize ?? 100,
    // Waiting for records: briefly when about to stop once empty, else long enough to idle cheaply.
    idleBlockMs: options.stopWhenEmpty ? 100 : 1000,
    stopWhenEmpty: options.stopWhenEmpty === true,
    signal: options.signal,
  }
}

function expectKind(consumer: ConsumerRef, kind: ConsumerRef['kind'], fn: string): void {
  if (consumer?.kind !== kind)
    throw new StairsError(
      'CONFIG',
      `${fn} takes a consumer made by app.${kind === 'iter' ? 'consumerIter' : 'standaloneConsumer'}(...); '${consumer?.app}.${consumer?.name}' is a ${consumer?.kind} consumer`,
    )
}
