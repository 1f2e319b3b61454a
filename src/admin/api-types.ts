// The admin page's JSON API: what the server sends and the page reads (the page's plain ES
// modules import these types through JSDoc, so both sides are checked against one definition).
import type { ProcessingTimeHistogram, StageCounters, WorkerInfo } from '../runtime/engine-types.js'

/** Members of the engine's admin side the page can use; a missing one means the page shows less. */
export type AdminFeature =
  | 'queueStatus'
  | 'consumerQueueStatus'
  | 'listDeadLetters'
  | 'replayDeadLetters'
  | 'deleteDeadLetters'
  | 'workers'
  | 'contracts'

/** `GET /api/graph`: the project as the manifest and the loaded apps describe it; fixed while the server runs. */
export interface AdminGraph {
  readonly engine: string
  /** Where the engine is connected (masked). */
  readonly where: string
  readonly offers: Readonly<Record<AdminFeature, boolean>>
  /** A dashboard of the engine's own, mounted beside the page (bull-board on bullmq). */
  readonly dashboard?: { readonly title: string; readonly path: string }
  /** Why some of the graph is missing (no manifest, a stale one), for the page to say. */
  readonly notes: readonly string[]
  readonly apps: readonly AppView[]
}

export interface AppView {
  readonly name: string
  readonly pipelines: readonly PipelineView[]
  readonly producers: readonly ProducerView[]
  readonly consumers: readonly ConsumerView[]
}

export interface PipelineView {
  /** `app.pipeline` */
  readonly id: string
  readonly app: string
  readonly name: string
  /** `file:line` of its declaration. */
  readonly source: string | null
  /** The pipeline's config as built (JSON; functions and cycles shown as text). */
  readonly config: unknown
  readonly stages: readonly StageView[]
}

export interface StageView {
  /** `app.pipeline.stage`: the key of the stage's live figures. */
  readonly queue: string
  /** `app.pipeline` */
  readonly pipeline: string
  readonly id: string
  readonly index: number
  readonly steps: readonly StepView[]
  /** Pipelines this stage runs part of (`subscribePipeline` hops into it), by name. */
  readonly subPipelines: readonly string[]
  /** The payload contract hash from the manifest, and the one the running system registered. */
  readonly contract: string | null
  readonly input: readonly ShapeValue[]
  readonly output: readonly ShapeValue[]
}

export interface StepView {
  readonly id: string
  readonly kind: string
  readonly label: string
  readonly source: string | null
  /** `app.consumer` when the step hands records to a consumer. */
  readonly consumer?: string
  readonly consumerKind?: string
}

/** One value of a stage's envelope (or of the pipeline's output), with its keys from generated/shapes.ts. */
export interface ShapeValue {
  /** The node whose record it is. */
  readonly from: string
  /** Interface name in generated/shapes.ts. */
  readonly shape: string
  /** Its keys, or null when shapes.ts has no such interface (then `text` may hold an alias). */
  readonly members: readonly ShapeMember[] | null
  readonly text?: string
}

export interface ShapeMember {
  readonly name: string
  readonly type: string
  readonly optional: boolean
}

export interface ProducerView {
  readonly app: string
  readonly name: string
  readonly kind: 'producer' | 'worker producer'
  /** `app.pipeline` of each pipeline it feeds. */
  readonly pipelines: readonly string[]
}

export interface ConsumerView {
  readonly app: string
  readonly name: string
  readonly kind: 'simple' | 'standalone' | 'iter'
  /** `app.consumer`: the key of its live figures (standalone and iterator consumers have a queue). */
  readonly queue: string
  /** Stage queues whose steps hand records to it. */
  readonly from: readonly string[]
}

/** A stage's live figures. */
export interface StageFigures {
  readonly waiting: number
  readonly inFlight: number
  readonly counters: StageCounters
  /** Records processed per second over the last sample interval. */
  readonly processedPerSecond: number
  /** Dead letters of this stage now in the dead-letter queue (at most `deadLetterCap`), when the engine lists them. */
  readonly deadLetters?: number
  readonly processingTime?: ProcessingTimeHistogram
}

/** `GET /api/snapshot` and each `snapshot` event of `GET /api/events`. */
export interface AdminSnapshot {
  /** When it was read (ms since the epoch). */
  readonly at: number
  /** False when the engine could not be read; the figures are then the last ones read. */
  readonly ok: boolean
  readonly error?: string
  readonly stages: Readonly<Record<string, StageFigures>>
  readonly consumers: Readonly<Record<string, { readonly waiting: number; readonly inFlight: number }>>
  readonly workers: Readonly<Record<string, readonly WorkerInfo[]>>
  /** Contract hash each stage queue registered on the running system. */
  readonly registered: Readonly<Record<string, string>>
  /** The dead-letter count shown is capped: a stage showing the cap may hold more. */
  readonly deadLetterCap: number
}

/** The `history` event: processed per second of each stage, oldest first, one point per sample. */
export interface AdminHistory {
  readonly intervalMs: number
  readonly stages: Readonly<Record<string, readonly number[]>>
}

/** `GET /api/dead-letters?pipeline=&stage=`: a stage's dead letters with their payloads as text. */
export interface DeadLetterView {
  readonly id: string
  readonly pipeline: string
  readonly stage: string
  readonly attempts: number
  readonly error: { readonly name: string; readonly message: string }
  readonly at: string
  /** The payload as JSON text (or the raw text it travelled as), cut at `payloadLimit` characters. */
  readonly payload: string
  readonly truncated: boolean
  /** Its length before cutting. */
  readonly payloadLength: number
}

export interface DeadLetterList {
  readonly letters: readonly DeadLetterView[]
  readonly offered: boolean
}

/** `POST /api/dead-letters/replay` and `/delete` body: a stage's letters, all or those with the ids. */
export interface DeadLetterAction {
  readonly pipeline: string
  readonly stage: string
  readonly ids?: readonly string[]
}

export interface DeadLetterActionResult {
  readonly count: number
}
