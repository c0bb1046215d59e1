/**
 * One accounting record (not Accounting-On/Off), atomically: the Lua
 * transcription of session-machine.ts `applyNormalized` — keep the two in
 * step; test/accounting/store-contract.ts checks them against each other.
 *
 * KEYS[1] index key for (nas, Acct-Session-Id)
 * ARGV[1] key prefix, ARGV[2] the NormalizedRecord as JSON (nulls omitted),
 * ARGV[3] SAME_SESSION_TOLERANCE_MS, ARGV[4] snapshot limit
 * (tenantId always there: 0 when the record could not be routed)
 * returns {action, changed 0|1, uniqueId or '', uniqueId of the session closed besides or '', held 0|1}
 */
import { COMMON_LUA } from './common.js';

export const APPLY_LUA = `${COMMON_LUA}
local ik = KEYS[1]
local n = cjson.decode(ARGV[2])
local TOL = tonumber(ARGV[3])
local LIMIT = tonumber(ARGV[4])
local NAS_REBOOT, STALE = 'NAS-Reboot', 'Stale-Session'

local function snapOf(s, at)
  return {at = at, sessionTime = s.sessionTime, inputOctets = s.inputOctets, outputOctets = s.outputOctets}
end

local function create()
  local s = {uniqueId = n.uniqueId, nas = n.nas, acctSessionId = n.acctSessionId, tenantId = n.tenantId, username = n.username or '',
    nasPort = n.nasPort, nasPortId = n.nasPortId, nasIpAddress = n.nasIpAddress, framedIp = n.framedIp,
    framedIpv6Prefix = n.framedIpv6Prefix, delegatedIpv6Prefix = n.delegatedIpv6Prefix, framedInterfaceId = n.framedInterfaceId,
    callingStationId = n.callingStationId, classHex = n.classHex, startTime = n.start, lastUpdate = n.receivedAt,
    interimInterval = n.interimInterval, sessionTime = n.sessionTime or 0, inputOctets = n.inputOctets or 0,
    outputOctets = n.outputOctets or 0, inputPackets = n.inputPackets or 0, outputPackets = n.outputPackets or 0, ik = ik}
  if n.kind == 'stop' then
    s.stopTime = math.max(n.start, n.eventTime)
    s.terminateCause = n.terminateCause
    return s, nil, 'created-closed'
  end
  if n.kind == 'interim' then return s, snapOf(s, n.eventTime), 'created' end
  return s, nil, 'created'
end

local function isNew(e)
  if not n.startKnown then return false end
  if e.stopTime == nil then return n.start > e.startTime + e.sessionTime * 1000 + TOL end
  local tol = TOL
  if e.terminateCause == NAS_REBOOT then tol = 0 end
  return n.start > e.stopTime + tol
end

-- An unattributed session takes the first tenant a record routes it to, with that record's username;
-- a record routed to another tenant than the session's never names its member.
local function fill(e)
  local s = copy(e)
  if s.tenantId == 0 and n.tenantId ~= 0 then
    s.tenantId = n.tenantId
    if n.username then s.username = n.username end
  elseif s.username == '' and n.username and n.tenantId == s.tenantId then s.username = n.username end
  for _, f in ipairs({'nasPort', 'nasPortId', 'nasIpAddress', 'framedIp', 'framedIpv6Prefix', 'delegatedIpv6Prefix',
    'framedInterfaceId', 'callingStationId', 'classHex', 'interimInterval'}) do
    if s[f] == nil then s[f] = n[f] end
  end
  return s
end

local function merge(s)
  for _, f in ipairs({'sessionTime', 'inputOctets', 'outputOctets', 'inputPackets', 'outputPackets'}) do
    if n[f] ~= nil and n[f] > s[f] then s[f] = n[f] end
  end
  return s
end

local function raised(a, b)
  return a.sessionTime ~= b.sessionTime or a.inputOctets ~= b.inputOctets or a.outputOctets ~= b.outputOctets
end

-- exUid: the key ex was loaded from, so put() can reuse ex as the stored session.
local exUid = redis.call('GET', ik)
local ex = load(exUid)
if ex == nil then
  exUid = n.uniqueId
  ex = load(exUid)
end
local wrote = false

local sess, snap, action, closed = nil, nil, nil, ''
if ex == nil then
  sess, snap, action = create()
elseif isNew(ex) then
  if ex.stopTime == nil then
    put(forceClose(ex, NAS_REBOOT, math.min(ex.lastUpdate, n.start)), nil, LIMIT, ex, ex.uniqueId == exUid)
    wrote = true
    closed = ex.uniqueId
  end
  sess, snap, action = create()
elseif ex.stopTime == nil then
  if n.kind == 'start' then
    local f = fill(ex)
    if same(ex, f) then action = 'duplicate' else sess, action = f, 'updated' end
  else
    local m = merge(fill(ex))
    m.lastUpdate = math.max(ex.lastUpdate, n.receivedAt)
    if n.kind == 'interim' then
      if same(ex, m) then action = 'duplicate' else
        sess, action = m, 'updated'
        if raised(ex, m) then snap = snapOf(m, n.eventTime) end
      end
    else
      m.stopTime = math.max(ex.startTime, n.eventTime)
      m.terminateCause = n.terminateCause
      sess, action = m, 'stopped'
    end
  end
elseif n.kind ~= 'stop' then
  action = 'ignored-after-stop'
else
  local m = merge(fill(ex))
  if ex.terminateCause == STALE then
    m.stopTime = math.max(ex.startTime, n.eventTime)
    m.terminateCause = n.terminateCause or STALE
  end
  if same(ex, m) then action = 'duplicate' else
    m.lastUpdate = math.max(ex.lastUpdate, n.receivedAt)
    sess, action = m, 'updated'
  end
end

local function held(s)
  if s and s.tenantId == 0 then return 1 end
  return 0
end

if sess then
  put(sess, snap, LIMIT, ex, not wrote and sess.uniqueId == exUid)
  redis.call('SET', ik, sess.uniqueId)
  if sess.tenantId == 0 and sess.stopTime ~= nil then redis.call('EXPIRE', ik, HELD_TTL) end
  return {action, 1, sess.uniqueId, closed, held(sess)}
end
local uid = ''
if ex then uid = ex.uniqueId end
return {action, 0, uid, closed, held(ex)}
`;
