--[[
commit-batch.lua: writes one apply step of ONE source partition atomically, if nothing else
wrote the partition since its state was read (compare-and-set on the meta hash's 'ver').
The arithmetic is done in Node (batch-plan.ts); this script only checks and stores.

KEYS[1]  meta hash <base>meta
ARGV[1]  key base "<prefix>{p<P>}:" (every key written starts with it: one Redis Cluster slot)
ARGV[2]  the version read ('0' when the meta hash had none)
ARGV[3]  number of commands M, then M groups: command (HSET|HDEL|SADD|DEL), key relative to
         the base, argument count k, k arguments
Returns the new version, or -1 (nothing written) when the version is no longer the one read.
]]
local base = ARGV[1]
local ver = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if ver ~= tonumber(ARGV[2]) then return -1 end
local allowed = { HSET = true, HDEL = true, SADD = true, DEL = true }
local m = tonumber(ARGV[3])
local i = 4
for _ = 1, m do
  local cmd, key, k = ARGV[i], base .. ARGV[i + 1], tonumber(ARGV[i + 2])
  if not allowed[cmd] then return redis.error_reply('commit-batch: command not allowed: ' .. tostring(cmd)) end
  if k == 0 then redis.call(cmd, key) else redis.call(cmd, key, unpack(ARGV, i + 3, i + 2 + k)) end
  i = i + 3 + k
end
redis.call('HSET', KEYS[1], 'ver', ver + 1)
return ver + 1
