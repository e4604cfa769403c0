--[[
rank-commit.lua: writes one ranker chunk atomically, if the stored offset is still the one the
instance expects (compare-and-set: a second instance that wrote in between fences this one).
The ranking is done in Node (rank-store.ts builds the commands); this script only checks and
stores. The offset is written last, so a command that fails leaves the offset where it was
(the chunk is then re-applied; every write is idempotent but the list pushes, whose duplicates
keep their eventId).

KEYS[1]  offsets hash <prefix>{rk}:offsets
ARGV[1]  key base "<prefix>{rk}:" (every key written starts with it: one Redis Cluster slot)
ARGV[2]  offsets field `<topic>:<partition>`
ARGV[3]  expected stored offset (-1 for none)
ARGV[4]  the new offset
ARGV[5]  the outbox key, relative to the base
ARGV[6]  number of tier changes E, then E entries (stored TierChange, in order): RPUSHed to the
         outbox
then     number of commands M, then M groups: command, key relative to the base, argument
         count k, k arguments. Commands: HSET HDEL ZADD ZREM SADD LPUSH; ECAP (arguments: cap,
         1-based entry numbers: LPUSH those entries, then LTRIM to the cap when the list is
         longer); HIST (key prefix; arguments: cap, then pairs of key suffix and entry number:
         LPUSH each entry to its key, in order, LTRIM to the cap when longer).
Returns {1, ''} when written, {0, stored offset} (nothing written) when fenced.
]]
local stored = redis.call('HGET', KEYS[1], ARGV[2])
local have = -1
if stored then have = tonumber(stored) end
if have ~= tonumber(ARGV[3]) then return { 0, stored or '' } end
local base = ARGV[1]
local outbox = base .. ARGV[5]
local e = tonumber(ARGV[6])
local first = 7
for from = first, first + e - 1, 4000 do
  redis.call('RPUSH', outbox, unpack(ARGV, from, math.min(from + 3999, first + e - 1)))
end
local i = first + e
local allowed = { HSET = true, HDEL = true, ZADD = true, ZREM = true, SADD = true, LPUSH = true }
local m = tonumber(ARGV[i])
i = i + 1
for _ = 1, m do
  local cmd, key, k = ARGV[i], base .. ARGV[i + 1], tonumber(ARGV[i + 2])
  if cmd == 'HIST' then
    local cap = tonumber(ARGV[i + 3])
    for j = i + 4, i + 2 + k, 2 do
      local list = key .. ARGV[j]
      if redis.call('LPUSH', list, ARGV[first + tonumber(ARGV[j + 1]) - 1]) > cap then redis.call('LTRIM', list, 0, cap - 1) end
    end
  elseif cmd == 'ECAP' then
    local cap = tonumber(ARGV[i + 3])
    local items = {}
    for j = i + 4, i + 2 + k do items[#items + 1] = ARGV[first + tonumber(ARGV[j]) - 1] end
    local n = redis.call('LPUSH', key, unpack(items))
    if n > cap then redis.call('LTRIM', key, 0, cap - 1) end
  elseif allowed[cmd] then
    redis.call(cmd, key, unpack(ARGV, i + 3, i + 2 + k))
  else
    return redis.error_reply('rank-commit: command not allowed: ' .. tostring(cmd))
  end
  i = i + 3 + k
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return { 1, '' }
