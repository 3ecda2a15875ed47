#!/usr/bin/env bash
# Regenerate the seed corpora in tests/fuzz/corpus/ from the real fixtures.
#   tests/fuzz/make-corpus.sh BUILD-DIR   (a -Dfuzz=true build)
# Seeds are small slices: kdump headers and bitmaps (first 64 KiB or less),
# ELF headers + program headers + notes, VMCOREINFO text, table pages of
# one real walk, one real task stack, stored pages of each codec.
# Regression inputs (crash-*) added by hand are kept.
set -euo pipefail
BUILD=$(realpath "$1")
cd "$(dirname "$0")"
FIX=${KCRASH_FIXTURES:-../../../shared/fixtures}
C=corpus
mkdir -p $C/{elf,kdump,flat,codec,vmcoreinfo,pgtable,unwind,kernel,layout,datarefs,datasyms}
rm -f $C/*/seed-*

for f in arm64-6.1-4k48/vmcore.kdump-zstd arm64-6.1-64k52/vmcore.kdump-zlib; do
	head -c 65536 "$FIX/$f" > "$C/kdump/seed-${f//\//-}"
done
for f in arm64-6.1-4k48/vmcore.kdump-lzo arm64-5.10-4k39/vmcore.kdump-zlib \
	 arm64-6.1-16k47/qemu.kdump-zlib arm64-6.1-16k47/vmcore.kdump-zlib; do
	head -c 8192 "$FIX/$f" > "$C/kdump/seed-${f//\//-}"
done
head -c 65536 "$FIX/arm64-6.1-4k48/qemu.kdump-zlib.flat" > $C/flat/seed-qemu.kdump-zlib.flat

# ELF: everything before the first PT_LOAD's data (header, phdrs, notes).
for fx in arm64-6.1-4k48 arm64-6.1-16k47 arm64-6.1-64k52 arm64-5.10-4k39; do
	cat "$FIX/$fx/vmcoreinfo.txt" > "$C/vmcoreinfo/seed-$fx"
	cat "$FIX/$fx/vmcoreinfo.txt" > "$C/layout/seed-$fx"
	[ $fx = arm64-6.1-64k52 ] && continue # 70 KiB of notes
	zstd -q -dc --long=27 "$FIX/$fx/vmcore.elf.zst" | head -c 131072 > /tmp/kc-elf-head.$$ || true
	python3 - /tmp/kc-elf-head.$$ "$C/elf/seed-$fx" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
end = phoff + 56 * phnum
for i in range(phnum):
    t, _, off, _, _, fsz = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    if t == 4:  # PT_NOTE
        end = max(end, off + fsz)
open(sys.argv[2], 'wb').write(d[:min(end, len(d))])
PY
done
rm -f /tmp/kc-elf-head.$$
cat "$FIX/arm64-6.1-4k48/qemu-vmcoreinfo.txt" > $C/layout/seed-arm64-6.1-4k48-qemu

# Session-derived: codec pages, a page-table walk, a task stack.
for fx in arm64-6.1-4k48:vmcore.kdump-zstd arm64-6.1-4k48:vmcore.kdump-lzo \
	  arm64-6.1-4k48:vmcore.kdump-zlib arm64-6.1-16k47:vmcore.kdump-zlib \
	  arm64-5.10-4k39:vmcore.kdump-zlib; do
	dir=${fx%%:*} file=${fx#*:}
	vmlinux="$FIX/$dir/vmlinux"
	if [ ! -f "$vmlinux" ]; then
		vmlinux=/tmp/kc-vmlinux-$dir
		[ -f "$vmlinux" ] || zstd -q -d --long=27 -o "$vmlinux" "$FIX/$dir/vmlinux.zst"
	fi
	"$BUILD/tests/fuzz/fuzz-make-seeds" "$vmlinux" "$FIX/$dir/$file" $C "seed-$dir-${file#vmcore.}"
done
# The same memory through three codecs: one walk and one stack suffice;
# 16K tables are 48 KiB a walk.
rm -f $C/{pgtable,unwind}/seed-arm64-6.1-4k48-kdump-{lzo,zlib} $C/pgtable/seed-arm64-6.1-16k47-*
# Whole small kdump files (every codec, flattened, incomplete): one set.
find $C/kdump -name 'seed-*-small-*' ! -name 'seed-arm64-6.1-4k48-kdump-zstd-small-*' -delete
cp $C/kdump/seed-arm64-6.1-4k48-kdump-zstd-small-mixed-flat $C/flat/
# Kernel walks: the empty input is the real walk; a few single-word hits.
: > $C/kernel/seed-empty
for n in 1 2 3 4 8 16 32; do
	python3 -c "import sys; sys.stdout.buffer.write(b'\0'*8*($n-1) + b'\x40' + b'\0'*7)" > $C/kernel/seed-word$n
done
# fuzz-datasyms runs the same walks with data symbols found in the dump.
mkdir -p $C/datasyms
cp $C/kernel/seed-* $C/datasyms/
du -sh $C

# The scanner: real functions' code (the ones datasyms.c reads), each
# prefixed by its link-time address.
mkdir -p $C/datarefs
for fx in arm64-6.1-4k48 arm64-5.10-4k39 arm64-6.1-16k47; do
	vmlinux="$FIX/$fx/vmlinux"
	if [ ! -f "$vmlinux" ]; then
		vmlinux=/tmp/kc-vmlinux-$fx
		[ -f "$vmlinux" ] || zstd -q -d --long=27 -o "$vmlinux" "$FIX/$fx/vmlinux.zst"
	fi
	python3 - "$vmlinux" "$C/datarefs/seed-$fx" nr_context_switches show_state_filter \
		print_modules panic_bad_stack handle_bad_stack call_on_irq_stack el0_irq \
		crash_save_cpu ktime_get proc_pid_status <<'PY'
import struct, sys
path, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3:]
d = open(path, 'rb').read()
shoff, = struct.unpack_from('<Q', d, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
secs = [struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * shentsize) for i in range(shnum)]
symtab = next(s for s in secs if s[1] == 2)
strtab = secs[symtab[6]]
for i in range(symtab[5] // 24):
    name_off, info, other, shndx, value, size = struct.unpack_from('<IBBHQQ', d, symtab[4] + 24 * i)
    end = d.index(b'\0', strtab[4] + name_off)
    name = d[strtab[4] + name_off:end].decode()
    if name not in names or not size or shndx >= len(secs):
        continue
    sec = secs[shndx]
    off = sec[4] + value - sec[3]
    with open(f'{prefix}-{name}', 'wb') as f:
        f.write(struct.pack('<Q', value) + d[off:off + size])
    names.remove(name)
PY
done
