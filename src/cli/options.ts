// Command options arrive from commander as strings; a zod schema per command turns them into
// typed values, and a failure becomes one usage line naming the option.
import type { z } from 'zod'
import { usageError } from './errors.js'

const flag = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** Parses raw commander options with `schema`; throws a usage error naming the first bad option. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const key = issue?.path[0]
  const where = typeof key === 'string' ? `option ${flag(key)}` : 'options'
  throw usageError(`${where}: ${issue?.message ?? parsed.error.message}`)
}
