--[[
  churn-watch: drop the first ARGV[2] outbox entries after they were sent to Kafka, only if
  the head is still the entry that was sent first (another flusher may have trimmed already;
  then nothing is trimmed and the rest is sent again: duplicates, never a loss).

  KEYS[1] outbox list
  ARGV[1] the first entry that was sent
  ARGV[2] how many entries were sent

  Returns 1 trimmed, 0 head changed (nothing trimmed).
]]
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then
  return 0
end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
return 1
