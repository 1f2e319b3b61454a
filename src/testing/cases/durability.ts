// At-least-once under SIGKILL, for engines that claim durability: real worker processes run the
// durable pipeline's stages while this process only produces; the worker is killed with SIGKILL
// mid-batch (after it delivered some records, while the sink holds it on one it took) and
// replaced, twice, then two workers finish. Every record must reach the sink file at least once,
// and none may be dead-lettered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { type ChildWorker, readSinkFile, startChildWorker, stopChildWorker } from '../child-workers.js'
import { durable } from '../kit-app.js'
import { type KitCase, keyedRecords, waitFor } from './kit-case.js'

const RECORDS = 1_000
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
      const spawnWorker = () => startChildWorker({ engine: c.engine.name, module, settings: c.settings, sinkFile, sinkDelayMs: 2 })
      const workers: ChildWorker[] = []
      c.defer(async () => {
        for (const worker of workers) await stopChildWorker(worker)
      })
      const { run } = await c.start([durable], { workers: false })
      // One worker at a time while the kills happen, so each victim surely holds records; two at the end.
      let victim = spawnWorker()
      workers.push(victim)
      await victim.ready
      const inputs = keyedRecords(c, RECORDS)
      const fed = run.feed('kit.durable', inputs)
      let killedHolding = 0
      for (let kill = 0; kill < KILLS; kill++) {
        const target = victim
        // Once it has delivered some records, the sink holds the worker on its current record:
        // it is killed in the middle of a batch it took and did not acknowledge.
        await waitFor(
          () =>
            `worker ${target.pid} to deliver records (kill ${kill + 1}; deliveries by pid: ${JSON.stringify([...readSinkFile(sinkFile).byPid])})`,
          () => (readSinkFile(sinkFile).byPid.get(target.pid) ?? 0) >= 20,
          60_000,
        )
        writeFileSync(`${sinkFile}.hold`, '')
        await waitFor(`worker ${target.pid} to hold a record`, () => target.output().includes('held'), 60_000)
        const before = readSinkFile(sinkFile).keys.size
        await stopChildWorker(target, 'SIGKILL')
        rmSync(`${sinkFile}.hold`)
        expect(before, 'records at the sink when the worker was killed').toBeLessThan(RECORDS)
        killedHolding++
        victim = spawnWorker()
        workers.push(victim)
        await victim.ready
      }
      const second = spawnWorker()
      workers.push(second)
      await second.ready
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
