#!/usr/bin/env bash
# Load test of `modelcard serve` (CPU build) with wrk, on loopback.
#
#   bench/load.sh
#
# 1. Steady load: single-card POST /generate at CONNS connections for
#    DURATION; prints requests/s, p50/p99 latency and errors.
# 2. Burst: BURST_CONNS connections against a daemon whose queue holds only
#    BURST_QUEUE cards; prints how many requests got 429 (queue full) and
#    how many timed out or failed otherwise.
#
# Settings (environment): DURATION (10s), THREADS (2), CONNS (64), MODE
# (unique: every request a new model name, so every card misses the cache;
# guide: the user guide's body every time, so cards come from the cache),
# BURST_DURATION (5s), BURST_CONNS (512), BURST_QUEUE (16), TIMEOUT (wrk's
# per-request timeout, 5s), GOMAXPROCS (the daemon's; unset: all CPUs),
# MODELCARD_BIN (a prebuilt binary; default: build the CPU binary into a
# temporary directory).
#
# Needs wrk (Debian/Ubuntu: apt-get install wrk), curl and Go.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
MODE=${MODE:-unique}
BURST_DURATION=${BURST_DURATION:-5s}
BURST_CONNS=${BURST_CONNS:-512}
BURST_QUEUE=${BURST_QUEUE:-16}
TIMEOUT=${TIMEOUT:-5s}

for tool in wrk curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "load.sh: $tool is not installed; install it (Debian/Ubuntu: apt-get install $tool) and rerun" >&2
		exit 2
	fi
done

work=$(mktemp -d)
daemon_pid=
stop_daemon() {
	if [ -n "$daemon_pid" ]; then
		kill -TERM "$daemon_pid" 2>/dev/null || true
		wait "$daemon_pid" 2>/dev/null || true
		daemon_pid=
	fi
}
cleanup() {
	stop_daemon
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=${MODELCARD_BIN:-}
if [ -z "$bin" ]; then
	echo "== building the CPU binary"
	CGO_ENABLED=0 go build -tags cpu -trimpath -o "$work/modelcard-cpu" ./cmd/modelcard
	bin=$work/modelcard-cpu
fi

# start_daemon ARGS...: starts the daemon on a free loopback port and sets
# base to its URL once /ready answers 200.
start_daemon() {
	local log=$work/serve.log addr= i
	: >"$log"
	"$bin" --log-level info serve --http-addr 127.0.0.1:0 --metrics-addr "" "$@" 2>"$log" &
	daemon_pid=$!
	for i in $(seq 1 200); do
		if ! kill -0 "$daemon_pid" 2>/dev/null; then
			echo "load.sh: the daemon exited; its log:" >&2
			cat "$log" >&2
			exit 1
		fi
		addr=$(sed -n 's/.* msg=serving api=\([0-9.:]*\).*/\1/p' "$log" | head -n 1)
		if [ -n "$addr" ] && curl -fsS -o /dev/null "http://$addr/ready" 2>/dev/null; then
			base=http://$addr
			return
		fi
		sleep 0.05
	done
	echo "load.sh: the daemon was not ready within 10s; its log:" >&2
	cat "$log" >&2
	exit 1
}

# field NAME FILE: the value of a "NAME value" line printed by generate.lua.
field() { sed -n "s/^$1 //p" "$2"; }

echo "== steady load: POST /generate, $CONNS connections, $THREADS threads, $DURATION, mode $MODE"
start_daemon
curl -fsS -o /dev/null -H 'Content-Type: application/json' \
	-d '{"model_name": "test", "metrics": {"accuracy": 0.95}}' "$base/generate"
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$TIMEOUT" --latency \
	-s bench/generate.lua "$base" -- "$MODE" >"$work/steady.txt"
stop_daemon
cat "$work/steady.txt"
s=$work/steady.txt
echo "-- steady: $(field rps "$s") requests/s, p50 $(field p50_ms "$s") ms, p99 $(field p99_ms "$s") ms," \
	"errors: non-2xx $(field non2xx "$s"), socket $(field socket_errors "$s"), timeouts $(field timeouts "$s")"

echo
echo "== burst: POST /generate, $BURST_CONNS connections, queue of $BURST_QUEUE cards, $BURST_DURATION"
start_daemon --queue-size "$BURST_QUEUE"
wrk -t"$THREADS" -c"$BURST_CONNS" -d"$BURST_DURATION" --timeout "$TIMEOUT" --latency \
	-s bench/generate.lua "$base" -- "$MODE" count >"$work/burst.txt"
stop_daemon
cat "$work/burst.txt"
b=$work/burst.txt
echo "-- burst: $(field requests "$b") requests: $(field status_200 "$b") ok, $(field status_429 "$b") 429 (queue full)," \
	"$(field timeouts "$b") timeouts, $(field status_5xx "$b") 5xx, $(field status_other "$b") other statuses," \
	"$(field socket_errors "$b") socket errors; p99 $(field p99_ms "$b") ms"
