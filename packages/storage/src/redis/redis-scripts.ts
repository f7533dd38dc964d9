import { createHash } from 'node:crypto';

/**
 * Lua shared by the scripts below. Counters are doubles (Lua numbers) stored as the shortest
 * decimal string that reads back as the same double, like JavaScript's `String(number)`, so every
 * backend stores `0.1 + 0.2` as the same value. (INCRBYFLOAT is not used: it adds in long double and
 * rounds differently from JavaScript, e.g. 0.1 + 0.2 gives 0.3.)
 */
const PRELUDE = `
local function fmt(v)
  for p = 15, 17 do
    local s = string.format('%.' .. p .. 'g', v)
    if tonumber(s) == v then return s end
  end
  return string.format('%.17g', v)
end
local function current(key)
  local raw = redis.call('GET', key)
  if not raw then return nil, nil end
  local v = tonumber(raw)
  if v == nil or v ~= v or v == math.huge or v == -math.huge then
    return redis.error_reply('LLMTRACE_NOT_A_NUMBER ' .. key)
  end
  return v, raw
end
local function store(key, value, existed, ttl_ms)
  if existed then
    redis.call('SET', key, value, 'KEEPTTL')
  elseif ttl_ms ~= '' then
    redis.call('SET', key, value, 'PX', ttl_ms)
  else
    redis.call('SET', key, value)
  end
end
`;

/**
 * KEYS[1] counter; ARGV[1] amount; ARGV[2] TTL in ms or ''. Adds the amount (a missing key counts
 * as 0), sets the TTL only when the key is created, returns the new value as a string.
 */
const INCREMENT = `${PRELUDE}
local v, raw = current(KEYS[1])
if type(v) == 'table' then return v end
local nxt = (v or 0) + tonumber(ARGV[1])
local s = fmt(nxt)
store(KEYS[1], s, raw ~= nil, ARGV[2])
return s
`;

/**
 * KEYS[1] counter; ARGV[1] amount; ARGV[2] limit; ARGV[3] TTL in ms or ''. Adds the amount only if
 * the result stays at or below the limit; returns {1|0, value as a string} (strings, because Redis
 * truncates Lua numbers to integers in replies).
 */
const RESERVE = `${PRELUDE}
local v, raw = current(KEYS[1])
if type(v) == 'table' then return v end
local nxt = (v or 0) + tonumber(ARGV[1])
if nxt <= tonumber(ARGV[2]) then
  local s = fmt(nxt)
  store(KEYS[1], s, raw ~= nil, ARGV[3])
  return {1, s}
end
return {0, fmt(v or 0)}
`;

/**
 * KEYS[1..n] counters; ARGV[3i-2] amount, ARGV[3i-1] limit, ARGV[3i] TTL in ms or '' of KEYS[i].
 * Adds every amount only if every counter stays at or below its limit (all or nothing, atomic:
 * one script is one step for Redis); returns {1|0, value of each key as a string}.
 */
const RESERVE_ALL = `${PRELUDE}
local vals, raws, ok = {}, {}, true
for i, key in ipairs(KEYS) do
  local v, raw = current(key)
  if type(v) == 'table' then return v end
  vals[i] = v or 0
  raws[i] = raw
  if vals[i] + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then ok = false end
end
local out = {ok and 1 or 0}
for i, key in ipairs(KEYS) do
  if ok then
    local s = fmt(vals[i] + tonumber(ARGV[3 * i - 2]))
    store(key, s, raws[i] ~= nil, ARGV[3 * i])
    out[i + 1] = s
  else
    out[i + 1] = fmt(vals[i])
  end
end
return out
`;

/** A Lua script with its SHA-1, for EVALSHA (one round trip) with an EVAL fallback. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): RedisScript {
  return Object.freeze({ source, sha: createHash('sha1').update(source).digest('hex') });
}

/** The atomic counter scripts of {@link RedisCacheLayer}. */
export const REDIS_SCRIPTS = Object.freeze({
  increment: script(INCREMENT),
  reserve: script(RESERVE),
  reserveAll: script(RESERVE_ALL),
});
