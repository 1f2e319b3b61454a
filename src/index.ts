// The public entry of `stairs`: everything needed to declare apps, pipelines, flows and consumers.
// It loads no Redis client and no ts-morph (see stairs/runtime and stairs/codegen).
export { App, type AppOptions, type PipelineOptions } from './dsl/app.js'
export { concatenate } from './dsl/concatenate.js'
export type { Consumer, ConsumerOutput } from './dsl/consumer.js'
export type {
  AnyHandle,
  ConcatenateShape,
  DataFrame,
  DataPoint,
  HandleOps,
  NodeOptions,
  PipelineCallOptions,
  ShapeOf,
} from './dsl/handle-types.js'
export type { PipelineContext } from './dsl/pipeline.js'
export type {
  AnyPipeline,
  InferInput,
  InferOutput,
  InputSchema,
  Pipeline,
  PipelineConfig,
  PipelineInput,
  PipelineOutput,
} from './dsl/pipeline-types.js'
export type { Producer, ProducerOptions } from './dsl/producer.js'
export type { ProducerContext, ProducerProgress, ProducerRow, RowSource } from './dsl/producer-types.js'
export type { AnyRecord, DeepPartial, Merge, Prettify } from './dsl/shape-types.js'
export { STOP, type Stop, StopPipeline } from './dsl/stop.js'
export type { StairsTypeError } from './dsl/type-error.js'
export type { WorkerProducer, WorkerProducerOptions, WorkerProducerSource } from './dsl/worker-producer.js'
export { GraphError, InputError, NameError, StairsError, StepError, WireError } from './errors.js'
export { Flow, type FlowShapes, type StepOptions } from './flow/flow.js'
export type { FlowErrors, StartFromResult } from './flow/flow-analysis-types.js'
export { FlowDefinitionError, FlowStepError } from './flow/flow-errors.js'
export type { AnyFlow, CheckFlow, FlowInput, FlowOutput } from './flow/flow-types.js'
export type { Step, StepInput, StepKeys } from './flow/step-types.js'
export type { GraphNode, NodeKind, PipelineGraph, RetryPolicy } from './graph/nodes.js'
export { defineConfig, type ProjectConfig, type ProjectConfigInput } from './project/config.js'
export type { Engine, EngineCapabilities, EngineOption, StartOptions } from './runtime/port.js'
export { registerEngine } from './runtime/registry.js'
