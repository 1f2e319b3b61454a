// Producer mechanics on the memory engine: batches from slow async sources, the queue limit
// checked after every send, stopping on a signal, and closing the source on early exit.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { MemoryRun, type PipelineRun, runProducer } from '../src/runtime/index.js'
import { rowChunks } from '../src/runtime/producers/row-chunks.js'

const app = new App('producers_memory')
const numbers = app.pipeline('numbers', { input: z.object({ n: z.number() }) }, (_p, row) =>
  row.subscribeFunc(
    ({ n }) => (n % 100 === 0 ? new Promise<{ seen: boolean }>((resolve) => setTimeout(() => resolve({ seen: true }), 1)) : { seen: true }),
    { name: 'sometimes_slow', asWorker: true },
  ),
)

describe('rowChunks', () => {
  it('sends what a paused async source already gave, without waiting for a full batch', async () => {
    let resume: () => void = () => {}
    const paused = new Promise<void>((resolve) => {
      resume = resolve
    })
    async function* source() {
      yield 1
      yield 2
      yield 3
      await paused
      yield 4
    }
    const chunks: number[][] = []
    for await (const chunk of rowChunks(source(), 100, 10)) {
      chunks.push(chunk)
      if (chunks.length === 1) resume()
    }
    expect(chunks).toEqual([[1, 2, 3], [4]])
  })

  it('closes the source when the consumer stops early', async () => {
    let closed = false
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i
      } finally {
        closed = true
      }
    }
    for await (const chunk of rowChunks(source(), 5, 10)) {
      expect(chunk).toEqual([0, 1, 2, 3, 4])
      break
    }
    expect(closed).toBe(true)
  })
})

describe('runProducer on memory', () => {
  it('never lets the input queue pass the limit, checked after every send', async () => {
    const limit = 500
    const producer = app.producer('limited', { pipelines: [numbers], limit }, function* () {
      for (let n = 0; n < 20_000; n++) yield { n }
    })
    let out = 0
    const run = new MemoryRun([numbers], { queueCapacity: 1_000_000, onOutput: () => out++ })
    let maxAfterSend = 0
    const watched: PipelineRun = Object.assign(Object.create(run) as MemoryRun, {
      feed: async (pipeline: string, rows: Iterable<unknown>) => {
        const count = await run.feed(pipeline, rows)
        maxAfterSend = Math.max(maxAfterSend, await run.waiting(pipeline))
        return count
      },
    })
    const result = await runProducer(producer, watched, { batchSize: 100 })
    await run.drain()
    await run.stop()
    expect(result).toMatchObject({ rows: 20_000, pushed: 20_000 })
    expect(out).toBe(20_000)
    expect(maxAfterSend).toBeGreaterThan(limit / 2)
    expect(maxAfterSend).toBeLessThanOrEqual(limit)
  })

  it('stops reading on abort and still sends the rows it read', async () => {
    const controller = new AbortController()
    let read = 0
    const producer = app.producer('endless', { pipelines: [numbers] }, async function* (context) {
      for (let n = 0; !context.signal.aborted; n++) {
        read++
        if (n === 999) controller.abort()
        yield { n }
      }
    })
    let out = 0
    const run = new MemoryRun([numbers], { onOutput: () => out++ })
    const result = await runProducer(producer, run, { signal: controller.signal, batchSize: 64 })
    await run.drain()
    await run.stop()
    expect(read).toBe(1000)
    expect(result.rows).toBe(1000)
    expect(out).toBe(1000)
  })

  it('rejects bad declarations with the producer named', () => {
    expect(() => app.producer('no_pipelines', { pipelines: [] }, function* () {})).toThrow(
      /producer 'producers_memory.no_pipelines': list at least one pipeline/,
    )
    expect(() => app.producer('bad_limit', { pipelines: [numbers], limit: 0 }, function* () {})).toThrow(
      /limit must be a positive integer, got 0/,
    )
    expect(() => app.producer('numbers', { pipelines: [numbers] }, function* () {})).toThrow(/the name 'numbers' is used twice/)
  })
})
