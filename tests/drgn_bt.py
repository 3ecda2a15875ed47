# Function names of every task's stack trace as drgn sees it (non-inline
# frames, the symbol of each pc, "?" when none): argv vmlinux dump
# [module.ko...]. One line per task: "PID name name ...", or "PID !message"
# when drgn cannot unwind it.
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task

prog = drgn.Program()
prog.set_core_dump(sys.argv[2])
prog.load_debug_info([sys.argv[1]] + sys.argv[3:])
for task in for_each_task(prog):
    pid = int(task.pid)
    try:
        names = []
        for frame in prog.stack_trace(task):
            if frame.is_inline:
                continue
            try:
                names.append(frame.symbol().name)
            except LookupError:
                names.append("?")
        print(pid, " ".join(names))
    except Exception as e:
        print(pid, "!" + str(e).replace("\n", " "))
