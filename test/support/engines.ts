// The engines a cross-engine test runs: memory, redis and bullmq, all three always (an engine that
// fails to load fails the test, never skips it). Each Redis engine gets its own key prefix, deleted by `cleanup`.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { AnyPipeline } from '../../src/index.js'
import { connectAdmin, type EngineAdmin, type StartRunOptions, startRun } from '../../src/runtime/index.js'
import type { EngineCase, StartEngineRun } from '../../src/testing/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface TestEngine {
  readonly name: string
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
    const prefix = uniquePrefix(`${tag}-${name}`)
    engines.push({
      name,
      start: (pipelines, options) => startRun(name, pipelines, { ...options, settings: settingsFor(name, url, prefix, FAST_TUNING) }),
      cleanup: () => deletePrefix(url, prefix),
    })
  }
  return engines
}

/** Per-engine settings beyond the connection (each engine's schema takes only its own). */
export interface EngineTuning {
  readonly redis?: Record<string, unknown>
  readonly bullmq?: Record<string, unknown>
}

/** Short timings for tests that never kill a worker. */
export const FAST_TUNING: EngineTuning = { redis: { blockMs: 10, reclaimIdleMs: 5_000 }, bullmq: { stalledIntervalMs: 5_000 } }

/** A Redis engine's settings: the connection, and the tuning meant for that engine. */
export const settingsFor = (engine: string, url: string, prefix: string, tuning: EngineTuning = {}): Record<string, unknown> => ({
  url,
  prefix,
  ...(tuning as Record<string, Record<string, unknown> | undefined>)[engine],
})

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

/**
 * One engine driven by name the way the engine tests use it: runs started with settings, and
 * each admin call on a short-lived admin connection (as the CLI's commands make them).
 */
export function engineByName(name: string) {
  const admin = async <T>(settings: object, use: (admin: EngineAdmin) => Promise<T> | undefined): Promise<T | undefined> => {
    const connected = await connectAdmin(name, settings)
    try {
      return await use(connected)
    } finally {
      await connected.close()
    }
  }
  return {
    startRun: (pipelines: readonly AnyPipeline[], options: StartRunOptions = {}) => startRun(name, pipelines, options),
    queueStatus: (pipelines: readonly AnyPipeline[], settings: object) => admin(settings, (a) => a.queueStatus?.(pipelines)),
    listDeadLetters: (pipelines: readonly AnyPipeline[], settings: object, limit?: number) =>
      admin(settings, (a) => a.listDeadLetters?.(pipelines, limit)),
    replayDeadLetters: (pipelines: readonly AnyPipeline[], settings: object, ids?: readonly string[]) =>
      admin(settings, (a) => a.replayDeadLetters?.(pipelines, ids)),
    resetContracts: (settings: object, app: string, queues?: readonly string[]) =>
      admin(settings, async (a) => a.contracts?.reset(app, queues)),
  }
}
