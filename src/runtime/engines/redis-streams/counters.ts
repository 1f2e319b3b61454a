// Reads the redis engine's state for stats and inspect: counters per stage and pipeline, queue
// lengths, in-flight counts and per-second rates, each in one pipelined round trip.
import type { Redis } from 'ioredis'
import { parseProcessingTimes } from '../../core/processing-time.js'
import type { PipelineCounters, PipelineStats, QueueStatus, StageCounters } from '../../engine-types.js'
import { runScript } from '../redis-common/lua.js'
import { STAGE_STATE } from './scripts.js'
import { GROUP, type PipelineKeys, type StageKeys } from './stream-layout.js'

export interface StageState {
  /** Records not yet delivered to any worker. */
  readonly waiting: number
  /** Records delivered and not yet acknowledged. */
  readonly inFlight: number
  /** Failed records waiting for their retry. */
  readonly scheduled: number
  /** Nothing waiting, in flight or scheduled. */
  readonly drained: boolean
}

/**
 * Reads each stage's state. Whether anything is left is read off the stream itself (exact); how
 * many records, off the stage's counters (an entry can hold many records).
 */
export async function readStageStates(client: Redis, stages: readonly StageKeys[]): Promise<StageState[]> {
  return Promise.all(
    stages.map(async (stage) => {
      const [undelivered, pending, , scheduled, queued, taken] = (await runScript(
        client,
        STAGE_STATE,
        [stage.stream, stage.retries, stage.counters],
        [GROUP],
      )) as number[] as [number, number, number, number, number, number]
      return {
        waiting: undelivered ? Math.max(1, queued - taken) : 0,
        inFlight: pending ? Math.max(pending, taken) : 0,
        scheduled,
        drained: !undelivered && !pending && !scheduled,
      }
    }),
  )
}

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
  duplicates: Number(hash.duplicates ?? 0),
})

export async function readStats(client: Redis, pipelines: readonly PipelineKeys[]): Promise<PipelineStats[]> {
  const tx = client.pipeline()
  for (const keys of pipelines) {
    tx.hgetall(keys.counters)
    for (const stage of keys.stages) tx.hgetall(stage.counters)
  }
  const replies = ((await tx.exec()) ?? []).map(([error, value]) => {
    if (error) throw error
    return value as Record<string, string>
  })
  const states = await readStageStates(
    client,
    pipelines.flatMap((keys) => keys.stages),
  )
  let at = 0
  let stageAt = 0
  return pipelines.map((keys) => ({
    pipeline: keys.pipeline,
    counters: pipelineCounters(replies[at++] as Record<string, string>),
    stages: keys.stages.map((stage) => {
      const state = states[stageAt++] as StageState
      return { stage: stage.id, counters: stageCounters(replies[at++] as Record<string, string>), queued: state.waiting + state.scheduled }
    }),
  }))
}

export async function readQueueStatus(client: Redis, pipelines: readonly PipelineKeys[]): Promise<QueueStatus[]> {
  const second = Math.floor(Date.now() / 1000)
  const stages = pipelines.flatMap((keys) => keys.stages.map((stage) => ({ keys, stage })))
  const states = await readStageStates(
    client,
    stages.map((s) => s.stage),
  )
  const tx = client.pipeline()
  for (const { stage } of stages) {
    tx.hgetall(stage.counters)
    for (let s = 1; s <= RATE_SECONDS; s++) tx.hgetall(stage.rate(second - s))
    tx.hgetall(stage.timings)
  }
  const replies = ((await tx.exec()) ?? []).map(([error, value]) => (error ? {} : (value as Record<string, string>)))
  let at = 0
  return stages.map(({ keys, stage }, i) => {
    const state = states[i] as StageState
    const counters = stageCounters(replies[at++] ?? {})
    let added = 0
    let processed = 0
    for (let s = 1; s <= RATE_SECONDS; s++) {
      const window = replies[at++] ?? {}
      added += Number(window.added ?? 0)
      processed += Number(window.processed ?? 0)
    }
    const processingTime = parseProcessingTimes(replies[at++] ?? {})
    return {
      app: keys.app,
      pipeline: keys.pipeline,
      stage: stage.id,
      queue: stage.queue,
      // Scheduled retries wait too.
      waiting: state.waiting + state.scheduled,
      inFlight: state.inFlight,
      counters,
      rates: { addedPerSecond: added / RATE_SECONDS, processedPerSecond: processed / RATE_SECONDS },
      ...(processingTime ? { processingTime } : {}),
    }
  })
}
