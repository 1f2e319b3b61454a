// Lua scripts for a consumer's Redis stream. Each runs atomically on the stream's own key (one
// hash tag with the lock, so one Cluster slot).
import { script } from './lua.js'

/**
 * Acknowledges finished entries and trims acknowledged ones off the head of the stream.
 * Trimming with XTRIM MINID '~' drops whole stream nodes, several times cheaper than XDEL per
 * entry; what it leaves (at most part of one node below the floor) is acknowledged already and
 * is not counted as waiting (see QUEUE_LENGTH). Everything below the oldest pending entry is
 * acknowledged (entries are handed out in id order); with nothing pending, everything up to the
 * group's last delivered entry is. The floor comes from Redis, not the caller, so a reader that
 * lost its lock cannot trim what another reader still holds.
 * KEYS: stream. ARGV: group, then the entry ids to acknowledge.
 */
export const ACK_AND_TRIM = script(`
local stream, group = KEYS[1], ARGV[1]
for from = 2, #ARGV, 1000 do
  redis.call('XACK', stream, group, unpack(ARGV, from, math.min(from + 999, #ARGV)))
end
local floor = redis.call('XPENDING', stream, group)[2]
if not floor then
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local info = {}
    for k = 1, #g, 2 do info[g[k]] = g[k + 1] end
    if info['name'] == group then floor = info['last-delivered-id'] end
  end
end
if floor then redis.call('XTRIM', stream, 'MINID', '~', floor) end
return 1
`)

/**
 * Records waiting in a consumer's stream: handed to a reader and not acknowledged, or not handed
 * out yet. XLEN cannot say: entries trimmed in whole nodes leave acknowledged ones behind.
 * The group's lag (Redis 7) counts the entries not handed out; when Redis cannot tell it (nil),
 * they are counted from the group's last delivered id. Without the group nothing was read yet.
 * KEYS: stream. ARGV: group.
 */
export const QUEUE_LENGTH = script(`
local stream, group = KEYS[1], ARGV[1]
-- A consumer that never received a record has no stream yet.
if redis.call('EXISTS', stream) == 0 then return 0 end
if redis.call('EXISTS', stream) == 0 then return 0 end
for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local info = {}
  for k = 1, #g, 2 do info[g[k]] = g[k + 1] end
  if info['name'] == group then
    local lag = info['lag']
    if not lag then lag = #redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+') end
    return info['pending'] + lag
  end
end
return redis.call('XLEN', stream)
`)

/**
 * Deletes the group's consumers that hold nothing, except `me`: every reader joins under a new
 * name, and the names would pile up run after run (Redis walks them all for each pending
 * summary). Atomic, so a consumer that just took entries keeps them.
 * KEYS: stream. ARGV: group, me.
 */
export const FORGET_IDLE_READERS = script(`
local stream, group, me = KEYS[1], ARGV[1], ARGV[2]
local forgotten = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local info = {}
  for k = 1, #c, 2 do info[c[k]] = c[k + 1] end
  if info['name'] ~= me and info['pending'] == 0 then
    redis.call('XGROUP', 'DELCONSUMER', stream, group, info['name'])
    forgotten = forgotten + 1
  end
end
return forgotten
`)
