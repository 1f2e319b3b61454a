// A semantics case as data: a pipeline, its inputs and what must come out. Any engine runs the
// same case through the public port, so a behaviour that differs between engines shows up; the
// cross-engine parity test and users' own engine tests run cases this way.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { DeadLetter, PipelineCounters, PipelineRun, PipelineStats, RunOptions } from '../runtime/engine-types.js'

export interface EngineCase {
  /** Unique across all cases; says the semantics point and the variant (`[no boundary]`, `[asWorker]`). */
  name: string
  /** Built in its own App (named after the case), so queue and key names never clash between cases. */
  pipeline: AnyPipeline
  inputs: unknown[]
  /** The records that reach the end; compared order-insensitively (see `canonicalRecords`). */
  expected: unknown[]
  counters?: Partial<PipelineCounters>
  /** For consumer cases: what the consumer saw since the last call (the call forgets it). */
  consumerSeen?: () => unknown[]
  /** What the consumer must have seen (compared order-insensitively). */
  expectedSeen?: unknown[]
}

/** Starts a run of `pipelines` on some engine with these options (the caller adds engine settings). */
export type StartEngineRun = (pipelines: readonly AnyPipeline[], options: RunOptions) => Promise<PipelineRun>

export interface CaseResult {
  outputs: object[]
  stats: PipelineStats
  deadLetters: DeadLetter[]
}

/**
 * Runs one case on the engine `start` starts: feeds its inputs, waits until every record is done,
 * stops the run and returns what came out, the pipeline's stats and its dead letters.
 *
 * @example const { outputs } = await runCase(myCase, (pipelines, options) => startRun('redis', pipelines, { ...options, settings }))
 */
export async function runCase(engineCase: EngineCase, start: StartEngineRun, options: RunOptions = {}): Promise<CaseResult> {
  const outputs: object[] = []
  const run = await start([engineCase.pipeline], { ...options, onOutput: (_pipeline, record) => outputs.push(record) })
  try {
    await run.feed(`${engineCase.pipeline.app}.${engineCase.pipeline.name}`, engineCase.inputs)
    await run.drain()
    const stats = (await run.stats()).find((s) => s.pipeline === engineCase.pipeline.name)
    if (!stats) throw new Error(`case '${engineCase.name}': the run has no stats for pipeline '${engineCase.pipeline.name}'`)
    return { outputs, stats, deadLetters: await run.deadLetters() }
  } finally {
    await run.stop()
  }
}

/** JSON with object keys sorted at every depth: equal records give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** Records as sorted canonical JSON: compares outputs whatever order fan-out, branches or workers gave them. */
export function canonicalRecords(records: readonly unknown[]): string[] {
  return records.map(canonicalJson).sort()
}
