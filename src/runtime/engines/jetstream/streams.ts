// Makes the streams and consumers a run needs, or checks the ones that exist: a stream made
// earlier with another configuration (other subjects, retention, storage, replicas, duplicate
// window) is an error naming the stream and each difference, never silently reused or changed.
import type { ConsumerConfig, ConsumerInfo, JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream'
import { StairsError } from '../../../errors.js'
import type { PipelineLayout, StageLayout } from './layout.js'
import type { JetStreamSettings } from './settings.js'

const NS_PER_MS = 1_000_000

/** A stream or consumer exists with settings other than this run's. */
export class StreamConfigMismatchError extends StairsError {
  override readonly name = 'StreamConfigMismatchError'
  constructor(
    message: string,
    readonly stream: string,
    readonly differences: readonly string[],
  ) {
    super('CONFIG', message)
  }
}

/** The stream settings this engine decides (the rest stay at the server's defaults). */
export type WantedStream = Pick<
  StreamConfig,
  'name' | 'subjects' | 'retention' | 'storage' | 'num_replicas' | 'duplicate_window' | 'max_age'
>

export function stageStreamConfig(layout: PipelineLayout, settings: JetStreamSettings, duplicateWindowMs: number): WantedStream {
  const maxAge = settings.retention === 'limits' ? settings.maxAgeMs * NS_PER_MS : 0
  return {
    name: layout.stream,
    subjects: [layout.subjects],
    retention: settings.retention === 'limits' ? 'limits' : 'workqueue',
    storage: settings.storage,
    num_replicas: settings.replicas,
    // The server refuses a duplicate window longer than the stream's maximum age.
    duplicate_window: maxAge > 0 ? Math.min(duplicateWindowMs * NS_PER_MS, maxAge) : duplicateWindowMs * NS_PER_MS,
    max_age: maxAge,
  }
}

/** A stream of records kept until removed by hand (dead letters) or read (consumer queues). */
export function sharedStreamConfig(
  name: string,
  subject: string,
  retention: 'limits' | 'workqueue',
  settings: JetStreamSettings,
): WantedStream {
  return {
    name,
    subjects: [subject],
    retention,
    storage: settings.storage,
    num_replicas: settings.replicas,
    duplicate_window: settings.duplicateWindowMs * NS_PER_MS,
    max_age: 0,
  }
}

/** Creates the stream, or checks that the one there has the same configuration. */
export async function ensureStream(jsm: JetStreamManager, wanted: WantedStream, owner: string): Promise<StreamInfo> {
  const existing = await streamInfo(jsm, wanted.name)
  if (existing) return checkStream(existing, wanted, owner)
  try {
    return await jsm.streams.add(wanted)
  } catch (error) {
    // Another process made it meanwhile (with what config is checked below), or it cannot be made.
    const again = await streamInfo(jsm, wanted.name)
    if (again) return checkStream(again, wanted, owner)
    throw error
  }
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name)
  } catch (error) {
    if (error instanceof Error && error.name === 'StreamNotFoundError') return undefined
    throw error
  }
}

function checkStream(info: StreamInfo, wanted: WantedStream, owner: string): StreamInfo {
  const have = info.config
  const differences: string[] = []
  const differ = (what: string, mine: unknown, theirs: unknown) => {
    if (JSON.stringify(mine) !== JSON.stringify(theirs))
      differences.push(`${what} is ${JSON.stringify(theirs)} there, this run wants ${JSON.stringify(mine)}`)
  }
  differ('subjects', wanted.subjects, have.subjects)
  differ('retention', wanted.retention, have.retention)
  differ('storage', wanted.storage, have.storage)
  differ('replicas', wanted.num_replicas, have.num_replicas)
  differ('duplicate window (ms)', wanted.duplicate_window / NS_PER_MS, have.duplicate_window / NS_PER_MS)
  differ('max age (ms)', wanted.max_age / NS_PER_MS, have.max_age / NS_PER_MS)
  if (differences.length)
    throw new StreamConfigMismatchError(
      `stream '${wanted.name}' (${owner}) exists with another configuration: ${differences.join('; ')}. ` +
        "Use the stream's settings (replicas, storage, retention, duplicateWindowMs, maxAgeMs), another prefix, or delete the stream once it is empty (nats stream rm, or purge)",
      wanted.name,
      differences,
    )
  return info
}

/** The durable pull consumer of a stage (or of a consumer queue), acknowledged one record at a time. */
export function durableConfig(durable: string, subject: string, settings: JetStreamSettings): ConsumerConfig {
  return {
    durable_name: durable,
    filter_subject: subject,
    ack_policy: 'explicit',
    deliver_policy: 'all',
    replay_policy: 'instant',
    ack_wait: settings.ackWaitMs * NS_PER_MS,
    // The worker dead-letters a record at its last delivery (maxDeliveries + 1) without running
    // it; one more is left as a margin for a worker that dies at that very moment.
    max_deliver: settings.maxDeliveries + 2,
    max_ack_pending: -1,
    max_waiting: 512,
    num_replicas: 0,
  } as ConsumerConfig
}

/** Creates a durable consumer, or brings an existing one to this run's ack wait and deliveries. */
export async function ensureDurable(jsm: JetStreamManager, stream: string, wanted: ConsumerConfig, owner: string): Promise<ConsumerInfo> {
  const name = wanted.durable_name as string
  let existing: ConsumerInfo | undefined
  try {
    existing = await jsm.consumers.info(stream, name)
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConsumerNotFoundError')) throw error
  }
  if (!existing) {
    try {
      return await jsm.consumers.add(stream, wanted)
    } catch (error) {
      existing = await jsm.consumers.info(stream, name).catch(() => undefined)
      if (!existing) throw error
    }
  }
  if (existing.config.filter_subject !== wanted.filter_subject)
    throw new StreamConfigMismatchError(
      `consumer '${name}' of stream '${stream}' (${owner}) reads '${existing.config.filter_subject}', not '${wanted.filter_subject}': delete it (nats consumer rm ${stream} ${name}) or use another prefix`,
      stream,
      ['filter_subject'],
    )
  if (existing.config.ack_wait !== wanted.ack_wait || existing.config.max_deliver !== wanted.max_deliver)
    return jsm.consumers.update(stream, name, { ack_wait: wanted.ack_wait, max_deliver: wanted.max_deliver })
  return existing
}

/** Makes a pipeline's stream and one durable consumer per stage. */
export async function ensurePipeline(
  jsm: JetStreamManager,
  layout: PipelineLayout,
  settings: JetStreamSettings,
  duplicateWindowMs: number,
): Promise<void> {
  const owner = `pipeline '${layout.app}.${layout.pipeline}'`
  await ensureStream(jsm, stageStreamConfig(layout, settings, duplicateWindowMs), owner)
  for (const stage of layout.stages) await ensureDurable(jsm, layout.stream, stageDurable(stage, settings), owner)
}

export const stageDurable = (stage: StageLayout, settings: JetStreamSettings): ConsumerConfig =>
  durableConfig(stage.durable, stage.subject, settings)
