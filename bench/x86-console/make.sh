#!/bin/bash
# Real x86_64 serial console logs of Debian bookworm's own amd64 kernel crashing, one per
# kind, console only (no dump), for the x86 side of the crash triage (issue 14):
# tests/fixtures/crashes-x86/.  No kernel build: Debian's linux-image-$KREL-unsigned under
# QEMU (TCG), an initramfs of busybox-static, and kc_x86crash.ko (kc_x86crash.c, an
# out-of-tree module built with the host's gcc-12 against Debian's linux-headers-$KREL)
# whose /proc/kc_crash triggers each kind in the writer, /bin/kc_trigger (a busybox shell
# script), run on CPU 1 (taskset 2) by init (bench/x86-console/init).
#
# Usage: make.sh OUTDIR [STAGE...]   stages: debs module initramfs run fixture (default: all)
#   OUTDIR: scratch (outside git): the .debs, the extracted kernel and headers, the module
#   build, the initramfs, and OUTDIR/runs/KIND/console.log
#   KREL=6.1.0-57-amd64 KVER=6.1.192-3 (the Debian ABI name and package version)
#   KINDS="NULL_READ GPF ...": the kinds to run (default: all of fixture_dir's below)
#   FIXTURE=dir (default tests/fixtures/crashes-x86 of this repository): stage "fixture"
#   lays out FIXTURE/kind-dir/{console.log,facts.txt} and FIXTURE/kc_x86crash.ko.gz (the
#   README is written by hand)
#
# Host (bookworm amd64) set-up, once:
#   apt-get install qemu-system-x86 busybox-static cpio gcc-12 make binutils python3
# The .debs are fetched with apt-get download (linux-image-$KREL-unsigned,
# linux-headers-$KREL, linux-headers-*-common, linux-kbuild-6.1, all $KVER) and extracted
# with dpkg-deb -x into OUTDIR: nothing is installed on the host.
#
# Each run: qemu-system-x86_64 -M pc -cpu qemu64 -accel tcg -smp 2 -m 512M -no-reboot
# -display none -serial file:console.log -kernel vmlinuz -initrd initrd.gz -append
# "console=ttyS0 panic=1 kcx_crash=KIND": panic_on_oops=1 (and the kind's sysctls) make
# every crash a panic, panic=1 reboots 1 s after the panic ("Rebooting in 1 seconds..") and -no-reboot makes QEMU exit instead.
set -euo pipefail

OUT=${1:?usage: make.sh OUTDIR [STAGE...]}
shift || true
STAGES=${*:-debs module initramfs run fixture}
KREL=${KREL:-6.1.0-57-amd64}
KVER=${KVER:-6.1.192-3}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FIXTURE=${FIXTURE:-$REPO/tests/fixtures/crashes-x86}
ALL_KINDS="NULL_READ NULL_WRITE GPF BAD_ADDR BUG WARNING LIST_ADD SOFTLOCKUP STACK_OVERFLOW PANIC"
KINDS=${KINDS:-$ALL_KINDS}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
log() { echo "make.sh: $*" >&2; }
kind_dir() { echo "$1" | tr 'A-Z_' 'a-z-'; }

stage_debs() {
  local kb="linux-kbuild-$(echo "$KREL" | cut -d. -f1,2)" common="linux-headers-${KREL%-*}-common" f
  mkdir -p "$OUT/debs"
  ( cd "$OUT/debs"
    for f in "linux-image-$KREL-unsigned" "linux-headers-$KREL" "$common" "$kb"; do
      ls "${f}_${KVER}_"*.deb > /dev/null 2>&1 || apt-get download "$f=$KVER" 2>&1 | grep -v unsandboxed || true
      ls "${f}_${KVER}_"*.deb > /dev/null 2>&1 || { echo "download of $f $KVER failed" >&2; exit 1; }
    done )
  if [ ! -f "$OUT/kimg/boot/vmlinuz-$KREL" ]; then
    rm -rf "$OUT/kimg"; dpkg-deb -x "$OUT/debs/linux-image-$KREL-unsigned_${KVER}_amd64.deb" "$OUT/kimg"
  fi
  local hdr=$OUT/hdr/usr/src/linux-headers-$KREL
  if ! grep -q "^include $OUT/hdr/" "$hdr/Makefile" 2>/dev/null; then
    rm -rf "$OUT/hdr"
    for f in "$OUT"/debs/linux-headers-*.deb "$OUT"/debs/"$kb"_*.deb; do dpkg-deb -x "$f" "$OUT/hdr"; done
    # its Makefile includes /usr/src/linux-headers-*-common/Makefile: the extracted one
    sed -i "s|^include /usr/src/|include $OUT/hdr/usr/src/|" "$hdr/Makefile"
  fi
  log "kernel $(file -b "$OUT/kimg/boot/vmlinuz-$KREL" | cut -c1-80)"
}

