// `stairs/runtime`: running pipelines on any registered engine, and what an engine of your own
// builds on (the port, the core rules every engine shares, stage programs and the envelope).
// Engine transports load only when a run starts: importing this module loads no client library.

// Running pipelines
export type { ConsumerRef } from '../graph/nodes.js'
export { type PipelinePlan, planPipeline, type StagePlan } from '../plan/planner.js'
export { type ConsumeOptions, type ConsumerSource, consumeIter, openConsumerQueue, runStandaloneConsumer } from './consumers/consume.js'
export type { ConsumerQueueReader, QueuedRecord } from './consumers/consumer-queue-types.js'
// Writing an engine (docs/engines.md)
export { type Admission, InputAdmission } from './core/admission.js'
export type { BatchLeaseStore, Claim, WorkerProducerStatus } from './core/batch-lease-store.js'
export { appOfQueue, type ContractChange, ContractMismatchError, type ContractStore, checkContracts } from './core/contracts.js'
export { emptyPipelineCounters, emptyStageCounters, parsePipelineCounters, parseStageCounters } from './core/counters.js'
export { deadLetterOf, describeError, INPUT_STAGE } from './core/dead-letters.js'
export { DEDUPE_WINDOW_MS, SHUTDOWN_TIMEOUT_MS } from './core/defaults.js'
export { backoffDelay, decideFailure, type FailureDecision, isPermanent } from './core/failure.js'
export { StageOutcome } from './core/outcome.js'
export { checkRecordSize, MAX_RECORD_BYTES, RecordTooLargeError } from './core/record-size.js'
export { type ResolvedStartOptions, resolveStartOptions } from './core/start-options.js'
export { WorkerLog } from './core/worker-log.js'
export type {
  ConsumerQueueStatus,
  DeadLetter,
  EngineAdmin,
  PipelineCounters,
  PipelineRun,
  PipelineStats,
  QueueStatus,
  RunOptions,
  StageCounters,
  WorkerInfo,
} from './engine-types.js'
export { MemoryRun } from './engines/memory/memory-run.js'
export { maskUrl, RedisConnectionError, type RedisSettings } from './engines/redis-common/redis-connection.js'
export { runWorkerMain, type WorkerMainOptions } from './host/worker-main.js'
export { DEFAULT_PREFIX, queueName, redisKeys } from './keys.js'
export {
  findManifestPipeline,
  loadManifest,
  MANIFEST_VERSION,
  type Manifest,
  ManifestError,
  type ManifestPipeline,
  type ManifestStage,
  manifestSchema,
  parseManifest,
} from './manifest.js'
export type { AnyEngine, Engine, EngineCapabilities, EngineOption, StartOptions } from './port.js'
export { type ProducerResult, type RunProducerOptions, runProducer } from './producers/run-producer.js'
export {
  initWorkerProducer,
  type ProcessResult,
  type ProcessWorkerProducerOptions,
  processWorkerProducer,
  resetWorkerProducer,
  workerProducerMessageId,
  workerProducerStatus,
} from './producers/worker-producer-run.js'
export { CompiledPipeline, DEFAULT_RETRY } from './programs/compiled-pipeline.js'
export type { StageContext, State } from './programs/node-ops.js'
export { STOPPED } from './programs/node-ops.js'
export type { Emit, StageProgram } from './programs/stage-program.js'
export { checkWireSafe, decodeEnvelope, type Envelope, EnvelopeError, encodeChecked, encodeEnvelope } from './programs/wire.js'
export {
  connectAdmin,
  findEngine,
  registerEngine,
  registeredEngines,
  type StartRunOptions,
  startRun,
  UnknownEngineError,
} from './registry.js'
export { type RunResult, runPipeline, startMemoryRun } from './run-pipeline.js'
export { EngineSettingsError } from './settings-layers.js'
