// Acceptance 4: a standalone consumer's records wait in its own queue (in Redis on the Redis
// engines) until `consumer:standalone` runs it; a single-writer CSV consumer then ends with every
// row once, also when it failed midway and was run again.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { openConsumerQueue, runProducer, runStandaloneConsumer } from '../src/runtime/index.js'
import { availableEngines, type EngineRun, startEngine } from './support/producer-engines.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-standalone-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ROWS = 500
let csvPath = ''
let failAt: number | undefined

const app = new App('standalone_test')
const csv = app.standaloneConsumer('csv', (row: { id: number; name: string; total: number }) => {
  if (row.id === failAt) {
    failAt = undefined
    throw new Error('disk full')
  }
  appendFileSync(csvPath, `${row.id},${row.name},${row.total}\n`)
})
const orders = app.pipeline(
  'orders',
  { input: z.object({ id: z.number(), name: z.string(), price: z.number(), qty: z.number() }) },
  (_p, order) =>
    order.subscribeFunc(({ price, qty }) => ({ total: price * qty }), { name: 'total', asWorker: true }).subscribeConsumer(csv),
)
const source = app.producer('orders_source', { pipelines: [orders] }, function* () {
  for (let id = 0; id < ROWS; id++) yield { id, name: `customer${id % 7}`, price: id % 10, qty: 2 }
})

const readCsv = () =>
  readFileSync(csvPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split(',')[0]))

const engines = await availableEngines()
let current: EngineRun | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

describe.each(engines)('standalone consumer on %s', (engine) => {
  it('keeps records queued until it runs, then writes every row once', async () => {
    csvPath = path.join(dir, `${engine}-orders.csv`)
    appendFileSync(csvPath, '')
    current = await startEngine(engine, [orders], {}, 'standalone')
    const where = current.admin
    await runProducer(source, current.run)
    await current.run.drain()
    expect(readFileSync(csvPath, 'utf8')).toBe('')

    // One reader at a time: a second one is refused while the first holds the queue.
    const first = await openConsumerQueue(csv, where)
    await expect(openConsumerQueue(csv, where)).rejects.toThrow(/consumer 'standalone_test.csv' is already/)
    await first.close()

    // It fails at row 321: the rows before are written and acked, the rest stay queued.
    failAt = 321
    await expect(runStandaloneConsumer(csv, where, { stopWhenEmpty: true })).rejects.toThrow(
      /standalone consumer 'standalone_test.csv' failed on .* disk full; the record stays queued/,
    )
    const partial = readCsv()
    expect(partial.length).toBeGreaterThanOrEqual(300)
    expect(partial.length).toBeLessThan(ROWS)

    const handled = await runStandaloneConsumer(csv, where, { stopWhenEmpty: true })
    const ids = readCsv()
    expect(handled).toBe(ROWS - partial.length)
    expect(ids).toHaveLength(ROWS)
    expect(new Set(ids).size).toBe(ROWS)
    expect([...ids].sort((a, b) => a - b)).toEqual([...Array(ROWS).keys()])
    expect(readFileSync(csvPath, 'utf8').split('\n')[9]).toBe('9,customer2,18')
    // Nothing left: a new run ends at once with nothing handled.
    expect(await runStandaloneConsumer(csv, where, { stopWhenEmpty: true })).toBe(0)
  })
})
