-- wrk script: GET /emails/<id> for ids drawn from a file (one per line, IDS_FILE), so most
-- requests render a page the cache has not seen yet.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
math.randomseed(42)
request = function()
  return wrk.format("GET", "/emails/" .. ids[math.random(1, #ids)])
end
