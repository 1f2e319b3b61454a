import type { AnyPipeline, PipelineInput, PipelineOutput } from '../dsl/pipeline-types.js'
import type { DeadLetter, PipelineRun, PipelineStats, RunOptions } from './engine-types.js'
import { MemoryRun } from './engines/memory/memory-run.js'

export interface RunResult<Out> {
  readonly outputs: Out[]
  readonly stats: PipelineStats
  readonly deadLetters: DeadLetter[]
}

/** Starts the given pipelines on the embedded memory engine. */
export function startMemoryRun(pipelines: readonly AnyPipeline[], options?: RunOptions): PipelineRun {
  return new MemoryRun(pipelines, options)
}

/**
 * Runs one pipeline over `inputs` on the memory engine and returns what reached its end, its
 * counters and its dead letters.
 *
 * @example const { outputs } = await runPipeline(clean, [{ text: 'hello world' }])
 */
export async function runPipeline<P extends AnyPipeline>(
  pipeline: P,
  inputs: Iterable<PipelineInput<P>> | AsyncIterable<PipelineInput<P>>,
  options: Omit<RunOptions, 'onOutput'> = {},
): Promise<RunResult<PipelineOutput<P>>> {
  const outputs: PipelineOutput<P>[] = []
  const run = startMemoryRun([pipeline], { ...options, onOutput: (_, record) => outputs.push(record as PipelineOutput<P>) })
  try {
    await run.feed(`${pipeline.app}.${pipeline.name}`, inputs)
    await run.drain()
  } finally {
    await run.stop()
  }
  return { outputs, stats: (await run.stats())[0] as PipelineStats, deadLetters: await run.deadLetters() }
}
