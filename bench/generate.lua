-- wrk script for `modelcard serve`: POST /generate with one spec per request.
--
--   wrk -t2 -c64 -d10s --latency -s bench/generate.lua http://HOST:PORT -- [MODE] [count]
--
-- MODE "unique" (the default) gives every request its own model name, so
-- every card misses the daemon's cache and goes through the engine; MODE
-- "guide" sends the user guide's body as is, so after the first request
-- every card comes from the cache. With "count", responses are tallied by
-- status (429 apart from the rest); this costs some client CPU, so leave it
-- off when measuring throughput.
--
-- done() prints one "key value" line per figure for bench/load.sh.

local mode = "unique"
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

local prefix = ""
local n = 0
-- Globals, so that done() can read them from each thread.
counting = false
status_ok, status_429, status_5xx, status_other = 0, 0, 0, 0

local function guide_body(name)
	return '{"model_name": "' .. name .. '", "metrics": {"accuracy": 0.95}}'
end

local headers = { ["Content-Type"] = "application/json" }

function init(args)
	if args[1] ~= nil and args[1] ~= "" then
		mode = args[1]
	end
	if mode ~= "unique" and mode ~= "guide" then
		error("generate.lua: unknown mode " .. mode .. "; use unique or guide")
	end
	counting = args[2] == "count"
	prefix = "bench-" .. tostring(id) .. "-"
	if mode == "guide" then
		-- A static request lets wrk reuse one buffer.
		wrk.method, wrk.path, wrk.body = "POST", "/generate", guide_body("test")
		wrk.headers["Content-Type"] = "application/json"
	end
	if counting then
		response = function(status, hdrs, body)
			if status == 200 then
				status_ok = status_ok + 1
			elseif status == 429 then
				status_429 = status_429 + 1
			elseif status >= 500 then
				status_5xx = status_5xx + 1
			else
				status_other = status_other + 1
			end
		end
	end
end

function request()
	if mode == "guide" then
		return wrk.request()
	end
	n = n + 1
	return wrk.format("POST", "/generate", headers, guide_body(prefix .. n))
end

function done(summary, latency, requests)
	local secs = summary.duration / 1e6
	local e = summary.errors
	print(string.format("requests %d", summary.requests))
	print(string.format("seconds %.2f", secs))
	print(string.format("rps %.0f", summary.requests / secs))
	print(string.format("p50_ms %.2f", latency:percentile(50) / 1000))
	print(string.format("p99_ms %.2f", latency:percentile(99) / 1000))
	print(string.format("max_ms %.2f", latency.max / 1000))
	print(string.format("non2xx %d", e.status))
	print(string.format("socket_errors %d", e.connect + e.read + e.write))
	print(string.format("timeouts %d", e.timeout))
	if #threads > 0 and threads[1]:get("counting") then
		local ok, s429, s5xx, other = 0, 0, 0, 0
		for _, t in ipairs(threads) do
			ok = ok + (t:get("status_ok") or 0)
			s429 = s429 + (t:get("status_429") or 0)
			s5xx = s5xx + (t:get("status_5xx") or 0)
			other = other + (t:get("status_other") or 0)
		end
		print(string.format("status_200 %d", ok))
		print(string.format("status_429 %d", s429))
		print(string.format("status_5xx %d", s5xx))
		print(string.format("status_other %d", other))
	end
end
