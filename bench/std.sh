#!/usr/bin/env bash
# Times lostupdate over the standard library against plain go vet and
# staticcheck, with cold and warm caches, and prints the median wall time of
# each command and its ratio to `go vet std`.
#
#   bench/std.sh                 # 3 warm runs, 1 cold run of each command
#   WARM=5 COLD=2 bench/std.sh
#
# Cold means an empty Go build cache (GOCACHE) and staticcheck cache for
# that run: the go command must compile the standard library again to give
# vet its export data. Warm means both caches were filled by a run before.
# The numbers are only comparable on one machine at one time: the script
# prints the machine first.
set -euo pipefail

WARM=${WARM:-3}
COLD=${COLD:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-)"

go build -o "$work/lostupdate" "$root/cmd/lostupdate"
staticcheck=$(command -v staticcheck || true)
if [[ -z $staticcheck ]]; then
	GOBIN="$work" GOFLAGS= go install honnef.co/go/tools/cmd/staticcheck@2026.2.2
	staticcheck="$work/staticcheck"
fi
echo "staticcheck: $("$staticcheck" -version)"

names=("go vet std" "lostupdate std" "go vet -vettool=lostupdate std" "staticcheck std")
cmds=("go vet std" "$work/lostupdate std" "go vet -vettool=$work/lostupdate std" "$staticcheck std")

# seconds runs a command and prints its wall time in seconds. A tool that
# reports findings exits non-zero (staticcheck has some on std); that is
# timed like any other run, but a crash or a usage error stops the script.
seconds() {
	local start end status=0
	start=$(date +%s.%N)
	eval "$1" >"$work/out" 2>&1 || status=$?
	end=$(date +%s.%N)
	if ((status > 3)) || grep -q -e '^panic:' -e 'flag provided but not defined' "$work/out"; then
		echo "benchmark command failed (exit $status): $1" >&2
		tail -20 "$work/out" >&2
		exit 1
	fi
	awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f\n", e - s}' 
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A cold warm
for i in "${!cmds[@]}"; do
	runs=()
	for ((r = 0; r < COLD; r++)); do
		rm -rf "$work/gocache" "$work/sccache"
		runs+=("$(GOCACHE="$work/gocache" STATICCHECK_CACHE="$work/sccache" seconds "${cmds[$i]}")")
	done
	cold[$i]=$(printf '%s\n' "${runs[@]}" | median)
	# warm: fill the caches, then time
	GOCACHE="$work/gocache" STATICCHECK_CACHE="$work/sccache" seconds "${cmds[$i]}" >/dev/null
	runs=()
	for ((r = 0; r < WARM; r++)); do
		runs+=("$(GOCACHE="$work/gocache" STATICCHECK_CACHE="$work/sccache" seconds "${cmds[$i]}")")
	done
	warm[$i]=$(printf '%s\n' "${runs[@]}" | median)
	rm -rf "$work/gocache" "$work/sccache"
done

printf '\n%-34s %10s %8s %10s %8s\n' "command (median of runs)" "cold s" "× vet" "warm s" "× vet"
for i in "${!cmds[@]}"; do
	printf '%-34s %10.1f %8.2f %10.1f %8.2f\n' "${names[$i]}" "${cold[$i]}" \
		"$(ratio "${cold[$i]}" "${cold[0]}")" "${warm[$i]}" "$(ratio "${warm[$i]}" "${warm[0]}")"
done
