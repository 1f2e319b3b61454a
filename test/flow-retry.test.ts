// Acceptance 6 of issue 3: a flow that throws in its third step is retried as a whole stage by the
// engine (its first steps run again), and after the last attempt it is dead-lettered with the step
// name in the error. Runs on memory and on the Redis engines that exist (real Redis).
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Flow } from '../src/index.js'
import { runCase } from '../src/testing/index.js'
import { availableEngines } from './support/engines.js'

const engines = await availableEngines('flow-retry')

afterAll(async () => {
  for (const engine of engines) await engine.cleanup()
})

/** Calls per step, per record id: kept outside the flow (a flow instance holds no per-record state). */
const calls = new Map<string, number>()
const count = (step: string, id: number): void => {
  calls.set(`${step}:${id}`, (calls.get(`${step}:${id}`) ?? 0) + 1)
}

class ThreeSteps extends Flow<{ id: number; failUntil: number }> {
  first = this.step(
    ({ id }: { id: number }) => {
      count('first', id)
      return { a: id }
    },
    { next: ['second'] },
  )
  second = this.step(
    ({ id, a }: { id: number; a: number }) => {
      count('second', id)
      return { b: a + 1 }
    },
    { next: ['third'] },
  )
  third = this.step(({ id, b, failUntil }: { id: number; b: number; failUntil: number }) => {
    count('third', id)
    if ((calls.get(`third:${id}`) ?? 0) <= failUntil) throw new Error(`third step is broken for ${id}`)
    return { c: b * 2 }
  })
}

const input = z.object({ id: z.number(), failUntil: z.number() })

describe.each(engines.map((e) => [e.name, e] as const))('a flow failing in its third step on %s', (engineName, engine) => {
  it('is retried as a whole stage, then dead-lettered naming the step', async () => {
    calls.clear()
    const app = new App(`flow_retry_${engineName}`)
    const pipeline = app.pipeline('three', { input }, (_p, r) =>
      r.addValue({ before: true }).subscribeFlow(new ThreeSteps(), { asWorker: true, retry: { attempts: 3, backoffMs: 5 } }),
    )
    const { outputs, stats, deadLetters } = await runCase(
      {
        name: 'retry',
        pipeline,
        inputs: [
          { id: 1, failUntil: 99 },
          { id: 2, failUntil: 1 },
        ],
        expected: [],
      },
      engine.start,
    )
    // Record 2 fails once, then succeeds on the retry: the whole stage ran again from its first step.
    expect(outputs).toEqual([{ id: 2, failUntil: 1, before: true, a: 2, b: 3, c: 6 }])
    expect([calls.get('first:2'), calls.get('second:2'), calls.get('third:2')]).toEqual([2, 2, 2])
    // Record 1 always fails: three attempts of the whole stage, then the dead-letter list.
    expect([calls.get('first:1'), calls.get('second:1'), calls.get('third:1')]).toEqual([3, 3, 3])
    expect(deadLetters).toHaveLength(1)
    const [dead] = deadLetters
    expect(dead?.attempts).toBe(3)
    expect(dead?.pipeline).toBe('three')
    expect(dead?.error.message).toContain("step 'third' of flow 'ThreeSteps' failed: third step is broken for 1")
    expect(dead?.error.message).toContain("pipeline 'three'")
    expect(stats.counters).toMatchObject({ in: 2, out: 1, deadLettered: 1 })
  })
})
