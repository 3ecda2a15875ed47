#!/bin/bash
# Time to first answer: open a dump, list tasks and modules, exit — kcrash
# (`kcrash -s -c 'ps; mod'`) next to drgn (bench/drgn_first_answer.py) in the same
# run, on every fixture's vmcore.kdump-zlib and on extra dumps given as arguments.
# Prints a Markdown table. See bench/README.md ("Time to first answer").
#
#   bench/run-first-answer.sh [-r REPS] [NAME=VMLINUX:DUMP ...]
#
# e.g. bench/run-first-answer.sh debian-6.1.0-53=/work/dbg/debian-6.1.0-53/vmlinux:/work/dbg/debian-6.1.0-53/vmcore.kdump-zlib
#
# Each row: kcrash cold (empty $KCRASH_CACHE_DIR: the DWARF index is built and
# saved), kcrash warm (the index is loaded from the cache) and drgn, each the
# best (lowest wall time) of REPS runs (default 3). Per run /usr/bin/time -f
# '%e %U %S %M' gives user and system CPU seconds and peak RSS (KiB); the wall
# time is taken around it with bash's $EPOCHREALTIME, for millisecond resolution
# (%e has 10 ms; the difference is /usr/bin/time's own fork and exec, < 1 ms).
# The vmlinux and the dump are read once before timing, so every run starts with
# them in the page cache.
#
# KCRASH_BUILD     build directory (default: <repo>/build; set up with
#                  -Dbuildtype=release if it does not exist)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
# DRGN_PYTHON      a python with drgn (default: /usr/bin/python3, Debian's
#                  python3-drgn)
# Output of every run goes to $KCRASH_BUILD/bench-first-answer/.
set -euo pipefail

reps=3
while getopts r: opt; do
	case $opt in
	r) reps=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [NAME=VMLINUX:DUMP ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
python=${DRGN_PYTHON:-/usr/bin/python3}
[ -d "$fixtures" ] || { echo "$0: no fixtures at $fixtures (set KCRASH_FIXTURES)" >&2; exit 2; }
fixtures=$(cd "$fixtures" && pwd)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" -Dbuildtype=release >&2
fi
ninja -C "$build" kcrash >&2
kcrash=$build/kcrash
unpacked=$build/bench-fixtures
logs=$build/bench-first-answer
mkdir -p "$logs"
cache=$(mktemp -d "${TMPDIR:-/tmp}/kcrash-first-answer.XXXXXX")
trap 'rm -rf "$cache"' EXIT

# FIXTURE FILE: the file, unpacked from FILE.zst into the build directory if
# only that exists.
fixture_file() {
	if [ -f "$fixtures/$1/$2" ]; then
		echo "$fixtures/$1/$2"
		return
	fi
	mkdir -p "$unpacked/$1"
	[ -f "$unpacked/$1/$2" ] || zstd -q -d --long=27 "$fixtures/$1/$2.zst" -o "$unpacked/$1/$2"
	echo "$unpacked/$1/$2"
}

# One timed run: OUT ERR CMD... -> "wall user sys rss_kib"
timed() {
	local out=$1 err=$2 t0 t1 wall
	shift 2
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%e %U %S %M' -o "$logs/time" "$@" >"$out" 2>"$err" || {
		echo "$0: failed: $* (see $err)" >&2
		return 1
	}
	t1=$EPOCHREALTIME
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	echo "$wall $(tail -n 1 "$logs/time" | cut -d' ' -f2-)"
}

# best of the lines on stdin (lowest wall time)
best() { sort -n -k1,1 | head -n 1; }

# kcrash cold: the cache directory emptied before each run
kcrash_cold() { # TAG VMLINUX DUMP
	local i
	for i in $(seq "$reps"); do
		rm -rf "$cache/index"; mkdir -p "$cache/index"
		KCRASH_CACHE_DIR=$cache/index timed "$logs/$1.kcrash.out" "$logs/$1.kcrash.err" \
			"$kcrash" -s -c 'ps; mod' "$2" "$3"
	done | best
}

