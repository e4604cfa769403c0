--[[
  alerter: take handled alerts out of the queue wherever they are (deliveries run concurrently,
  so one need not be the head), dead-lettering those that failed; a group of them per call.
  An alert at the head is popped (LPOP: the AOF and replicas get the key, not the alert again);
  one further back is removed by value (LREM).

  KEYS[1] queue list
  KEYS[2] dead-letter list  JSON {"alert":..., "reason":..., "code":..., "attempts":n, "at":ms}
  KEYS[3] stats hash        delivered / dead counters

  ARGV    per alert three values: the alert JSON that was handled, "delivered" or "dead", the
          dead-letter entry (empty unless "dead")

  Returns one number per alert, in order: 1 done, 0 the alert was no longer queued (another
  dispatcher handled it; nothing changed for it).
]]
if #ARGV % 3 ~= 0 then
  return redis.error_reply('TF_BAD_ARGS complete-alerts takes (alert, outcome, dead entry) triples')
end
local out = {}
local counts = { delivered = 0, dead = 0 }
for i = 1, #ARGV, 3 do
  local outcome = ARGV[i + 1]
  if outcome ~= 'delivered' and outcome ~= 'dead' then
    return redis.error_reply('TF_BAD_ARGS outcome ' .. tostring(outcome) .. ' is not delivered or dead')
  end
  local removed = 0
  if redis.call('LINDEX', KEYS[1], 0) == ARGV[i] then
    redis.call('LPOP', KEYS[1])
    removed = 1
  else
    removed = redis.call('LREM', KEYS[1], 1, ARGV[i])
  end
  if removed == 0 then
    out[#out + 1] = 0
  else
    if outcome == 'dead' then
      redis.call('RPUSH', KEYS[2], ARGV[i + 2])
    end
    counts[outcome] = counts[outcome] + 1
    out[#out + 1] = 1
  end
end
for outcome, n in pairs(counts) do
  if n > 0 then
    redis.call('HINCRBY', KEYS[3], outcome, n)
  end
end
return out
