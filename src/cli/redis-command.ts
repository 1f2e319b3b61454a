// Where the inspect and dlq commands start: the selected pipelines of the project found here, on a
// Redis engine that answers (one line naming the masked URL otherwise).
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { EngineName } from '../project/config.js'
import type { RedisSettings } from '../runtime/engines/redis-common/redis-connection.js'
import { commandProject } from './command-project.js'
import { type EngineAccess, openEngine, requireRedisEngine } from './engine-access.js'
import { selectPipelines } from './project-context.js'

export interface RedisCommandContext {
  readonly pipelines: readonly AnyPipeline[]
  readonly engine: EngineAccess
  readonly redis: RedisSettings
}

export async function openRedisCommand(
  selectors: readonly string[],
  engineFlag: EngineName | undefined,
  command: string,
): Promise<RedisCommandContext> {
  const project = await commandProject()
  const pipelines = selectPipelines(project, selectors)
  const engine = await openEngine(project, engineFlag)
  return { pipelines, engine, redis: requireRedisEngine(engine, command) }
}
