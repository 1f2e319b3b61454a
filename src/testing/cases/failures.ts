// Failures every engine handles alike: retries with backoff, a poison record dead-lettered with
// its stage, attempts and error while the rest go on, the one size limit, and the contract check
// that refuses a worker built from other code.
import { expect } from 'vitest'
import { planPipeline } from '../../plan/planner.js'
import { attemptsSeen, flaky, growing, poison, threeStages } from '../kit-app.js'
import { type KitCase, keyedRecords } from './kit-case.js'

export const failureCases: KitCase[] = [
  {
    title: 'retries: a step that fails twice succeeds on its third attempt, counted as failed and retried',
    slug: 'retry',
    run: async (c) => {
      const { run, outputs } = await c.start([flaky])
      const inputs = keyedRecords(c, 5)
      await run.feed('kit.flaky', inputs)
      await run.drain()
      expect(outputs.map((o) => o.record.attempt)).toEqual([3, 3, 3, 3, 3])
      for (const input of inputs) expect(attemptsSeen.get(input.key), input.key).toBe(3)
      expect(await run.deadLetters()).toEqual([])
      const stats = (await run.stats()).find((s) => s.pipeline === 'flaky')
      expect(stats?.counters).toMatchObject({ in: 5, out: 5, deadLettered: 0 })
      const stage = stats?.stages.find((s) => s.counters.failed > 0)
      expect(stage?.counters).toMatchObject({ failed: 10, retried: 10, deadLettered: 0 })
    },
  },
  {
    title: 'poison record: dead-lettered with its stage, attempts and error; the other records go on',
    slug: 'poison',
    run: async (c) => {
      const { run, outputs } = await c.start([poison])
      const inputs = keyedRecords(c, 20)
      await run.feed('kit.poison', inputs)
      await run.drain()
      expect(outputs).toHaveLength(19)
      const bad = inputs[13]?.key as string
      expect(attemptsSeen.get(bad)).toBe(3)
      const letters = await run.deadLetters()
      expect(letters).toHaveLength(1)
      const stage = planPipeline(poison.graph()).stages[1]?.id
      expect(letters[0]).toMatchObject({ app: 'kit', pipeline: 'poison', stage, attempts: 3 })
      expect(letters[0]?.error.message).toContain(`thirteen is unlucky (${bad})`)
      expect(JSON.stringify(letters[0]?.payload)).toContain(bad)
      const stats = (await run.stats()).find((s) => s.pipeline === 'poison')
      expect(stats?.counters).toMatchObject({ in: 20, out: 19, deadLettered: 1 })
      expect(stats?.stages.find((s) => s.stage === stage)?.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1 })
      const admin = await c.admin(run)
      if (admin?.listDeadLetters) {
        const listed = await admin.listDeadLetters([poison])
        expect(listed.map((l) => [l.stage, l.attempts, l.error.message])).toEqual([[stage, 3, letters[0]?.error.message]])
      }
    },
  },
  {
    title: 'size limit: a record over maxRecordBytes is refused at push; one a step grows is dead-lettered',
    slug: 'size',
    run: async (c) => {
      const { run, outputs } = await c.start([growing], { maxRecordBytes: 4096 })
      const key = (n: number) => `${c.testId}-${n}`
      await expect(run.push('kit.growing', { key: key(0), pad: 'x'.repeat(5000), grow: 0 })).rejects.toMatchObject({
        code: 'RECORD_TOO_LARGE',
      })
      await run.push('kit.growing', { key: key(1), pad: 'x', grow: 10 })
      await run.push('kit.growing', { key: key(2), pad: 'x', grow: 6000 })
      await run.drain()
      expect(outputs.map((o) => o.record.key)).toEqual([key(1)])
      const letters = await run.deadLetters()
      expect(letters).toHaveLength(1)
      expect(letters[0]?.error).toMatchObject({ name: 'RecordTooLargeError' })
      expect(letters[0]?.error.message).toMatch(/over the limit of 4096 bytes/)
      // Never retried: a record does not shrink by trying again.
      expect(letters[0]?.attempts).toBe(1)
    },
  },
  {
    title: 'contract mismatch: a worker whose contract hash differs from the registered one is refused',
    slug: 'contract',
    needs: 'contracts',
    notClaimed: (engine) => `${engine} runs every stage in one process, no running system to disagree with`,
    run: async (c) => {
      const stage = planPipeline(threeStages.graph()).stages[1]?.id
      const queue = `kit.three_stages.${stage}`
      const first = await c.start([threeStages], { contracts: { [queue]: 'contract-a' } })
      await first.run.stop()
      await expect(c.start([threeStages], { contracts: { [queue]: 'contract-b' } })).rejects.toMatchObject({
        code: 'CONTRACT_MISMATCH',
        message: expect.stringContaining(`'${queue}'`),
      })
      // The same hash again is welcome, and the registration is visible to the operator.
      const again = await c.start([threeStages], { contracts: { [queue]: 'contract-a' } })
      await again.run.stop()
      const admin = await c.admin(again.run)
      if (admin?.contracts) expect(await admin.contracts.list('kit')).toMatchObject({ [queue]: 'contract-a' })
    },
  },
]
