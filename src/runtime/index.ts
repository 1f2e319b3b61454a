// `stairs/runtime`: running pipelines. The Redis engines load their clients only when used.

export { type PipelinePlan, planPipeline, type StagePlan } from '../plan/planner.js'
export { type ProducerResult, type RunProducerOptions, runProducer } from '../producers/run-producer.js'
export {
  initWorkerProducer,
  type ProcessResult,
  type ProcessWorkerProducerOptions,
  processWorkerProducer,
  resetWorkerProducer,
  workerProducerMessageId,
  workerProducerStatus,
} from '../producers/worker-producer-run.js'
export type { WorkerProducerStatus } from '../producers/worker-producer-store.js'
export { backoffDelay, CompiledPipeline, DEFAULT_RETRY } from './compiled-pipeline.js'
export { type ConsumeOptions, type ConsumerSource, consumeIter, openConsumerQueue, runStandaloneConsumer } from './consumers/consume.js'
export type { ConsumerQueueReader, QueuedRecord } from './consumers/consumer-queue-types.js'
export { redisConsumerDelivery, redisConsumerQueueLength } from './consumers/redis-consumer-queue.js'
export { type EngineModule, type EngineRunOptions, loadEngine, startRun } from './engine-registry.js'
export type { DeadLetter, PipelineCounters, PipelineRun, PipelineStats, QueueStatus, RunOptions, StageCounters } from './engine-types.js'
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
export { MemoryRun } from './memory/memory-run.js'
export { connectRedis, maskUrl, RedisConnectionError, type RedisSettings } from './redis-connection.js'
export { type RunResult, runPipeline, startMemoryRun } from './run-pipeline.js'
export { checkWireSafe, decodeEnvelope, type Envelope, EnvelopeError, encodeEnvelope } from './wire.js'
export { parseWorkerFlags, runWorkerMain, type WorkerFlags, type WorkerMainOptions } from './worker-main.js'
