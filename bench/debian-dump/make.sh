#!/bin/bash
# A real kdump of a Debian distribution kernel, made under QEMU through the kdump path as
# shared/fixtures/ were (see shared/fixtures/tools/README.md and make-fixture.sh): no
# kernel build, Debian's linux-image-$KREL-unsigned instead, and its virtio-mmio,
# virtio-blk and ext4 modules loaded from the initramfs.
#
# Usage: make.sh OUTDIR [STAGE...]       stages: debs initramfs run collect (default: all)
#   OUTDIR: where the .debs, the scratch files and the dumps go (outside git, several GB)
#   KREL=6.1.0-53-arm64 KVER=6.1.187-1 (the Debian ABI name and package version);
#   also KREL=5.10.0-30-arm64 KVER=5.10.218-1 (bullseye) and 6.12 (trixie)
#   DBG_VMLINUX=path: the -dbg vmlinux when already extracted (else the -dbg .deb is
#   downloaded and only its vmlinux extracted)
#   WORKLOAD=1: the guest also runs a workload before the crash and writes its ground truth
#   (init's start_workload and gt_workload; kc_workload.c, built with clang for arm64
#   freestanding): a third disk (an ext2 with a swap file), a virtio-net NIC on an empty
#   QEMU hub (modules failover, net_failover, virtio_net), "kcfx_workload" on the command line
#   FIXTURE=dir: for the "fixture" stage (not in the default list): lay out a
#   tests/fixtures/debian-* directory from OUTDIR (vmcore.kdump-zlib, ground-truth/; the
#   README is written by hand)
#   CRASH=KIND: a crash-triage fixture run (tests/fixtures/crashes/): the guest crashes
#   with KIND instead of sysrq-c: one of kc_crashers.ko's kinds (crashers/kc_crashers.c;
#   crashers/kc_trigger writes KIND to /proc/kc_crash on CPU 1), or OOM (crashers/kc_user
#   allocates with vm.panic_on_oom=1), INIT_KILL (init execs kc_user, which segfaults:
#   PID 1 dies), SYSRQ (kc_crasher, as without CRASH).  The stage "crashers" (in the
#   default list with CRASH) downloads linux-headers-$KREL, its -common and linux-kbuild
#   (amd64) and builds the module with aarch64-linux-gnu-gcc-12 (apt-get install
#   gcc-aarch64-linux-gnu) into CRASHERS_DIR (default OUTDIR/crashers; share one between
#   runs so that every dump has the same .ko); kcfx_crash=KIND on the kernel command line;
#   init sets the kind's sysctls (crash_sysctls), loads the capture kernel and triggers;
#   no QEMU-side dumps, no raw /proc/vmcore copy (only makedumpfile -c -d 31), no
#   vmcore.elf.  With FIXTURE=dir, the stage "crashfixture" lays out
#   tests/fixtures/crashes/KIND-DIR (vmcore.kdump-zlib, console.log, facts.txt, ...)
#   KERNEL_TREE=dir: a kernel built from source instead of Debian's (the tree that
#   bench/custom-kernel/build.sh built in place): stage "debs" takes its arch/arm64/boot/Image, vmlinux
#   and modules.builtin (KREL = its kernel.release; nothing downloaded; MODULES defaults
#   to none: all built in); with CRASH, stage "crashers" is skipped and the initramfs gets
#   CRASHERS_DIR/kc_custom/kc_custom.ko and bench/custom-kernel/kc_trigger instead (see
#   bench/custom-kernel/run-kind.sh).  APPEND_EXTRA: more first-kernel command line
#   CRASH=SERROR: a virtual SError raised through EL2 vectors of its own by kc_serror.ko
#   (crashers/kc_serror.c, a module of its own, built by stage "crashers" into
#   CRASHERS_DIR/serror; kc_trigger writes SERROR to /proc/kc_serror): the guest boots at
#   EL2 (MACHINE=virt,virtualization=on, cortex-a57: no VHE, the kernel at EL1 under the
#   hyp stub) with kvm-arm.mode=none (first and capture kernel) so that KVM leaves the stub
#
# Host (bookworm) set-up, once, as in shared/fixtures/tools/README.md: arm64 added to dpkg,
# trixie in the apt sources (for kexec-tools 2.0.29 / makedumpfile 1.7.6 in the guest),
# and: apt-get install qemu-system-arm binutils-aarch64-linux-gnu makedumpfile cpio zstd e2fsprogs
#
# Output in OUTDIR: vmcore.kdump-zlib (makedumpfile -c -d 31 in the capture kernel),
# vmcore.elf (cat /proc/vmcore), qemu.elf (QEMU dump-guest-memory, VM stopped before the
# crash), vmlinux (symlink to the -dbg vmlinux), ground-truth/ (ps, modules, dmesg...;
# with WORKLOAD=1 also the workload's, in ground-truth/kdump-snapshot/).
set -euo pipefail

