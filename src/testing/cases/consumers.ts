// Consumers with queues of their own: a standalone consumer reads its queue after the pipeline
// ran (acknowledging each record once it returned), an iterator consumer yields every record and
// ends when its queue is empty, and a stopped iteration leaves what it did not take.
import { expect } from 'vitest'
import { consumeIter, runStandaloneConsumer } from '../../runtime/consumers/consume.js'
import { audited, auditLog, examples, iterated, standaloneSeen } from '../kit-app.js'
import { type KitCase, keyedRecords } from './kit-case.js'

export const consumerCases: KitCase[] = [
  {
    title: 'standalone consumer: records wait in its own queue until it runs, each handled once',
    slug: 'standalone',
    run: async (c) => {
      const { run } = await c.start([audited])
      const inputs = keyedRecords(c, 25)
      await run.feed('kit.audited', inputs)
      await run.drain()
      standaloneSeen.length = 0
      const source = c.consumerSource(run)
      expect(await runStandaloneConsumer(auditLog, source, { stopWhenEmpty: true, batchSize: 10 })).toBe(25)
      expect([...standaloneSeen].sort()).toEqual(inputs.map((r) => `${r.key}:${r.n + 1}`).sort())
      // Acknowledged: a second run of the consumer finds nothing.
      expect(await runStandaloneConsumer(auditLog, source, { stopWhenEmpty: true })).toBe(0)
      const admin = await c.admin(run)
      if (admin?.consumerQueueStatus)
        expect(await admin.consumerQueueStatus([auditLog])).toMatchObject([{ queue: 'kit.audit_log', waiting: 0, inFlight: 0 }])
    },
  },
  {
    title: 'iterator consumer: yields every record, keeps what a stopped iteration did not take, ends when empty',
    slug: 'iter',
    run: async (c) => {
      const { run } = await c.start([iterated])
      const inputs = keyedRecords(c, 30)
      await run.feed('kit.iterated', inputs)
      await run.drain()
      const source = c.consumerSource(run)
      const seen: string[] = []
      for await (const value of consumeIter(examples, source, { batchSize: 4 })) {
        seen.push(value)
        if (seen.length === 7) break
      }
      for await (const value of consumeIter(examples, source, { stopWhenEmpty: true, batchSize: 8 })) seen.push(value)
      expect(seen.sort()).toEqual(inputs.map((r) => `${r.key}:${r.n * 3}`).sort())
    },
  },
]
