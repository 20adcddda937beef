-- One wrk script for every scenario, so that wrk does the same work for each of them.
-- Arguments: FILE NTHREADS METHOD PATH [EXPECT] [REFERER]
--   FILE holds one request a line, "cookie<TAB>body" (either may be empty); each thread takes
--   every NTHREADS-th line and sends them in turn, wrapping around (and saying so) at the end.
--   A file of one line is one request that every thread replays.
--   EXPECT, when given, is a plain string the Location header of a good response contains,
--   or "status=N": a good response has that status (a page, not a redirect to sign in).
--   REFERER, when given, is sent as the Referer header (HTTPS forms need one for the CSRF check).
-- done() prints one line "BENCH {json}" with throughput, latency and the response counts.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

sent = 0
ok = 0
other = 0
wrapped = 0
local requests = {}
local index = 0
local expect = nil
local referer = nil
local pooled = false

function init(args)
   local path, nthreads, method, target = args[1], tonumber(args[2]), args[3], args[4]
   if args[5] and args[5] ~= "" then expect = args[5] end
   if args[6] and args[6] ~= "" then referer = args[6] end
   local n = 0
   for _ in io.lines(path) do n = n + 1 end
   if n == 1 then nthreads = 1 end
   pooled = n > 1
   n = 0
   for line in io.lines(path) do
      if n % nthreads == id or nthreads == 1 then
         local cookie, body = line:match("^(.-)\t(.*)$")
         local headers = {}
         if cookie ~= "" then headers["Cookie"] = cookie end
         if referer then headers["Referer"] = referer end
         if body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/x-www-form-urlencoded"
         end
         table.insert(requests, wrk.format(method, target, headers, body))
      end
      n = n + 1
   end
end

function request()
   index = index + 1
   if index > #requests then
      index = 1
      if pooled then wrapped = 1 end
   end
   sent = sent + 1
   return requests[index]
end

function response(status, headers, body)
   local location = headers["Location"] or headers["location"] or ""
   local good
   if expect and expect:sub(1, 7) == "status=" then
      good = status == tonumber(expect:sub(8))
   else
      good = status >= 200 and status < 400 and (expect == nil or location:find(expect, 1, true))
   end
   if good then
      ok = ok + 1
   else
      other = other + 1
   end
end

function done(summary, latency, _)
   local s, k, o, w = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      s = s + thread:get("sent")
      k = k + thread:get("ok")
      o = o + thread:get("other")
      w = math.max(w, thread:get("wrapped"))
   end
   -- wrk calls request() once before the run to check what it returns: that one is not sent.
   s = s - 1
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"non_2xx_3xx": %d, "socket_errors": %d, "timeouts": %d, "sent": %d, "ok": %d, ' ..
      '"other": %d, "wrapped": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency.max, e.status, e.connect + e.read + e.write, e.timeout, s, k, o, w))
end