OUT=${1:?usage: make.sh OUTDIR [STAGE...]}
shift || true
CRASH=${CRASH:-}
if [ -n "$CRASH" ]; then STAGES=${*:-debs crashers initramfs run collect}
else STAGES=${*:-debs initramfs run collect}; fi
KREL=${KREL:-6.1.0-53-arm64}
KERNEL_TREE=${KERNEL_TREE:-}
[ -n "$KERNEL_TREE" ] && KREL=$(cat "$KERNEL_TREE/include/config/kernel.release")
KVER=${KVER:-6.1.187-1}
CPU=${CPU:-cortex-a57}
MEM=${MEM:-1G}
CRASHKERNEL=${CRASHKERNEL:-256M}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
DEBS=$OUT/debs KIMG=$OUT/kimg WORK=$OUT/work
mkdir -p "$DEBS" "$WORK"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# the modules the initramfs loads, dependencies first (Debian ships no modules.dep:
# depmod makes it at install time; these come from each .ko's modinfo "depends=")
# qemu_fw_cfg (CONFIG_FW_CFG_SYSFS=m) writes the guest's VMCOREINFO address to QEMU's
# -device vmcoreinfo: without it QEMU's own dumps (qemu.elf, qemu.kdump-zlib) have none
# virtio and virtio_ring are modules in 5.10 (bullseye, CONFIG_VIRTIO=m) and built in from
# 6.1 on: a module the package lists in modules.builtin is skipped (MODULES= overrides)
MODULES=${MODULES:-"virtio virtio_ring virtio_mmio virtio_blk crc16 mbcache jbd2 crc32c_generic ext4 qemu_fw_cfg"}
WORKLOAD=${WORKLOAD:-0}
[ -n "$KERNEL_TREE" ] && MODULES=${CUSTOM_MODULES:-}
[ "$WORKLOAD" = 1 ] && MODULES="$MODULES ${WORKLOAD_MODULES:-failover net_failover virtio_net}"

download() { # PKG: apt-get download PKG:arm64=$KVER into $DEBS unless there
  ( cd "$DEBS" && { ls "$1"_"$KVER"_arm64.deb > /dev/null 2>&1 || apt-get download "$1:arm64=$KVER" 2>&1 | grep -v unsandboxed; } ) || true
  [ -f "$DEBS/$1_${KVER}_arm64.deb" ] || { echo "download of $1 $KVER failed" >&2; exit 1; }
}

stage_debs() {
  if [ -n "$KERNEL_TREE" ]; then
    rm -rf "$KIMG"; mkdir -p "$KIMG/boot" "$KIMG/lib/modules/$KREL"
    cp "$KERNEL_TREE/arch/arm64/boot/Image" "$KIMG/boot/vmlinuz-$KREL"
    cp "$KERNEL_TREE/modules.builtin" "$KIMG/lib/modules/$KREL/"
    ln -sfn "$KERNEL_TREE/vmlinux" "$OUT/vmlinux"; return 0
  fi
  download "linux-image-$KREL-unsigned"
  rm -rf "$KIMG"; mkdir -p "$KIMG"
  dpkg-deb -x "$DEBS/linux-image-$KREL-unsigned_${KVER}_arm64.deb" "$KIMG"
  if [ -z "${DBG_VMLINUX:-}" ]; then
    download "linux-image-$KREL-dbg"
    dpkg-deb --fsys-tarfile "$DEBS/linux-image-$KREL-dbg_${KVER}_arm64.deb" \
      | tar -C "$KIMG" -x "./usr/lib/debug/boot/vmlinux-$KREL"
    DBG_VMLINUX=$KIMG/usr/lib/debug/boot/vmlinux-$KREL
  fi
  ln -sfn "$(realpath "$DBG_VMLINUX")" "$OUT/vmlinux"
  log "kernel $(file -b "$KIMG/boot/vmlinuz-$KREL" | cut -c1-60); vmlinux -> $(readlink "$OUT/vmlinux")"
}

