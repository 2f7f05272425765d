#!/bin/sh
# The CUDA backend's check on a GPU machine, which needs only the NVIDIA
# driver (no Go, no toolkit). `make gpu-check` builds build/gpu.test and
# build/modelcard and copies this script beside them; run it from the
# repository root (the tests read no shared data). Logs go to $OUT, or
# ./gpu-check-out when OUT is unset; a short table is printed last.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-gpu-check-out}
mkdir -p "$out"

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv >"$out/gpu.txt" 2>&1 || true

# 1. Conformance (engine/enginetest against a float64 reference) and the
#    pool/health test.
(cd "$here" && ./gpu.test -test.v -test.count=1 -test.timeout=300s) >"$out/conformance.log" 2>&1
conf=$?

# 2. Benchmarks: the GPU backend with copy bandwidth measured in the same
#    run, and the CPU backend on the same batch.
bench=1
if [ "$conf" -eq 0 ]; then
	(cd "$here" && ./gpu.test -test.run '^$' -test.bench . -test.benchtime 3s -test.count 3 -test.timeout=300s) >"$out/bench.log" 2>&1
	bench=$?
fi

# 3. The CLI starts in the CUDA build (skipped when build/modelcard was
#    not carried along: the test binary is what matters).
cli=0
if [ -x "$here/modelcard" ]; then
	"$here/modelcard" --help >"$out/cli.log" 2>&1
	cli=$?
fi

echo "== gpu-check =="
head -2 "$out/gpu.txt"
printf '%-14s %s\n' conformance "$( [ $conf -eq 0 ] && echo PASS || echo "FAIL (rc $conf)")"
grep -E '^(--- |=== RUN|ok|FAIL|PASS)' "$out/conformance.log" | grep -E -- '--- (FAIL|PASS)' | grep -v '    ---' | head -20
printf '%-14s %s\n' benchmarks "$( [ $bench -eq 0 ] && echo ok || echo "failed or skipped (rc $bench)")"
grep -E '^Benchmark' "$out/bench.log" 2>/dev/null | awk '{
	line = sprintf("%-28s", $1)
	for (i = 2; i < NF; i++) if ($(i+1) ~ /\/s$|ns\/op/) line = line sprintf(" %12s %s", $i, $(i+1))
	print line
}'
printf '%-14s %s\n' cli "$( [ $cli -eq 0 ] && echo ok || echo "failed (rc $cli)")"
[ "$conf" -eq 0 ] && [ "$bench" -eq 0 ] && [ "$cli" -eq 0 ]
