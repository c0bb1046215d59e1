/**
 * Lua shared by every store script (prepended to each). Redis runs a script
 * atomically, so each record's read-modify-write is one EVALSHA, safe with
 * any number of daemons sharing the Redis.
 *
 * Key layout, P = ARGV[1] (prefix + a hash tag, so every key lands in one
 * Cluster slot and the scripts may touch keys derived at run time):
 *   P s:<uid>   hash: the LiveSession fields + ik (its index key) + ver
 *   P p:<uid>   zset: interim snapshots since the last flush, score = at
 *   P i:…       string: (nas, Acct-Session-Id) → uid of the latest session (key built by the caller)
 *   P open      zset: open uids, score = lastUpdate
 *   P u:<user>  set: open uids of a default-tenant member (simultaneous-use); the key of before tenancy,
 *               kept so that sessions opened before an upgrade are still counted
 *   P t<id>:u:<user>  set: the same for a member of tenant <id> (usernames are unique within a tenant only)
 *   P n:<nas>   set: open uids of a NAS (Accounting-On/Off)
 *   P t<id>:open  set: open uids of tenant <id> (0: held unattributed), so that one tenant's
 *               listing reads its own sessions, not the deployment's (REINDEX_LUA fills it
 *               for sessions opened by a version before it)
 *   P dirty     zset: uids with changes not yet flushed, score = lastUpdate when they became dirty
 *   P fin       set: the finished ones among them (the flush backlog, read by /metrics with SCARD)
 *
 * Numbers: Lua numbers are doubles (exact to 2^53) but Redis converts them to
 * strings with "%.14g", which would round 15-digit octet counters; every
 * number is therefore written through fmt() ("%.0f").
 *
 * Tenancy: tenantId is a session field; a hash without it was written before
 * tenancy and is the default tenant's (1); 0 marks a session held
 * unattributed, which is in no member set and not dirty (the flusher needs a
 * tenant) until a record of it names one.
 */
/**
 * How long a finished session held unattributed stays (seconds): it can never
 * be flushed, so without a term Redis would keep it for ever; a week leaves
 * the operator time to see it in `radassoc sessions --all-tenants` (and the
 * radassoc_sessions_held_unattributed gauge while it is open).
 */
export const HELD_FINISHED_TTL_S = 7 * 86_400;