# kc_crashers.ko (CRASH=KIND): Debian's headers for $KREL and the host's kbuild tools,
# extracted into CRASHERS_DIR/hdr, the module built in CRASHERS_DIR/build (a copy of
# crashers/: nothing is built in the source tree); skipped when the .ko is newer than
# the sources
CRASHERS_DIR=${CRASHERS_DIR:-$OUT/crashers}
stage_crashers() {
  [ -z "$KERNEL_TREE" ] || { log "custom kernel: kc_custom.ko from bench/custom-kernel/build.sh"; return 0; }
  local C=$CRASHERS_DIR kb="linux-kbuild-$(echo "$KREL" | cut -d. -f1,2)" common="linux-headers-${KREL%-*}-common" hdr f
  mkdir -p "$C/debs"
  ( cd "$C/debs"
    for f in "linux-headers-$KREL:arm64" "$common" "$kb:amd64"; do
      ls "${f%:*}_${KVER}_"*.deb > /dev/null 2>&1 || apt-get download "$f=$KVER" 2>&1 | grep -v unsandboxed || true
      ls "${f%:*}_${KVER}_"*.deb > /dev/null 2>&1 || { echo "download of $f $KVER failed" >&2; exit 1; }
    done )
  hdr=$C/hdr/usr/src/linux-headers-$KREL
  if [ ! -f "$hdr/Makefile" ]; then
    rm -rf "$C/hdr"; for f in "$C"/debs/*.deb; do dpkg-deb -x "$f" "$C/hdr"; done
    # its Makefile includes /usr/src/linux-headers-*-common/Makefile: the extracted one
    sed -i "s|^include /usr/src/|include $C/hdr/usr/src/|" "$hdr/Makefile"
  fi
  [ "$CRASH" != SERROR ] || build_kc_serror "$hdr"
  if [ -f "$C/build/kc_crashers.ko" ] && [ -z "$(find "$HERE"/crashers/{kc_crashers.c,Kbuild,Makefile} -newer "$C/build/kc_crashers.ko")" ]; then
    log "kc_crashers.ko is up to date"; return 0
  fi
  command -v aarch64-linux-gnu-gcc-12 > /dev/null || { echo "no aarch64-linux-gnu-gcc-12: apt-get install gcc-aarch64-linux-gnu" >&2; exit 1; }
  rm -rf "$C/build"; mkdir -p "$C/build"
  cp "$HERE"/crashers/{kc_crashers.c,Kbuild,Makefile} "$C/build/"
  make -C "$C/build" KDIR="$hdr" > "$C/build/build.log" 2>&1 || { cat "$C/build/build.log" >&2; exit 1; }
  log "built $(strings "$C/build/kc_crashers.ko" | grep '^vermagic=')"
}

# kc_serror.ko (CRASH=SERROR) in CRASHERS_DIR/serror, as kc_crashers.ko is built (its
# Kbuild written here: crashers/Kbuild is kc_crashers.ko's alone)
build_kc_serror() { # HDR
  local d=$CRASHERS_DIR/serror
  [ -f "$d/kc_serror.ko" ] && [ "$d/kc_serror.ko" -nt "$HERE/crashers/kc_serror.c" ] && { log "kc_serror.ko is up to date"; return 0; }
  rm -rf "$d"; mkdir -p "$d"; cp "$HERE/crashers/kc_serror.c" "$HERE/crashers/Makefile" "$d/"
  printf '%s\n' 'obj-m := kc_serror.o' 'ccflags-y := -g -fmacro-prefix-map=$(src)/=bench/debian-dump/crashers/' > "$d/Kbuild"
  make -C "$d" KDIR="$1" > "$d/build.log" 2>&1 || { cat "$d/build.log" >&2; exit 1; }
  log "built kc_serror.ko $(strings "$d/kc_serror.ko" | grep '^vermagic=')"
}

stage_initramfs() {
  local sr=$WORK/sysroot root=$WORK/initramfs f m
  [ -x "$sr/usr/bin/makedumpfile" ] && [ -s "$WORK/userland.txt" ] \
    || "$HERE/fetch-userland.sh" "$WORK/userland-debs" "$sr" > "$WORK/userland.txt"
  rm -rf "$root"; mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib/modules,etc,proc,sys,dev,tmp,out,root}
  ln -s usr/lib "$root/lib"
  cp "$sr/bin/busybox" "$root/bin/busybox"; ln -s busybox "$root/bin/sh"
  copy_with_libs "$sr" "$root" usr/sbin/kexec
  copy_with_libs "$sr" "$root" usr/bin/makedumpfile
  cp -L "$sr/usr/lib/ld-linux-aarch64.so.1" "$root/usr/lib/ld-linux-aarch64.so.1"
  install -m755 "$HERE/init" "$root/init"
  install -m755 "$HERE/kc_crasher" "$root/bin/kc_crasher"
  if [ -n "$CRASH" ]; then
    if [ -n "$KERNEL_TREE" ]; then
      cp "$CRASHERS_DIR/kc_custom/kc_custom.ko" "$root/usr/lib/modules/kc_custom.ko"
      install -m755 "$HERE/../custom-kernel/kc_trigger" "$root/bin/kc_trigger"
    else
      cp "$CRASHERS_DIR/build/kc_crashers.ko" "$root/usr/lib/modules/kc_crashers.ko"
      install -m755 "$HERE/crashers/kc_trigger" "$root/bin/kc_trigger"
      [ "$CRASH" != SERROR ] || cp "$CRASHERS_DIR/serror/kc_serror.ko" "$root/usr/lib/modules/kc_serror.ko"
    fi
    clang --target=aarch64-linux-gnu -ffreestanding -fno-builtin -nostdlib -static -fuse-ld=lld \
      -O2 -fno-stack-protector -Wall -o "$root/bin/kc_user" "$HERE/crashers/kc_user.c" \
      || { echo "cannot build crashers/kc_user.c (clang and lld for aarch64)" >&2; exit 1; }
  fi
  if [ "$WORKLOAD" = 1 ]; then
    # freestanding (raw system calls): no arm64 libc or cross gcc needed, only clang + lld
    clang --target=aarch64-linux-gnu -ffreestanding -fno-builtin -nostdlib -static -fuse-ld=lld \
      -O2 -fno-stack-protector -Wall -o "$root/bin/kc_workload" "$HERE/kc_workload.c" \
      || { echo "cannot build kc_workload.c (clang and lld for aarch64)" >&2; exit 1; }
  fi
  : > "$root/usr/lib/modules/load-order"
  # 6.1 (bookworm): lib/modules/$KREL/**/m.ko; 6.12 (trixie, merged /usr):
  # usr/lib/modules/$KREL/**/m.ko.xz (CONFIG_MODULE_COMPRESS_XZ), decompressed here so
  # that busybox insmod gets a plain ELF .ko (the appended signature stays in it)
  local mdirs=()
  for f in "$KIMG/lib/modules/$KREL" "$KIMG/usr/lib/modules/$KREL"; do [ -d "$f" ] && mdirs+=("$f"); done
  [ ${#mdirs[@]} -gt 0 ] || { echo "no lib/modules/$KREL in the package" >&2; exit 1; }
  for m in $MODULES; do
    if grep -qs "/$m\.ko$" "${mdirs[@]/%//modules.builtin}"; then
      log "module $m is built in: not loaded"; continue
    fi
    f=$(find "${mdirs[@]}" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" \) | head -1)
    [ -n "$f" ] || { echo "module $m not in the package" >&2; exit 1; }
    case "$f" in
      *.ko.xz)  xz -dc "$f" > "$root/usr/lib/modules/$m.ko" ;;
      *.ko.zst) zstd -q -dc "$f" > "$root/usr/lib/modules/$m.ko" ;;
      *.ko.gz)  gzip -dc "$f" > "$root/usr/lib/modules/$m.ko" ;;
      *)        cp "$f" "$root/usr/lib/modules/" ;;
    esac
    echo "$m" >> "$root/usr/lib/modules/load-order"
  done
  # for kallsyms_with_text in init: _stext - _text (the vmlinux's link-time addresses)
  local text stext
  read -r text stext < <(aarch64-linux-gnu-nm "$OUT/vmlinux" \
    | awk '$3 == "_text" {t = $1} $3 == "_stext" {s = $1} END {print t, s}')
  echo $((0x$stext - 0x$text)) > "$root/usr/lib/modules/stext-minus-text"
  (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) > "$WORK/initrd.gz"
  log "initramfs: $(du -h "$WORK/initrd.gz" | cut -f1)"
}

