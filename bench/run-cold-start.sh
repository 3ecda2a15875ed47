#!/bin/bash
# Cold start: the first answer (`ps` then `mod`) of kcrash, drgn and crash on the
# same arm64 dumps, side by side in one run, with no kcrash cache directory.
# Prints a Markdown header (machine, versions) and table. See bench/README.md
# ("Cold start against drgn and crash").
#
#   bench/run-cold-start.sh [-r REPS] [NAME=VMLINUX:DUMP ...]
#
# Dumps: every fixture's vmcore.kdump-zlib (vmlinux.zst unpacked into
# $KCRASH_BUILD/bench-fixtures/), then for every directory of $DEBIAN_DUMPS
# with a vmlinux (6.1/, 6.12/, ...) its vmcore.kdump-zlib, or its vmcore.elf
# when it has no kdump-zlib, then the NAME=VMLINUX:DUMP arguments.
#
# Per dump and repetition, in this order, every run with the files in the page cache:
#   kcrash cold   KCRASH_CACHE_DIR=<fresh empty dir> kcrash -s -c 'ps; mod' VMLINUX DUMP
#   kcrash warm   the same again, the cache directory of the cold run kept
#   dump alone    KCRASH_CACHE_DIR=<fresh empty dir> kcrash -s --no-debuginfod -c 'ps; mod' DUMP
#   drgn          $DRGN_PYTHON bench/drgn_first_answer.py VMLINUX DUMP
#   crash         $CRASH -s VMLINUX DUMP  < "ps\nmod\nq\n"
# Each cell is the repetition with the lowest wall time: wall s / CPU s (user +
# sys) / peak RSS MiB, from wait4()'s rusage in bench/measure.py (microseconds).
# A tool that fails (non-zero exit) shows "fails [N]"; message N (exit status,
# time until it failed, error) is listed under the table.
#
# REPS             repetitions, best of (default 3; -r overrides)
# KCRASH_BUILD     build directory (default <repo>/build-release; set up with
#                  -Dbuildtype=release if missing, then `ninja kcrash`)
# KCRASH_FIXTURES  fixtures (default <repo>/../shared/fixtures)
# DEBIAN_DUMPS     Debian dumps (default <repo>/../debian-dumps)
# DRGN_PYTHON      python with drgn (default /usr/bin/python3: Debian's python3-drgn)
# CRASH            crash built with `make target=ARM64` (default: the first
#                  <repo>/../crash-build/crash-*/crash); "crash: not built" if absent
# CRASH_TIMEOUT    seconds before a crash or drgn run is killed (default 300)
# Outputs of every run: $KCRASH_BUILD/bench-cold-start/.
set -euo pipefail

reps=${REPS:-3}
while getopts r: opt; do
	case $opt in
	r) reps=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [NAME=VMLINUX:DUMP ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

start=$EPOCHREALTIME
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build-release}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
debian=${DEBIAN_DUMPS:-$repo/../debian-dumps}
python=${DRGN_PYTHON:-/usr/bin/python3}
tmo=${CRASH_TIMEOUT:-300}
if [ -z "${CRASH:-}" ]; then
	for c in "$repo"/../crash-build/crash-*/crash; do
		[ -x "$c" ] && { CRASH=$(cd "$(dirname "$c")" && pwd)/crash; break; }
	done
fi
crash=${CRASH:-}
[ -n "$crash" ] && [ ! -x "$crash" ] && crash=

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" -Dbuildtype=release >&2
fi
ninja -C "$build" kcrash >&2
kcrash=$build/kcrash
unpacked=$build/bench-fixtures
logs=$build/bench-cold-start
rm -rf "$logs"
mkdir -p "$logs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kcrash-cold-start.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'ps\nmod\nq\n' >"$tmp/crash.in"
: >"$tmp/failures"

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

# the message a failed run left: crash's last "crash: ..." line (the fatal one), else the
# first line of stderr naming a command ("ps: ...", kcrash), else the last
# non-empty line of stderr (a Python exception), else of stdout
fail_msg() { # OUT ERR
	local m
	m=$(cat "$1" "$2" | grep '^crash: ' | tail -n 1 || true)
	[ -n "$m" ] || m=$(grep -E -m 1 '^(ps|mod|kcrash): ' "$2" || true)
	[ -n "$m" ] || m=$(grep -v '^[[:space:]]*$' "$2" | tail -n 1 || true)
	[ -n "$m" ] || m=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 || true)
	[ -n "$m" ] || m="no output"
	printf '%s' "$m" | tr -d '\r'
}

