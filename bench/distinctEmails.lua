-- wrk script: GET /emails/<id> with every request for a message not asked for before in the run
-- (ids from IDS_FILE, dealt round-robin to wrk's WRK_THREADS threads), so each request is the
-- first render of its page. If a run asks for more pages than there are ids, it starts over and
-- prints "wrapped": the figure then mixes in cached pages and the run should be shorter.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local stride = tonumber(os.getenv("WRK_THREADS") or "2")
local next_thread = 0

function setup(thread)
  thread:set("first", next_thread)
  next_thread = next_thread + 1
end

local step = 0
function request()
  local index = (first + step * stride) % #ids + 1
  step = step + 1
  return wrk.format("GET", "/emails/" .. ids[index])
end

function done(summary)
  if summary.requests > #ids then
    io.write(string.format("wrapped: %d requests for %d distinct ids\n", summary.requests, #ids))
  else
    io.write(string.format("distinct: %d requests, each a different id (%d ids)\n", summary.requests, #ids))
  end
end