# copy an arm64 ELF from the sysroot plus its DT_NEEDED closure (as make-fixture.sh does)
copy_with_libs() { # SYSROOT ROOT PATH-IN-SYSROOT
  local sr=$1 root=$2 f=$3 lib found d
  [ -e "$root/$f" ] && return 0
  mkdir -p "$root/$(dirname "$f")"
  cp -L "$sr/$f" "$root/$f"
  for lib in $(aarch64-linux-gnu-readelf -d "$sr/$f" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    found=
    for d in usr/lib/aarch64-linux-gnu usr/lib; do
      if [ -e "$sr/$d/$lib" ]; then copy_with_libs "$sr" "$root" "$d/$lib"; found=1; break; fi
    done
    [ -n "$found" ] || { echo "unresolved $lib needed by $f" >&2; exit 1; }
  done
}

stage_run() {
  local t0=$SECONDS img=$WORK/disk.img sig=$WORK/signal.img swap=$WORK/swap.img kernel=$KIMG/boot/vmlinuz-$KREL qpid n=0
  local append="console=ttyAMA0 crashkernel=$CRASHKERNEL" extra=(-nic none)
  rm -rf "$WORK/img-root" "$WORK/qemu-dumps" "$WORK/qmp.sock" "$WORK/extract" "$img" "$sig" "$swap" "$WORK/console.log"
  mkdir -p "$WORK/img-root/boot" "$WORK/img-root/gt" "$WORK/img-root/dumps"
  cp "$kernel" "$WORK/img-root/boot/Image"      # Debian's arm64 vmlinuz is an Image
  cp "$WORK/initrd.gz" "$WORK/img-root/boot/initrd.gz"
  [ "$CRASH" != SERROR ] || echo "kvm-arm.mode=none" > "$WORK/img-root/boot/capture-extra-cmdline"   # (init's kexec -p)
  mke2fs -q -F -t ext2 -b 4096 -L kcfx -d "$WORK/img-root" "$img" 4G
  truncate -s 1M "$sig"
  if [ "$WORKLOAD" = 1 ]; then
    # the swap disk: an empty ext2 (the guest writes a swap file on it); a NIC with a MAC
    # on hub 0, which nothing else is on (no host network)
    mke2fs -q -F -t ext2 -b 4096 -L kcswap "$swap" 96M
    append="$append kcfx_workload"
    extra=(-netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0,mac=52:54:00:12:34:56
      -drive "if=none,id=swap,file=$swap,format=raw" -device virtio-blk-device,drive=swap)
  fi
  [ -n "$CRASH" ] && append="$append kcfx_crash=$CRASH"
  [ -n "${APPEND_EXTRA:-}" ] && append="$append $APPEND_EXTRA"
  local machine=${MACHINE:-virt}
  if [ "$CRASH" = SERROR ]; then   # EL2 with the hyp stub in both kernels (kc_serror.c)
    machine=${MACHINE:-virt,virtualization=on}; append="$append kvm-arm.mode=none"
  fi
  QEMU_CMD=(qemu-system-aarch64 -M "$machine" -cpu "$CPU" -smp 2 -m "$MEM" -no-reboot
    -display none -monitor none -serial "file:$WORK/console.log" "${extra[@]}"
    -kernel "$kernel" -initrd "$WORK/initrd.gz"
    -append "$append"
    -device vmcoreinfo
    -drive "if=none,id=data,file=$img,format=raw" -device virtio-blk-device,drive=data
    -drive "if=none,id=sig,file=$sig,format=raw" -device virtio-blk-device,drive=sig
    -qmp "unix:$WORK/qmp.sock,server=on,wait=off")
  printf '%q ' "${QEMU_CMD[@]}" > "$WORK/qemu-cmdline.txt"; echo >> "$WORK/qemu-cmdline.txt"
  log "starting QEMU: $(cat "$WORK/qemu-cmdline.txt")"
  "${QEMU_CMD[@]}" < /dev/null > "$WORK/qemu-stdout.txt" 2>&1 &
  qpid=$!
  sleep 2
  kill -0 $qpid 2>/dev/null || { cat "$WORK/qemu-stdout.txt" >&2; log "QEMU did not start"; exit 1; }
  if [ -z "$CRASH" ]; then   # CRASH: no QEMU-side dumps, the guest does not wait for them
    python3 "$HERE/qmp-dump.py" "$WORK/qmp.sock" "$WORK/console.log" "$sig" "$WORK/qemu-dumps" > "$WORK/qmp-dump.log" 2>&1 \
      || { log "QMP dump step failed:"; cat "$WORK/qmp-dump.log"; }
    cat "$WORK/qmp-dump.log" >&2
  fi
  while kill -0 $qpid 2>/dev/null; do
    sleep 5; n=$((n+5))
    if [ $n -gt 1800 ]; then log "QEMU still running after 30 min; killing"; kill $qpid; break; fi
  done
  wait $qpid || true
  log "QEMU exited after $((SECONDS - t0)) s"
  mkdir -p "$WORK/extract"
  debugfs -R "rdump /gt /dumps $WORK/extract" "$img" 2>&1 | grep -v '^debugfs' || true
  [ -e "$WORK/extract/dumps/DONE" ] || { log "capture kernel did not finish: see $WORK/console.log"; exit 1; }
  rm -f "$img" "$swap"
}

stage_collect() {
  local D=$WORK/extract/dumps G=$OUT/ground-truth
  rm -rf "$G"; mkdir -p "$G"
  # makedumpfile may fail in the capture kernel: 1.7.6 (and 1.7.8) reject 4K pages with
  # VA_BITS=52, Debian's 6.12 arm64 config (LPA2): "PAGE SIZE 0x1000 and VA Bits 52 not
  # supported"; then only the raw /proc/vmcore copy is there (see makedumpfile.log)
  if [ -f "$D/vmcore.kdump-zlib" ]; then mv -f "$D/vmcore.kdump-zlib" "$OUT/vmcore.kdump-zlib"
  elif [ ! -f "$OUT/vmcore.kdump-zlib" ]; then
    log "no vmcore.kdump-zlib: makedumpfile failed in the capture kernel:"; grep -E 'not supported|Can.t determine|rc=' "$D/makedumpfile.log" >&2 || true
  fi
  [ -f "$D/vmcore.raw.elf" ] && mv -f "$D/vmcore.raw.elf" "$OUT/vmcore.elf"
  [ -f "$OUT/vmcore.elf" ] || [ -n "$CRASH" ] || { log "no vmcore.elf either: see $WORK/console.log"; exit 1; }
  [ -f "$OUT/vmcore.kdump-zlib" ] || [ -z "$CRASH" ] || { log "no dump: see $WORK/console.log"; exit 1; }
  [ -f "$WORK/qemu-dumps/qemu.elf" ] && mv -f "$WORK/qemu-dumps/qemu.elf" "$OUT/qemu.elf"
  # QEMU 7.2 writes kdump in the flattened format: reassemble it (host makedumpfile -R)
  if [ -f "$WORK/qemu-dumps/qemu.kdump-zlib" ] && command -v makedumpfile > /dev/null; then
    rm -f "$OUT/qemu.kdump-zlib"
    makedumpfile -R "$OUT/qemu.kdump-zlib" < "$WORK/qemu-dumps/qemu.kdump-zlib" > /dev/null \
      && rm -f "$WORK/qemu-dumps/qemu.kdump-zlib"
  fi
  cp -r "$WORK/extract/gt/." "$G/"
  mkdir -p "$G/qemu-dumps"; cp "$WORK"/qemu-dumps/*.{txt,json} "$WORK/qmp-dump.log" "$G/qemu-dumps/" 2>/dev/null || true
  [ -f "$D/dmesg.txt" ] && cp "$D/dmesg.txt" "$G/makedumpfile-dump-dmesg.txt"
  cp "$D"/{capture-kernel-dmesg.txt,makedumpfile.log,makedumpfile-version.txt,proc-vmcore-ls.txt} "$G/"
  cp "$WORK/console.log" "$WORK/qemu-cmdline.txt" "$G/"
  if [ -n "$CRASH" ]; then   # the report: from the trigger to the kexec into the capture kernel
    sed -n '/KC_TRIGGER kind=\|KC_CRASHER pid=\|KCFX: crashing with/,/Bye!/p' "$WORK/console.log" | tr -d '\r' > "$G/panic.txt"
  else
    sed -n '/sysrq: Trigger a crash/,/Bye!/p' "$WORK/console.log" | tr -d '\r' > "$G/panic.txt"
  fi
  {
    if [ -n "$KERNEL_TREE" ]; then echo "kernel=$KREL built from source in $KERNEL_TREE (bench/custom-kernel/build.sh)"
    else echo "kernel=linux-image-$KREL-unsigned $KVER"; fi
    echo "qemu=$(qemu-system-aarch64 --version | head -1)"
    echo "qemu_cpu=$CPU guest_mem=$MEM crashkernel=$CRASHKERNEL"
    echo "makedumpfile_guest=$(head -1 "$D/makedumpfile-version.txt")"
    grep -E '^Package: (kexec-tools|makedumpfile|busybox-static) ' "$WORK/userland.txt" || true
    if [ "$WORKLOAD" = 1 ]; then echo "workload=1 kc_workload built with $(clang --version | head -1)"; fi
    if [ -n "$CRASH" ] && [ -n "$KERNEL_TREE" ]; then
      echo "crash=$CRASH kc_custom.ko built with $(aarch64-linux-gnu-gcc --version | head -1) against $KERNEL_TREE"
    elif [ -n "$CRASH" ]; then
      echo "crash=$CRASH kc_crashers.ko built with $(aarch64-linux-gnu-gcc-12 --version | head -1) against linux-headers-$KREL $KVER; kc_user built with $(clang --version | head -1)"
    fi
  } > "$G/build-info.txt"
  (cd "$OUT" && ls -l vmcore.* qemu.* vmlinux 2>/dev/null) >&2 || true
}

# tests/fixtures/debian-*/ from OUTDIR: the dump, the kdump-time snapshot flattened into
# ground-truth/ (ps.txt, modules.txt, ... and with WORKLOAD=1 proc/, tasks/, net.txt ...),
# text files over 64 KiB gzipped (kallsyms.full.gz already is); README.md by hand
stage_fixture() {
  local F=${FIXTURE:?FIXTURE=dir for the fixture stage} G=$OUT/ground-truth f
  [ -f "$OUT/vmcore.kdump-zlib" ] || { log "no $OUT/vmcore.kdump-zlib"; exit 1; }
  mkdir -p "$F"; rm -rf "$F/ground-truth"; mkdir -p "$F/ground-truth"
  cp "$OUT/vmcore.kdump-zlib" "$F/"
  cp -r "$G/kdump-snapshot/." "$F/ground-truth/"
  cp "$G"/{kallsyms.full.gz,panic.txt,makedumpfile-dump-dmesg.txt,makedumpfile.log,build-info.txt,qemu-cmdline.txt} "$F/ground-truth/"
  cp "$G/init-progress.txt" "$F/ground-truth/" 2>/dev/null || true
  find "$F/ground-truth" -type f -size +64k ! -name '*.gz' -exec gzip -9n {} +
  (cd "$F" && du -sh vmcore.kdump-zlib ground-truth) >&2
}

# file:line of FUNC+0xOFF/0xSIZE in a module .ko with debug info (Debian's linux-kbuild
# has no scripts/faddr2line): the symbol's section and value from readelf, addr2line -j
ko_addr2line() { # KO FUNC+0xOFF/0xSIZE
  local ko=$1 fn=${2%%+*} off=${2#*+} ndx val sec
  off=${off%%/*}
  read -r val ndx < <(aarch64-linux-gnu-readelf -sW "$ko" | awk -v f="$fn" '$8 == f && $4 == "FUNC" {print $2, $7; exit}')
  [ -n "$ndx" ] || return 0
  sec=$(aarch64-linux-gnu-readelf -SW "$ko" | sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p")
  aarch64-linux-gnu-addr2line -f -i -e "$ko" -j "$sec" "$(printf '0x%x' $((0x$val + off)))" | paste -sd' ' \
    | sed -e "s|$CRASHERS_DIR/build/|bench/debian-dump/crashers/|g" -e "s|$CRASHERS_DIR/serror/|bench/debian-dump/crashers/|g" -e "s|$CRASHERS_DIR/hdr/usr/src/linux-headers-[^/]*/||g"
}

# tests/fixtures/crashes/KIND-DIR from OUTDIR after a CRASH=KIND run: the dump, the serial
# console split at the capture kernel's first line (console.log: the first kernel's, as
# QEMU's -serial wrote it, CRs and all; console-capture.log: the capture kernel's), the
# guest's kallsyms, facts.txt (the kind, its trigger and culprit function with
# scripts/faddr2line's file:line, the crashing task, sysctls, and the report), and
# ground-truth/ (ps, modules, makedumpfile's logs, how it was made).  The README index
# (tests/fixtures/crashes/README.md) is written by hand.
stage_crashfixture() {
  local F=${FIXTURE:?FIXTURE=dir for the crashfixture stage} G=$OUT/ground-truth c=$WORK/console.log
  local S=$G/kdump-snapshot n site fn ko=$CRASHERS_DIR/build/kc_crashers.ko
  [ "$CRASH" != SERROR ] || ko=$CRASHERS_DIR/serror/kc_serror.ko
  [ -n "$CRASH" ] || { log "crashfixture needs CRASH=KIND"; exit 1; }
  [ -f "$OUT/vmcore.kdump-zlib" ] || { log "no $OUT/vmcore.kdump-zlib"; exit 1; }
  mkdir -p "$F"; rm -rf "$F/ground-truth"; mkdir -p "$F/ground-truth"
  cp "$OUT/vmcore.kdump-zlib" "$F/"
  n=$(grep -an 'Booting Linux on physical CPU' "$c" | sed -n 2p | cut -d: -f1)
  if [ -n "$n" ]; then
    head -n $((n - 1)) "$c" > "$F/console.log"; tail -n +"$n" "$c" > "$F/console-capture.log"
  else cp "$c" "$F/console.log"; rm -f "$F/console-capture.log"; fi
  cp "$G/kallsyms.full.gz" "$F/kallsyms.gz"
  cp "$S"/{ps.txt,modules.txt,cmdline.txt,version.txt,sysctl.txt,kallsyms-kc_crashers.txt} "$F/ground-truth/"
  cp "$G"/{makedumpfile-dump-dmesg.txt,makedumpfile.log,build-info.txt,qemu-cmdline.txt,init-progress.txt,kc_crash-kinds.txt} "$F/ground-truth/" 2>/dev/null || true
  # the culprit: the first kc_crashers frame of the report other than the /proc writer
  # (from the console, else from the dump's own log: reports printed in NMI context,
  # such as the stack overflow's, reach the log buffer but not the console before kexec)
  site=$({ tr -d '\r' < "$F/console.log"; cat "$G/makedumpfile-dump-dmesg.txt"; } | grep -oE 'kc_[a-z0-9_]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[kc_(crashers|serror)\]' \
         | grep -vE '^kc_(crash|serror)_write' | head -1 | cut -d' ' -f1 || true)
  fn=${site%%+*}
  {
    echo "kind: $CRASH"
    echo "kernel: $(cat "$S/version.txt")"
    echo "release: $(tr -d '\r' < "$F/console.log" | sed -n 's/.*Linux version \([^ ]*\) .*/\1/p' | head -1)"
    case $CRASH in
      OOM|INIT_KILL|SYSRQ) ;;
      SERROR) echo "trigger: /proc/kc_serror $(grep -E "^$CRASH " "$G/kc_crash-kinds.txt" 2>/dev/null | sed 's/  */ /' || true)" ;;
      *) echo "trigger: /proc/kc_crash $(grep -E "^$CRASH " "$G/kc_crash-kinds.txt" 2>/dev/null | sed 's/  */ /' || true)" ;;
    esac
    case $CRASH in
      OOM) echo "trigger: bench/debian-dump/crashers/kc_user.c oom(), run as 'taskset 2 /bin/kc_user oom' by init" ;;
      INIT_KILL) echo "trigger: init (PID 1) execs /bin/kc_user segv: bench/debian-dump/crashers/kc_user.c segv() stores to 0x10" ;;
      SYSRQ) echo "trigger: /bin/kc_crasher (bench/debian-dump/kc_crasher) writes c to /proc/sysrq-trigger" ;;
    esac
    echo "trigger_line: $(tr -d '\r' < "$F/console.log" | grep -m1 -E 'KC_TRIGGER kind=|KC_CRASHER pid=|kc_user: ' || true)"
    if [ -n "$site" ]; then
      echo "culprit_frame: $site"
      # a "pc :" frame is the faulting instruction; the others are return addresses: the
      # call is the instruction before, which may be in the previous function (a noreturn
      # call at a function's end: panic() from kc_panic prints as kc_crashers_exit+0x0)
      if { tr -d '\r' < "$F/console.log"; cat "$G/makedumpfile-dump-dmesg.txt"; } | grep -F "pc : $site" > /dev/null; then
        echo "culprit_function: $fn"
        echo "culprit_source (addr2line -i of the faulting pc in the .ko: function file:line, inlined first): $(ko_addr2line "$ko" "$site")"
      else
        n=${site#*+}; n=${n%%/*}
        # (python: awk's doubles cannot hold 64-bit addresses)
        read -r fn n < <(python3 - "$fn" "$n" "$S/kallsyms-kc_crashers.txt" <<'PY'
import sys
f, off, path = sys.argv[1], int(sys.argv[2], 0), sys.argv[3]
syms = [(int(l.split()[0], 16), l.split()[2]) for l in open(path) if len(l.split()) >= 3]
x = dict((n, a) for a, n in syms)[f] + off - 4
a, n = max((a, n) for a, n in syms if a <= x)
print(n, x - a)
PY
)
        echo "culprit_function: $fn"
        echo "culprit_source (addr2line -i of the call before this return address, in the .ko: function file:line, inlined first): $(ko_addr2line "$ko" "$fn+$(printf '0x%x' "$n")/0")"
      fi
    fi
    # first match in the console, else in the dump's log (without its caller id)
    echo "oops_task_line: $({ tr -d '\r' < "$F/console.log"; cat "$G/makedumpfile-dump-dmesg.txt"; } | grep -m1 -E 'CPU: [0-9]+ PID: [0-9]+ Comm: ' | sed -e 's/^\[ *[0-9.]*\] //' -e 's/^\[ *[CT][0-9]*\] //' || true)"
    echo "panic_line: $({ tr -d '\r' < "$F/console.log"; cat "$G/makedumpfile-dump-dmesg.txt"; } | grep -m1 -E 'Kernel panic - not syncing' | sed -e 's/^\[ *[0-9.]*\] //' -e 's/^\[ *[CT][0-9]*\] //' || true)"
    echo "kc_crashers_text: $(grep -m1 -E ' kc_crashers_init| kc_null_read' "$S/kallsyms-kc_crashers.txt" || true)"
    echo "kc_crashers_ko: $(sha256sum "$CRASHERS_DIR/build/kc_crashers.ko" | cut -d' ' -f1) (CRASHERS_DIR build; the .ko is not in the fixture)"
    [ "$CRASH" != SERROR ] || echo "kc_serror_ko: $(sha256sum "$ko" | cut -d' ' -f1) (CRASHERS_DIR/serror build of crashers/kc_serror.c)"
    echo "dump_size: $(stat -c %s "$F/vmcore.kdump-zlib")"
    echo "sysctls:"; sed 's/^/  /' "$S/sysctl.txt"
    echo "cmdline: $(cat "$S/cmdline.txt")"
    # init remounts /out read-only just before it triggers the crash: the report follows
    echo "report (console.log from init's remount of /out before the trigger to the kexec, CRs dropped):"
    sed -n '/EXT4-fs (vd.): re-mounted/,$p' "$F/console.log" | tr -d '\r' | sed 's/^/  /'
    echo "dmesg_report (the same from the dump's own log, makedumpfile --dump-dmesg, with its caller ids):"
    sed -n '/EXT4-fs (vd.): re-mounted/,$p' "$G/makedumpfile-dump-dmesg.txt" | sed 's/^/  /'
  } > "$F/facts.txt"
  (cd "$F" && du -sh vmcore.kdump-zlib console.log) >&2
}

for s in $STAGES; do "stage_$s"; done
