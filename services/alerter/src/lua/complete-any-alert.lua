--[[
  alerter: take a handled alert out of the queue wherever it is (deliveries run concurrently,
  so it need not be the head), dead-lettering it when it failed.

  KEYS[1] queue list
  KEYS[2] dead-letter list  JSON {"alert":..., "reason":..., "code":..., "attempts":n, "at":ms}
  KEYS[3] stats hash        delivered / dead counters

  ARGV[1] the alert JSON that was handled
  ARGV[2] "delivered" or "dead"
  ARGV[3] the dead-letter entry (when ARGV[2] is "dead")

  Returns 1 done, 0 the alert was no longer queued (another dispatcher handled it; nothing changed).
]]
--- @include "record-outcome"
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 0
end
recordOutcome()
return 1
