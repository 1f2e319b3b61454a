// `stairs/runtime`: running pipelines. The Redis engines load their clients only when used.

export { type PipelinePlan, planPipeline, type StagePlan } from '../plan/planner.js'
export { backoffDelay, CompiledPipeline, DEFAULT_RETRY } from './compiled-pipeline.js'
export type { DeadLetter, PipelineCounters, PipelineRun, PipelineStats, RunOptions, StageCounters } from './engine-types.js'
export { MemoryRun } from './memory/memory-run.js'
export { type RunResult, runPipeline, startMemoryRun } from './run-pipeline.js'
export { checkWireSafe, decodeEnvelope, type Envelope, EnvelopeError, encodeEnvelope } from './wire.js'
