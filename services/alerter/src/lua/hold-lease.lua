--[[
  alerter: take or keep the dispatcher lease (one dispatcher delivers at a time, in order).

  KEYS[1] lease key
  ARGV[1] this dispatcher's token
  ARGV[2] lease length, ms

  Returns 1 when this dispatcher holds the lease (taken or renewed), 0 when another does.
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
