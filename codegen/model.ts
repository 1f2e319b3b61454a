// The intermediate model between inspecting a project and emitting generated/: plain data only.

/** One graph node as the loaded project built it (functions left out). */
export interface InspectedNode {
  readonly id: string
  readonly kind: string
  readonly label: string
  readonly inputs: readonly string[]
  readonly boundary: boolean
  /** `file:line` relative to the project root (null when unknown). */
  readonly source: string | null
  /** Kind-specific facts (mode, fanOut, component, consumer, key, mapping, pipeline, retry). */
  readonly details: Readonly<Record<string, unknown>>
}

export interface InspectedStage {
  readonly id: string
  readonly index: number
  readonly nodes: readonly string[]
  readonly liveIn: readonly string[]
  readonly liveOut: readonly string[]
}

export interface InspectedPipeline {
  readonly app: string
  readonly name: string
  /** Export of the app's module holding this pipeline, if any. */
  readonly exportName: string | null
  readonly nodes: readonly InspectedNode[]
  readonly stages: readonly InspectedStage[]
  readonly output: string
}

export interface InspectedApp {
  readonly name: string
  /** Module relative to the project root, as listed in stairs.config.ts. */
  readonly module: string
  readonly exportName: string
  readonly pipelines: readonly InspectedPipeline[]
}

export interface InspectedProject {
  readonly root: string
  readonly configFile: string
  /** Absolute directory generated files go to. */
  readonly generatedDir: string
  readonly apps: readonly InspectedApp[]
}

/** A failure while loading the project, with the user's `file:line` when one was found. */
export interface InspectFailure {
  readonly name: string
  readonly code: string
  readonly message: string
  readonly location: string | null
}

export type InspectResult =
  | { readonly ok: true; readonly project: InspectedProject }
  | { readonly ok: false; readonly error: InspectFailure }

/** A stage boundary value with its type: a node's record, as an interface in shapes.ts. */
export interface SlotShape {
  /** Interface (or alias) name in shapes.ts. */
  readonly name: string
  /** Canonical type text: `{ a: string; b?: number }` or another type. */
  readonly text: string
  /** The members when the shape is an object type (emitted as an interface), else null (a type alias). */
  readonly members: readonly string[] | null
  /** Where the shape appears: `queue (value i of n)` lines, for its doc comment. */
  readonly usedAt: readonly string[]
}

/** A stage as generated: its queue, the shape of each envelope value, and the contract hash. */
export interface GenStage extends InspectedStage {
  readonly queue: string
  readonly payload: readonly string[]
  readonly contract: string
}

export interface GenPipeline extends Omit<InspectedPipeline, 'stages'> {
  readonly declaration: string | null
  readonly stages: readonly GenStage[]
  readonly inputShape: string
  readonly outputShape: string
  /** Path of the worker entrypoint, relative to the generated dir. */
  readonly workerFile: string
}

export interface GenApp extends Omit<InspectedApp, 'pipelines'> {
  readonly pipelines: readonly GenPipeline[]
}

/** Everything the emitters need, sorted and hashed. */
export interface GenModel {
  readonly root: string
  readonly generatedDir: string
  readonly apps: readonly GenApp[]
  /** Every shape, sorted by name. */
  readonly shapes: readonly SlotShape[]
  readonly inputsHash: string
}
