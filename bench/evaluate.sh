#!/usr/bin/env bash
# Runs lostupdate over the evaluation corpus of docs/evaluation.md: the
# public services that bench/corpus.tsv names, checked out by you at the
# commit it gives under EVAL_DIR/<name> (their code is never part of this
# repository). For each service it writes the findings to OUT_DIR/<name>.txt
# and prints one line: findings by category, wall time and peak memory.
#
# Usage: bench/evaluate.sh EVAL_DIR [OUT_DIR] [NAME...]
#   LOSTUPDATE=path/to/lostupdate   the binary to run (default: built from here)
#   FLAGS="-enable=stale-row"       extra flags for every run
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [[ $# -lt 1 ]]; then
	echo "usage: bench/evaluate.sh EVAL_DIR [OUT_DIR] [NAME...]" >&2
	exit 2
fi
eval_dir=$(cd "$1" && pwd)
out_dir=${2:-$eval_dir/out}
shift $(($# >= 2 ? 2 : 1))
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

# binary TOOLCHAIN: the lostupdate to run on a service that needs that Go
# toolchain, built with it (a newer standard library needs a newer
# go/types to type-check it); build_binaries builds them.
binary() {
	if [[ -n ${LOSTUPDATE:-} ]]; then
		echo "$LOSTUPDATE"
		return
	fi
	local tc=$1 have
	have=$(go env GOVERSION)
	if [[ $tc == local || $(printf '%s\n%s\n' "$tc" "$have" | sort -V | tail -1) == "$have" ]]; then
		tc=local # an older toolchain's library type-checks with ours
	fi
	echo "$out_dir/lostupdate-$tc"
}

# build_binaries builds, before the first service runs, the lostupdate of
# every toolchain the services to run need: from this tree as it is now,
# so that a tree edited during a long run does not mix versions.
build_binaries() {
	[[ -n ${LOSTUPDATE:-} ]] && return
	local name tc b
	declare -A done=()
	while IFS=$'\t' read -r name _ _ _ tc _; do
		[[ -z $name || $name == \#* ]] && continue
		if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx "$name"; then
			continue
		fi
		b=$(binary "$tc")
		[[ -n ${done[$b]:-} ]] && continue
		done[$b]=1
		if [[ $b == */lostupdate-local ]]; then
			go build -o "$b" ./cmd/lostupdate >&2
		else
			GOTOOLCHAIN=$tc go build -o "$b" ./cmd/lostupdate >&2
		fi
	done <"$root/bench/corpus.tsv"
}
build_binaries "$@"

printf '%-12s %-10s %6s %6s %6s %6s %8s %8s\n' service commit lost stale check other seconds MB
while IFS=$'\t' read -r name _repo commit _libs toolchain packages; do
	[[ -z $name || $name == \#* ]] && continue
	if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	dir=$eval_dir/$name
	if [[ ! -d $dir ]]; then
		echo "$name: no checkout at $dir (clone it at $commit)" >&2
		continue
	fi
	head=$(git -C "$dir" rev-parse --short=8 HEAD)
	if [[ $(git -C "$dir" rev-parse HEAD) != "$commit"* ]]; then
		echo "$name: $dir is at $head, the corpus names $commit" >&2
		continue
	fi
	bin=$(binary "$toolchain")
	tc=()
	[[ $toolchain != local ]] && tc=(env GOTOOLCHAIN="$toolchain")
	# A module in a subdirectory of the checkout: "api:./..." runs ./...
	# in api.
	sub=.
	if [[ $packages == *:* ]]; then
		sub=${packages%%:*} packages=${packages#*:}
	fi
	start=$(date +%s.%N)
	# shellcheck disable=SC2086 # packages and FLAGS are word lists
	(cd "$dir/$sub" && "${tc[@]}" /usr/bin/time -f '%M' -o "$out_dir/$name.mem" "$bin" ${FLAGS:-} $packages) \
		>"$out_dir/$name.txt" 2>&1 || true
	end=$(date +%s.%N)
	count() { grep -c "^[^ ]*: $1" "$out_dir/$name.txt" || true; }
	lost=$(count 'lost update:')
	stale=$(count 'stale row:')
	check=$(count 'check then write:')
	other=$(grep -c '^[^ ]*:[0-9]*:[0-9]*: [^	]' "$out_dir/$name.txt" || true)
	other=$((other - lost - stale - check))
	mb=$(($(tail -1 "$out_dir/$name.mem") / 1024))
	printf '%-12s %-10s %6d %6d %6d %6d %8.1f %8d\n' "$name" "$head" "$lost" "$stale" "$check" "$other" \
		"$(echo "$end - $start" | bc)" "$mb"
done <"$root/bench/corpus.tsv"
