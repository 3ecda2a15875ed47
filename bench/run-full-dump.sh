#!/usr/bin/env bash
# Whole-dump commands on a full (unfiltered) dump of a 2 GB guest: kmem -s,
# foreach files and a search over all kernel memory, each with its wall and
# CPU time and peak RSS, against the codec's raw decompression speed for the
# same file (kcrash-bench-read's "raw codec" column: the physical limit).
#
#   bench/run-full-dump.sh [DIR]      DIR: a make.sh output directory of a 2 GB
#                                     guest (default /work/debian-dumps/6.1-2g:
#                                     MEM=2G WORKLOAD=1 bench/debian-dump/make.sh)
#
# Uses its full dumps: qemu.kdump-zlib (QEMU's dump-guest-memory, every page,
# zlib) and vmcore.elf (the capture kernel's /proc/vmcore copy, every page,
# uncompressed). KCRASH_BUILD (default build-release, set up as a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/work/debian-dumps/6.1-2g}
BUILD=${KCRASH_BUILD:-build-release}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dbuildtype=release >/dev/null
ninja -C "$BUILD" kcrash bench/kcrash-bench-read >/dev/null
VMLINUX=$DIR/vmlinux
VALUE=0xdeadbeefcafef00d   # a value no page holds: every page is searched
echo "| dump | size | command | wall s | CPU s | peak RSS MiB | scanned MB | MB/s | raw codec MB/s |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for name in qemu.kdump-zlib vmcore.elf; do
	dump=$DIR/$name
	[ -f "$dump" ] || continue
	size=$(( $(stat -c %s "$dump") / 1048576 ))
	raw=$("$BUILD/bench/kcrash-bench-read" -n 1 "$dump" 2>/dev/null |
		grep -o 'raw_mbps=[0-9.]*' | head -1 | cut -d= -f2 || true)
	for cmd in "kmem -s" "foreach files" "search --json -k $VALUE"; do
		out=$(mktemp)
		/usr/bin/time -f '%e %U %S %M' -o "$out.time" \
			"$BUILD/kcrash" -s -c "$cmd" "$VMLINUX" "$dump" > "$out" 2>/dev/null || true
		read -r wall user sys rss < "$out.time"
		cpu=$(echo "$user + $sys" | bc)
		scanned=- mbps=-
		if [[ $cmd == search* ]]; then
			bytes=$(grep -o '"bytes_searched": [0-9]*' "$out" | grep -o '[0-9]*$')
			secs=$(grep -o '"seconds": [0-9.]*' "$out" | grep -o '[0-9.]*$')
			scanned=$(( bytes / 1000000 ))
			mbps=$(echo "scale=0; $bytes / 1000000 / $secs" | bc)
		fi
		printf '| %s | %d MiB | `%s` | %s | %s | %d | %s | %s | %s |\n' "$name" "$size" \
			"${cmd/--json /}" "$wall" "$cpu" $(( rss / 1024 )) "$scanned" "$mbps" "${raw:--}"
		rm -f "$out" "$out.time"
	done
done
