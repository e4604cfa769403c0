--[[
  churn-watch: apply one planned batch atomically (state, timers, outbox, offset).

  KEYS[1] offsets hash     field "<topic>:<partition>" -> last applied offset
  KEYS[2] state hash       customerId -> state JSON
  KEYS[3] version hash     customerId -> integer version (optimistic concurrency)
  KEYS[4] timers zset      customerId scored by the next inactivity check (ms)
  KEYS[5] meta hash        field "watermark" -> max watermark seen on customer.aggregates
  KEYS[6] outbox list      ChurnRisk event JSON, RPUSH here, flushed to Kafka afterwards
  KEYS[7] recent list      ChurnRisk event JSON, newest first, capped
  KEYS[8] staged hash      cause customerId -> JSON list of tier changes waiting for their cause

  ARGV[1] offset field ("" for a timer tick, which has no input offset)
  ARGV[2] last offset of the batch (ignored when ARGV[1] is "")
  ARGV[3] watermark after the batch
  ARGV[4] cap of the recent list
  ARGV[5] JSON {"customers":[{"id","ver","state","due"}], "events":["<json>", ...],
                "staged":[{"id","ver","list"}]}
          ver = the version the plan read (0 when absent); due = -1 for no timer;
          list = "" removes the staged entry; a staged entry's version is field "staged:<id>"
          of the version hash

  Returns 1 applied; 0 skipped (offset at or below the recorded one: already applied);
  -1 a customer's version moved since it was read (re-read and re-plan).
]]
if ARGV[1] ~= '' then
  local applied = redis.call('HGET', KEYS[1], ARGV[1])
  if applied and tonumber(applied) >= tonumber(ARGV[2]) then
    return 0
  end
end

local payload = cjson.decode(ARGV[5])
for _, c in ipairs(payload.customers) do
  local ver = tonumber(redis.call('HGET', KEYS[3], c.id) or '0')
  if ver ~= tonumber(c.ver) then
    return -1
  end
end

for _, s in ipairs(payload.staged) do
  local ver = tonumber(redis.call('HGET', KEYS[3], 'staged:' .. s.id) or '0')
  if ver ~= tonumber(s.ver) then
    return -1
  end
end

for _, c in ipairs(payload.customers) do
  redis.call('HSET', KEYS[2], c.id, c.state)
  redis.call('HINCRBY', KEYS[3], c.id, 1)
  if tonumber(c.due) < 0 then
    redis.call('ZREM', KEYS[4], c.id)
  else
    redis.call('ZADD', KEYS[4], c.due, c.id)
  end
end

for _, s in ipairs(payload.staged) do
  redis.call('HINCRBY', KEYS[3], 'staged:' .. s.id, 1)
  if s.list == '' then
    redis.call('HDEL', KEYS[8], s.id)
  else
    redis.call('HSET', KEYS[8], s.id, s.list)
  end
end

local wm = tonumber(redis.call('HGET', KEYS[5], 'watermark') or '0')
if tonumber(ARGV[3]) > wm then
  redis.call('HSET', KEYS[5], 'watermark', ARGV[3])
end

local cap = tonumber(ARGV[4])
for _, e in ipairs(payload.events) do
  redis.call('RPUSH', KEYS[6], e)
  redis.call('LPUSH', KEYS[7], e)
end
if #payload.events > 0 then
  redis.call('LTRIM', KEYS[7], 0, cap - 1)
end

if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
