# drgn's side of bench/run-bt.sh: seconds to open the dump and load the
# vmlinux DWARF, then to take stack_trace() of every task (all frames
# walked), as "open=S traces=S tasks=N".
import sys
import time

import drgn
from drgn.helpers.linux.pid import for_each_task

start = time.perf_counter()
prog = drgn.Program()
prog.set_core_dump(sys.argv[2])
prog.load_debug_info([sys.argv[1]])
opened = time.perf_counter()
tasks = 0
for task in for_each_task(prog):
    tasks += 1
    try:
        for frame in prog.stack_trace(task):
            frame.name
    except Exception:
        pass
done = time.perf_counter()
print(f"open={opened - start:.4f} traces={done - opened:.4f} tasks={tasks}")
