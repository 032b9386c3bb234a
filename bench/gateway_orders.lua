-- wrk script of `make bench`'s gateway section (bench/gateway_bench.py): every request a distinct,
-- valid order POSTed to /v1/orders, the answers counted by status, and one parseable summary line.
--
--   wrk -t2 -c64 -d10s --timeout 15s -s bench/gateway_orders.lua http://HOST:PORT/v1/orders \
--       -- TAG THREADS CONNECTIONS [RATE]
--
-- TAG makes the customer ids of this run its own (customer "TAG-<thread>-<n>", so also distinct
-- across threads and connections; the gateway gives each order its own id). THREADS and
-- CONNECTIONS repeat wrk's -t and -c (a script cannot read them). RATE, orders/s over all threads,
-- paces the run with delay(); without it every connection sends its next order as soon as the
-- last one is answered.
--
-- Pacing. wrk calls delay() whenever a connection is ready to send, and starts that request's
-- clock only when the delay is over: socket_writeable() in wrk's src/wrk.c arms a timer for
-- script_delay() and returns, and `c->start = time_us()` is taken on the next writable event
-- after the timer, so the latency wrk records is request to answer, without the delay. Each
-- thread keeps a schedule of slots THREADS x 1000 / RATE ms apart and hands the next free slot to
-- whichever of its connections asks (a connection that is still waiting for its answer does not
-- hold the others back); a slot already past is sent at once and the schedule does not catch up,
-- so a slow gateway shows as an achieved rate below RATE, never as a burst. The clock is
-- LuaJIT's ffi clock_gettime (wrk runs LuaJIT); without ffi each connection waits the plain
-- CONNECTIONS x 1000 / RATE ms, which falls short of RATE by the latency's share.
--
-- wrk's percentiles in done() include its coordinated-omission correction: at the end
-- (stats_correct() in src/wrk.c, src/stats.c) every latency over twice the mean per-connection
-- cycle (CONNECTIONS / achieved rate) adds made-up samples below it. With spare connections the
-- schedule above does not stall behind a slow answer, so that correction can only overstate the
-- tail; bench/gateway_bench.py reads the gateway's own histogram of the same runs beside it.

local tag, threads, connections, rate = "gw", 1, 1, nil
local sent = 0
-- Globals, not locals: setup() sets thread_id and done() reads statuses through wrk's
-- thread:set()/thread:get(), which reach a thread's globals only.
thread_id = 0
statuses = {}
local interval_ms, next_at_ms = nil, nil
local now_ms = nil

local body_format = '{"customer_id":"%s-%d-%d","items":['
    .. '{"sku":"SKU-1001","name":"Beans","quantity":2,"unit_price_cents":1899},'
    .. '{"sku":"SKU-2001","name":"Mug","quantity":1,"unit_price_cents":1250}],'
    .. '"currency":"EUR","shipping_country":"DE","payment_method":"card"}'
local headers = {["Content-Type"] = "application/json"}

local has_ffi, ffi = pcall(require, "ffi")
if has_ffi then
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } gateway_bench_timespec;
    int clock_gettime(int clock_id, gateway_bench_timespec *tp);
  ]]
  local ts = ffi.new("gateway_bench_timespec")
  now_ms = function()
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
end

-- Main state, once per thread before it starts: the thread's number (init() runs after it).
local next_thread = 1
local all_threads = {}
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
  table.insert(all_threads, thread)
end

function init(args)
  tag = args[1] or tag
  threads = tonumber(args[2]) or threads
  connections = tonumber(args[3]) or connections
  rate = tonumber(args[4])
  if rate ~= nil and rate > 0 then
    interval_ms = threads * 1000 / rate
    if not now_ms then
      interval_ms = connections * 1000 / rate  -- per connection (see above)
    end
  else
    delay = nil  -- unpaced: wrk asks delay() only when the global is a function
  end
end

function delay()
  if not now_ms then
    return interval_ms
  end
  local now = now_ms()
  if next_at_ms == nil or next_at_ms < now then
    next_at_ms = now
  end
  local wait = next_at_ms - now
  next_at_ms = next_at_ms + interval_ms
  return wait
end

function request()
  sent = sent + 1
  return wrk.format("POST", nil, headers, body_format:format(tag, thread_id, sent))
end

function response(status, _, _)
  statuses[status] = (statuses[status] or 0) + 1
end

-- One line, "gateway-bench key=value ...", read by bench/gateway_bench.py (parse_wrk_summary).
-- Latencies in microseconds; status_<code> for every status seen; errors_* are wrk's socket
-- errors (timeout: an answer later than --timeout, not counted in the latencies).
function done(summary, latency, _)
  local counts = {}
  for _, thread in ipairs(all_threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      local code = tonumber(status)
      counts[code] = (counts[code] or 0) + n
    end
  end
  local out = {"gateway-bench", "requests=" .. summary.requests,
               "duration_us=" .. summary.duration}
  local codes = {}
  for code in pairs(counts) do
    table.insert(codes, code)
  end
  table.sort(codes)
  for _, code in ipairs(codes) do
    table.insert(out, string.format("status_%d=%d", code, counts[code]))
  end
  for _, kind in ipairs({"connect", "read", "write", "timeout"}) do
    table.insert(out, string.format("errors_%s=%d", kind, summary.errors[kind]))
  end
  for _, p in ipairs({{"p50", 50}, {"p99", 99}, {"p99_9", 99.9}}) do
    table.insert(out, string.format("%s_us=%d", p[1], latency:percentile(p[2])))
  end
  table.insert(out, string.format("max_us=%d", latency.max))
  table.insert(out, "ffi_clock=" .. (has_ffi and 1 or 0))
  io.write(table.concat(out, " ") .. "\n")
end
