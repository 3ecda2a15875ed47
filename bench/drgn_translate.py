#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Time drgn on the addresses kcrash-bench-translate sampled (its -o file).

    drgn_translate.py VMLINUX DUMP ADDRFILE [REPS]

ADDRFILE lines are "set pid addr value": value is the u64 kcrash read at
addr. Kernel sets are read with prog.read(addr, 8) (drgn translates through
the ELF segments' p_vaddr or its page-table walker); the user set with
drgn.helpers.linux.mm.access_remote_vm(task.mm, addr, 8), which walks the
task's mm->pgd. Every value is compared with kcrash's. Prints one
"set=NAME drgn_read8=PER_SECOND addresses=N mismatches=M" line per set
(best of REPS, default 3).
"""
import sys
import time

import drgn
from drgn.helpers.linux.mm import access_remote_vm
from drgn.helpers.linux.pid import find_task


def main():
    vmlinux, dump, addr_path = sys.argv[1:4]
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])

    sets = {}
    with open(addr_path) as f:
        for line in f:
            name, pid, addr, value = line.split()
            sets.setdefault(name, (int(pid), []))[1].append((int(addr, 16), int(value, 16)))

    for name, (pid, entries) in sets.items():
        if name == "user":
            mm = find_task(prog, pid).mm

            def read(addr, mm=mm):
                return access_remote_vm(mm, addr, 8)
        else:
            def read(addr):
                return prog.read(addr, 8)
        mismatches = 0
        for addr, value in entries:
            if int.from_bytes(read(addr), "little") != value:
                mismatches += 1
        best = float("inf")
        addrs = [addr for addr, _ in entries]
        for _ in range(reps):
            t0 = time.perf_counter()
            for addr in addrs:
                read(addr)
            best = min(best, time.perf_counter() - t0)
        print(f"set={name} drgn_read8={len(addrs) / best:.0f} addresses={len(addrs)} "
              f"mismatches={mismatches}")


if __name__ == "__main__":
    main()
