// The engine a command talks to: the flag or the config, Redis checked up front so that an
// unreachable server is one line naming the (masked) URL before any work starts.
import type { EngineName } from '../project/config.js'
import { ENGINES } from '../project/config.js'
import { type EngineModule, loadEngine } from '../runtime/engine-registry.js'
import { connectRedis, type RedisSettings } from '../runtime/engines/redis-common/redis-connection.js'
import { CliError } from './errors.js'
import { type CliProject, engineOf, redisSettingsOf } from './project-context.js'

export interface EngineAccess {
  readonly name: EngineName
  readonly module: EngineModule
  /** Undefined on the memory engine. */
  readonly redis: RedisSettings | undefined
}

/** The `--engine` option of every command that runs or inspects pipelines. */
export const ENGINE_FLAG = ['--engine <engine>', `the engine: ${ENGINES.join(', ')} (default: stairs.config.ts)`] as const

export async function openEngine(project: CliProject, flag: EngineName | undefined): Promise<EngineAccess> {
  const name = engineOf(project, flag)
  if (name === 'memory') return { name, module: await loadEngine(name), redis: undefined }
  const redis = redisSettingsOf(project)
  await assertRedisReachable(redis)
  return { name, module: await loadEngine(name), redis }
}

/** Connects once and closes: throws RedisConnectionError ("cannot use Redis at redis://u:***@h:p: ..."). */
export async function assertRedisReachable(settings: RedisSettings): Promise<void> {
  const client = await connectRedis(settings, 'producer')
  await client.quit()
}

/** For commands that only make sense where queues outlive a process (inspect, dlq, workers). */
export function requireRedisEngine(access: EngineAccess, command: string): RedisSettings {
  if (access.redis) return access.redis
  throw new CliError(`${command} reads queues kept in Redis, but this project runs on the memory engine`, {
    hint: "set engine: 'redis' (or 'bullmq') in stairs.config.ts, or pass --engine redis",
  })
}

/** An optional engine-module function, or a clear error naming the engine that lacks it. */
export function engineFunction<K extends keyof EngineModule>(access: EngineAccess, key: K, command: string): NonNullable<EngineModule[K]> {
  const fn = access.module[key]
  if (!fn) throw new CliError(`${command}: the ${access.name} engine does not support this (no ${String(key)})`)
  return fn as NonNullable<EngineModule[K]>
}
