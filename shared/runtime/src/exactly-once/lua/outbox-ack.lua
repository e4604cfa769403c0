--[[
outbox-ack.lua: removes n sent entries from an outbox list. When they are still its head (the
usual case: the first and the n-th entry are the ones sent; entries are only appended at the
tail, and any removal before them would have moved both) one LTRIM drops them.

KEYS[1]  the outbox list
ARGV[1]  n, the number of entries sent
ARGV[2]  the first entry sent
ARGV[3]  the last entry sent
Returns  the length left, or -1 when they are not the head any more (nothing changed: the
         caller then removes each entry).
]]
local n = tonumber(ARGV[1])
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[3] then return -1 end
redis.call('LTRIM', KEYS[1], n, -1)
return redis.call('LLEN', KEYS[1])
