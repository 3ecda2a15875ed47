#!/bin/bash
# One crash-triage fixture of the custom kernel (build.sh) through the kdump path:
# ../debian-dump/make.sh with KERNEL_TREE (QEMU virt, cortex-a57, 2 vCPUs, MEM, the
# capture kernel loaded by kexec -p, makedumpfile -c -d 31 in it), then the fixture
# directory laid out as tests/fixtures/crashes/README.md describes (console.log,
# console-capture.log, facts.txt, kallsyms.gz, ground-truth/; title.txt is written by hand).
#
# Usage: run-kind.sh DIR FIXTURES KIND[:SUBDIR]...
#   DIR: build.sh's directory (DIR/linux-source-6.12 built, DIR/kc_custom); runs go to
#   DIR/runs/SUBDIR
#   KIND: KASAN_UAF (LKDTM READ_AFTER_FREE), KASAN_OOB (LKDTM SLAB_LINEAR_OVERFLOW),
#   UBSAN_BOUNDS (LKDTM ARRAY_BOUNDS), KFENCE_UAF (LKDTM KFENCE_READ_AFTER_FREE), ALIGN
#   (kc_custom.ko), KFENCE_UAF_MOD (kc_custom.ko's), SLEEP_ATOMIC (kc_custom.ko's; a build
#   with CONFIG_DEBUG_ATOMIC_SLEEP, the second, /work/scratch/custom2), HARDLOCKUP (LKDTM HARDLOCKUP: QEMU's
#   default GICv2, no NMI: CPU 1 neither prints its backtrace nor stops),
#   HARDLOCKUP_NMI (the same with -M virt,gic-version=3 irqchip.gicv3_pseudo_nmi=1); kc_trigger (here) maps KIND to LKDTM's
#   name and runs on CPU 1; ../debian-dump/init sets the sysctls (crash_sysctls)
#   SUBDIR defaults to KIND in lower case, _ -> -
# LAYOUT_ONLY=1: lay out the fixtures again from DIR/runs/SUBDIR, no QEMU run.
# Environment: MEM (512M), CRASHKERNEL (256M), CPU (cortex-a57), APPEND (more first-kernel
# command line).  Command line extras:
# kfence.sample_interval=0 (KFENCE off: no kmalloc of a KASAN kind becomes a KFENCE
# object) except KFENCE_*'s =10 (a KFENCE object every 10 ms); init_on_free=1: makedumpfile
# 1.7.6 excludes no free page of this 6.12 kernel ("Free pages : 0" in makedumpfile.log:
# it does not know 6.12's page_type encoding of PG_buddy), so freed pages are zeroed
# (excluded as zero pages): 12 MB instead of 28 MB at 512 MiB
set -euo pipefail
D=$(cd "${1:?usage: run-kind.sh DIR FIXTURES KIND...}" && pwd)
FIX=$(mkdir -p "${2:?usage: run-kind.sh DIR FIXTURES KIND...}" && cd "$2" && pwd)
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
B=$D/linux-source-6.12
export KERNEL_TREE=$B CRASHERS_DIR=$D MEM=${MEM:-512M} CRASHKERNEL=${CRASHKERNEL:-256M}
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# file:line of a FUNC+0xOFF/0xSIZE frame: kc_custom.ko's by its .ko, the rest by the vmlinux
where() { # FRAME (FUNC+0xOFF/0xSIZE [MODULE]?)
  local f=${1%% *}
  if [[ $1 == *'[kc_custom]'* ]]; then
    CROSS_COMPILE=aarch64-linux-gnu- "$B/scripts/faddr2line" "$D/kc_custom/kc_custom.ko" "$f" 2>/dev/null
  else
    (cd "$B" && CROSS_COMPILE=aarch64-linux-gnu- scripts/faddr2line vmlinux "$f" 2>/dev/null)
  fi | sed -e "s|$D/kc_custom/|bench/custom-kernel/|g" -e "s|$B/||g" | paste -sd' '
}

