// Lua scripts of the redis engine. Each is atomic, touches only keys of one pipeline (one hash
// tag, so one Cluster slot) and replaces many round trips with one. A stream entry holds one or
// more envelopes joined by newlines (JSON never holds a raw newline): an entry costs Redis about
// the same whether it carries one record or hundreds. The batch commit is in commit-script.ts.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export interface Script {
  readonly lua: string
  readonly sha: string
}

export const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') })

/**
 * Enqueues input envelopes on a pipeline's first stage, dropping ids seen within the dedupe
 * window; the envelopes kept go packed, at most `perEntry` to a stream entry and, unless one
 * alone is larger, `entryBytes` bytes.
 * KEYS: stream, seen ZSET, pipeline counters, stage counters, rate window.
 * ARGV: dedupe window (ms), now (ms), perEntry, entryBytes, then pairs (id or '' for no dedupe,
 * envelope).
 * Returns {records queued at the stage (waiting or in flight), duplicates dropped}.
 */
export const PUSH = script(`
local window, now, perEntry, entryBytes = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local added, dups, parts, bytes = 0, 0, {}, 0
if #ARGV > 4 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window) end
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  if id == '' or redis.call('ZADD', KEYS[2], 'NX', now, id) == 1 then
    local envelope = ARGV[i + 1]
    if #parts > 0 and (#parts >= perEntry or bytes + #envelope > entryBytes) then
      redis.call('XADD', KEYS[1], '*', 'e', table.concat(parts, '\\n'))
      parts, bytes = {}, 0
    end
    parts[#parts + 1] = envelope
    bytes = bytes + #envelope + 1
    added = added + 1
  else
    dups = dups + 1
  end
end
if #parts > 0 then redis.call('XADD', KEYS[1], '*', 'e', table.concat(parts, '\\n')) end
if added > 0 then
  redis.call('HINCRBY', KEYS[3], 'in', added)
  redis.call('HINCRBY', KEYS[4], 'added', added)
  redis.call('HINCRBY', KEYS[5], 'added', added)
  redis.call('EXPIRE', KEYS[5], 30)
end
if dups > 0 then redis.call('HINCRBY', KEYS[3], 'duplicates', dups) end
return {redis.call('HINCRBY', KEYS[4], 'queued', added), dups}
`)

/**
 * Enqueues input envelopes without explicit ids (feed), packed by the caller: each argument pair
 * is a record count and one stream entry's envelopes joined by newlines.
 * KEYS: stream, pipeline counters, stage counters, rate window.
 * Returns the records queued at the stage (waiting or in flight).
 */
export const PUSH_PACKED = script(`
local added = 0
for i = 1, #ARGV, 2 do
  redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
  added = added + tonumber(ARGV[i])
end
redis.call('HINCRBY', KEYS[2], 'in', added)
redis.call('HINCRBY', KEYS[3], 'added', added)
redis.call('HINCRBY', KEYS[4], 'added', added)
redis.call('EXPIRE', KEYS[4], 30)
return redis.call('HINCRBY', KEYS[3], 'queued', added)
`)

/**
 * Moves due retries back onto their stage stream, one record per entry, with its attempt.
 * KEYS: retry ZSET, stream, stage counters. ARGV: now (ms), limit. Members are
 * `attempt|streamId|envelope`. Returns how many were moved.
 */
export const PROMOTE = script(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  redis.call('XADD', KEYS[2], '*', 'e', string.sub(member, b + 1), 'a', string.sub(member, 1, a - 1))
  redis.call('ZREM', KEYS[1], member)
end
if #due > 0 then redis.call('HINCRBY', KEYS[3], 'queued', #due) end
return #due
`)

/**
 * A stage's state for drain and inspect. KEYS: stream, retry ZSET, stage counters. ARGV: group.
 * Entries hold several records, so records are counted by the stage's `queued` (in the stream,
 * not acknowledged) and `taken` (read by a worker, not acknowledged) counters. With nothing
 * unacknowledged in the stream both must be 0 and are set so: a count knocked off by an entry
 * added by hand, or by a worker killed between its read and its count, heals when the stage idles.
 * Returns {undelivered (0/1), pending entries, length, scheduled retries, queued, taken}.
 */
export const STAGE_STATE = script(`
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local pending, last = 0, '0-0'
for _, g in ipairs(groups) do
  local info = {}
  for k = 1, #g, 2 do info[g[k]] = g[k + 1] end
  if info['name'] == ARGV[1] then
    pending = info['pending']
    last = info['last-delivered-id']
  end
end
local undelivered = #redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', 1)
local queued = tonumber(redis.call('HGET', KEYS[3], 'queued') or '0')
local taken = tonumber(redis.call('HGET', KEYS[3], 'taken') or '0')
if pending == 0 and taken ~= 0 then
  redis.call('HSET', KEYS[3], 'taken', 0)
  taken = 0
end
if pending == 0 and undelivered == 0 and queued ~= 0 then
  redis.call('HSET', KEYS[3], 'queued', 0)
  queued = 0
end
return {undelivered, pending, redis.call('XLEN', KEYS[1]), redis.call('ZCARD', KEYS[2]), queued, taken}
`)

/**
 * Moves one dead letter back onto a stage stream, only if it is still in the list (two replays
 * at once send it once). KEYS: dlq, stream, stage counters. ARGV: the letter as stored, envelope.
 * Returns 1 when replayed.
 */
export const REPLAY = script(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'added', 1)
redis.call('HINCRBY', KEYS[3], 'queued', 1)
return 1
`)

/** Runs a script by its SHA, loading it when the server does not know it (first use, restart). */
export async function runScript(client: Redis, s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return client.eval(s.lua, keys.length, ...keys, ...args)
  }
}
