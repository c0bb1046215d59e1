/**
 * The store's other atomic operations, each one script (see common.ts for the
 * key layout). Same rules as memory-store.ts. KEYS[1] is only there to route
 * the script to the right Cluster node (the slot of the shared hash tag).
 */
import { COMMON_LUA } from './common.js';

/**
 * Accounting-On/Off (RFC 2866 §5.1): closes the NAS's open sessions that
 * started at or before the reset, whichever tenant each belongs to (a shared
 * NAS carries several); never deletes them (history is kept).
 * ARGV: prefix, nas, cause, at, snapshot limit → the unique ids closed
 */
export const CLOSE_NAS_LUA = `${COMMON_LUA}
local nas, cause, at, limit = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local closed = {}
for _, uid in ipairs(redis.call('SMEMBERS', P .. 'n:' .. nas)) do
  local s = load(uid)
  if s == nil then
    redis.call('SREM', P .. 'n:' .. nas, uid)
  elseif s.stopTime == nil and s.startTime <= at then
    put(forceClose(s, cause, at), nil, limit)
    closed[#closed + 1] = uid
  end
end
return closed
`;

/**
 * Closes sessions not updated for multiple × interval, stop time = last update.
 * Interim intervals are clamped to >= 60 s (normalize.ts), so only sessions
 * idle for multiple × min(60, default) seconds need looking at.
 * ARGV: prefix, now, multiple, default interval s, min interval s, snapshot limit, cause
 * → the closed sessions as HGETALL-style arrays
 */
export const CLOSE_STALE_LUA = `${COMMON_LUA}
local now, multiple, interval = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local minInterval, limit, cause = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local cutoff = now - multiple * math.min(minInterval, interval) * 1000
local out = {}
for _, uid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'open', '-inf', '(' .. fmt(cutoff))) do
  local s = load(uid)
  if s == nil then
    redis.call('ZREM', P .. 'open', uid)
  elseif s.stopTime == nil and s.lastUpdate + multiple * (s.interimInterval or interval) * 1000 < now then
    put(forceClose(s, cause, s.lastUpdate), nil, limit)
    out[#out + 1] = redis.call('HGETALL', skey(uid))
  end
end
return out
`;

/**
 * ARGV: prefix, limit → {{session hash array, snapshot members}, ...}, oldest change first.
 * Snapshot members are "at:sessionTime:inputOctets:outputOctets".
 */
export const PENDING_FLUSH_LUA = `${COMMON_LUA}
local limit = tonumber(ARGV[2])
local out = {}
if limit < 1 then return out end
for _, uid in ipairs(redis.call('ZRANGE', P .. 'dirty', 0, limit - 1)) do
  local raw = redis.call('HGETALL', skey(uid))
  if #raw == 0 then
    redis.call('ZREM', P .. 'dirty', uid)
    redis.call('SREM', P .. 'fin', uid)
  else
    out[#out + 1] = {raw, redis.call('ZRANGE', pkey(uid), 0, -1)}
  end
end
return out
`;

/**
 * After Postgres committed: drop the written snapshots; a session whose version
 * did not move since is clean, and if finished becomes a tombstone (TTL) that
 * still recognises a late retransmitted Stop.
 * ARGV: prefix, tombstone ttl s, JSON [{u, v, s: [at...]}] → number cleared
 */
export const ACK_LUA = `${COMMON_LUA}
local ttl = tonumber(ARGV[2])
local cleared = 0
for _, a in ipairs(cjson.decode(ARGV[3])) do
  local pk = pkey(a.u)
  for _, at in ipairs(a.s) do redis.call('ZREMRANGEBYSCORE', pk, fmt(at), fmt(at)) end
  local s = load(a.u)
  if s == nil then
    redis.call('ZREM', P .. 'dirty', a.u)
    redis.call('SREM', P .. 'fin', a.u)
    redis.call('DEL', pk)
  elseif s.ver == a.v and redis.call('ZSCORE', P .. 'dirty', a.u) then
    redis.call('ZREM', P .. 'dirty', a.u)
    redis.call('SREM', P .. 'fin', a.u)
    cleared = cleared + 1
    if s.stopTime ~= nil then
      redis.call('EXPIRE', skey(a.u), ttl)
      redis.call('DEL', pk)
      if s.ik and redis.call('GET', s.ik) == a.u then redis.call('EXPIRE', s.ik, ttl) end
    end
  end
end
return cleared
`;

/**
 * Puts every open session in its tenant's set (P t<id>:open): those opened
 * by a version that kept no such set. Idempotent; run when a store opens.
 * ARGV: prefix → how many sessions were added to a set
 */
export const REINDEX_LUA = `${COMMON_LUA}
local added = 0
for _, uid in ipairs(redis.call('ZRANGE', P .. 'open', 0, -1)) do
  local s = load(uid)
  if s and s.stopTime == nil then added = added + redis.call('SADD', tkey(s.tenantId), uid) end
end
return added
`;

/**
 * ARGV: prefix, 'all' | 'user' | 'nas', value, tenant id or '' for every tenant
 * (a user is always one tenant's: '' there means the default tenant) → session hash arrays
 */
export const LIST_OPEN_LUA = `${COMMON_LUA}
local mode, value, tenant = ARGV[2], ARGV[3], tonumber(ARGV[4])
local ids
if mode == 'user' then
  local k = ukey({username = value, tenantId = tenant or 1})
  ids = k and redis.call('SMEMBERS', k) or {}
elseif mode == 'nas' then ids = redis.call('SMEMBERS', P .. 'n:' .. value)
elseif tenant then ids = redis.call('SMEMBERS', tkey(tenant))
else ids = redis.call('ZRANGE', P .. 'open', 0, -1) end
local out = {}
for _, uid in ipairs(ids) do
  local raw = redis.call('HGETALL', skey(uid))
  local s = #raw > 0 and decode(raw) or nil
  if s and (tenant == nil or s.tenantId == tenant) then out[#out + 1] = raw end
  -- A tenant's set holds open sessions only: one gone or closed behind its back leaves it.
  if mode == 'all' and tenant and (s == nil or s.stopTime ~= nil or s.tenantId ~= tenant) then redis.call('SREM', tkey(tenant), uid) end
end
return out
`;
