#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""drgn's side of the "time to first answer" benchmark (bench/run-first-answer.sh).

    drgn_first_answer.py VMLINUX DUMP

Opens DUMP with VMLINUX's debug info only (no module debug info, as kcrash),
lists every task (pid, comm: drgn.helpers.linux.pid.for_each_task) and every
loaded module (name: the kernel's `modules` list; drgn 0.0.22 has no module
helper) to stdout, then exits. The counts go to stderr, to check that both
tools found the same tasks and modules.
"""
import sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import for_each_task


def main():
    vmlinux, dump = sys.argv[1:3]
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    out = sys.stdout
    tasks = 0
    for task in for_each_task(prog):
        out.write(f"{task.pid.value_()} {task.comm.string_().decode(errors='replace')}\n")
        tasks += 1
    modules = 0
    for mod in list_for_each_entry("struct module", prog["modules"].address_of_(), "list"):
        out.write(f"{mod.name.string_().decode(errors='replace')}\n")
        modules += 1
    print(f"tasks={tasks} modules={modules}", file=sys.stderr)


if __name__ == "__main__":
    main()