# kc_x86crash.ko in OUTDIR/build (a copy of the sources: nothing is built in the tree)
stage_module() {
  local B=$OUT/build hdr=$OUT/hdr/usr/src/linux-headers-$KREL
  rm -rf "$B"; mkdir -p "$B"; cp "$HERE"/{kc_x86crash.c,Kbuild} "$B/"
  make -C "$hdr" M="$B" CC=gcc-12 modules > "$B/build.log" 2>&1 || { cat "$B/build.log" >&2; exit 1; }
  log "built $(modinfo -F vermagic "$B/kc_x86crash.ko")"
}

stage_initramfs() {
  local R=$OUT/initramfs
  rm -rf "$R"; mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp}
  cp /bin/busybox "$R/bin/busybox"
  file -L "$R/bin/busybox" | grep -q 'statically linked' || { echo "/bin/busybox is not static: apt-get install busybox-static" >&2; exit 1; }
  ln -s busybox "$R/bin/sh"
  install -m755 "$HERE/init" "$R/init"
  install -m755 "$HERE/kc_trigger" "$R/bin/kc_trigger"
  cp "$OUT/build/kc_x86crash.ko" "$R/kc_x86crash.ko"
  ( cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9n > "$OUT/initrd.gz" )
  log "initrd.gz $(stat -c %s "$OUT/initrd.gz") bytes"
}

QEMU_ARGS=(-M pc -cpu qemu64 -accel tcg -smp 2 -m 512M -no-reboot -display none -vga none
           -nodefaults -monitor none)
stage_run() {
  local k d
  for k in $KINDS; do
    d=$OUT/runs/$(kind_dir "$k"); rm -rf "$d"; mkdir -p "$d"
    echo "qemu-system-x86_64 ${QEMU_ARGS[*]} -serial file:console.log -kernel vmlinuz-$KREL -initrd initrd.gz -append 'console=ttyS0 panic=1 kcx_crash=$k'" > "$d/qemu-cmdline.txt"
    log "run $k"
    timeout 300 qemu-system-x86_64 "${QEMU_ARGS[@]}" -serial "file:$d/console.log" \
      -kernel "$OUT/kimg/boot/vmlinuz-$KREL" -initrd "$OUT/initrd.gz" \
      -append "console=ttyS0 panic=1 kcx_crash=$k" || log "$k: qemu exited $?"
    tr -d '\r' < "$d/console.log" | grep -m1 -E 'Kernel panic|KCX: FAILED' >&2 || log "$k: no panic line"
  done
}

