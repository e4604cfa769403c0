--[[
commit-batch.lua: writes one apply step of ONE source partition atomically, if nothing else
wrote the partition since its state was read: compare-and-set on the meta hash's version token
'ver' (a token unique to each commit, so a Redis that lost writes and was written again by
someone else can never show a token a cache still trusts). The arithmetic is done in Node
(batch-plan.ts); this script only checks and stores.

KEYS[1]  meta hash <base>meta
ARGV[1]  key base "<prefix>{p<P>}:" (every key written starts with it: one Redis Cluster slot)
ARGV[2]  the token read ('' when the meta hash had none)
ARGV[3]  the new token
ARGV[4]  number of commands M, then M groups: command (HSET|HDEL|SADD|DEL), key relative to
         the base, argument count k, k arguments
Returns 1, or 0 (nothing written) when the token is no longer the one read.
]]
local base = ARGV[1]
local ver = redis.call('HGET', KEYS[1], 'ver') or ''
if ver ~= ARGV[2] then return 0 end
local allowed = { HSET = true, HDEL = true, SADD = true, DEL = true }
local m = tonumber(ARGV[4])
local i = 5
for _ = 1, m do
  local cmd, key, k = ARGV[i], base .. ARGV[i + 1], tonumber(ARGV[i + 2])
  if not allowed[cmd] then return redis.error_reply('commit-batch: command not allowed: ' .. tostring(cmd)) end
  if k == 0 then redis.call(cmd, key) else redis.call(cmd, key, unpack(ARGV, i + 3, i + 2 + k)) end
  i = i + 3 + k
end
redis.call('HSET', KEYS[1], 'ver', ARGV[3])
return 1
