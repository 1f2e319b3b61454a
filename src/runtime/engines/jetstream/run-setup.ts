// What a run and the admin side share when they start: the compiled pipelines with their layout,
// the size limit the servers allow, and the streams, consumers and buckets made or checked.
import type { AnyPipeline } from '../../../dsl/pipeline-types.js'
import { StairsError } from '../../../errors.js'
import type { ConsumerRef } from '../../../graph/nodes.js'
import { CompiledPipeline } from '../../programs/compiled-pipeline.js'
import type { StageContext } from '../../programs/node-ops.js'
import type { NatsLink } from './connection.js'
import { natsFailure } from './connection.js'
import { type PipelineLayout, pipelineLayout, streamNames, subjects } from './layout.js'
import type { JetStreamSettings } from './settings.js'
import { ensurePipeline, ensureStream, sharedStreamConfig } from './streams.js'

/** Room left in a message for its headers (message id, attempt) next to the envelope. */
const HEADER_ROOM = 1024

export interface CompiledLayout {
  readonly compiled: CompiledPipeline
  readonly layout: PipelineLayout
}

/** Compiles pipelines; `deliver` hands records to standalone and iterator consumers (admin helpers leave it out). */
export function compileForJetStream(
  pipelines: readonly AnyPipeline[],
  prefix: string,
  deliver?: StageContext['deliver'],
): CompiledLayout[] {
  const context: StageContext = {
    deliver:
      deliver ??
      ((consumer: ConsumerRef): never => {
        throw new StairsError(
          'ENGINE',
          `consumer '${consumer.app}.${consumer.name}' (${consumer.kind}) needs its own queue, which this run does not have`,
        )
      }),
  }
  const seen = new Set<string>()
  return pipelines.map((pipeline) => {
    const compiled = new CompiledPipeline(pipeline, context)
    const layout = pipelineLayout(compiled, prefix)
    const key = `${compiled.app}.${compiled.name}`
    if (seen.has(key)) throw new StairsError('DUPLICATE_NAME', `pipeline '${key}' is started twice in one run`)
    seen.add(key)
    return { compiled, layout }
  })
}

/**
 * The size limit records are held to: the run's `maxRecordBytes` when the servers take messages
 * that large (their max_payload, less room for headers), else an error naming the servers.
 */
export function recordLimit(link: NatsLink, requested: number | undefined, fallback: number): number {
  const allowed = link.maxPayload - HEADER_ROOM
  if (requested !== undefined && requested > allowed)
    throw new StairsError(
      'CONFIG',
      `maxRecordBytes ${requested} is more than NATS at ${link.where} takes in one message (max_payload ${link.maxPayload} bytes, less ${HEADER_ROOM} for headers): lower it, or raise max_payload in the server's config`,
    )
  return Math.min(requested ?? fallback, allowed)
}

/** Makes or checks every stream and consumer the pipelines need; errors name the servers. */
export async function ensureLayouts(
  link: NatsLink,
  settings: JetStreamSettings,
  layouts: readonly PipelineLayout[],
  duplicateWindowMs: number,
): Promise<void> {
  try {
    for (const layout of layouts) await ensurePipeline(link.jsm, layout, settings, duplicateWindowMs)
    await ensureSharedStreams(link, settings)
  } catch (error) {
    if (error instanceof StairsError) throw error
    throw natsFailure(link.where, error, 'creating streams and consumers')
  }
}

/** The dead-letter and consumer-queue streams of the prefix. */
export async function ensureSharedStreams(link: NatsLink, settings: JetStreamSettings): Promise<void> {
  const { prefix } = settings
  await ensureStream(
    link.jsm,
    sharedStreamConfig(streamNames.deadLetters(prefix), subjects.deadLetters(prefix), 'limits', settings),
    'dead letters',
  )
  await ensureStream(
    link.jsm,
    sharedStreamConfig(streamNames.consumerQueues(prefix), subjects.consumerQueues(prefix), 'workqueue', settings),
    'consumer queues',
  )
}
