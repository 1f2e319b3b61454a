// `stairs.config.ts`: which modules hold the project's apps, the engine, its settings and the
// concurrency. Each engine's settings sit under its name (`redis: { url }`); they are checked by
// that engine's own schema when the project loads, so a misspelled setting fails before any
// connection opens.
import { z } from 'zod'
import type { BullmqSettings } from '../runtime/engines/bullmq/bullmq-settings.js'
import type { RedisStreamsSettings } from '../runtime/engines/redis-streams/settings.js'

/** The config's own keys; every other key is an engine's settings section. */
export const CONFIG_KEYS = ['apps', 'engine', 'concurrency', 'generated'] as const

const coreConfigSchema = z.object({
  /** Modules (relative to the config file) whose exports include App instances. */
  apps: z.array(z.string().min(1)).min(1, 'list at least one app module'),
  /** The engine's name: a built-in one (memory, redis, bullmq) or one registered with registerEngine. */
  engine: z.string().min(1).default('memory'),
  /** Workers per stage. */
  concurrency: z.number().int().positive().default(1),
  /** Where `stairs codegen` writes (relative to the config file). */
  generated: z.string().default('generated'),
})

/** Settings sections of the built-in engines (any other registered engine's section is allowed too). */
interface EngineSections {
  /** The redis engine's settings; the bullmq engine reads its connection settings (url, prefix, tls) here too. */
  redis?: Partial<RedisStreamsSettings>
  /** The bullmq engine's settings (its connection may come from `redis`). */
  bullmq?: Partial<BullmqSettings>
  memory?: Record<string, never>
  /** The settings of an engine registered with registerEngine, under its name. */
  [engine: string]: unknown
}

export type ProjectConfigInput = z.input<typeof coreConfigSchema> & EngineSections
export type ProjectConfig = z.output<typeof coreConfigSchema> & { readonly [section: string]: unknown }

/** Parses the config's own keys and keeps every other key: an engine section, checked by checkEngineSections. */
export const projectConfigSchema: z.ZodType<ProjectConfig, unknown> = coreConfigSchema.catchall(z.unknown()) as unknown as z.ZodType<
  ProjectConfig,
  unknown
>

/** Typed helper for `stairs.config.ts`: `export default defineConfig({ apps: ['src/app.ts'] })`. */
export const defineConfig = (config: ProjectConfigInput): ProjectConfigInput => config
