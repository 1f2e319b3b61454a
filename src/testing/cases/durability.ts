// At-least-once under SIGKILL, for engines that claim durability: real worker processes run the
// durable pipeline's stages while this process only produces; one worker is killed with SIGKILL
// mid-batch (after it delivered some records, while it holds more) and replaced. Every record
// must reach the sink file at least once, and none may be dead-lettered.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { type ChildWorker, readSinkFile, startChildWorker, stopChildWorker } from '../child-workers.js'
import { durable } from '../kit-app.js'
import { type KitCase, keyedRecords, waitFor } from './kit-case.js'

const RECORDS = 1_500
const KILLS = 2

export const durabilityCases: KitCase[] = [
  {
    title: `at-least-once: ${RECORDS} records, a worker process killed with SIGKILL mid-batch ${KILLS} times, none lost`,
    slug: 'sigkill',
    needs: 'durable',
    notClaimed: (engine) => `${engine} is not durable`,
    timeoutFactor: 3,
    run: async (c) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stairs-kit-'))
      c.defer(() => rmSync(dir, { recursive: true, force: true }))
      const sinkFile = path.join(dir, 'sink.txt')
      const module = c.workerModule
      const spawnWorker = () => startChildWorker({ engine: c.engine.name, module, settings: c.settings, sinkFile, sinkDelayMs: 1 })
      const workers: ChildWorker[] = []
      c.defer(async () => {
        for (const worker of workers) await stopChildWorker(worker)
      })
      const { run } = await c.start([durable], { workers: false })
      const stable = spawnWorker()
      let victim = spawnWorker()
      workers.push(stable, victim)
      await Promise.all([stable.ready, victim.ready])
      const inputs = keyedRecords(c, RECORDS)
      const fed = run.feed('kit.durable', inputs)
      let killedHolding = 0
      for (let kill = 0; kill < KILLS; kill++) {
        const target = victim
        // Killed once it has delivered some records, so it dies holding a batch.
        await waitFor(`worker ${target.pid} to deliver records`, () => (readSinkFile(sinkFile).byPid.get(target.pid) ?? 0) >= 30, 60_000)
        const before = readSinkFile(sinkFile).keys.size
        await stopChildWorker(target, 'SIGKILL')
        // Killed mid-run: records were still on their way.
        expect(before, 'records at the sink when the worker was killed').toBeLessThan(RECORDS)
        killedHolding++
        victim = spawnWorker()
        workers.push(victim)
        await victim.ready
      }
      expect(await fed).toBe(RECORDS)
      await run.drain()
      await waitFor('every record to reach the sink', () => readSinkFile(sinkFile).keys.size >= RECORDS, 60_000)
      const sink = readSinkFile(sinkFile)
      const missing = inputs.filter((r) => !sink.keys.has(r.key)).map((r) => r.key)
      expect(missing).toEqual([])
      console.log(
        `[kit ${c.engine.name}] ${RECORDS} records, ${KILLS} SIGKILLs: ${sink.keys.size} reached the sink, ${sink.total - sink.keys.size} delivered twice or more`,
      )
      expect(killedHolding).toBe(KILLS)
      expect(await run.deadLetters()).toEqual([])
    },
  },
]
