#!/bin/sh
# Opening each fixture's kdump without its vmlinux: the dump's kallsyms
# decoded (VMCOREINFO's exports on 6.1, the image scan on 5.10), against
# the same first command with the vmlinux's ELF symbol table, as a Markdown
# table. Wall and CPU seconds of the whole kcrash process, best of REPS,
# and peak RSS. See bench/README.md.
#
#   bench/run-dump-alone.sh [-n REPS]
#
# KCRASH_BUILD     build directory (default: <repo>/build-release, set up
#                  with -Dbuildtype=release if it does not exist)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
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
ninja -C "$build" kcrash >&2
kcrash=$build/kcrash

# best of REPS: "wall cpu rss_kb" of: kcrash ARGS..., timed by bench/measure.py
# (wait4's rusage, to the microsecond)
best() {
	b_wall= b_cpu= b_rss=
	i=0
	while [ $i -lt "$reps" ]; do
		/usr/bin/python3 "$repo/bench/measure.py" -o "$build/bench-dump-alone.time" \
			"$kcrash" "$@" >/dev/null 2>&1 || true
		out=$(tail -n1 "$build/bench-dump-alone.time")
		wall=$(echo "$out" | cut -d' ' -f1)
		cpu=$(echo "$out" | awk '{printf "%.3f", $2 + $3}')
		rss=$(echo "$out" | cut -d' ' -f4)
		if [ -z "$b_wall" ] || awk "BEGIN { exit !($wall < $b_wall) }"; then
			b_wall=$wall b_cpu=$cpu b_rss=$rss
		fi
		i=$((i + 1))
	done
	printf '%.3f s (%s s CPU), %d MB\n' "$b_wall" "$b_cpu" "$((b_rss / 1024))"
}

echo "| dump | symbols | dump alone: sym schedule | with the vmlinux: sym schedule |"
echo "|---|---|---:|---:|"
for dir in arm64-6.1-4k48 arm64-6.1-16k47 arm64-6.1-64k52 arm64-5.10-4k39; do
	dump=$fixtures/$dir/vmcore.kdump-zlib
	vmlinux=$fixtures/$dir/vmlinux
	if [ ! -f "$vmlinux" ]; then
		mkdir -p "$build/bench-fixtures/$dir"
		vmlinux=$build/bench-fixtures/$dir/vmlinux
		[ -f "$vmlinux" ] || zstd -q -d --long=27 -o "$vmlinux" "$fixtures/$dir/vmlinux.zst"
	fi
	how=$("$kcrash" --no-debuginfod -c 'sym schedule' "$dump" 2>&1 >/dev/null |
		sed -n 's/^symbols: kallsyms in dump (\([^:),]*\).*/\1/p')
	alone=$(best -s --no-debuginfod -c 'sym schedule' "$dump")
	full=$(best -s -c 'sym schedule' "$vmlinux" "$dump")
	echo "| $dir/vmcore.kdump-zlib | ${how:-?} | $alone | $full |"
done
