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
 * Enqueues input envelopes without explicit ids (feed): like PUSH, with the envelopes packed in
 * one argument, joined by newlines. KEYS: stream, pipeline counters, stage counters, rate window.
 * Returns the stream length.
 */
export const PUSH_PACKED = script(`
local packed, added = ARGV[1], 0
local from, len = 1, #packed
while from <= len do
  local to = string.find(packed, '\\n', from, true) or (len + 1)
  redis.call('XADD', KEYS[1], '*', 'e', string.sub(packed, from, to - 1))
  added = added + 1
  from = to + 1
end
redis.call('HINCRBY', KEYS[2], 'in', added)
redis.call('HINCRBY', KEYS[3], 'added', added)
redis.call('HINCRBY', KEYS[4], 'added', added)
redis.call('EXPIRE', KEYS[4], 30)
return redis.call('XLEN', KEYS[1])
`)

/**
 * Commits a processed batch: per input entry, acknowledge it and, only if this
 * consumer's ack was the first (a reclaimed duplicate is not forwarded twice), forward its
 * outputs, schedule its retry or dead-letter it. Then the counters.
 * KEYS: stream, next stream ('' at the end), counters, next counters, pipeline counters, dlq,
 *       retry ZSET, rate window, next rate window.
 * ARGV: group, processed, filtered, failed, retried, deadLettered, out, then two per entry: the
 *       stream id and what to do, packed in one string (fewer arguments are much cheaper to send
 *       and parse): 'f' + the envelopes for the next stage joined by newlines (JSON never holds a
 *       raw newline), 'r' + due time + '|' + retry member, or 'd' + dead-letter JSON.
 * Returns the positions (0-based) of entries already acknowledged by someone else.
 */
export const COMMIT = script(`
local stream, nextStream, counters, nextCounters, pcounters, dlq, retries, rate, nextRate =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local group = ARGV[1]
local forwarded, skipped, position, last = 0, {}, 0, nil
for i = 8, #ARGV, 2 do
  local id, todo = ARGV[i], ARGV[i + 1]
  if redis.call('XACK', stream, group, id) == 1 then
    local kind = string.sub(todo, 1, 1)
    if kind == 'f' then
      local from, len = 2, #todo
      while from <= len do
        local to = string.find(todo, '\\n', from, true) or (len + 1)
        redis.call('XADD', nextStream, '*', 'e', string.sub(todo, from, to - 1))
        forwarded = forwarded + 1
        from = to + 1
      end
    elseif kind == 'r' then
      local bar = string.find(todo, '|', 2, true)
      redis.call('ZADD', retries, string.sub(todo, 2, bar - 1), string.sub(todo, bar + 1))
    else
      redis.call('RPUSH', dlq, string.sub(todo, 2))
    end
  else
    skipped[#skipped + 1] = position
  end
  position = position + 1
  last = id
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

/**
 * Moves one dead letter back onto a stage stream, only if it is still in the list (two replays
 * at once send it once). KEYS: dlq, stream, stage counters. ARGV: the letter as stored, envelope.
 * Returns 1 when replayed.
 */
export const REPLAY = script(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'added', 1)
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
