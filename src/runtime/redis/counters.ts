// Reads the redis engine's state for stats and inspect: counters per stage and pipeline, queue
// lengths, in-flight counts and per-second rates, each in one pipelined round trip.
import type { Redis } from 'ioredis'
import type { PipelineCounters, PipelineStats, QueueStatus, StageCounters } from '../engine-types.js'
import { GROUP, type PipelineKeys } from './stream-layout.js'

const RATE_SECONDS = 5

const stageCounters = (hash: Record<string, string>): StageCounters => ({
  added: Number(hash.added ?? 0),
  processed: Number(hash.processed ?? 0),
  failed: Number(hash.failed ?? 0),
  filtered: Number(hash.filtered ?? 0),
  retried: Number(hash.retried ?? 0),
  deadLettered: Number(hash.deadLettered ?? 0),
})

const pipelineCounters = (hash: Record<string, string>): PipelineCounters => ({
  in: Number(hash.in ?? 0),
  out: Number(hash.out ?? 0),
  filtered: Number(hash.filtered ?? 0),
  deadLettered: Number(hash.deadLettered ?? 0),
  rejected: Number(hash.rejected ?? 0),
})

export async function readStats(client: Redis, pipelines: readonly PipelineKeys[]): Promise<PipelineStats[]> {
  const tx = client.pipeline()
  for (const keys of pipelines) {
    tx.hgetall(keys.counters)
    for (const stage of keys.stages) tx.hgetall(stage.counters).xlen(stage.stream)
  }
  const replies = ((await tx.exec()) ?? []).map(([error, value]) => {
    if (error) throw error
    return value
  })
  let at = 0
  return pipelines.map((keys) => ({
    pipeline: keys.pipeline,
    counters: pipelineCounters(replies[at++] as Record<string, string>),
    stages: keys.stages.map((stage) => ({
      stage: stage.id,
      counters: stageCounters(replies[at++] as Record<string, string>),
      queued: Number(replies[at++]),
    })),
  }))
}

export async function readQueueStatus(client: Redis, pipelines: readonly PipelineKeys[]): Promise<QueueStatus[]> {
  const second = Math.floor(Date.now() / 1000)
  const tx = client.pipeline()
  for (const keys of pipelines)
    for (const stage of keys.stages) {
      tx.hgetall(stage.counters).xlen(stage.stream).xpending(stage.stream, GROUP).zcard(stage.retries)
      for (let s = 1; s <= RATE_SECONDS; s++) tx.hgetall(stage.rate(second - s))
    }
  const replies = ((await tx.exec()) ?? []).map(([error, value]) => (error ? undefined : value))
  let at = 0
  const statuses: QueueStatus[] = []
  for (const keys of pipelines)
    for (const stage of keys.stages) {
      const counters = stageCounters((replies[at++] ?? {}) as Record<string, string>)
      const length = Number(replies[at++] ?? 0)
      const pending = Number((replies[at++] as [number] | undefined)?.[0] ?? 0)
      const scheduled = Number(replies[at++] ?? 0)
      let added = 0
      let processed = 0
      for (let s = 1; s <= RATE_SECONDS; s++) {
        const window = (replies[at++] ?? {}) as Record<string, string>
        added += Number(window.added ?? 0)
        processed += Number(window.processed ?? 0)
      }
      statuses.push({
        app: keys.app,
        pipeline: keys.pipeline,
        stage: stage.id,
        queue: stage.queue,
        // Acknowledged entries are deleted, so the stream holds waiting plus in-flight entries;
        // scheduled retries wait too.
        waiting: Math.max(0, length - pending) + scheduled,
        inFlight: pending,
        counters,
        rates: { addedPerSecond: added / RATE_SECONDS, processedPerSecond: processed / RATE_SECONDS },
      })
    }
  return statuses
}
