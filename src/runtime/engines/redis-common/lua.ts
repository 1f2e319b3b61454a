// Lua scripts on Redis: each carries its SHA, and runs by it, loading itself when the server does
// not know it yet (first use, a restart, a failover to a replica that never saw it).
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export interface Script {
  readonly lua: string
  readonly sha: string
}

export const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') })

/** Runs a script by its SHA, loading it when the server does not know it (first use, restart). */
export async function runScript(client: Redis, s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return client.eval(s.lua, keys.length, ...keys, ...args)
  }
}
