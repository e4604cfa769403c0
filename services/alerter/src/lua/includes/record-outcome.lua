--[[
record-outcome.lua (include): after a handled alert left the queue, dead-letter it when it
failed and count the outcome. Uses KEYS[2] (dead-letter list), KEYS[3] (stats hash), ARGV[2]
("delivered" or "dead") and ARGV[3] (the dead-letter entry) as the including script states.
]]
local function recordOutcome()
  if ARGV[2] == 'dead' then
    redis.call('RPUSH', KEYS[2], ARGV[3])
  end
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
end
