// The engine conformance kit (stairs/testing) on the redis engine (Redis Streams), every case
// including SIGKILL of a worker process mid-batch. Each test gets its own key prefix, deleted after.
import { findEngine } from '../src/runtime/index.js'
import { engineConformance } from '../src/testing/index.js'
import { deletePrefix, redisUrl } from './support/redis.js'

const url = await redisUrl()

engineConformance('redis', () => findEngine('redis'), {
  // A short reclaim idle time: what a killed worker held comes back within 2 s.
  settings: (testId) => ({ url, prefix: `stairs-kit-${testId}`, blockMs: 10, batchSize: 50, reclaimIdleMs: 2_000 }),
  cleanup: (testId) => deletePrefix(url, `stairs-kit-${testId}`),
  claims: { durable: true },
})
