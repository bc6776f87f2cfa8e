-- wrk script: every request is a random line of a URL file (a path such as /p/some-product-12).
--
--   wrk -t2 -c64 -d10s --latency -s scripts/bench.d/random-urls.lua http://127.0.0.1:58499 -- FILE [SEED]
--
-- Each wrk thread has its own Lua state: setup() numbers the threads and init() seeds each one's
-- generator differently (SEED + thread number), so threads don't replay the same sequence and a
-- run with the same SEED draws the same URLs.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = args[1]
  if not file then error("random-urls.lua: pass the URL file after --") end
  paths = {}
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("random-urls.lua: no paths in " .. file) end
  local seed = tonumber(args[2] or "1") or 1
  math.randomseed(seed * 1000003 + (thread_number or 0) * 7919)
  for _ = 1, 8 do math.random() end -- the first draws after seeding are poorly mixed
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
