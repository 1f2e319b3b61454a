// `stairs.config.ts`: which modules hold the project's apps, the engine, Redis, concurrency.
import { z } from 'zod'

export const ENGINES = ['memory', 'bullmq', 'redis'] as const
export type EngineName = (typeof ENGINES)[number]

export const projectConfigSchema = z
  .object({
    /** Modules (relative to the config file) whose exports include App instances. */
    apps: z.array(z.string().min(1)).min(1, 'list at least one app module'),
    engine: z.enum(ENGINES).default('memory'),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .default('redis://127.0.0.1:6379'),
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
          .default('stairs'),
      })
      .prefault({}),
    /** Workers per stage. */
    concurrency: z.number().int().positive().default(1),
    /** Where `stairs codegen` writes (relative to the config file). */
    generated: z.string().default('generated'),
  })
  .strict()

export type ProjectConfigInput = z.input<typeof projectConfigSchema>
export type ProjectConfig = z.output<typeof projectConfigSchema>

/** Typed helper for `stairs.config.ts`: `export default defineConfig({ apps: ['src/app.ts'] })`. */
export const defineConfig = (config: ProjectConfigInput): ProjectConfigInput => config
