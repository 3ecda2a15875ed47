#!/bin/bash
# Build the custom arm64 crash-triage kernel (tests/fixtures/crashes/kasan-uaf, kasan-oob,
# ubsan-bounds, kfence-uaf, align, hardlockup): Debian's linux-source-6.12
# (/usr/src/linux-source-6.12.tar.xz, apt-get install linux-source-6.12), cross-compiled
# with aarch64-linux-gnu-gcc (12.2, bookworm's gcc-aarch64-linux-gnu) and pahole (dwarves,
# for BTF), configured as `make allnoconfig` + custom.config + `make olddefconfig`, then
# kc_custom.ko (kc_custom.c here: the KFENCE use-after-free and the alignment fault) built
# against the tree with M=.
#
# Usage: build.sh DIR     DIR (outside git, ~3 GB): DIR/linux-source-6.12 (the source,
#   built in place: .config, vmlinux with DWARF 5, arch/arm64/boot/Image), DIR/kc_custom
#   (a copy of kc_custom.c + Kbuild, and kc_custom.ko).  Then make.sh runs it:
#   KERNEL_TREE=DIR/linux-source-6.12 CRASHERS_DIR=DIR CRASH=KIND ../debian-dump/make.sh OUT
#   (see run-kind.sh).  About 20-30 min on 2 cores.
# Built in the source tree, not with O=: gcc names a UBSAN report's file as it was given
# to the compiler (-ffile-prefix-map does not change it), absolute with O=
# ("UBSAN: array-index-out-of-bounds in /abs/path/drivers/misc/lkdtm/bugs.c:406:16"),
# relative in place, as in syzbot's and distributions' logs.
set -euo pipefail
D=$(mkdir -p "${1:?usage: build.sh DIR}" && cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$D/linux-source-6.12 B=$D/linux-source-6.12
K=(make -C "$SRC" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j"$(nproc)")
[ -f "$SRC/Makefile" ] || tar -C "$D" -xf /usr/src/linux-source-6.12.tar.xz
if [ ! -f "$B/.config" ] || [ "$HERE/custom.config" -nt "$B/.config" ]; then
  "${K[@]}" allnoconfig > /dev/null
  "$SRC/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "$HERE/custom.config" > /dev/null
  "${K[@]}" olddefconfig > /dev/null
fi
# every line of the fragment must have stuck
bad=0
while IFS= read -r l; do
  case "$l" in
    CONFIG_*=*) grep -qxF "$l" "$B/.config" || { echo "not set: $l (.config: $(grep -E "^(# )?${l%%=*}[= ]" "$B/.config" || echo absent))" >&2; bad=1; } ;;
    "# CONFIG_"*" is not set") o=${l#\# }; o=${o%% *}; ! grep -q "^$o=" "$B/.config" || { echo "set: $o" >&2; bad=1; } ;;
  esac
done < "$HERE/custom.config"
[ $bad = 0 ] || exit 1
"${K[@]}" Image modules > "$D/build.log" 2>&1 || { tail -40 "$D/build.log" >&2; exit 1; }
echo "built $(cat "$B/include/config/kernel.release"): $(ls -l "$B/arch/arm64/boot/Image" | awk '{print $5}') bytes Image" >&2
mkdir -p "$D/kc_custom"
cp "$HERE/kc_custom.c" "$HERE/Kbuild" "$D/kc_custom/"
make -C "$B" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- M="$D/kc_custom" \
  KCFLAGS="-fmacro-prefix-map=$D/kc_custom/=bench/custom-kernel/" modules > "$D/kc_custom/build.log" 2>&1 \
  || { cat "$D/kc_custom/build.log" >&2; exit 1; }
echo "built $D/kc_custom/kc_custom.ko" >&2
