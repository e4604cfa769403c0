--[[
fenced-commit.lua: the one exactly-once commit of every service. Checks every guard BEFORE any
write (Redis does not roll a script back), then runs the command list in order, then the fence
updates (the last commands of the list: the writer's new token or offset). Encoded by
fenced-commit.ts (FencedCommit); the commands are computed in Node, this script only checks and
stores. Every key written starts with the key base (one Redis Cluster slot).

KEYS[1]  the fence hash (the key the guards are anchored to; declared for the cluster slot)
ARGV[1]  key base (every key below is relative to it)
ARGV[2]  number of guards G, then G groups of 4: kind, key, field, value
           EQ  the field's value (absent = '') equals value
           LT  the field is absent or its number is below value (an offset not applied yet)
then     number of payload entries E, then E entries (each sent once; macros refer to them by
         1-based number)
then     number of commands M, then M groups: command, key, argument count k, k arguments.
           HSET HDEL SADD SREM DEL ZADD ZREM RPUSH LPUSH LTRIM APPEND  as Redis runs them
           HINCRBY  pairs field, increment (one HINCRBY per pair)
           HMAX     pairs field, number: sets the field when the number is above the stored
                    one (absent = 0)
           ERPUSH   entry numbers: RPUSH those entries
           ECAP     cap, entry numbers: LPUSH those entries, LTRIM to the cap when longer
           HIST     (key is a key prefix) cap, pairs key suffix, entry number: LPUSH each entry
                    to its key, LTRIM to the cap when longer
           NXPUSH   ttl seconds, pairs seen key, entry number: when SET seen-key 1 NX EX ttl
                    succeeds, RPUSH the entry (de-duplication); counted in the result
           HCAP     cap, pairs field, lines: a capped history in one hash field, newest first,
                    one entry a line: the lines (newest first, no trailing line break) go in
                    front of the field's value, and the value is cut after its cap-th line
           HNXPUSH  ttl seconds, triples seen hash, field, entry number: when HSETNX seen-hash
                    field 1 succeeds, RPUSH the entry and EXPIRE seen-hash ttl (so the hash
                    lives ttl after its last new field); counted in the result
Returns  {1, number of entries NXPUSH queued} when written; {0, guard number, the stored value
         (absent = '')} when a guard failed (nothing written).
Errors   TF_NOT_ALLOWED (a command outside the list), TF_BAD_GUARD (an unknown guard kind):
         raised while checking, before any write; translated by redis/scripts.ts.
]]
local base = ARGV[1]
local g = tonumber(ARGV[2])
local i = 3
for n = 1, g do
  local kind, want = ARGV[i], ARGV[i + 3]
  local have = redis.call('HGET', base .. ARGV[i + 1], ARGV[i + 2])
  if kind == 'EQ' then
    if (have or '') ~= want then return { 0, n, have or '' } end
  elseif kind == 'LT' then
    if have and tonumber(have) >= tonumber(want) then return { 0, n, have } end
  else
    return redis.error_reply('TF_BAD_GUARD fenced-commit: unknown guard ' .. tostring(kind))
  end
  i = i + 4
end
local first = i + 1
i = first + tonumber(ARGV[i])
local plain = { HSET = true, HDEL = true, SADD = true, SREM = true, DEL = true, ZADD = true, ZREM = true, RPUSH = true, LPUSH = true, LTRIM = true, APPEND = true }
local macro = { HINCRBY = true, HMAX = true, ERPUSH = true, ECAP = true, HIST = true, NXPUSH = true, HCAP = true, HNXPUSH = true }
local queued = 0
local m = tonumber(ARGV[i])
i = i + 1
-- every command is checked against the allow-list before the first write
local c = i
for _ = 1, m do
  local cmd = ARGV[c]
  if not plain[cmd] and not macro[cmd] then
    return redis.error_reply('TF_NOT_ALLOWED fenced-commit: command not allowed: ' .. tostring(cmd))
  end
  c = c + 3 + tonumber(ARGV[c + 2])
end
for _ = 1, m do
  local cmd, key, k = ARGV[i], base .. ARGV[i + 1], tonumber(ARGV[i + 2])
  local a, z = i + 3, i + 2 + k
  if plain[cmd] then
    if k == 0 then redis.call(cmd, key) else redis.call(cmd, key, unpack(ARGV, a, z)) end
  elseif cmd == 'HINCRBY' then
    for j = a, z, 2 do redis.call('HINCRBY', key, ARGV[j], ARGV[j + 1]) end
  elseif cmd == 'HMAX' then
    for j = a, z, 2 do
      if tonumber(ARGV[j + 1]) > tonumber(redis.call('HGET', key, ARGV[j]) or '0') then redis.call('HSET', key, ARGV[j], ARGV[j + 1]) end
    end
  elseif cmd == 'ERPUSH' or cmd == 'ECAP' then
    local from = a
    if cmd == 'ECAP' then from = a + 1 end
    local items = {}
    for j = from, z do items[#items + 1] = ARGV[first + tonumber(ARGV[j]) - 1] end
    if #items > 0 then
      if cmd == 'ERPUSH' then
        redis.call('RPUSH', key, unpack(items))
      else
        local cap = tonumber(ARGV[a])
        if redis.call('LPUSH', key, unpack(items)) > cap then redis.call('LTRIM', key, 0, cap - 1) end
      end
    end
  elseif cmd == 'HIST' then
    local cap = tonumber(ARGV[a])
    for j = a + 1, z, 2 do
      local list = key .. ARGV[j]
      if redis.call('LPUSH', list, ARGV[first + tonumber(ARGV[j + 1]) - 1]) > cap then redis.call('LTRIM', list, 0, cap - 1) end
    end
  elseif cmd == 'NXPUSH' then
    local ttl = tonumber(ARGV[a])
    for j = a + 1, z, 2 do
      if redis.call('SET', base .. ARGV[j], '1', 'NX', 'EX', ttl) then
        redis.call('RPUSH', key, ARGV[first + tonumber(ARGV[j + 1]) - 1])
        queued = queued + 1
      end
    end
  elseif cmd == 'HCAP' then
    local cap = tonumber(ARGV[a])
    for j = a + 1, z, 2 do
      local have = redis.call('HGET', key, ARGV[j])
      local v = ARGV[j + 1]
      if have then v = v .. '\n' .. have end
      local at, n = 0, 0
      repeat
        at = string.find(v, '\n', at + 1, true)
        n = n + 1
      until at == nil or n == cap
      if at then v = string.sub(v, 1, at - 1) end
      redis.call('HSET', key, ARGV[j], v)
    end
  elseif cmd == 'HNXPUSH' then
    local ttl = tonumber(ARGV[a])
    for j = a + 1, z, 3 do
      local seen = base .. ARGV[j]
      if redis.call('HSETNX', seen, ARGV[j + 1], '1') == 1 then
        redis.call('EXPIRE', seen, ttl)
        redis.call('RPUSH', key, ARGV[first + tonumber(ARGV[j + 2]) - 1])
        queued = queued + 1
      end
    end
  else
    return redis.error_reply('TF_NOT_ALLOWED fenced-commit: command not allowed: ' .. tostring(cmd))
  end
  i = z + 1
end
return { 1, queued }
