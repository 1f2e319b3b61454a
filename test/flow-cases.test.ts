// The Flow cases of test/cases/flow-cases.ts on the memory engine (engine-parity.test.ts runs them
// on the Redis engines too).
import { describe, expect, it } from 'vitest'
import { startRun } from '../src/runtime/index.js'
import { canonicalRecords, runCase } from '../src/testing/index.js'
import { flowCases } from './cases/flow-cases.js'

describe('Flow semantics cases on the memory engine', () => {
  it('has both variants of every case, with unique names and apps', () => {
    const names = flowCases.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(flowCases.map((c) => c.pipeline.app)).size).toBe(flowCases.length)
    expect(names.filter((n) => n.endsWith('[asWorker]'))).toHaveLength(names.length / 2)
  })

  it.each(flowCases.map((c) => [c.name, c] as const))('%s', async (_name, engineCase) => {
    const { outputs, stats, deadLetters } = await runCase(engineCase, (pipelines, options) => startRun('memory', pipelines, options))
    expect(deadLetters).toEqual([])
    expect(canonicalRecords(outputs)).toEqual(canonicalRecords(engineCase.expected))
    if (engineCase.counters) expect(stats.counters).toMatchObject(engineCase.counters)
  })
})
