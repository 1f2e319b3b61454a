// A `producer:process` run in its own process (for the worker-producer test): claims batches of
// `numbers` and pushes them through a producer-side client of the given engine. Every resolved
// push is counted in Redis, so the test can report the raw duplicate count even for a process
// that was killed.
import { Redis } from 'ioredis'
import { connectAdmin, type PipelineRun, processWorkerProducer, startRun } from '../../src/runtime/index.js'
import { numbers, rows } from './worker-producer-app.js'

const [engine, url, prefix, rawKey] = process.argv.slice(2) as [string, string, string, string]
const settings = { url, prefix }
const run = await startRun(engine, [rows], { settings, workers: false })
const admin = await connectAdmin(engine, settings)
const counter = new Redis(url)

const counting: PipelineRun = {
  push: async (pipeline, record, id) => {
    await run.push(pipeline, record, id)
    await counter.incr(rawKey)
  },
  feed: (pipeline, source) => run.feed(pipeline, source),
  waiting: (pipeline) => run.waiting(pipeline),
  drain: () => run.drain(),
  stop: () => run.stop(),
  stats: () => run.stats(),
  deadLetters: () => run.deadLetters(),
}

const result = await processWorkerProducer(numbers, counting, admin, {
  onBatch: (event) => process.stdout.write(`${JSON.stringify({ claimed: event })}\n`),
})
process.stdout.write(`${JSON.stringify({ result })}\n`)
await run.stop()
await admin.close()
counter.disconnect()
