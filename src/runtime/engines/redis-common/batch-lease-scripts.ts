// Lua scripts of the worker producer. Each runs atomically in Redis, so two processes can never
// claim the same batch, and lease times come from the Redis clock (no skew between machines).
// Keys, in this order for every script: meta (hash), batches (hash index -> JSON), leases (zset
// index -> expiry ms), owners (hash index -> owner token), done (bitmap).

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`

/**
 * Claims a batch for ARGV[1] (owner) for ARGV[2] ms: first a batch whose lease expired (its process
 * died or stalled), else the next never-claimed one. Returns {index, reclaimed(0|1), batch JSON},
 * {-1, ms until the earliest lease expires} while others hold the rest, {-2} when all are done,
 * {-3} when the producer was never initialized.
 */
export const CLAIM = `${NOW}
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
if not total then return {-3} end
local lease = tonumber(ARGV[2])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 1)
local index
local reclaimed = 0
if #expired > 0 then
  index = tonumber(expired[1])
  reclaimed = 1
  redis.call('HINCRBY', KEYS[1], 'reclaimed', 1)
else
  local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
  if nxt >= total then
    local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    if #first > 0 then return {-1, math.max(1, tonumber(first[2]) - now)} end
    return {-2}
  end
  index = nxt
  redis.call('HSET', KEYS[1], 'next', nxt + 1)
end
redis.call('ZADD', KEYS[3], now + lease, index)
redis.call('HSET', KEYS[4], index, ARGV[1])
return {index, reclaimed, redis.call('HGET', KEYS[2], index)}`

/** Extends ARGV[2]'s lease on batch ARGV[1] by ARGV[3] ms; 0 when another process took it over. */
export const RENEW = `${NOW}
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] or not redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
return 1`

/**
 * Marks batch ARGV[1] done (all its records were pushed) and drops its lease, whoever holds it
 * now: a slower holder sees its renewal fail and stops. Returns {done count, total}.
 */
export const COMPLETE = `
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if redis.call('SETBIT', KEYS[5], ARGV[1], 1) == 0 then redis.call('HINCRBY', KEYS[1], 'done', 1) end
return {tonumber(redis.call('HGET', KEYS[1], 'done')), tonumber(redis.call('HGET', KEYS[1], 'total'))}`

/** Sets the batch count once: {1, total} when this call did, {0, existing total} when already set. */
export const SEAL = `
if redis.call('HSETNX', KEYS[1], 'total', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'next', 0, 'done', 0, 'reclaimed', 0, 'leaseMs', ARGV[2], 'initializedAt', ARGV[3])
  return {1, tonumber(ARGV[1])}
end
return {0, tonumber(redis.call('HGET', KEYS[1], 'total'))}`
