// What the commands that serve the admin page share, without loading the server.
import { z } from 'zod'
import { DEFAULT_ADMIN_PORT } from '../admin/defaults.js'

/** The token from --token, else STAIRS_ADMIN_TOKEN. */
export const adminToken = (flag: string | undefined): string | undefined => flag ?? (process.env.STAIRS_ADMIN_TOKEN || undefined)

/** A port number (0 picks a free one). */
export const portSchema = z.coerce.number({ error: 'port must be a number' }).int('port must be a whole number').min(0).max(65_535)

/** `--admin [port]`: true when given without a port. */
export const adminFlagSchema = z
  .union([z.literal(true), z.string()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined
    if (value === true) return DEFAULT_ADMIN_PORT
    const port = portSchema.safeParse(value)
    if (!port.success) {
      ctx.addIssue({ code: 'custom', message: `--admin ${value}: the port must be a number from 0 to 65535` })
      return z.NEVER
    }
    return port.data
  })

/** Resolves on SIGINT or SIGTERM (or when `signal` aborts). */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    if (signal?.aborted) return resolve()
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
    signal?.addEventListener('abort', done)
  })
}