layout() { # KIND R F
  local kind=$1 R=$2 F=$3 G=$2/ground-truth c=$2/work/console.log n site S both
  S=$G/kdump-snapshot
  mkdir -p "$F"; rm -rf "$F/ground-truth"; mkdir -p "$F/ground-truth"
  cp "$R/vmcore.kdump-zlib" "$F/"
  n=$(grep -an 'Booting Linux on physical CPU' "$c" | sed -n 2p | cut -d: -f1)
  if [ -n "$n" ]; then head -n $((n - 1)) "$c" > "$F/console.log"; tail -n +"$n" "$c" > "$F/console-capture.log"
  else cp "$c" "$F/console.log"; rm -f "$F/console-capture.log"; fi
  cp "$G/kallsyms.full.gz" "$F/kallsyms.gz"
  cp "$S"/{ps.txt,modules.txt,cmdline.txt,version.txt,sysctl.txt} "$F/ground-truth/"
  cp "$S/kallsyms-kc_crashers.txt" "$F/ground-truth/kallsyms-kc_custom.txt"
  cp "$G"/{makedumpfile-dump-dmesg.txt,makedumpfile.log,build-info.txt,qemu-cmdline.txt,init-progress.txt,kc_crash-kinds.txt} "$F/ground-truth/" 2>/dev/null || true
  both=$(mktemp); { tr -d '\r' < "$F/console.log"; cat "$G/makedumpfile-dump-dmesg.txt"; } > "$both"
  # the culprit: the first lkdtm_KIND / kc_custom trigger frame of the report
  site=$(grep -oE '(lkdtm_[A-Z_]+|kc_(align|kfence_uaf|sleep_atomic))\+0x[0-9a-f]+/0x[0-9a-f]+( \[kc_custom\])?' "$both" | head -1 || true)
  {
    echo "kind: $kind"
    echo "kernel: $(cat "$S/version.txt")"
    echo "release: $(sed -n 's/.*Linux version \([^ ]*\) .*/\1/p' "$both" | head -1)"
    echo "trigger: $(grep -m1 -E 'KC_TRIGGER kind=' "$both" | sed 's/.*KC_TRIGGER //') (bench/custom-kernel/kc_trigger)"
    echo "trigger_line: $(grep -m1 -E 'KC_TRIGGER kind=' "$both" || true)"
    if [ -n "$site" ]; then
      echo "culprit_frame: $site"
      echo "culprit_function: ${site%%+*}"
      if grep -qF "pc : ${site%% *}" "$both"; then
        echo "culprit_source (scripts/faddr2line of the faulting pc, inlined first): $(where "$site")"
      else   # a return address (KASAN's and UBSAN's report line too): the call is 4 bytes before
        off=${site#*+0x}; off=${off%%/*}; size=${site#*/}
        echo "culprit_source (scripts/faddr2line of the call before this return address, inlined first): $(where "${site%%+*}+$(printf '0x%x' $((0x$off - 4)))/$size")"
      fi
    fi
    echo "oops_task_line: $(grep -m1 -E 'CPU: [0-9]+ (UID: [0-9]+ )?PID: [0-9]+ Comm: ' "$both" | sed -e 's/^\[ *[0-9.]*\] //' -e 's/^\[ *[CT][0-9]*\] //' || true)"
    echo "panic_line: $(grep -m1 -E 'Kernel panic - not syncing' "$both" | sed -e 's/^\[ *[0-9.]*\] //' -e 's/^\[ *[CT][0-9]*\] //' || true)"
    echo "kc_custom_text: $(grep -m1 -E ' kc_align' "$S/kallsyms-kc_crashers.txt" || true)"
    echo "kc_custom_ko: $(sha256sum "$D/kc_custom/kc_custom.ko" | cut -d' ' -f1) (the .ko is not in the fixture)"
    echo "vmlinux_build_id: $(aarch64-linux-gnu-readelf -n "$B/vmlinux" | sed -n 's/.*Build ID: //p')"
    echo "dump_size: $(stat -c %s "$F/vmcore.kdump-zlib")"
    echo "sysctls:"; sed 's/^/  /' "$S/sysctl.txt"
    echo "cmdline: $(cat "$S/cmdline.txt")"
    echo "report (console.log from init's remount of /out before the trigger to the kexec, CRs dropped):"
    sed -n '/EXT4-fs (vd.): re-mounted/,$p' "$F/console.log" | tr -d '\r' | sed 's/^/  /'
    echo "dmesg_report (the same from the dump's own log, makedumpfile --dump-dmesg, with its caller ids):"
    sed -n '/EXT4-fs (vd.): re-mounted/,$p' "$G/makedumpfile-dump-dmesg.txt" | sed 's/^/  /'
  } > "$F/facts.txt"
  rm -f "$both"
}

BASE=$D/runs
mkdir -p "$BASE"
if [ "${LAYOUT_ONLY:-}" = 1 ]; then
  for k in "$@"; do
    kind=${k%%:*}; dir=${k#*:}; [ "$dir" = "$k" ] && dir=$(echo "$kind" | tr 'A-Z_' 'a-z-')
    layout "$kind" "$BASE/$dir" "$FIX/$dir"
  done
  exit 0
fi
# the kernel and the initramfs once (the kind is on the command line)
CRASH=ALIGN "$HERE/../debian-dump/make.sh" "$BASE" debs crashers initramfs
for k in "$@"; do
  kind=${k%%:*}; dir=${k#*:}
  [ "$dir" = "$k" ] && dir=$(echo "$kind" | tr 'A-Z_' 'a-z-')
  R=$BASE/$dir
  rm -rf "$R"; mkdir -p "$R/work"
  ln -s "$BASE/kimg" "$R/kimg"; ln -s "$B/vmlinux" "$R/vmlinux"
  cp "$BASE/work/initrd.gz" "$BASE/work/userland.txt" "$R/work/"
  case $kind in KFENCE_*) kf=10 ;; *) kf=0 ;; esac
  mach=virt nmi=
  [ "$kind" = HARDLOCKUP_NMI ] && mach=virt,gic-version=3 nmi=" irqchip.gicv3_pseudo_nmi=1"
  log "== $kind -> $FIX/$dir"
  if MACHINE=$mach APPEND_EXTRA="kfence.sample_interval=$kf init_on_free=1$nmi${APPEND:+ $APPEND}" CRASH=$kind "$HERE/../debian-dump/make.sh" "$R" run collect > "$R/make.log" 2>&1; then
    layout "$kind" "$R" "$FIX/$dir"
    log "$kind: $(du -h "$FIX/$dir/vmcore.kdump-zlib" | cut -f1); $(grep -m1 '^panic_line: ' "$FIX/$dir/facts.txt")"
  else
    log "$kind: FAILED (see $R/make.log, $R/work/console.log)"
  fi
  rm -rf "$R"/work/*.img "$R"/work/img-root
done
