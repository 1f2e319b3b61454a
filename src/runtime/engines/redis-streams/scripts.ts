// Lua scripts of the redis engine. Each is atomic, touches only keys of one pipeline (one hash
// tag, so one Cluster slot) and replaces many round trips with one. A stream entry holds one or
// more envelopes joined by newlines (JSON never holds a raw newline): an entry costs Redis about
// the same whether it carries one record or hundreds. The batch commit is in commit-script.ts.
import { script } from '../redis-common/lua.js'

/**
 * Enqueues input envelopes with explicit ids on a pipeline's first stage, dropping ids seen
 * within the dedupe window. The caller packs the envelopes as feed does (pairs of a record count
 * and one entry's envelopes joined by newlines); an entry goes to the stream as it is unless it
 * holds a duplicate, which is then cut out. Ids are passed one by one, in record order.
 * Seen ids live in one set per window-long time bucket: an id is a duplicate if the current or
 * the previous bucket holds it, so it is remembered for one to two windows. Sets cost Redis far
 * less than a time-scored sorted set (a hash insert, not a skiplist one, and nothing to trim),
 * and one SMISMEMBER pair and one SADD per slice of ids replace a call per id.
 * KEYS: stream, current bucket's set, previous bucket's set, pipeline counters, stage counters,
 * rate window.
 * ARGV: bucket lifetime (ms), id count n, the n ids ('' for a record without one), then the
 * packed pairs.
 * Returns {records queued at the stage (waiting or in flight), duplicates dropped}.
 */
export const PUSH = script(`
local lifetime, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local dropped, fresh, dups = {}, {}, 0
-- Slices of at most 1000 ids stay far below Lua's unpack limit.
for from = 3, n + 2, 1000 do
  local to = math.min(from + 999, n + 2)
  local current = redis.call('SMISMEMBER', KEYS[2], unpack(ARGV, from, to))
  local previous = redis.call('SMISMEMBER', KEYS[3], unpack(ARGV, from, to))
  local members = {}
  for k = 1, to - from + 1 do
    local id = ARGV[from + k - 1]
    if id == '' then
      -- no id: never a duplicate
    elseif current[k] == 1 or previous[k] == 1 or fresh[id] then
      dropped[from + k - 3] = true
      dups = dups + 1
    else
      fresh[id] = true
      members[#members + 1] = id
    end
  end
  if #members > 0 then
    redis.call('SADD', KEYS[2], unpack(members))
    redis.call('PEXPIRE', KEYS[2], lifetime)
  end
end
local record = 0
for i = n + 3, #ARGV, 2 do
  local count, text = tonumber(ARGV[i]), ARGV[i + 1]
  local whole = true
  for r = record + 1, record + count do
    if dropped[r] then whole = false end
  end
  if whole then
    redis.call('XADD', KEYS[1], '*', 'e', text)
  else
    local kept, from = {}, 1
    for r = record + 1, record + count do
      local stop = string.find(text, '\\n', from, true) or (#text + 1)
      if not dropped[r] then kept[#kept + 1] = string.sub(text, from, stop - 1) end
      from = stop + 1
    end
    if #kept > 0 then redis.call('XADD', KEYS[1], '*', 'e', table.concat(kept, '\\n')) end
  end
  record = record + count
end
local added = n - dups
if added > 0 then
  redis.call('HINCRBY', KEYS[4], 'in', added)
  redis.call('HINCRBY', KEYS[5], 'added', added)
  redis.call('HINCRBY', KEYS[6], 'added', added)
  redis.call('EXPIRE', KEYS[6], 30)
end
if dups > 0 then redis.call('HINCRBY', KEYS[4], 'duplicates', dups) end
return {redis.call('HINCRBY', KEYS[5], 'queued', added), dups}
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
-- A stage that never ran has no stream yet: nothing is queued there.
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, 0, redis.call('ZCARD', KEYS[2]), 0, 0} end
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
