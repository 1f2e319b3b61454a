// The batch commit of the redis engine: the one script a stage worker runs per batch.
import { script } from '../redis-common/lua.js'

/** Separates the sections of one entry's instructions (never found raw in JSON). */
export const SECTION = '\x1e'

/**
 * Commits a processed batch. Per input entry: acknowledge it and, only if this consumer's ack was
 * the first (a reclaimed duplicate is not forwarded twice), carry out its instructions. Forwarded
 * envelopes are packed into next-stage entries of at most `perEntry` records and, unless one
 * record alone is larger, `entryBytes` bytes. Then trim, count.
 * KEYS: stream, next stream (the stream itself at the end), counters, next counters, pipeline
 *       counters, dlq, retry ZSET, rate window, next rate window.
 * ARGV: group, processed, filtered, failed, retried, deadLettered, out, perEntry, entryBytes, then three per
 *       entry: its stream id, the records it held, and its instructions: sections joined by \x1e,
 *       each a kind letter and a payload:
 *         'f' count ':' envelopes joined by newlines   forward to the next stage
 *         'r' due '|' member                          schedule a retry
 *         'd' letter JSON                             dead-letter
 *         's' envelopes joined by newlines            re-queue one per entry (a redelivered entry
 *                                                     is split, so a record that kills its worker
 *                                                     takes only itself to the dead letters)
 *       (fewer, larger arguments are much cheaper for Redis to receive than one per record).
 * Returns the positions (0-based) of entries already acknowledged by someone else.
 */
export const COMMIT = script(`
local stream, nextStream, counters, nextCounters, pcounters, dlq, retries, rate, nextRate =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local group, perEntry, entryBytes = ARGV[1], tonumber(ARGV[8]), tonumber(ARGV[9])
local forwarded, released, requeued, skipped, position, last = 0, 0, 0, {}, 0, nil
local parts, inPart, inBytes = {}, 0, 0
for i = 10, #ARGV, 3 do
  local id, todo = ARGV[i], ARGV[i + 2]
  if redis.call('XACK', stream, group, id) == 1 then
    released = released + tonumber(ARGV[i + 1])
    local from, len = 1, #todo
    while from <= len do
      local to = string.find(todo, '\\30', from, true) or (len + 1)
      local kind = string.sub(todo, from, from)
      if kind == 'f' then
        local colon = string.find(todo, ':', from + 1, true)
        local count = tonumber(string.sub(todo, from + 1, colon - 1))
        if inPart > 0 and (inPart + count > perEntry or inBytes + to - colon > entryBytes) then
          redis.call('XADD', nextStream, '*', 'e', table.concat(parts, '\\n'))
          parts, inPart, inBytes = {}, 0, 0
        end
        parts[#parts + 1] = string.sub(todo, colon + 1, to - 1)
        inPart = inPart + count
        inBytes = inBytes + to - colon
        forwarded = forwarded + count
      elseif kind == 'r' then
        local bar = string.find(todo, '|', from + 1, true)
        redis.call('ZADD', retries, string.sub(todo, from + 1, bar - 1), string.sub(todo, bar + 1, to - 1))
      elseif kind == 'd' then
        redis.call('RPUSH', dlq, string.sub(todo, from + 1, to - 1))
      elseif kind == 's' then
        local at = from + 1
        while at < to do
          local eol = string.find(todo, '\\n', at, true)
          if not eol or eol > to then eol = to end
          redis.call('XADD', stream, '*', 'e', string.sub(todo, at, eol - 1))
          requeued = requeued + 1
          at = eol + 1
        end
      end
      from = to + 1
    end
  else
    skipped[#skipped + 1] = position
  end
  position = position + 1
  last = id
end
if inPart > 0 then redis.call('XADD', nextStream, '*', 'e', table.concat(parts, '\\n')) end
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
if released > 0 or requeued > 0 then
  redis.call('HINCRBY', counters, 'queued', requeued - released)
  redis.call('HINCRBY', counters, 'taken', -released)
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
  redis.call('HINCRBY', nextCounters, 'queued', forwarded)
  redis.call('HINCRBY', nextRate, 'added', forwarded)
  redis.call('EXPIRE', nextRate, 30)
end
return skipped
`)
