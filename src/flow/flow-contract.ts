// What the pipeline builder needs from a Flow, kept apart so the DSL does not depend on flow internals.
import type { AnyRecord } from '../dsl/shape-types.js'

/** The method a Flow exposes to become one node of a pipeline. */
export const toPipelineStep: unique symbol = Symbol.for('stairs.flow.toPipelineStep')

export interface FlowPipelineStep {
  /** The node label: the flow's class name unless the `name` option says otherwise. */
  readonly label: string
  /** True when the flow can return several records (a fan-out step): each goes on separately. */
  readonly fanOut: boolean
  /** Runs the flow on one record: its output, STOP, or (fan-out) an iterable of outputs. */
  readonly run: (record: AnyRecord) => unknown
}

export interface FlowRuntime {
  [toPipelineStep](): FlowPipelineStep
}
