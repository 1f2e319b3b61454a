// The bullmq engine's safety: `__proto__` payloads pollute nothing, replayed input ids are dropped,
// contract mismatches refuse to start, a stopped run says so, an unreachable Redis fails fast.
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { redisKeys } from '../src/runtime/index.js'
import { bullmqRuns, numbers } from './support/bullmq-runs.js'
import { engineByName } from './support/engines.js'

const runs = bullmqRuns('bullmq-safe')

describe('bullmq engine: safety', () => {
  const app = new App('bq_safe')

  it('lets a __proto__ payload pollute nothing', async () => {
    const loose = app.pipeline('loose', { input: z.object({ n: z.number() }).loose() }, (_p, r) =>
      r
        .subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' })
        .subscribeFunc((rec) => ({ ...rec, seen: true }), { name: 'spread', asWorker: true }),
    )
    const { run, outputs, prefix } = await runs.start([loose])
    const queue = runs.stageQueue(prefix, 'bq_safe', 'loose', 'spread')
    try {
      await run.push('bq_safe.loose', JSON.parse('{"n":1,"__proto__":{"polluted":"yes"}}'))
      await queue.add('record', '{"i":"raw","d":[{"n":2,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}]}', {
        jobId: 'raw',
      })
      await run.drain()
      expect(outputs).toHaveLength(2)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.prototype).not.toHaveProperty('polluted')
      for (const { record } of outputs) {
        expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
        expect((record as Record<string, unknown>).polluted).toBeUndefined()
      }
    } finally {
      await queue.close()
      await run.stop()
    }
  })

  it('drops a replayed input id (the worker-producer relies on it)', async () => {
    const pl = app.pipeline('dedupe', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    const { run, outputs } = await runs.start([pl])
    try {
      await run.push('bq_safe.dedupe', { n: 1 }, 'batch-1:0')
      await run.drain()
      await run.push('bq_safe.dedupe', { n: 1 }, 'batch-1:0')
      await run.push('bq_safe.dedupe', { n: 2 }, 'batch-1:1')
      await run.drain()
      expect(outputs.map((o) => o.id).sort()).toEqual(['batch-1:0', 'batch-1:1'])
    } finally {
      await run.stop()
    }
  })

  it('refuses to start workers when Redis holds a different contract for a queue, naming the stage', async () => {
    const pl = app.pipeline('contract', { input: numbers }, (_p, r) =>
      r.subscribeFunc(({ n }) => ({ m: n }), { name: 'one' }).subscribeFunc(({ m }) => ({ k: m }), { name: 'two', asWorker: true }),
    )
    const first = await runs.start([pl], { contracts: { 'bq_safe.contract.input': 'aaa', 'bq_safe.contract.two': 'bbb' } })
    await first.run.stop()
    const engine = engineByName('bullmq')
    const attempt = engine.startRun([pl], {
      settings: { url: runs.url, prefix: first.prefix },
      contracts: { 'bq_safe.contract.input': 'aaa', 'bq_safe.contract.two': 'ccc' },
    })
    await expect(attempt).rejects.toThrow(`bq_safe.contract.two: the running system registered bbb, this worker has ccc`)
    // The same contracts start fine; a producer-only client does not check them.
    const again = await engine.startRun([pl], {
      settings: { url: runs.url, prefix: first.prefix },
      contracts: { 'bq_safe.contract.two': 'bbb' },
    })
    await again.stop()
    const producerOnly = await engine.startRun([pl], {
      settings: { url: runs.url, prefix: first.prefix },
      workers: false,
      contracts: { 'bq_safe.contract.two': 'ccc' },
    })
    await producerOnly.stop()
    const client = new Redis(runs.url)
    try {
      expect(await client.hgetall(redisKeys.contracts(first.prefix, 'bq_safe'))).toEqual({
        'bq_safe.contract.input': 'aaa',
        'bq_safe.contract.two': 'bbb',
      })
    } finally {
      client.disconnect()
    }
  })

  it('says clearly that stats need an open run after stop()', async () => {
    const pl = app.pipeline('closed', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    const { run } = await runs.start([pl])
    await run.stop()
    await expect(run.stats()).rejects.toThrow('stats(): the run is stopped and its Redis connections are closed')
    await expect(run.push('bq_safe.closed', { n: 1 })).rejects.toThrow('the run is stopped: it takes no new records')
  })

  it('fails fast at start when Redis is unreachable, naming the masked URL', async () => {
    const engine = engineByName('bullmq')
    const app2 = new App('bq_down')
    const pl = app2.pipeline('p', { input: numbers }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'copy' }))
    await expect(engine.startRun([pl], { settings: { url: 'redis://user:hunter2@127.0.0.1:1' } })).rejects.toThrow(
      'cannot use Redis at redis://user:***@127.0.0.1:1: connection refused',
    )
  })
})
