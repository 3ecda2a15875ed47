#!/bin/sh
# Translations per second on real fixtures: kcrash-bench-translate (page-table
# walks, translation cache, fast paths, 8-byte reads) next to drgn reading the
# same addresses (bench/drgn_translate.py), as a Markdown table. See
# bench/README.md.
#
#   bench/run-translate.sh [-n ADDRESSES] [-r REPS]
#
# KCRASH_BUILD     build directory (default: <repo>/build; set up with
#                  -Dbuildtype=release if it does not exist)
# KCRASH_FIXTURES  fixture directory (default: <repo>/../shared/fixtures)
# DRGN_PYTHON      a python with drgn (default: /usr/bin/python3, Debian's
#                  python3-drgn); "none" skips drgn
# Raw key=value lines go to $KCRASH_BUILD/bench-translate.log.
set -eu

addresses=200000
reps=3
while getopts n:r: opt; do
	case $opt in
	n) addresses=$OPTARG ;;
	r) reps=$OPTARG ;;
	*) echo "usage: $0 [-n ADDRESSES] [-r REPS]" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KCRASH_BUILD:-$repo/build}
fixtures=${KCRASH_FIXTURES:-$repo/../shared/fixtures}
python=${DRGN_PYTHON:-/usr/bin/python3}
[ -d "$fixtures" ] || { echo "$0: no fixtures at $fixtures (set KCRASH_FIXTURES)" >&2; exit 2; }
fixtures=$(cd "$fixtures" && pwd)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" -Dbuildtype=release >&2
fi
ninja -C "$build" bench/kcrash-bench-translate >&2
bench=$build/bench/kcrash-bench-translate
unpacked=$build/bench-fixtures
log=$build/bench-translate.log
: >"$log"

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

fact() {
	sed -n "s/^$2=//p" "$fixtures/$1/ground-truth/facts.txt" | head -n 1
}

echo "| fixture | addresses | pages | kcrash walk/s | kcrash cache/s | kcrash default/s | kcrash read8/s | drgn read8/s | read8 kcrash/drgn | cache hit rate |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for fixture in arm64-6.1-4k48 arm64-6.1-64k52; do
	vmlinux=$(fixture_file "$fixture" vmlinux)
	dump=$(fixture_file "$fixture" vmcore.elf)
	heap=$(fact "$fixture" user.kc_sleeper.heapbuf.va)
	addrs=$build/bench-translate-$fixture.addrs
	kc=$build/bench-translate-$fixture.kcrash
	dr=$build/bench-translate-$fixture.drgn
	"$bench" -n "$addresses" -r "$reps" -u "$heap" -o "$addrs" "$vmlinux" "$dump" >"$kc"
	if [ "$python" != none ]; then
		"$python" "$repo/bench/drgn_translate.py" "$vmlinux" "$dump" "$addrs" "$reps" >"$dr"
	else
		: >"$dr"
	fi
	cat "$kc" "$dr" >>"$log"
	awk -v fixture="$fixture" '
		function field(line, key,    n, i, kv) {
			n = split(line, kv, " ")
			for (i = 1; i <= n; i++)
				if (index(kv[i], key "=") == 1)
					return substr(kv[i], length(key) + 2)
			return ""
		}
		FNR == 1 { file++ }
		file == 2 && /^set=/ { drgn[field($0, "set")] = field($0, "drgn_read8")
				       bad[field($0, "set")] = field($0, "mismatches") }
		file == 1 && /^set=/ { order[++n] = $0 }
		END {
			for (i = 1; i <= n; i++) {
				line = order[i]; set = field(line, "set")
				r8 = field(line, "read8"); d = drgn[set]
				hits = field(line, "tlb_hits"); misses = field(line, "tlb_misses")
				ratio = d ? sprintf("%.1f", r8 / d) : "-"
				if (bad[set] != "" && bad[set] != "0") ratio = ratio " (" bad[set] " MISMATCHES)"
				printf "| %s | %s | %s | %.2fM | %.2fM | %.2fM | %.2fM | %s | %s | %.1f%% |\n",
					fixture, set, field(line, "pages"), field(line, "walk") / 1e6,
					field(line, "tlb") / 1e6, field(line, "default") / 1e6, r8 / 1e6,
					d ? sprintf("%.3fM", d / 1e6) : "-", ratio,
					100 * hits / (hits + misses)
			}
		}' "$kc" "$dr"
done
