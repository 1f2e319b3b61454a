// The engines a cross-engine test runs: memory, redis and bullmq, all three always (an engine that
// fails to load fails the test, never skips it). Each Redis engine gets its own key prefix, deleted by `cleanup`.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EngineName } from '../../src/project/config.js'
import { loadEngine, startRun } from '../../src/runtime/index.js'
import type { EngineCase, StartEngineRun } from '../cases/engine-case.js'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface TestEngine {
  readonly name: EngineName
  readonly start: StartEngineRun
  cleanup(): Promise<void>
}

/** The Redis engines, for tests that run real worker processes on each. */
export const REDIS_ENGINES = ['redis', 'bullmq'] as const

/** Memory, redis and bullmq, ready to start runs. */
export async function availableEngines(tag: string): Promise<TestEngine[]> {
  const engines: TestEngine[] = [
    { name: 'memory', start: (pipelines, options) => startRun('memory', pipelines, options), cleanup: async () => {} },
  ]
  const url = await redisUrl()
  for (const name of REDIS_ENGINES) {
    await loadEngine(name)
    const prefix = uniquePrefix(`${tag}-${name}`)
    engines.push({
      name,
      start: (pipelines, options) =>
        startRun(name, pipelines, {
          ...options,
          redis: { url, prefix },
          streams: { blockMs: 10, reclaimIdleMs: 5_000 },
          bullmq: { stalledIntervalMs: 5_000 },
        }),
      cleanup: () => deletePrefix(url, prefix),
    })
  }
  return engines
}

/** Every case exported by `test/cases/*-cases.ts` (the DSL, Flow, ... semantics as data). */
export async function allEngineCases(): Promise<EngineCase[]> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cases')
  const cases: EngineCase[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('-cases.ts'))
    .sort()) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, unknown>
    for (const value of Object.values(module)) if (Array.isArray(value) && value.every(isEngineCase)) cases.push(...value)
  }
  return cases
}

function isEngineCase(value: unknown): value is EngineCase {
  return typeof value === 'object' && value !== null && 'pipeline' in value && 'inputs' in value && 'expected' in value
}
