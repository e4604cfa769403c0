--[[
apply-batch.lua: applies one batch of billing transactions of ONE source partition to the
per-customer aggregates, atomically and idempotently (the aggregator's exactly-once step).

All keys share the partition's hash tag, so the call stays in one Redis Cluster slot. Keys
are derived from ARGV[1] (the tagged base, e.g. "tf:{p3}:") rather than listed in KEYS,
because which customers a batch touches is only known from its events.

KEYS[1]   meta hash  <base>meta : applied offset per topic-partition, maxEventTime, endDay,
          txGen / txLow (newest and oldest de-dup generation kept)
ARGV[1]   key base   "<prefix>{p<P>}:"
ARGV[2]   offset field in the meta hash, "off:<topic>:<partition>"
ARGV[3]   the batch's last offset (decimal string)
ARGV[4]   clock ms: wall-clock now in live mode, 0 in replay mode (event time only)
ARGV[5]   current window days (c)      ARGV[6]  ranking window days (r)
ARGV[7]   allowed lateness ms          ARGV[8]  de-dup generation length in days
ARGV[9]   number of events N, then N groups of 11 values, in offset order:
          offset, transactionId, fingerprint, customerId, occurredAt ms, day number,
          month key YYYYMM, revenue delta, cost delta, balance delta, kind (C|R|A|P)

Per event, in offset order: skipped if offset <= the applied offset (fencing); a duplicate if
its transactionId is known with the same fingerprint (skipped), a conflict if known with
another (skipped, reported); late if occurredAt < running max event time - lateness: counted
in lifetime totals and the month only. Otherwise also in its day bucket and windows.
Windows are lower-bounded only (no data lies beyond the end day E):
  current  d >= E-c+1;  previous  E-2c+1 <= d <= E-c;  ranking  d >= E-r+1.
When E moves on, only customers in the expiring days' sets <base>x:<day> are touched.

Returns { {applied, duplicates, late, conflicts, fenced}, {conflict offsets...},
          {changed customer rows: customerId followed by the FIELDS values} }
Writes: <base>c:<customerId> hash (FIELDS, d:<day> buckets "rev:profit:cnt", m:<YYYYMM> months),
        <base>x:<day> sets, <base>tx:<gen> / <base>tx:late de-dup hashes, <base>outbox set.
]]

local base = ARGV[1]
local metaKey = KEYS[1]
local offsetField = ARGV[2]
local batchOffset = tonumber(ARGV[3])
local clockMs = tonumber(ARGV[4])
local c = tonumber(ARGV[5])
local r = tonumber(ARGV[6])
local latenessMs = tonumber(ARGV[7])
local genDays = tonumber(ARGV[8])
local n = tonumber(ARGV[9])
local DAY = 86400000

local FIELDS = { 'seq', 'eventTime', 'watermark', 'revenueMinor', 'costMinor', 'profitMinor', 'txCount',
  'paymentCount', 'balanceMinor', 'firstActivityAt', 'lastActivityAt', 'currentRevenueMinor',
  'currentProfitMinor', 'currentCount', 'previousRevenueMinor', 'previousProfitMinor', 'previousCount',
  'rankingRevenueMinor', 'rankingProfitMinor', 'rankingCount' }

local function fmt(x) return string.format('%.0f', x) end

local meta = redis.call('HMGET', metaKey, offsetField, 'maxEventTime', 'endDay', 'txGen', 'txLow')
local applied = tonumber(meta[1] or '-1')
local maxEvent = tonumber(meta[2] or '-1')
local oldEnd = tonumber(meta[3] or '-1')
local txGen = tonumber(meta[4] or '-1')

-- customer state cache: loaded on first touch, written once at the end
local state, touched, order = {}, {}, {}
local function load(id)
  local s = state[id]
  if s then return s end
  local vals = redis.call('HMGET', base .. 'c:' .. id, unpack(FIELDS))
  s = {}
  for i, f in ipairs(FIELDS) do s[f] = tonumber(vals[i] or '0') end
  if not vals[1] then s.firstActivityAt = -1; s.lastActivityAt = -1 end
  s.fresh = not vals[1]
  s.buckets = {}
  state[id] = s
  return s
end
local function touch(id)
  if not touched[id] then touched[id] = true; order[#order + 1] = id end
end
local function bucket(id, s, day)
  local b = s.buckets[day]
  if b then return b end
  local raw = redis.call('HGET', base .. 'c:' .. id, 'd:' .. day)
  if raw then
    local a, p, k = string.match(raw, '^(-?%d+):(-?%d+):(-?%d+)$')
    b = { tonumber(a), tonumber(p), tonumber(k), false }
  else
    b = { 0, 0, 0, true }
  end
  s.buckets[day] = b
  return b
end
local function windows(d, E)
  return d >= E - c + 1, d >= E - 2 * c + 1 and d <= E - c, d >= E - r + 1
end
local function addWindows(s, d, E, rev, prof, cnt, sign)
  local cur, prev, rank = windows(d, E)
  if cur then s.currentRevenueMinor = s.currentRevenueMinor + sign * rev; s.currentProfitMinor = s.currentProfitMinor + sign * prof; s.currentCount = s.currentCount + sign * cnt end
  if prev then s.previousRevenueMinor = s.previousRevenueMinor + sign * rev; s.previousProfitMinor = s.previousProfitMinor + sign * prof; s.previousCount = s.previousCount + sign * cnt end
  if rank then s.rankingRevenueMinor = s.rankingRevenueMinor + sign * rev; s.rankingProfitMinor = s.rankingProfitMinor + sign * prof; s.rankingCount = s.rankingCount + sign * cnt end
end

-- 1. fencing and de-duplication lookups (one HMGET per de-dup hash for the whole batch)
local ev, txids = {}, {}
local fenced = 0
for i = 0, n - 1 do
  local o = 10 + i * 11
  local off = tonumber(ARGV[o])
  if off > applied then
    local e = { off = off, tx = ARGV[o + 1], fp = ARGV[o + 2], id = ARGV[o + 3], at = tonumber(ARGV[o + 4]),
      day = tonumber(ARGV[o + 5]), month = ARGV[o + 6], rev = tonumber(ARGV[o + 7]), cost = tonumber(ARGV[o + 8]),
      bal = tonumber(ARGV[o + 9]), kind = ARGV[o + 10] }
    ev[#ev + 1] = e
    txids[#txids + 1] = e.tx
  else
    fenced = fenced + 1
  end
end

-- De-dup generations: an event belongs to generation floor(E/genDays), E being the partition's
-- end day when it arrives; it is checked against its generation and the one before (and the
-- late hash), so a resend is caught for at least genDays of partition time after the original.
local known = {}
local txLow = tonumber(meta[5] or '-1')
local genOf = {}
if #ev > 0 then
  local running = oldEnd
  for i, e in ipairs(ev) do
    if e.day > running then running = e.day end
    genOf[i] = math.floor(running / genDays)
  end
  local firstGen, lastGen = genOf[1], genOf[#ev]
  for g = firstGen - 1, lastGen do
    local fps = redis.call('HMGET', base .. 'tx:' .. g, unpack(txids))
    for i, fp in ipairs(fps) do if fp then known[txids[i]] = fp end end
  end
  local fps = redis.call('HMGET', base .. 'tx:late', unpack(txids))
  for i, fp in ipairs(fps) do if fp then known[txids[i]] = fp end end
  -- drop generations no event can be checked against any more
  if txLow < 0 then txLow = firstGen end
  for g = txLow, lastGen - 2 do redis.call('DEL', base .. 'tx:' .. g) end
  txLow = math.max(txLow, lastGen - 1)
  txGen = math.max(txGen, lastGen)
end

-- 2. apply events in offset order
local appliedN, dupN, lateN, conflictN = 0, 0, 0, 0
local conflicts = {}
local newTx, newLateTx = {}, {}
local batchEnd = oldEnd
for i, e in ipairs(ev) do
  local fp = known[e.tx]
  if fp then
    if fp == e.fp then dupN = dupN + 1 else conflictN = conflictN + 1; conflicts[#conflicts + 1] = fmt(e.off) end
  else
    local clock = math.max(maxEvent, clockMs)
    local late = clock >= 0 and e.at < clock - latenessMs
    known[e.tx] = e.fp
    if late then
      newLateTx[#newLateTx + 1] = e.tx; newLateTx[#newLateTx + 1] = e.fp
      lateN = lateN + 1
    else
      local g = genOf[i]
      newTx[g] = newTx[g] or {}
      local t = newTx[g]
      t[#t + 1] = e.tx; t[#t + 1] = e.fp
    end
    if e.at > maxEvent then maxEvent = e.at end
    local s = load(e.id)
    touch(e.id)
    local prof = e.rev - e.cost
    local cnt = 0
    if e.kind == 'P' then s.paymentCount = s.paymentCount + 1 else cnt = 1 end
    s.revenueMinor = s.revenueMinor + e.rev
    s.costMinor = s.costMinor + e.cost
    s.profitMinor = s.profitMinor + prof
    s.txCount = s.txCount + cnt
    s.balanceMinor = s.balanceMinor + e.bal
    if s.firstActivityAt < 0 or e.at < s.firstActivityAt then s.firstActivityAt = e.at end
    if e.at > s.lastActivityAt then s.lastActivityAt = e.at end
    -- the month trend is lifetime data: late events count there too
    local mk = 'm:' .. e.month
    local ma, mp, mc = 0, 0, 0
    if s.months and s.months[mk] then
      ma, mp, mc = s.months[mk][1], s.months[mk][2], s.months[mk][3]
    else
      local mraw = redis.call('HGET', base .. 'c:' .. e.id, mk)
      if mraw then
        local a, p, k = string.match(mraw, '^(-?%d+):(-?%d+):(-?%d+)$')
        ma, mp, mc = tonumber(a), tonumber(p), tonumber(k)
      end
    end
    s.months = s.months or {}
    s.months[mk] = { ma + e.rev, mp + prof, mc + cnt }
    if not late and cnt + e.rev + e.cost ~= 0 then
      local E = batchEnd
      if E < 0 then E = e.day; batchEnd = e.day end
      local b = bucket(e.id, s, e.day)
      b[1] = b[1] + e.rev; b[2] = b[2] + prof; b[3] = b[3] + cnt
      b.dirty = true
      if b[4] then
        -- index the new bucket at once: a later day in this same batch may expire it
        redis.call('SADD', base .. 'x:' .. e.day, e.id)
        b[4] = false
      end
      addWindows(s, e.day, E, e.rev, prof, cnt, 1)
    end
    appliedN = appliedN + 1
  end
end
for g, t in pairs(newTx) do redis.call('HSET', base .. 'tx:' .. g, unpack(t)) end
if #newLateTx > 0 then redis.call('HSET', base .. 'tx:late', unpack(newLateTx)) end

-- 3. move the end day on: expire days leaving windows, only for customers active on them
local newEnd = batchEnd
if maxEvent >= 0 then newEnd = math.max(newEnd, math.floor(maxEvent / DAY)) end
if clockMs > 0 then newEnd = math.max(newEnd, math.floor(clockMs / DAY)) end
local retain = math.max(2 * c, r)
if batchEnd >= 0 and newEnd > batchEnd then
  for d = batchEnd - retain + 1, newEnd - c do
    local members = redis.call('SMEMBERS', base .. 'x:' .. d)
    if #members > 0 then
      local c0, p0, r0 = windows(d, batchEnd)
      local c1, p1, r1 = windows(d, newEnd)
      if c0 ~= c1 or p0 ~= p1 or r0 ~= r1 then
        for _, id in ipairs(members) do
          local s = load(id)
          touch(id)
          local b = bucket(id, s, d)
          addWindows(s, d, batchEnd, b[1], b[2], b[3], -1)
          addWindows(s, d, newEnd, b[1], b[2], b[3], 1)
        end
      end
    end
  end
  -- drop buckets older than every window
  for d = batchEnd - retain + 1, newEnd - retain do
    local xKey = base .. 'x:' .. d
    for _, id in ipairs(redis.call('SMEMBERS', xKey)) do
      redis.call('HDEL', base .. 'c:' .. id, 'd:' .. d)
      local s = state[id]
      if s then s.buckets[d] = nil end
    end
    redis.call('DEL', xKey)
  end
end

-- 4. write back every touched customer, queue it in the outbox, and return its row
local watermark = -1
if maxEvent >= 0 then watermark = maxEvent - latenessMs end
local eventTime = math.max(maxEvent, clockMs)
local rows = {}
for _, id in ipairs(order) do
  local s = state[id]
  s.seq = s.seq + 1
  s.eventTime = eventTime
  s.watermark = watermark
  local key = base .. 'c:' .. id
  local args = { 'customerId', id, 'currentWindowDays', c, 'rankingWindowDays', r }
  local row = { id }
  for _, f in ipairs(FIELDS) do
    args[#args + 1] = f; args[#args + 1] = fmt(s[f])
    row[#row + 1] = fmt(s[f])
  end
  for d, b in pairs(s.buckets) do
    if b.dirty then
      args[#args + 1] = 'd:' .. d; args[#args + 1] = fmt(b[1]) .. ':' .. fmt(b[2]) .. ':' .. fmt(b[3])
    end
  end
  if s.months then
    for mk, m in pairs(s.months) do
      args[#args + 1] = mk; args[#args + 1] = fmt(m[1]) .. ':' .. fmt(m[2]) .. ':' .. fmt(m[3])
    end
  end
  redis.call('HSET', key, unpack(args))
  rows[#rows + 1] = row
end
if #order > 0 then redis.call('SADD', base .. 'outbox', unpack(order)) end

redis.call('HSET', metaKey, offsetField, fmt(math.max(applied, batchOffset)), 'maxEventTime', fmt(maxEvent),
  'endDay', fmt(newEnd), 'txGen', fmt(txGen), 'txLow', fmt(txLow))
return { { appliedN, dupN, lateN, conflictN, fenced }, conflicts, rows }
