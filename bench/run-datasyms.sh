#!/bin/sh
# Finding the kernel's data symbols in the dump (src/datasyms.c) on every
# fixture's kdump-compressed dump: kcrash-bench-datasyms, as a Markdown
# table. See bench/README.md.
#
#   bench/run-datasyms.sh [-n REPS]
#
# KCRASH_BUILD     build directory (default: <repo>/build-release, set up
#                  with -Dbuildtype=release if it does not exist)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
# Raw output goes to $KCRASH_BUILD/bench-datasyms.log.
set -eu

reps=5
while getopts n: opt; do
	case $opt in
	n) reps=$OPTARG ;;
	*) echo "usage: $0 [-n REPS]" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build-release}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
[ -d "$fixtures" ] || { echo "$0: no fixtures at $fixtures (set KCRASH_FIXTURES)" >&2; exit 2; }
fixtures=$(cd "$fixtures" && pwd)
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" -Dbuildtype=release >&2
fi
ninja -C "$build" bench/kcrash-bench-datasyms >&2
bench=$build/bench/kcrash-bench-datasyms
log=$build/bench-datasyms.log
: > "$log"

echo "| dump | found | all symbols, ms (CPU) | first ps without data symbols, ms (CPU) | first ps with the full symbol table, ms (CPU) |"
echo "|---|---:|---:|---:|---:|"
for dir in arm64-6.1-4k48 arm64-6.1-16k47 arm64-6.1-64k52 arm64-5.10-4k39; do
	vmlinux=$fixtures/$dir/vmlinux
	if [ ! -f "$vmlinux" ]; then
		mkdir -p "$build/bench-fixtures/$dir"
		vmlinux=$build/bench-fixtures/$dir/vmlinux
		[ -f "$vmlinux" ] || zstd -q -d --long=27 -o "$vmlinux" "$fixtures/$dir/vmlinux.zst"
	fi
	"$bench" -n "$reps" "$vmlinux" "$fixtures/$dir/vmcore.kdump-zlib" > "$build/bench-datasyms.one"
	cat "$build/bench-datasyms.one" >> "$log"
	line=$(grep '^dump=' "$build/bench-datasyms.one")
	get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	echo "| $dir/vmcore.kdump-zlib | $(get found) of $(get symbols) | $(get all_ms) ($(get all_cpu_ms)) | $(get ps_without_ms) ($(get ps_without_cpu_ms)) | $(get ps_with_ms) ($(get ps_with_cpu_ms)) |"
done
