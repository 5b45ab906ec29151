-- wrk script: purchases through the benchmark's links, each by a different
-- (buyer organization, link) pair so every request makes a full copy.
-- Arguments: an offset, so that runs never repeat a pair.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  offset = tonumber(args[1] or "0")
  count = 0
end

request = function()
  -- Pairs n = offset + tid + 16 * count (at most 16 threads) never collide;
  -- .ci/bench moves the offset 100,000 a run, within the 1,000,000 pairs.
  local n = offset + tid + 16 * count
  count = count + 1
  local buyer = n % 5000
  local link = math.floor(n / 5000) % 200
  local body = "token=bench-link-" .. link .. "&org_id=bench-buyer-" .. buyer ..
    "&idempotency_key=wrk-" .. n
  return wrk.format("POST", "/api/distribution/buy", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = "fenfa_session=bench-session-buyer-" .. buyer,
  }, body)
end