# One timed run: TAG IN CMD... -> appends "wall user sys rss_kib" (or "FAIL msg")
# to $logs/TAG.times; output in $logs/TAG.out, .err (the last repetition's).
# bench/measure.py times it to the microsecond (/usr/bin/time prints
# hundredths, too coarse for runs of a few hundredths of a second).
timed() {
	local tag=$1 in=$2 rc=0 after
	shift 2
	rm -f "$logs/time"
	/usr/bin/python3 "$repo/bench/measure.py" -o "$logs/time" -t "$tmo" "$@" \
		<"$in" >"$logs/$tag.out" 2>"$logs/$tag.err" || rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$logs/time" ]; then
		[ "$rc" -eq 124 ] && echo "timed out after ${tmo} s" >>"$logs/$tag.err"
		# measure.py still reports a process that exited non-zero
		after=$(tail -n 1 "$logs/time" 2>/dev/null | awk \
			'NF == 4 { printf " (after %.3f s, CPU %.3f s, RSS %.0f MiB)", $1, $2 + $3, $4 / 1024 }' || true)
		echo "FAIL exit $rc$after: $(fail_msg "$logs/$tag.out" "$logs/$tag.err")" >>"$logs/$tag.times"
		return 0
	fi
	tail -n 1 "$logs/time" >>"$logs/$tag.times"
}

# best (lowest wall time) of a .times file; the first failure if none succeeded
best() {
	local ok
	ok=$(grep -v '^FAIL' "$1" | sort -n -k1,1 | head -n 1 || true)
	if [ -n "$ok" ]; then echo "$ok"; else head -n 1 "$1"; fi
}

# "wall user sys rss" -> "wall s / cpu s / rss MiB"; "FAIL msg" -> "fails [N]",
# the message numbered in $tmp/failures (listed under the table)
fmt() { # CELL DUMP TOOL
	local n
	case $1 in
	FAIL*)
		n=$(($(wc -l <"$tmp/failures") + 1))
		echo "[$n] $2, $3: ${1#FAIL }" >>"$tmp/failures"
		echo "fails [$n]" ;;
	*) awk '{ printf "%.3f / %.3f / %.0f", $1, $2 + $3, $4 / 1024 }' <<<"$1" ;;
	esac
}

# CPU time ratio OTHER / KCRASH ("wall user sys rss" each)
cpu_ratio() {
	case "$1$2" in *FAIL*) echo "-"; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, " "); split(b, y, " ");
		o = x[2] + x[3]; k = y[2] + y[3];
		if (k <= 0) { print "-"; exit }
		r = o / k; printf (r < 10 ? "%.1fx" : "%.0fx"), r }'
}

# "tasks/modules" in a ps-then-mod output (kcrash and crash print the same
# columns): ps rows, then module rows (a 16-digit address) after mod's header
ps_mod_counts() {
	awk '/^ +MODULE +NAME/ { m = 1; next }
	     m && /^[0-9a-f]{16} / { mods++; next }
	     !m && /^[> ] +[0-9]+ +[0-9]+ / { tasks++ }
	     END { printf "%d/%d", tasks, mods }' "$1"
}

counts() { # BEST OUT: ps_mod_counts of OUT, "-" when the tool failed
	case $1 in FAIL*) echo "-" ;; *) ps_mod_counts "$2" ;; esac
}

drgn_counts() {
	sed -n 's/^tasks=\([0-9]*\) modules=\([0-9]*\)$/\1\/\2/p' "$1"
}

# "SIZE_MB / DEBUG_INFO_MB" of a vmlinux (" (zlib)" when compressed), "+BTF" with .BTF
vmlinux_sizes() {
	local size info sections btf=
	size=$(stat -L -c %s "$1")
	sections=$(readelf -S -W "$1")
	info=$(awk '$2 == ".debug_info" { print $6, $8 }' <<<"$sections")
	awk '$2 == ".BTF" { f = 1 } END { exit !f }' <<<"$sections" && btf=" +BTF"
	awk -v s="$size" -v i="$((16#${info% *}))" -v f="${info#* }" -v b="$btf" 'BEGIN {
		printf "%.0f / %.0f%s%s", s / 1e6, i / 1e6, (f ~ /C/ ? " (zlib)" : ""), b }'
}

