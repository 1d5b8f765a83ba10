-- wrk script: GET /emails/<id> for ids spread over the whole collection (set MAX_ID in the environment),
-- so most requests render a page the cache has not seen yet.
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
math.randomseed(42)
request = function()
  return wrk.format("GET", "/emails/" .. math.random(1, max_id))
end
