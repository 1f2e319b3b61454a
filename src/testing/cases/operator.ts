// The operator's side of a running system: the stage workers alive, as `stairs inspect:workers`
// and the admin page list them.
import { hostname } from 'node:os'
import { expect } from 'vitest'
import { planPipeline } from '../../plan/planner.js'
import type { WorkerInfo } from '../../runtime/engine-types.js'
import { threeStages } from '../kit-app.js'
import { type KitCase, keyedRecords, waitFor } from './kit-case.js'

export const operatorCases: KitCase[] = [
  {
    title: 'workers alive: each stage of a running pipeline lists its worker, with host and pid',
    slug: 'workers',
    needs: 'workers',
    notClaimed: (engine) => `${engine} runs its workers inside the run that started them`,
    run: async (c) => {
      const { run } = await c.start([threeStages])
      // Workers that have done some work: an engine may see a worker only once it took records.
      await run.feed('kit.three_stages', keyedRecords(c, 10))
      await run.drain()
      const admin = await c.admin(run)
      expect(admin?.workers, `${c.engine.name}'s admin has no workers()`).toBeTypeOf('function')
      const stages = planPipeline(threeStages.graph()).stages.map((s) => s.id)
      let listed: WorkerInfo[] = []
      await waitFor(
        () => `a worker on every stage (${stages.join(', ')}); listed: ${JSON.stringify(listed)}`,
        async () => {
          listed = (await admin?.workers?.([threeStages])) ?? []
          return stages.every((stage) => listed.some((w) => w.stage === stage))
        },
        30_000,
      )
      for (const worker of listed) {
        expect(worker).toMatchObject({ app: 'kit', pipeline: 'three_stages' })
        expect(stages).toContain(worker.stage)
        // pid 0: the engine cannot tell a worker's process (bullmq knows a connection only, by its address).
        if (worker.pid === 0) expect(worker.host).not.toBe('')
        else expect(worker).toMatchObject({ host: hostname(), pid: process.pid })
        expect(Date.now() - Date.parse(worker.lastSeen)).toBeLessThan(60_000)
      }
    },
  },
]
