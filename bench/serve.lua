-- serve.lua -- wrk's script for bench/serve.sh: POSTs a body to klarbrev serve and counts what was not a 2xx.
-- bench/serve.sh sets everything through the environment (wrk passes no arguments of its own to a script's
-- top level):
--   KB_PATH   the route, e.g. /check or /templates/afslag-kontanthjaelp/fill
--   KB_TOKEN  the bearer token (also in the tokens file the server was started with)
--   KB_CTYPE  the body's Content-Type
--   KB_BODY   the file the bodies come from
--   KB_MODE   same   the file is the body of every request
--             new    the file is a .txt letter (one paragraph a line); each request gets " (N)" after every
--                    paragraph, N a number no other request has, so no paragraph is one the server has checked
--                    before (its paragraph memo never hits; the words are the same)
--             edit   the same letter with " (N)" after one paragraph only, the next one each request: a letter
--                    that is checked again after an edit
--             lines  each line of the file is one body (JSON Lines of cases), taken in turn, with @N@ replaced
--                    by N; each wrk thread starts at another line
--   KB_RUN    a number that makes this run's N differ from another run's (the warm-up's)
-- done() prints one line that bench/serve.sh reads:
--   KB_RESULT requests=N duration_us=N p50_us=N p90_us=N p99_us=N non2xx=N connect=N read=N write=N timeout=N
--   status=N
-- and, when a response was not a 2xx, the first one's status and the start of its body on the next line
-- (KB_FIRST_BAD STATUS BODY).

local path = os.getenv("KB_PATH") or "/check"
local token = os.getenv("KB_TOKEN") or ""
local ctype = os.getenv("KB_CTYPE") or "text/plain; charset=utf-8"
local body_file = os.getenv("KB_BODY")
local mode = os.getenv("KB_MODE") or "same"
local run = os.getenv("KB_RUN") or "1"

local function read_all(name)
  local f = assert(io.open(name, "rb"), "serve.lua: cannot read " .. tostring(name))
  local s = f:read("*a")
  f:close()
  return s
end

local headers = { ["Content-Type"] = ctype, ["Authorization"] = "Bearer " .. token }

-- ---- in the main state: the threads, so done() can add up their counts ----
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- ---- in each thread's state ----
thread_id = 0 -- set by setup() before init()
non2xx = 0
first_bad = ""

local bodies, paragraphs, n, counter

function init(args)
  counter = 0
  if mode == "same" then
    -- one fixed request, formatted once: wrk sends it as it is
    wrk.method = "POST"
    wrk.path = path
    wrk.body = read_all(body_file)
    for k, v in pairs(headers) do wrk.headers[k] = v end
  elseif mode == "new" or mode == "edit" then
    paragraphs = {}
    for line in read_all(body_file):gmatch("[^\n]+") do table.insert(paragraphs, line) end
  elseif mode == "lines" then
    bodies = {}
    for line in read_all(body_file):gmatch("[^\n]+") do table.insert(bodies, line) end
    n = #bodies
    counter = (thread_id * 7919) % n -- each thread starts somewhere else in the file
  else
    error("serve.lua: KB_MODE must be same, new, edit or lines, not " .. mode)
  end
end

if mode ~= "same" then
  function request()
    counter = counter + 1
    local unique = run .. (thread_id + 1) .. string.format("%07d", counter)
    local body
    if mode == "new" then
      local tag = " (" .. unique .. ")\n"
      body = table.concat(paragraphs, tag) .. tag
    elseif mode == "edit" then
      local i = counter % #paragraphs + 1
      local old = paragraphs[i]
      paragraphs[i] = old .. " (" .. unique .. ")"
      body = table.concat(paragraphs, "\n") .. "\n"
      paragraphs[i] = old
    else
      body = bodies[(counter % n) + 1]:gsub("@N@", unique)
    end
    return wrk.format("POST", path, headers, body)
  end
end

function response(status, hdrs, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 300):gsub("\n", " ")
    end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    local fb = t:get("first_bad") or ""
    if first == "" and fb ~= "" then first = fb end
  end
  local e = summary.errors
  io.write(string.format(
    "KB_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d non2xx=%d connect=%d read=%d write=%d " ..
    "timeout=%d status=%d\n",
    summary.requests, summary.duration, math.floor(latency:percentile(50)), math.floor(latency:percentile(90)),
    math.floor(latency:percentile(99)), bad,
    e.connect, e.read, e.write, e.timeout, e.status))
  if first ~= "" then io.write("KB_FIRST_BAD " .. first .. "\n") end
end