# file:line of FUNC+0xOFF/0xSIZE in the .ko; ADJ=1 for a return address (the call is the
# instruction before it)
ko_addr2line() { # KO FUNC+0xOFF/0xSIZE ADJ
  local ko=$1 fn=${2%%+*} off=${2#*+} adj=${3:-0} ndx val sec
  off=${off%%/*}
  read -r val ndx < <(readelf -sW "$ko" | awk -v f="$fn" '$8 == f && $4 == "FUNC" {print $2, $7; exit}')
  [ -n "${ndx:-}" ] || return 0
  sec=$(readelf -SW "$ko" | sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p")
  addr2line -f -i -e "$ko" -j "$sec" "$(printf '0x%x' $((0x$val + off - adj)))" | paste -sd' ' \
    | sed -e "s|$OUT/build/|bench/x86-console/|g" -e "s|$OUT/hdr/usr/src/linux-headers-[^/]*/||g"
}

stage_fixture() {
  local k d F c rip site fn adj ko=$OUT/build/kc_x86crash.ko
  mkdir -p "$FIXTURE"
  gzip -9n < "$ko" > "$FIXTURE/kc_x86crash.ko.gz"
  for k in $KINDS; do
    d=$OUT/runs/$(kind_dir "$k"); F=$FIXTURE/$(kind_dir "$k"); c=$d/console.log
    [ -f "$c" ] || { log "no $c"; continue; }
    mkdir -p "$F"; cp "$c" "$F/console.log"
    # the culprit: the RIP if it is in kc_x86crash (the faulting instruction), else the
    # first kc_x86crash frame of the call trace other than the /proc writer (a return
    # address)
    rip=$(tr -d '\r' < "$c" | grep -m1 -oE 'RIP: 0010:kc_[a-z0-9_]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[kc_x86crash\]' | sed 's/^RIP: 0010://; s/ .*//' || true)
    if [ -n "$rip" ] && [ "${rip%%+*}" != kc_crash_write ]; then site=$rip adj=0
    else
      site=$(tr -d '\r' < "$c" | sed -n '/Call Trace:/,$p' | grep -oE ' kc_[a-z0-9_]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[kc_x86crash\]' \
             | sed 's/^ //' | grep -v '^kc_crash_write' | head -1 | cut -d' ' -f1 || true)
      adj=1
    fi
    fn=${site%%+*}
    {
      echo "kind: $k"
      echo "kernel: $(tr -d '\r' < "$c" | grep -m1 -o 'Linux version .*' || true)"
      echo "release: $KREL ($KVER, linux-image-$KREL-unsigned)"
      echo "trigger: /proc/kc_crash $(sed -n "s/^\t{ \"$k\", \"\(.*\)\" },/$k \1/p" "$HERE/kc_x86crash.c")"
      echo "trigger_line: $(tr -d '\r' < "$c" | grep -m1 'KC_TRIGGER kind=' || true)"
      if [ -n "$site" ]; then
        echo "culprit_frame: $site ($([ $adj = 0 ] && echo 'RIP: the faulting instruction' || echo 'call trace: a return address'))"
        echo "culprit_function: $fn"
        echo "culprit_source (addr2line -i of the .ko$([ $adj = 1 ] && echo ' at the return address - 1'): function file:line, inlined first): $(ko_addr2line "$ko" "$site" "$adj")"
      fi
      echo "oops_task_line: $(tr -d '\r' < "$c" | grep -m1 -oE 'CPU: [0-9]+ PID: [0-9]+ Comm: .*' || true)"
      # the report's header: its first lines after the trigger's own (up to CPU: ... Comm:)
      echo "report_header:"
      tr -d '\r' < "$c" | sed -n '/KC_TRIGGER kind=/,$p' | grep -vE 'KC_TRIGGER kind=|kc_x86crash: (triggering|vmalloc area)|cut here' \
        | sed -n '1,/CPU: [0-9]* PID: [0-9]* Comm:/p' | head -8 | sed 's/^/  /'
      echo "panic_line: $(tr -d '\r' < "$c" | grep -m1 -oE 'Kernel panic - not syncing: .*' || true)"
      echo "kc_x86crash_text: $(tr -d '\r' < "$c" | grep -m1 -oE '[0-9a-f]{16} t kc_null_read.*' || true)"
      echo "kc_x86crash_ko: $(sha256sum < "$ko" | cut -d' ' -f1) (kc_x86crash.ko.gz of this directory's parent, gunzipped)"
      echo "cmdline: $(tr -d '\r' < "$c" | grep -m1 -oE 'Command line: .*' | sed 's/^Command line: //' || true)"
      echo "qemu: $(qemu-system-x86_64 --version | head -1); $(cat "$d/qemu-cmdline.txt")"
      echo "report (console.log from the trigger line to the end, CRs dropped):"
      tr -d '\r' < "$c" | sed -n '/KC_TRIGGER kind=/,$p' | sed 's/^/  /'
    } > "$F/facts.txt"
    log "$F: culprit $site"
  done
}

for s in $STAGES; do "stage_$s"; done
