// The app of the worker-producer tests, shared by the test and its child processes: 50 batches of
// 200 rows. In a process started with STAIRS_TEST_VICTIM=1, `read` stops forever in the middle of
// its first batch (after 100 rows) and says so on stdout, so the test can SIGKILL it there.
import { z } from 'zod'
import { App } from '../../src/index.js'

export const BATCHES = 50
export const ROWS_PER_BATCH = 200
export const LEASE_MS = 1500

export const app = new App('wp_test')

export const rows = app.pipeline('rows', { input: z.object({ batch: z.number(), i: z.number(), value: z.number() }) }, (_p, row) =>
  row.subscribeFunc(({ value }) => ({ squared: value * value }), { name: 'square', asWorker: true }),
)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let batchesRead = 0

export const numbers = app.workerProducer(
  'numbers',
  { pipeline: rows, leaseMs: LEASE_MS },
  {
    batches: function* () {
      for (let b = 0; b < BATCHES; b++) yield { from: b * ROWS_PER_BATCH, batch: b }
    },
    read: async function* ({ from, batch }) {
      const victim = process.env.STAIRS_TEST_VICTIM === '1' && ++batchesRead === 1
      for (let i = 0; i < ROWS_PER_BATCH; i++) {
        if (i % 20 === 0) await sleep(10)
        if (victim && i === 100) {
          await sleep(300) // let the 100 pushes land in Redis
          process.stdout.write(`${JSON.stringify({ midway: batch })}\n`)
          await new Promise(() => {}) // hang here until SIGKILL
        }
        yield { batch, i, value: from + i }
      }
    },
  },
)
