// What every example test needs: an output folder of its own, and Redis flags with a fresh key
// prefix per run; both are removed after the file's tests.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js'

export interface ExampleWorkspace {
  /** A folder for this run's outputs (`name` is a subfolder). */
  out(name: string): string
  /** The Redis engines' flags (`redis-url`, `prefix`) with a prefix no other test uses, for an example's options. */
  redisFlags(tag: string): Promise<Record<string, string>>
}

export function exampleWorkspace(example: string): ExampleWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stairs-${example}-`))
  const used: { url: string; prefix: string }[] = []
  afterAll(async () => {
    for (const { url, prefix } of used) await deletePrefix(url, prefix)
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    out: (name) => path.join(dir, name),
    redisFlags: async (tag) => {
      const settings = { url: await redisUrl(), prefix: uniquePrefix(tag) }
      used.push(settings)
      return { 'redis-url': settings.url, prefix: settings.prefix }
    },
  }
}
