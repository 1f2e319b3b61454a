// Producers yield rows every listed pipeline accepts; worker producers read batches into rows of
// their pipeline's input; iterator consumers yield what their fn returns.
import { expectError, expectType } from 'tsd'
import { z } from 'zod'
import { App, type Consumer, type ConsumerOutput, type Producer, type ProducerContext, type WorkerProducer } from '../src/index.js'

const app = new App('types_producers', { config: { path: '/data' } })
const scores = app.pipeline('scores', { input: z.object({ id: z.number(), score: z.number() }) }, (_p, r) => r)
const labels = app.pipeline('labels', { input: z.object({ id: z.number(), label: z.string() }) }, (_p, r) => r)

// A row to two pipelines has the keys of both inputs.
const both = app.producer('both', { pipelines: [scores, labels], limit: 1000 }, async function* (context) {
  expectType<ProducerContext<{ path: string }>>(context)
  yield { id: 1, score: 2, label: 'x' }
})
expectType<Producer<{ id: number; score: number } & { id: number; label: string }, { path: string }>>(both)

// Must not compile: a row missing a key one of the pipelines needs, or of the wrong type.
expectError(
  app.producer('missing', { pipelines: [scores, labels] }, async function* () {
    yield { id: 1, score: 2 }
  }),
)
expectError(
  app.producer('wrong', { pipelines: [scores] }, function* () {
    yield { id: '1', score: 2 }
  }),
)

// A worker producer: batches are any JSON value, read gives rows of the pipeline's input.
const pages = app.workerProducer(
  'pages',
  { pipeline: scores, leaseMs: 5000 },
  {
    batches: () => [{ page: 1 }, { page: 2 }],
    read: function* (batch) {
      expectType<{ page: number }>(batch)
      yield { id: batch.page, score: 0 }
    },
  },
)
expectType<WorkerProducer<{ page: number }, { id: number; score: number }, { path: string }>>(pages)
expectError(
  app.workerProducer(
    'bad_rows',
    { pipeline: scores },
    {
      batches: () => [1, 2],
      read: function* (page) {
        yield { id: page, score: 'high' }
      },
    },
  ),
)

// Consumers with their own queue.
const csv = app.standaloneConsumer('csv', (row: { id: number }) => void row.id)
expectType<Consumer<{ id: number }>>(csv)
const rows = app.consumerIter('rows', (row: { id: number; score: number }) => [row.id, row.score] as const)
expectType<readonly [number, number]>({} as ConsumerOutput<typeof rows>)
const raw = app.consumerIter<{ id: number }>('raw')
expectType<{ id: number }>({} as ConsumerOutput<typeof raw>)
