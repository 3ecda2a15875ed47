#!/bin/bash
# Make tests/fixtures/crashes/: one make.sh CRASH=KIND run per kind, one at a time (QEMU
# is slow and the soft-lockup and RCU-stall kinds are timing-sensitive: no parallel runs).
#
# Usage: make-fixtures.sh BASE FIXTURES [KIND[:DIR]...]
#   BASE: scratch directory (the .debs, kernel, initramfs, kc_crashers.ko; BASE/runs/DIR
#   per kind, its big files deleted after each run)
#   FIXTURES: where the KIND directories go (tests/fixtures/crashes)
#   KIND[:DIR]: default all of ALL below; DIR defaults to KIND in lower case, _ -> -
# Environment as for make.sh: KREL, KVER (default 6.1.0-57-arm64 6.1.192-3), MEM (512M),
# DBG_VMLINUX (when the -dbg vmlinux is extracted already: else make.sh downloads it)
set -euo pipefail
BASE=${1:?usage: make-fixtures.sh BASE FIXTURES [KIND[:DIR]...]}
FIX=${2:?usage: make-fixtures.sh BASE FIXTURES [KIND[:DIR]...]}
shift 2
HERE=$(cd "$(dirname "$0")/.." && pwd)
export KREL=${KREL:-6.1.0-57-arm64} KVER=${KVER:-6.1.192-3} MEM=${MEM:-512M}
export CRASHERS_DIR=${CRASHERS_DIR:-$BASE/crashers}
# (USER_ADDR is not in ALL: QEMU's cortex-a57 has no PAN and Debian's 6.1 no
# CONFIG_ARM64_SW_TTBR0_PAN, so the read does not fault; CPU='max,pauth-impdef=on'
# make-fixtures.sh BASE FIXTURES USER_ADDR makes it with an ARMv8.1+ CPU; SERROR is not
# in ALL either: its own module kc_serror.ko and another machine, EL2 (make.sh, init and
# kc_serror.c): make-fixtures.sh BASE FIXTURES SERROR builds its initramfs in its run)
ALL="NULL_READ NULL_WRITE BAD_ADDR POISON BUG WARNING UNDEF PC_ALIGN STACK_OVERFLOW
STACK_CORRUPT SOFTLOCKUP HUNG_TASK RCU_STALL RCU_STALL_IRQSOFF LIST_ADD LIST_DEL REFCOUNT
SCHED_ATOMIC IRQ_NULL PANIC DOUBLE_FREE USERCOPY OOM INIT_KILL SYSRQ NULL_READ:null-read-2"
KINDS=${*:-$ALL}
mkdir -p "$BASE" "$FIX"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# the kernel, the module and the initramfs once: the kind is on the kernel command line
CRASH=NULL_READ "$HERE/make.sh" "$BASE" debs crashers initramfs
# the module with its debug info, for file:line of the kc_crashers frames (every dump's
# kc_crashers.ko is this one: facts.txt's kc_crashers_ko is its sha256)
gzip -9nc "$CRASHERS_DIR/build/kc_crashers.ko" > "$FIX/kc_crashers.ko.gz"
for k in $KINDS; do
  kind=${k%%:*}; dir=${k#*:}
  [ "$dir" = "$k" ] && dir=$(echo "$kind" | tr 'A-Z_' 'a-z-')
  R=$BASE/runs/$dir
  rm -rf "$R"; mkdir -p "$R/work"
  ln -s "$BASE/kimg" "$R/kimg"; ln -s "$(readlink "$BASE/vmlinux")" "$R/vmlinux"
  cp "$BASE/work/initrd.gz" "$BASE/work/userland.txt" "$R/work/"
  stages="run collect crashfixture"
  [ "$kind" != SERROR ] || { ln -s "$BASE/work/sysroot" "$R/work/sysroot"; stages="crashers initramfs $stages"; }
  log "== $kind -> $FIX/$dir"
  if CRASH=$kind FIXTURE=$FIX/$dir "$HERE/make.sh" "$R" $stages > "$R/make.log" 2>&1; then
    log "$kind: $(du -h "$FIX/$dir/vmcore.kdump-zlib" | cut -f1); $(grep -m1 '^panic_line: ' "$FIX/$dir/facts.txt")"
  else
    log "$kind: FAILED (see $R/make.log, $R/work/console.log)"
  fi
  rm -rf "$R"/work/*.img "$R"/work/img-root "$R"/vmcore.elf "$R"/qemu.elf
done
# kc_serror.ko with its debug info, as kc_crashers.ko.gz
[ ! -f "$CRASHERS_DIR/serror/kc_serror.ko" ] || gzip -9nc "$CRASHERS_DIR/serror/kc_serror.ko" > "$FIX/kc_serror.ko.gz"
