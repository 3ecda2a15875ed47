#!/bin/sh
# Run kcrash-bench-read on every kdump and ELF dump of every fixture and print
# a Markdown table. See bench/README.md.
#
#   bench/run.sh [-n REPS]
#
# KCRASH_BUILD     build directory (default: <repo>/build; set up with
#                  -Dbuildtype=release if it does not exist)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
# The raw per-dump lines (key=value) and human tables go to
# $KCRASH_BUILD/bench-read.log.
set -eu

reps=3
while getopts n: opt; do
	case $opt in
	n) reps=$OPTARG ;;
	*) echo "usage: $0 [-n REPS]" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
[ -d "$fixtures" ] || { echo "$0: no fixtures at $fixtures (set KCRASH_FIXTURES)" >&2; exit 2; }
fixtures=$(cd "$fixtures" && pwd)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" -Dbuildtype=release >&2
fi
ninja -C "$build" bench/kcrash-bench-read >&2
bench=$build/bench/kcrash-bench-read

unpacked=$build/bench-fixtures
log=$build/bench-read.log
: >"$log"
status=0

# Dumps: kdump (KDUMP signature, or makedumpfile's flattened format) and ELF
# cores, plain or whole-file zstd (unpacked once into the build directory).
dump_kind() {
	magic=$(head -c 12 "$1" | od -An -c | tr -d ' \n')
	case $magic in
	KDUMP*) echo kdump ;;
	makedumpfile*) echo kdump ;;
	177ELF*) echo elf ;;
	*) echo other ;;
	esac
}

echo "| dump | codec | pages | MB | kcrash MB/s | raw codec MB/s | libkdumpfile MB/s | kcrash/raw | kcrash/libkdumpfile |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for dir in "$fixtures"/*/; do
	fixture=$(basename "$dir")
	case $fixture in tools) continue ;; esac
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		case $name in
		vmlinux* | *.ko | *.txt | *.md | MANIFEST | System.map | config-*) continue ;;
		esac
		path=$f
		case $name in
		*.zst)
			name=${name%.zst}
			path=$unpacked/$fixture/$name
			if [ ! -f "$path" ]; then
				mkdir -p "$unpacked/$fixture"
				zstd -q -d --long=27 "$f" -o "$path.tmp" && mv "$path.tmp" "$path"
			fi
			;;
		esac
		kind=$(dump_kind "$path")
		[ "$kind" = other ] && continue
		if out=$("$bench" -n "$reps" "$path" 2>>"$log"); then :; else
			status=1
			echo "$0: $fixture/$name: kcrash-bench-read failed or found mismatches (see $log)" >&2
		fi
		printf '%s\n' "$out" >>"$log"
		printf '%s\n' "$out" | grep '^MISMATCH' >&2 || true
		line=$(printf '%s\n' "$out" | grep '^dump=' || true)
		[ -n "$line" ] || continue
		printf '%s\n' "$line" | awk -v name="$fixture/$name" -v kind="$kind" '
		{
			for (i = 1; i <= NF; i++) {
				eq = index($i, "=")
				v[substr($i, 1, eq - 1)] = substr($i, eq + 1)
			}
			codec = kind == "elf" ? "none (ELF, memcpy)" : v["codec"]
			if (v["page_size"] != 4096) codec = codec ", " v["page_size"] / 1024 "K pages"
			lk = v["lkdf_mbps"]
			if (lk == "read-errors") lk = "fails: " v["lkdf_errors"] " of " v["pages"] " pages"
			else if (v["lkdf_arch_forced"] == 1 && lk != "refused") lk = lk " (arch set)"
			bad = v["mismatch_lkdf"] + v["mismatch_raw"] + v["kcrash_errors"]
			flag = bad ? " **MISMATCH**" : ""
			printf "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, flag, codec,
				v["pages"], v["mb"], v["kcrash_mbps"], v["raw_mbps"], lk,
				v["kcrash_raw"], v["kcrash_lkdf"]
		}'
	done
done
echo
echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), best of $reps; details in $log"
exit $status
