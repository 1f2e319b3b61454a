// `stairs/runtime`: running pipelines. The Redis engines load their clients only when used.

export { type PipelinePlan, planPipeline, type StagePlan } from '../plan/planner.js'
export { type ConsumeOptions, type ConsumerSource, consumeIter, openConsumerQueue, runStandaloneConsumer } from './consumers/consume.js'
export type { ConsumerQueueReader, QueuedRecord } from './consumers/consumer-queue-types.js'
export { type EngineModule, type EngineRunOptions, loadEngine, startRun } from './engine-registry.js'
export type { DeadLetter, PipelineCounters, PipelineRun, PipelineStats, QueueStatus, RunOptions, StageCounters } from './engine-types.js'
export { MemoryRun } from './engines/memory/memory-run.js'
export { redisConsumerDelivery, redisConsumerQueueLength } from './engines/redis-common/consumer-queue.js'
export { connectRedis, maskUrl, RedisConnectionError, type RedisSettings } from './engines/redis-common/redis-connection.js'
export type { WorkerProducerStatus } from './engines/redis-common/worker-producer-store.js'
export { parseWorkerFlags, runWorkerMain, type WorkerFlags, type WorkerMainOptions } from './host/worker-main.js'
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
export { backoffDelay, CompiledPipeline, DEFAULT_RETRY } from './programs/compiled-pipeline.js'
export { checkWireSafe, decodeEnvelope, type Envelope, EnvelopeError, encodeEnvelope } from './programs/wire.js'
export { type RunResult, runPipeline, startMemoryRun } from './run-pipeline.js'
