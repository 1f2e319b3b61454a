// Acceptance 1 of issue 5: every semantics case of the DSL and Flow issues gives the same results
// on every engine: the same multiset of outputs, the same counters, what consumers saw, no dead
// letters. Cases run through stairs/testing's runCase (the kit's case runner on the public port);
// the per-engine guarantees are the conformance suites' (test/conformance-*.test.ts), and this
// file keeps the cross-engine comparison of outputs.
import { afterAll, describe, expect, it } from 'vitest'
import { canonicalRecords, runCase } from '../src/testing/index.js'
import { allEngineCases, availableEngines } from './support/engines.js'

const engines = await availableEngines('parity')
const cases = await allEngineCases()

afterAll(async () => {
  for (const engine of engines) await engine.cleanup()
})

describe('engine parity', () => {
  it('runs on memory and the Redis engines that exist', () => {
    expect(engines.map((e) => e.name)).toEqual(expect.arrayContaining(['memory', 'redis']))
    expect(cases.length).toBeGreaterThan(20)
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, engineCase) => {
    const seen: Record<string, string[]> = {}
    const outputs: Record<string, string[]> = {}
    for (const engine of engines) {
      engineCase.consumerSeen?.() // forget what an earlier run left
      const result = await runCase(engineCase, engine.start)
      const where = `${engineCase.name} on ${engine.name}`
      expect(result.deadLetters, where).toEqual([])
      outputs[engine.name] = canonicalRecords(result.outputs)
      expect(outputs[engine.name], where).toEqual(canonicalRecords(engineCase.expected))
      if (engineCase.counters) expect(result.stats.counters, where).toMatchObject(engineCase.counters)
      if (engineCase.consumerSeen) seen[engine.name] = canonicalRecords(engineCase.consumerSeen())
    }
    for (const engine of engines) {
      expect(outputs[engine.name], `${engine.name} vs memory`).toEqual(outputs.memory)
      if (engineCase.consumerSeen) expect(seen[engine.name], `consumer on ${engine.name} vs memory`).toEqual(seen.memory)
    }
  })
})