row() { # NAME VMLINUX DUMP
	local tag=${1//\//_} i dir cold warm alone drgn cr c_kc c_cr c_dr
	cat "$2" "$3" >/dev/null
	for i in $(seq "$reps"); do
		dir=$(mktemp -d "$tmp/cache.XXXXXX")
		KCRASH_CACHE_DIR=$dir timed "$tag.kcrash-cold" /dev/null \
			"$kcrash" -s -c 'ps; mod' "$2" "$3"
		KCRASH_CACHE_DIR=$dir timed "$tag.kcrash-warm" /dev/null \
			"$kcrash" -s -c 'ps; mod' "$2" "$3"
		rm -rf "$dir"
		dir=$(mktemp -d "$tmp/cache.XXXXXX")
		KCRASH_CACHE_DIR=$dir timed "$tag.kcrash-alone" /dev/null \
			"$kcrash" -s --no-debuginfod -c 'ps; mod' "$3"
		rm -rf "$dir"
		timed "$tag.drgn" /dev/null "$python" "$repo/bench/drgn_first_answer.py" "$2" "$3"
		if [ -n "$crash" ]; then timed "$tag.crash" "$tmp/crash.in" "$crash" -s "$2" "$3"; fi
	done
	cold=$(best "$logs/$tag.kcrash-cold.times")
	warm=$(best "$logs/$tag.kcrash-warm.times")
	alone=$(best "$logs/$tag.kcrash-alone.times")
	drgn=$(best "$logs/$tag.drgn.times")
	if [ -n "$crash" ]; then
		cr=$(best "$logs/$tag.crash.times")
		c_cr=$(counts "$cr" "$logs/$tag.crash.out")
	else
		cr="FAIL crash: not built"
		c_cr=-
	fi
	c_kc=$(counts "$cold" "$logs/$tag.kcrash-cold.out")
	c_dr=$(drgn_counts "$logs/$tag.drgn.err" || true)
	echo "| $1 | $(vmlinux_sizes "$2") | $(fmt "$cold" "$1" "kcrash cold") |" \
		"$(fmt "$warm" "$1" "kcrash warm") | $(fmt "$alone" "$1" "kcrash dump alone") |" \
		"$(fmt "$drgn" "$1" drgn) |" \
		"$(if [ -n "$crash" ]; then fmt "$cr" "$1" crash; else echo "crash: not built"; fi) |" \
		"$(cpu_ratio "$drgn" "$cold") / $(cpu_ratio "$drgn" "$warm") |" \
		"$(cpu_ratio "$cr" "$cold") / $(cpu_ratio "$cr" "$warm") |" \
		"$c_kc / $(counts "$alone" "$logs/$tag.kcrash-alone.out") / ${c_dr:--} / $c_cr |"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
drgn_version=$("$python" -c 'import drgn, sys; print(drgn.__version__, "(Python %d.%d)" % sys.version_info[:2])' 2>/dev/null || echo "not importable from $python")
if [ -n "$crash" ]; then
	crash_version="$("$crash" --version 2>/dev/null | grep -m 1 '^crash' || echo '?'), \`make target=ARM64\` ($crash)"
else
	crash_version="not built (set CRASH=/path/to/crash built with make target=ARM64)"
fi

echo "# Cold start: first answer (\`ps; mod\`), best of $reps"
echo
echo "- machine: $(uname -m), nproc $(nproc), $cpu, Linux $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
	"$python" -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' 2>/dev/null || echo '?')
echo "- kcrash: $("$kcrash" -v 2>/dev/null | head -n 1), commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'), meson buildtype $buildtype ($kcrash)"
echo "- drgn: $drgn_version"
echo "- crash: $crash_version"
echo "- cells: wall s / CPU s (user+sys) / peak RSS MiB; speed-up = the other tool's CPU time over kcrash's (cold / warm)"
echo
echo "| dump | vmlinux MB / .debug_info MB | kcrash cold | kcrash warm | kcrash dump alone (no vmlinux) | drgn | crash | CPU speed-up vs drgn (cold / warm) | CPU speed-up vs crash (cold / warm) | tasks/modules: kcrash / alone / drgn / crash |"
echo "|---|---|---|---|---|---|---|---:|---:|---|"
for dir in "$fixtures"/arm64-*/; do
	name=$(basename "$dir")
	[ -f "$dir/vmcore.kdump-zlib" ] || continue
	row "$name/vmcore.kdump-zlib" "$(fixture_file "$name" vmlinux)" "$dir/vmcore.kdump-zlib"
done
for dir in "$debian"/*/; do
	dir=${dir%/}
	[ -f "$dir/vmlinux" ] || continue
	name=debian-$(basename "$dir")
	if [ -f "$dir/vmcore.kdump-zlib" ]; then
		row "$name/vmcore.kdump-zlib" "$dir/vmlinux" "$dir/vmcore.kdump-zlib"
	elif [ -f "$dir/vmcore.elf" ]; then
		row "$name/vmcore.elf" "$dir/vmlinux" "$dir/vmcore.elf"
	fi
done
for extra in "$@"; do
	name=${extra%%=*}
	files=${extra#*=}
	row "$name" "${files%%:*}" "${files#*:}"
done
if [ -s "$tmp/failures" ]; then
	echo
	echo "Failures (exit status and message of the first repetition that failed; outputs in $logs):"
	echo
	sed 's/^/    /' "$tmp/failures"
fi
echo
awk -v a="$start" -v b="$EPOCHREALTIME" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
	'BEGIN { printf "Total time of this run: %.0f s; load average at the end %s.\n", b - a, l }'
