#!/bin/sh
# bt -a and foreach bt wall time per fixture and dump, kcrash (the whole
# process, and less the time to open the same session with no command)
# next to drgn's stack_trace() of every task (bench/drgn_bt.py), as a
# Markdown table; best of REPS runs. See bench/README.md.
#
#   bench/run-bt.sh [-r REPS]
#
# KCRASH_BUILD     build directory (default: <repo>/build)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
# DRGN_PYTHON      a python with drgn (default: /usr/bin/python3); "none" skips drgn
set -eu

reps=3
while getopts r: opt; do
	case $opt in
	r) reps=$OPTARG ;;
	*) echo "usage: $0 [-r REPS]" >&2; exit 2 ;;
	esac
done
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
python=${DRGN_PYTHON:-/usr/bin/python3}
[ -d "$fixtures" ] || { echo "$0: no fixtures at $fixtures (set KCRASH_FIXTURES)" >&2; exit 2; }
[ -f "$build/build.ninja" ] || meson setup "$build" "$repo" -Dbuildtype=release >&2
ninja -C "$build" kcrash >&2
kcrash=$build/kcrash
unpacked=$build/bench-fixtures
mkdir -p "$unpacked"

# The file, unpacked from .zst into the build tree when needed.
fixture_file() {
	dir=$1 name=$2
	if [ -f "$dir/$name" ]; then echo "$dir/$name"; return; fi
	out=$unpacked/$(basename "$dir")-$name
	[ -f "$out" ] || zstd -q -d --long=27 -o "$out" "$dir/$name.zst"
	echo "$out"
}

# Best wall seconds of REPS runs of kcrash -c "$1".
best() {
	cmd=$1 b=
	for _ in $(seq "$reps"); do
		s=$(date +%s.%N)
		"$kcrash" -s -c "$cmd" "$vmlinux" "$dump" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		b=$(echo "$s $e ${b:-999}" | awk '{ t = $2 - $1; print (t < $3) ? t : $3 }')
	done
	echo "$b"
}

echo "| fixture | dump | tasks | kcrash open | kcrash bt -a | kcrash foreach bt | foreach bt less open | drgn open | drgn stack_trace all | kcrash/drgn (traces) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for dir in "$fixtures"/arm64-*; do
	fixture=$(basename "$dir")
	vmlinux=$(fixture_file "$dir" vmlinux)
	for name in vmcore.kdump-zlib vmcore.elf; do
		dump=$(fixture_file "$dir" "$name")
		open=$(best "sys")
		all=$(best "bt -a")
		each=$(best "foreach bt")
		tasks=$("$kcrash" -s -c "foreach bt" "$vmlinux" "$dump" 2>/dev/null | grep -c '^PID: ')
		dopen=- dtraces=- ratio=-
		if [ "$python" != none ] && "$python" -c 'import drgn' 2>/dev/null; then
			line=$("$python" "$repo/bench/drgn_bt.py" "$vmlinux" "$dump")
			dopen=$(echo "$line" | sed 's/.*open=\([^ ]*\).*/\1/')
			dtraces=$(echo "$line" | sed 's/.*traces=\([^ ]*\).*/\1/')
		fi
		net=$(echo "$each $open" | awk '{ d = $1 - $2; print (d > 0.0005) ? d : 0.0005 }')
		[ "$dtraces" = - ] || ratio=$(echo "$dtraces $net" | awk '{ printf "%.2f", $1 / $2 }')
		printf '| %s | %s | %s | %.3f s | %.3f s | %.3f s | %.3f s | %s | %s | %s |\n' \
			"$fixture" "$name" "$tasks" "$open" "$all" "$each" "$net" \
			"${dopen} s" "${dtraces} s" "$ratio"
	done
done
