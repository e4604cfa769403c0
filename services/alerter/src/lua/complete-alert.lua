--[[
  alerter: take a handled alert off the head of the queue, dead-lettering it when it failed.

  KEYS[1] queue list
  KEYS[2] dead-letter list  JSON {"alert":..., "reason":..., "attempts":n, "at":ms}
  KEYS[3] stats hash        delivered / dead counters

  ARGV[1] the alert JSON that was handled (must still be the head)
  ARGV[2] "delivered" or "dead"
  ARGV[3] the dead-letter entry (when ARGV[2] is "dead")

  Returns 1 done, 0 the head was not this alert (another dispatcher took it; nothing changed).
]]
--- @include "record-outcome"
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then
  return 0
end
redis.call('LPOP', KEYS[1])
recordOutcome()
return 1
