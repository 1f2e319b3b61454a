// Running standalone and iterator consumers: read the consumer's own queue (Redis or a memory
// run), hand each record to the consumer, and acknowledge it only after the consumer is done.
import type { Consumer } from '../../dsl/consumer.js'
import { errorMessage, StairsError } from '../../errors.js'
import type { ConsumerRef } from '../../graph/nodes.js'
import type { PipelineRun } from '../engine-types.js'
import { openRedisConsumerQueue } from '../engines/redis-common/consumer-queue.js'
import type { RedisSettings } from '../engines/redis-common/redis-connection.js'
import { isThenable } from '../programs/node-ops.js'
import type { ConsumerQueueReader, QueuedRecord } from './consumer-queue-types.js'
import { ReadAhead, type ReadAheadOptions } from './read-ahead.js'

/** Where a consumer's queue lives: Redis (the bullmq and redis engines), or a run (memory). */
export type ConsumerSource = RedisSettings | PipelineRun

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

/** Opens a consumer's queue: Redis when given settings, the run's own queue when given a run. */
export async function openConsumerQueue(consumer: ConsumerRef, source: ConsumerSource): Promise<ConsumerQueueReader> {
  if ('url' in source && typeof source.url === 'string') return openRedisConsumerQueue(consumer, source)
  const run = source as PipelineRun
  if (run.openConsumerQueue) return run.openConsumerQueue(consumer)
  throw new StairsError(
    'ENGINE',
    `consumer '${consumer.app}.${consumer.name}': this run keeps its consumer queues in Redis; pass the Redis settings instead of the run`,
  )
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