# kcrash warm: the index of the last cold run is in the cache
kcrash_warm() { # TAG VMLINUX DUMP
	local i
	for i in $(seq "$reps"); do
		KCRASH_CACHE_DIR=$cache/index timed "$logs/$1.kcrash-warm.out" "$logs/$1.kcrash-warm.err" \
			"$kcrash" -s -c 'ps; mod' "$2" "$3"
	done | best
}

drgn_run() { # TAG VMLINUX DUMP
	local i
	for i in $(seq "$reps"); do
		timed "$logs/$1.drgn.out" "$logs/$1.drgn.err" \
			"$python" "$repo/bench/drgn_first_answer.py" "$2" "$3"
	done | best
}

# "SIZE_MB/DEBUG_INFO_MB" of a vmlinux (.debug_info as stored; "z" when compressed)
vmlinux_sizes() {
	local size info
	size=$(stat -L -c %s "$1")
	info=$(readelf -S -W "$1" | awk '$2 == ".debug_info" { print $6, $8 }')
	awk -v s="$size" -v i="$((16#${info% *}))" -v f="${info#* }" 'BEGIN {
		printf "%.0f / %.0f%s", s / 1e6, i / 1e6, (f ~ /C/ ? " (zlib)" : "") }'
}

# tasks and modules kcrash listed: ps rows, then mod rows after mod's header
kcrash_counts() {
	awk '/^ +MODULE +NAME/ { m = 1; next }
	     m { mods++; next }
	     /^[> ] +[0-9]+ +[0-9]+ / { tasks++ }
	     END { printf "%d/%d", tasks, mods }' "$1"
}

drgn_counts() {
	sed -n 's/^tasks=\([0-9]*\) modules=\([0-9]*\)$/\1\/\2/p' "$1"
}

fmt() { # "wall user sys rss" -> "wall s / cpu s / rss MB"
	awk '{ printf "%.3f / %.2f / %.0f", $1, $2 + $3, $4 / 1024 }' <<<"$1"
}

ratio() { # A B FIELD -> A/B of that field (1 wall, 4 rss)
	awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN {
		split(a, x, " "); split(b, y, " ");
		if (y[f] > 0) printf "%.1fx", x[f] / y[f]; else printf "-" }'
}

row() { # NAME VMLINUX DUMP
	local tag=${1//\//_} cold warm drgn
	cat "$2" "$3" >/dev/null
	cold=$(kcrash_cold "$tag" "$2" "$3")
	warm=$(kcrash_warm "$tag" "$2" "$3")
	drgn=$(drgn_run "$tag" "$2" "$3")
	echo "| $1 | $(vmlinux_sizes "$2") | $(fmt "$cold") | $(fmt "$warm") | $(fmt "$drgn") |" \
		"$(ratio "$drgn" "$warm" 1) | $(ratio "$drgn" "$warm" 4) | $(ratio "$drgn" "$cold" 1) |" \
		"$(kcrash_counts "$logs/$tag.kcrash-warm.out") | $(drgn_counts "$logs/$tag.drgn.err") |"
}

echo "| dump | vmlinux MB / .debug_info MB | kcrash cold: wall s / CPU s / RSS MB | kcrash warm | drgn | drgn/kcrash warm, wall | drgn/kcrash warm, RSS | drgn/kcrash cold, wall | kcrash tasks/modules | drgn tasks/modules |"
echo "|---|---|---|---|---|---:|---:|---:|---|---|"
for dir in "$fixtures"/arm64-*/; do
	name=$(basename "$dir")
	[ -f "$dir/vmcore.kdump-zlib" ] || continue
	row "$name/vmcore.kdump-zlib" "$(fixture_file "$name" vmlinux)" "$dir/vmcore.kdump-zlib"
done
for extra in "$@"; do
	name=${extra%%=*}
	files=${extra#*=}
	row "$name" "${files%%:*}" "${files#*:}"
done