export const COMMON_LUA = `
local P = ARGV[1]
local HELD_TTL = ${HELD_FINISHED_TTL_S}
local function fmt(x) return string.format('%.0f', x) end
local FIELDS = {'uniqueId','nas','acctSessionId','tenantId','username','nasPort','nasPortId','nasIpAddress','framedIp',
  'framedIpv6Prefix','delegatedIpv6Prefix','framedInterfaceId','callingStationId','classHex','startTime','lastUpdate','interimInterval','sessionTime','inputOctets','outputOctets',
  'inputPackets','outputPackets','stopTime','terminateCause'}
local NUMS = {tenantId=true, nasPort=true, startTime=true, lastUpdate=true, interimInterval=true, sessionTime=true, inputOctets=true,
  outputOctets=true, inputPackets=true, outputPackets=true, stopTime=true, ver=true}
local function skey(uid) return P .. 's:' .. uid end
local function pkey(uid) return P .. 'p:' .. uid end

local function decode(raw)
  local s = {}
  for i = 1, #raw, 2 do
    local k, v = raw[i], raw[i + 1]
    if NUMS[k] then s[k] = tonumber(v) else s[k] = v end
  end
  if s.tenantId == nil then s.tenantId = 1 end
  return s
end

-- The member set a session counts in, or nil (no username yet, or unattributed).
local function ukey(s)
  if s.username == '' or s.tenantId == 0 then return nil end
  if s.tenantId == 1 then return P .. 'u:' .. s.username end
  return P .. 't' .. fmt(s.tenantId) .. ':u:' .. s.username
end

local function load(uid)
  if not uid then return nil end
  local raw = redis.call('HGETALL', skey(uid))
  if #raw == 0 then return nil end
  return decode(raw)
end

local function copy(s)
  local c = {}
  for k, v in pairs(s) do c[k] = v end
  return c
end

local function same(a, b)
  for _, f in ipairs(FIELDS) do
    if a[f] ~= b[f] then return false end
  end
  return true
end

local function forceClose(s, cause, at)
  local c = copy(s)
  c.stopTime = math.max(s.startTime, at)
  c.terminateCause = cause
  return c
end

-- The open sessions of a tenant (decode() made a missing tenantId the default tenant's).
local function tkey(tenantId) return P .. 't' .. fmt(tenantId) .. ':open' end

-- Keeps the open / per-member / per-NAS / per-tenant indexes in step with the session's state.
local function link(s, old)
  local uid = s.uniqueId
  local key = ukey(s)
  local before = nil
  if old then
    before = ukey(old)
    if before and before ~= key then redis.call('SREM', before, uid) end
    if old.tenantId ~= s.tenantId then redis.call('SREM', tkey(old.tenantId), uid) end
  end
  if s.stopTime == nil then
    redis.call('ZADD', P .. 'open', fmt(s.lastUpdate), uid)
    -- Open before and after under the same keys (an Interim-Update): the sets hold it already.
    if old and old.stopTime == nil and before == key and old.tenantId == s.tenantId and old.nas == s.nas then return end
    if key then redis.call('SADD', key, uid) end
    redis.call('SADD', P .. 'n:' .. s.nas, uid)
    redis.call('SADD', tkey(s.tenantId), uid)
  else
    redis.call('ZREM', P .. 'open', uid)
    if key then redis.call('SREM', key, uid) end
    redis.call('SREM', P .. 'n:' .. s.nas, uid)
    redis.call('SREM', tkey(s.tenantId), uid)
  end
end

-- Writes a changed session: DEL+HSET also clears a tombstone's TTL; bumps its version,
-- marks it dirty for the flusher, appends the snapshot (bounded, oldest dropped).
-- known: the caller already loaded the stored session (old, or nil for none) in this
-- script run and wrote nothing since; saves an HGETALL and its decoding per record.
local function put(s, snap, limit, old, known)
  if not known then old = load(s.uniqueId) end
  s.ver = ((old and old.ver) or 0) + 1
  if s.ik == nil and old then s.ik = old.ik end
  local args = {}
  for _, f in ipairs(FIELDS) do
    local v = s[f]
    if v ~= nil then
      args[#args + 1] = f
      if type(v) == 'number' then args[#args + 1] = fmt(v) else args[#args + 1] = v end
    end
  end
  args[#args + 1] = 'ver'
  args[#args + 1] = fmt(s.ver)
  if s.ik ~= nil then
    args[#args + 1] = 'ik'
    args[#args + 1] = s.ik
  end
  local key = skey(s.uniqueId)
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(args))
  -- An unattributed session waits for its tenant before it can go to PostgreSQL.
  if s.tenantId ~= 0 then
    redis.call('ZADD', P .. 'dirty', 'NX', fmt(s.lastUpdate), s.uniqueId)
    -- A finished session never reopens: once in the backlog it leaves only when acked.
    if s.stopTime ~= nil then redis.call('SADD', P .. 'fin', s.uniqueId) end
  end
  local pk = pkey(s.uniqueId)
  if snap then
    local member = fmt(snap.at) .. ':' .. fmt(snap.sessionTime) .. ':' .. fmt(snap.inputOctets) .. ':' .. fmt(snap.outputOctets)
    redis.call('ZADD', pk, fmt(snap.at), member)
    redis.call('ZREMRANGEBYRANK', pk, 0, -(limit + 1))
  end
  -- Finished and still unattributed: nothing will ever flush it (HELD_FINISHED_TTL_S).
  -- A later record that names its tenant rewrites the hash (DEL+HSET: no TTL) and lifts the snapshots' term.
  if s.tenantId == 0 and s.stopTime ~= nil then
    redis.call('EXPIRE', key, HELD_TTL)
    redis.call('EXPIRE', pk, HELD_TTL)
    if s.ik and redis.call('GET', s.ik) == s.uniqueId then redis.call('EXPIRE', s.ik, HELD_TTL) end
  elseif old and old.tenantId == 0 then
    redis.call('PERSIST', pk)
  end
  link(s, old)
end
`;
