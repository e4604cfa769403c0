-- claim-region.lua: takes one of MAX_REGIONS region slots for a region name, atomically, so
-- several aggregator instances never let more than the cap become ranking scopes.
-- KEYS[1]  <prefix>regions (set of the region names that have a slot)
-- ARGV[1]  the region name
-- ARGV[2]  the cap (MAX_REGIONS)
-- returns  1 when the region has a slot (it had one, or took a free one), 0 when the cap is full
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('SADD', KEYS[1], ARGV[1])
  return 1
end
return 0
