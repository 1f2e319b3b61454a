// The DSL's semantics cases (test/cases/dsl-cases.ts) on the memory engine, each with and without
// worker boundaries, and where the planner puts stage boundaries.
import { describe, expect, it } from 'vitest'
import { planPipeline, startRun } from '../src/runtime/index.js'
import { dslCases } from './cases/dsl-cases.js'
import { canonicalRecords, runCase } from './cases/engine-case.js'

describe('DSL semantics on the memory engine', () => {
  it('has both variants of every case, with unique names and apps', () => {
    const names = dslCases.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(dslCases.map((c) => c.pipeline.app)).size).toBe(dslCases.length)
    expect(names.filter((n) => n.endsWith('[asWorker]'))).toHaveLength(names.filter((n) => n.endsWith('[no boundary]')).length)
  })

  it.each(dslCases.map((c) => [c.name, c] as const))('%s', async (_name, engineCase) => {
    const { outputs, stats, deadLetters } = await runCase(engineCase, (pipelines, options) => startRun('memory', pipelines, options))
    expect(deadLetters).toEqual([])
    expect(canonicalRecords(outputs)).toEqual(canonicalRecords(engineCase.expected))
    if (engineCase.counters) expect(stats.counters).toMatchObject(engineCase.counters)
    if (engineCase.consumerSeen)
      expect(canonicalRecords(engineCase.consumerSeen())).toEqual(canonicalRecords(engineCase.expectedSeen ?? []))
  })

  it('puts a stage boundary at every asWorker node of the worker variants', () => {
    for (const engineCase of dslCases) {
      const graph = engineCase.pipeline.graph()
      const workers = graph.nodes.filter((n) => (n.kind === 'func' || n.kind === 'consumer') && n.boundary)
      const effects = graph.nodes.filter((n) => n.kind === 'func' || n.kind === 'consumer')
      const worker = engineCase.name.endsWith('[asWorker]')
      expect(workers.length, engineCase.name).toBe(worker ? effects.length : 0)
      // Sub-pipeline calls (hop and join) are stage boundaries in both variants. A boundary right
      // after the input shares the input stage, hence the `- 1`.
      const hops = graph.nodes.filter((n) => n.kind === 'hop' || n.kind === 'join').length
      const stages = planPipeline(graph).stages.length
      if (worker) expect(stages, engineCase.name).toBeGreaterThanOrEqual(Math.max(1, effects.length + hops - 1))
      else if (hops === 0) expect(stages, engineCase.name).toBe(1)
    }
  })
})
