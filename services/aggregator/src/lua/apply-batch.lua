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
          {customerId1, packed1, customerId2, packed2, ...}, {maxEventTime, endDay} }
          where packed is the FIELDS values joined by ':'
Writes: <base>c:<customerId> hash: 's' = packed FIELDS, 'd:<day>' buckets "rev:profit:cnt",
          'm:<YYYYMM>' months "rev:profit:cnt";
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

-- every value is an integer (sums of integer minor units and epoch ms); '%d' formats them
-- exactly up to 2^53 and twice as fast as '%.0f' in Redis's Lua
local function fmt(x) return string.format('%d', x) end

-- Lua's unpack is limited to a few thousand values: long argument lists go in slices
-- (step = values per item, so an item is never split).
local function chunked(cmd, key, list, step)
  local size = 4000 - (4000 % step)
  for i = 1, #list, size do
    redis.call(cmd, key, unpack(list, i, math.min(i + size - 1, #list)))
  end
end

local meta = redis.call('HMGET', metaKey, offsetField, 'maxEventTime', 'endDay', 'txGen', 'txLow')
local applied = tonumber(meta[1] or '-1')
local maxEvent = tonumber(meta[2] or '-1')
local oldEnd = tonumber(meta[3] or '-1')
local txGen = tonumber(meta[4] or '-1')

-- Customer state cache, read once and written once per customer and call. The state is one
-- packed field 's' (FIELDS joined by ':'); day buckets 'd:<day>' and months 'm:<YYYYMM>' are
-- read in the same HMGET as the state, so a customer costs one read and one write, however
-- many of its events the call holds (Redis calls, not arithmetic, are what costs here).
local state, touched, order = {}, {}, {}
local function parse3(raw)
  local a, p, k = string.match(raw, '^(-?%d+):(-?%d+):(-?%d+)$')
  return tonumber(a), tonumber(p), tonumber(k)
end
-- loads a customer with the given extra fields ('d:<day>' / 'm:<month>') in one call
local function load(id, extra)
  local s = state[id]
  if s then
    -- already loaded: fetch only the extra fields not cached yet
    local missing = {}
    for _, f in ipairs(extra) do
      local kind, key = string.sub(f, 1, 1), string.sub(f, 3)
      if (kind == 'd' and not s.buckets[tonumber(key)]) or (kind == 'm' and not s.months[f]) then missing[#missing + 1] = f end
    end
    if #missing == 0 then return s end
    extra = missing
  end
  local fields = { 's' }
  for _, f in ipairs(extra) do fields[#fields + 1] = f end
  local vals = redis.call('HMGET', base .. 'c:' .. id, unpack(fields))
  if not s then
    s = { buckets = {}, months = {} }
    local raw = vals[1]
    if raw then
      local i = 1
      for v in string.gmatch(raw, '[^:]+') do s[FIELDS[i]] = tonumber(v); i = i + 1 end
    else
      for _, f in ipairs(FIELDS) do s[f] = 0 end
      s.firstActivityAt = -1; s.lastActivityAt = -1
    end
    state[id] = s
  end
  for i = 2, #fields do
    local f, raw = fields[i], vals[i]
    if string.sub(f, 1, 1) == 'd' then
      local day = tonumber(string.sub(f, 3))
      if raw then local a, p, k = parse3(raw); s.buckets[day] = { a, p, k, false }
      else s.buckets[day] = { 0, 0, 0, true } end
    else
      if raw then local a, p, k = parse3(raw); s.months[f] = { a, p, k }
      else s.months[f] = { 0, 0, 0 } end
    end
  end
  return s
end
local function touch(id)
  if not touched[id] then touched[id] = true; order[#order + 1] = id end
end
local newInDay = {}
local function bucket(id, s, day)
  local b = s.buckets[day]
  if not b then load(id, { 'd:' .. day }); b = s.buckets[day] end
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
  local function lookup(key)
    for i = 1, #txids, 4000 do
      local fps = redis.call('HMGET', key, unpack(txids, i, math.min(i + 3999, #txids)))
      for j, fp in ipairs(fps) do if fp then known[txids[i + j - 1]] = fp end end
    end
  end
  for g = firstGen - 1, lastGen do lookup(base .. 'tx:' .. g) end
  lookup(base .. 'tx:late')
  -- drop generations no event can be checked against any more
  if txLow < 0 then txLow = firstGen end
  for g = txLow, lastGen - 2 do redis.call('DEL', base .. 'tx:' .. g) end
  txLow = math.max(txLow, lastGen - 1)
  txGen = math.max(txGen, lastGen)
end

-- 2. read every customer of the call once, with the day and month fields its events need
do
  local need, ids = {}, {}
  for _, e in ipairs(ev) do
    local n = need[e.id]
    if not n then n = { seen = {} }; need[e.id] = n; ids[#ids + 1] = e.id end
    for _, f in ipairs({ 'd:' .. e.day, 'm:' .. e.month }) do
      if not n.seen[f] then n.seen[f] = true; n[#n + 1] = f end
    end
  end
  for _, id in ipairs(ids) do load(id, need[id]) end
end

-- 3. apply events in offset order
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
    local s = load(e.id, {})
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
    local m = s.months['m:' .. e.month]
    m[1] = m[1] + e.rev; m[2] = m[2] + prof; m[3] = m[3] + cnt
    m.dirty = true
    if not late and cnt + e.rev + e.cost ~= 0 then
      local E = batchEnd
      if E < 0 then E = e.day; batchEnd = e.day end
      local b = bucket(e.id, s, e.day)
      b[1] = b[1] + e.rev; b[2] = b[2] + prof; b[3] = b[3] + cnt
      b.dirty = true
      if b[4] then
        local list = newInDay[e.day]
        if not list then list = {}; newInDay[e.day] = list end
        list[#list + 1] = e.id
        b[4] = false
      end
      addWindows(s, e.day, E, e.rev, prof, cnt, 1)
    end
    appliedN = appliedN + 1
  end
end
for g, t in pairs(newTx) do chunked('HSET', base .. 'tx:' .. g, t, 2) end
chunked('HSET', base .. 'tx:late', newLateTx, 2)

-- index the new buckets before the end day moves: a later day in this call may expire them
for day, list in pairs(newInDay) do chunked('SADD', base .. 'x:' .. day, list, 1) end

-- 4. move the end day on: expire days leaving windows, only for customers active on them
local newEnd = batchEnd
if maxEvent >= 0 then newEnd = math.max(newEnd, math.floor(maxEvent / DAY)) end
if clockMs > 0 then newEnd = math.max(newEnd, math.floor(clockMs / DAY)) end
local retain = math.max(2 * c, r)
if batchEnd >= 0 and newEnd > batchEnd then
  for d = batchEnd - retain + 1, newEnd - c do
    local c0, p0, r0 = windows(d, batchEnd)
    local c1, p1, r1 = windows(d, newEnd)
    if c0 ~= c1 or p0 ~= p1 or r0 ~= r1 then
      -- only days crossing a window boundary are read, and only their active customers
      local members = redis.call('SMEMBERS', base .. 'x:' .. d)
      do
        for _, id in ipairs(members) do
          local s = load(id, { 'd:' .. d })
          touch(id)
          local b = s.buckets[d]
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

-- 5. write back every touched customer, queue it in the outbox, and return its packed state
local watermark = -1
if maxEvent >= 0 then watermark = maxEvent - latenessMs end
local eventTime = math.max(maxEvent, clockMs)
local rows = {}
local vals = {}
for _, id in ipairs(order) do
  local s = state[id]
  s.seq = s.seq + 1
  s.eventTime = eventTime
  s.watermark = watermark
  for i, f in ipairs(FIELDS) do vals[i] = fmt(s[f]) end
  local packed = table.concat(vals, ':')
  local args = { 's', packed }
  for d, b in pairs(s.buckets) do
    if b.dirty then
      args[#args + 1] = 'd:' .. d; args[#args + 1] = fmt(b[1]) .. ':' .. fmt(b[2]) .. ':' .. fmt(b[3])
    end
  end
  for mk, m in pairs(s.months) do
    if m.dirty then
      args[#args + 1] = mk; args[#args + 1] = fmt(m[1]) .. ':' .. fmt(m[2]) .. ':' .. fmt(m[3])
    end
  end
  redis.call('HSET', base .. 'c:' .. id, unpack(args))
  rows[#rows + 1] = id
  rows[#rows + 1] = packed
end
chunked('SADD', base .. 'outbox', order, 1)

redis.call('HSET', metaKey, offsetField, fmt(math.max(applied, batchOffset)), 'maxEventTime', fmt(maxEvent),
  'endDay', fmt(newEnd), 'txGen', fmt(txGen), 'txLow', fmt(txLow))
return { { appliedN, dupN, lateN, conflictN, fenced }, conflicts, rows, { fmt(maxEvent), fmt(newEnd) } }
