// What the pipeline builder needs from a Flow, kept apart so the DSL does not depend on flow internals.
import type { AnyRecord } from '../dsl/shape-types.js'

/** The method a Flow exposes to become one node of a pipeline. */
export const toPipelineStep: unique symbol = Symbol.for('stairs.flow.toPipelineStep')

/** Key of the type-only carrier of a flow's input and output shapes (never set at run time). */
export const flowTypes: unique symbol = Symbol.for('stairs.flow.types')

/** Key of the type-only carrier of a step's input, output and wiring (never set at run time). */
export const stepTypes: unique symbol = Symbol.for('stairs.flow.stepTypes')

export interface FlowPipelineStep {
  /** The node label: the flow's class name unless the `name` option says otherwise. */
  readonly label: string
  /** True when the flow can return several records (a fan-out step): each goes on separately. */
  readonly fanOut: boolean
  /**
   * True when every output record already holds the input record's keys (the accumulated record):
   * subscribing then needs no second merge (same record; V8 merges a whole record slowly).
   */
  readonly resultHoldsInput: boolean
  /** Runs the flow on one record: its output, STOP, or (fan-out) an iterable of outputs. */
  readonly run: (record: AnyRecord) => unknown
}

export interface FlowRuntime {
  [toPipelineStep](): FlowPipelineStep
}
