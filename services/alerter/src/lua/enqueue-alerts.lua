--[[
  alerter: record a batch's alerts and its input offset atomically, de-duplicated by alertId.

  KEYS[1]     offsets hash  field "<topic>:<partition>" -> last applied offset
  KEYS[2]     queue list    alert JSON waiting for delivery, oldest first
  KEYS[3..n]  seen keys     one per alert (<prefix>{al}:seen:<alertId>), aligned with ARGV[4..]

  ARGV[1] offset field
  ARGV[2] last offset of the batch
  ARGV[3] how long a seen key lives, seconds (bounds the de-dup memory)
  ARGV[4..] alert JSON, one per seen key

  Returns -1 when the batch is at or below the recorded offset (already applied), else the
  number of alerts queued (alerts whose id was seen before are not queued again).
]]
local applied = redis.call('HGET', KEYS[1], ARGV[1])
if applied and tonumber(applied) >= tonumber(ARGV[2]) then
  return -1
end
local queued = 0
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', tonumber(ARGV[3])) then
    redis.call('RPUSH', KEYS[2], ARGV[i + 1])
    queued = queued + 1
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return queued
