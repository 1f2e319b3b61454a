// The engine conformance kit (stairs/testing) on the bullmq engine, every case including SIGKILL
// of a worker process mid-batch. Each test gets its own key prefix, deleted after.
import { findEngine } from '../src/runtime/index.js'
import { engineConformance } from '../src/testing/index.js'
import { deletePrefix, redisUrl } from './support/redis.js'

const url = await redisUrl()

engineConformance('bullmq', () => findEngine('bullmq'), {
  // Short locks: the jobs a killed worker held come back within about 2 s.
  settings: (testId) => ({ url, prefix: `stairs-kit-${testId}`, lockDurationMs: 2_000, stalledIntervalMs: 1_000 }),
  cleanup: (testId) => deletePrefix(url, `stairs-kit-${testId}`),
  claims: { durable: true },
})
