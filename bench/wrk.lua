-- wrk script of bench/run.py: every request from another visitor (its own X-Forwarded-For
-- address, from the IPv6 documentation range, made of BENCH_RUN, the thread and a counter), with
-- the method, headers and body that the BENCH_METHOD, BENCH_HEADERS (lines "Name: value") and
-- BENCH_BODY environment variables give. One request in RECONNECT_EVERY asks the server to close
-- its connection: a connection stays with the gunicorn worker that accepted it, and in a run
-- where connections never closed, how they happened to fall among the workers set the median
-- (a worker's threads share one processor).
-- Prints the figures as one JSON line at the end.

local threads = {}
local RECONNECT_EVERY = 25

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    sent = 0
    run = tonumber(os.getenv("BENCH_RUN") or "0")
    method = os.getenv("BENCH_METHOD") or "GET"
    body = os.getenv("BENCH_BODY")
    if body == "" then
        body = nil
    end
    headers = {}
    for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
        local name, value = string.match(line, "^([^:]+):%s*(.*)$")
        headers[name] = value
    end
end

function request()
    sent = sent + 1
    headers["X-Forwarded-For"] = string.format("2001:db8:%x:%x::%x", run, id, sent)
    headers["Connection"] = sent % RECONNECT_EVERY == 0 and "close" or nil
    return wrk.format(method, nil, headers, body)
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        'JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "bad_status": %d, ' ..
            '"socket_errors": %d}\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        errors.status, errors.connect + errors.read + errors.write + errors.timeout
    ))
end
