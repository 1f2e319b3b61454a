// Lua scripts of the redis engine. Each is atomic, touches only keys of one pipeline (one hash
// tag, so one Cluster slot) and replaces many round trips with one.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export interface Script {
  readonly lua: string
  readonly sha: string
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') })

/**
 * Enqueues input envelopes on a pipeline's first stage.
 * KEYS: stream, seen ZSET, pipeline counters, stage counters, rate window.
 * ARGV: dedupe window (ms), now (ms), then pairs (id or '' for no dedupe, envelope).
 * Returns {stream length, duplicates dropped}.
 */
export const PUSH = script(`
local window, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local added, dups = 0, 0
if #ARGV > 2 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window) end
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if id == '' or redis.call('ZADD', KEYS[2], 'NX', now, id) == 1 then
    redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
    added = added + 1
  else
    dups = dups + 1
  end
end
if added > 0 then
  redis.call('HINCRBY', KEYS[3], 'in', added)
  redis.call('HINCRBY', KEYS[4], 'added', added)
  redis.call('HINCRBY', KEYS[5], 'added', added)
  redis.call('EXPIRE', KEYS[5], 30)
end
if dups > 0 then redis.call('HINCRBY', KEYS[3], 'duplicates', dups) end
return {redis.call('XLEN', KEYS[1]), dups}
`)

/**
 * Commits a processed batch: per input entry, acknowledge it and, only if this
 * consumer's ack was the first (a reclaimed duplicate is not forwarded twice), forward its
 * outputs, schedule its retry or dead-letter it. Then the counters.
 * KEYS: stream, next stream ('' at the end), counters, next counters, pipeline counters, dlq,
 *       retry ZSET, rate window, next rate window.
 * ARGV: group, processed, filtered, failed, retried, deadLettered, out, then per entry:
 *       stream id, kind ('f' forward | 'r' retry | 'd' dead letter), n, n values
 *       ('f': envelopes; 'r': due time, member; 'd': dead-letter JSON).
 * Returns the positions (0-based) of entries already acknowledged by someone else.
 */
export const COMMIT = script(`
local stream, nextStream, counters, nextCounters, pcounters, dlq, retries, rate, nextRate =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local group = ARGV[1]
local forwarded, skipped, position, last = 0, {}, 0, nil
local i = 8
while i <= #ARGV do
  local id, kind, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('XACK', stream, group, id) == 1 then
    if kind == 'f' then
      for j = i + 3, i + 2 + n do redis.call('XADD', nextStream, '*', 'e', ARGV[j]) end
      forwarded = forwarded + n
    elseif kind == 'r' then
      redis.call('ZADD', retries, ARGV[i + 3], ARGV[i + 4])
    else
      redis.call('RPUSH', dlq, ARGV[i + 3])
    end
  else
    skipped[#skipped + 1] = position
  end
  position = position + 1
  last = id
  i = i + 3 + n
end
-- Acknowledged entries are trimmed from the head of the stream, in whole nodes ('~'), instead of
-- XDEL per entry (several times cheaper). Everything below the oldest pending entry is
-- acknowledged; with nothing pending, everything up to this batch's last entry is.
local pending = redis.call('XPENDING', stream, group)
local floor = pending[2] or last
if floor then redis.call('XTRIM', stream, 'MINID', '~', floor) end
local names = {'processed', 'filtered', 'failed', 'retried', 'deadLettered'}
for k = 1, 5 do
  local v = tonumber(ARGV[k + 1])
  if v > 0 then redis.call('HINCRBY', counters, names[k], v) end
end
if tonumber(ARGV[2]) > 0 then
  redis.call('HINCRBY', rate, 'processed', ARGV[2])
  redis.call('EXPIRE', rate, 30)
end
if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', pcounters, 'filtered', ARGV[3]) end
if tonumber(ARGV[6]) > 0 then redis.call('HINCRBY', pcounters, 'deadLettered', ARGV[6]) end
if tonumber(ARGV[7]) > 0 then redis.call('HINCRBY', pcounters, 'out', ARGV[7]) end
if forwarded > 0 then
  redis.call('HINCRBY', nextCounters, 'added', forwarded)
  redis.call('HINCRBY', nextRate, 'added', forwarded)
  redis.call('EXPIRE', nextRate, 30)
end
return skipped
`)

/**
 * Moves due retries back onto their stage stream.
 * KEYS: retry ZSET, stream. ARGV: now (ms), limit. Members are `attempt|streamId|envelope`.
 * Returns how many were moved.
 */
export const PROMOTE = script(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  redis.call('XADD', KEYS[2], '*', 'e', string.sub(member, b + 1), 'a', string.sub(member, 1, a - 1))
  redis.call('ZREM', KEYS[1], member)
end
return #due
`)

/**
 * A stage's state for drain and inspect. KEYS: stream, retry ZSET. ARGV: group.
 * Returns {undelivered (0/1), pending, lag (-1 when Redis cannot tell), length, scheduled retries}.
 */
export const STAGE_STATE = script(`
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local pending, lag, last = 0, -1, '0-0'
for _, g in ipairs(groups) do
  local info = {}
  for k = 1, #g, 2 do info[g[k]] = g[k + 1] end
  if info['name'] == ARGV[1] then
    pending = info['pending']
    last = info['last-delivered-id']
    if type(info['lag']) == 'number' then lag = info['lag'] end
  end
end
local undelivered = #redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', 1)
return {undelivered, pending, lag, redis.call('XLEN', KEYS[1]), redis.call('ZCARD', KEYS[2])}
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
