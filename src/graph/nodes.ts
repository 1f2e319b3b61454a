// The graph IR: frozen nodes with a `kind`, shared by the planner, the engines and codegen.
// A node's value at run time is always a record (a one-key record for data points).

export type NodeId = string
export type ApplyMode = 'subscribe' | 'apply'
export type AnyFn = (input: never) => unknown

/** Where the node was declared in user code, as `file:line` (relative when known). */
export type SourceLocation = string | undefined

interface NodeBase {
  /** Unique within the pipeline; derived from the graph, stable across processes. */
  readonly id: NodeId
  /** Human name: the function's name, the `name` option, or the operation. */
  readonly label: string
  readonly inputs: readonly NodeId[]
  /** True when the node sits behind its own queue (a stage starts here). */
  readonly boundary: boolean
  readonly source: SourceLocation
}

export interface InputNode extends NodeBase {
  readonly kind: 'input'
}

export interface FuncNode extends NodeBase {
  readonly kind: 'func'
  readonly fn: (input: never) => unknown
  readonly mode: ApplyMode
  readonly fanOut: boolean
  readonly when: ((record: never) => boolean) | undefined
  /** `flow` when the function runs a Flow: codegen and graphs show it as such. */
  readonly component: 'function' | 'flow'
  readonly retry: RetryPolicy | undefined
  /** Set when the result already holds the input's keys (a Flow's accumulated record): subscribe takes it as is. */
  readonly resultHoldsInput?: boolean
}

export interface ConsumerNode extends NodeBase {
  readonly kind: 'consumer'
  readonly consumer: ConsumerRef
  readonly when: ((record: never) => boolean) | undefined
  readonly retry: RetryPolicy | undefined
}

export interface GetNode extends NodeBase {
  readonly kind: 'get'
  readonly key: string
}

export interface MakeNode extends NodeBase {
  readonly kind: 'make'
  /** new key -> source key */
  readonly mapping: Readonly<Record<string, string>>
}

export interface AddValueNode extends NodeBase {
  readonly kind: 'addValue'
  readonly values: Readonly<Record<string, unknown>>
}

export interface ConcatenateNode extends NodeBase {
  readonly kind: 'concatenate'
  /** One entry per input, in `inputs` order: the output key, and the point key to unwrap (if a point). */
  readonly entries: readonly { readonly name: string; readonly pointKey: string | undefined }[]
}

/** Entry of an inlined sub-pipeline: an identity node that forces a queue hop. */
export interface HopNode extends NodeBase {
  readonly kind: 'hop'
  readonly pipeline: string
}

/** Exit of an inlined sub-pipeline: combines the caller's record with the sub-pipeline's output. */
export interface JoinNode extends NodeBase {
  readonly kind: 'join'
  readonly mode: ApplyMode
  readonly pipeline: string
}

export type GraphNode = InputNode | FuncNode | ConsumerNode | GetNode | MakeNode | AddValueNode | ConcatenateNode | HopNode | JoinNode

export type NodeKind = GraphNode['kind']

/** What a consumer node runs; the kinds other than `simple` route records to their own queue. */
export interface ConsumerRef {
  readonly app: string
  readonly name: string
  readonly kind: 'simple' | 'standalone' | 'iter'
  readonly fn: (record: never) => unknown
}

export interface RetryPolicy {
  /** Total attempts including the first (>= 1). */
  readonly attempts: number
  /** Base delay of the exponential backoff, in ms. */
  readonly backoffMs: number
}

/** A built pipeline graph: nodes in creation order (a topological order) and the output node. */
export interface PipelineGraph {
  readonly app: string
  readonly pipeline: string
  readonly nodes: readonly GraphNode[]
  readonly output: NodeId
}
