#!/bin/sh
# Rewrites the register and spill report in kernels/README.md (between the
# ptxas-report markers) from ptxas -v on the committed PTX, for sm_80 and sm_90.
set -eu
ptx=${1:-kernels/scoring.ptx}
readme=${2:-kernels/README.md}
ptxas=${PTXAS:-ptxas}
report=$(mktemp)
trap 'rm -f "$report" "$report.new"' EXIT
{
	echo '```'
	for arch in sm_80 sm_90; do
		echo "# $ptxas -arch=$arch -v ($($ptxas --version | tail -1))"
		"$ptxas" -arch="$arch" -v "$ptx" -o /dev/null 2>&1
	done
	echo '```'
} >"$report"
awk -v report="$report" '
	/<!-- ptxas-report:begin -->/ { print; while ((getline line < report) > 0) print line; skip = 1; next }
	/<!-- ptxas-report:end -->/ { skip = 0 }
	!skip { print }
' "$readme" >"$report.new"
cat "$report.new" >"$readme"
