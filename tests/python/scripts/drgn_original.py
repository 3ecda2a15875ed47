# A typical drgn script, exactly as a drgn user writes it: tasks, the module
# list, each online CPU's runqueue (a per-CPU read) and the crashed task's
# stack. tests/python/run.py runs it under drgn, then ports it to kcrash by
# changing only its imports and its open call (the block between the
# "open" markers), runs that, and wants the same output.
# usage: python3 drgn_original.py VMLINUX VMCORE PID (the task that crashed:
# drgn 0.0.22's crashed_thread() names the wrong one on these dumps, the
# task another CPU was running, so it is given)
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import task_cpu

# open
prog = drgn.Program()
prog.set_core_dump(sys.argv[2])
prog.load_debug_info([sys.argv[1]])
# end open

for task in for_each_task(prog):
    print("task", task.pid.value_(), task.comm.string_().decode(), task_cpu(task))

for mod in list_for_each_entry("struct module", prog["modules"].address_of_(), "list"):
    print("module", mod.name.string_().decode(), hex(mod.value_()), mod.state.value_())

for cpu in for_each_online_cpu(prog):
    rq = per_cpu(prog["runqueues"], cpu)
    print("cpu", cpu, rq.curr.pid.value_(), rq.curr.comm.string_().decode(),
          rq.nr_running.value_())

thread = prog.thread(int(sys.argv[3]))
print("crashed", thread.tid, thread.object.comm.string_().decode())
names = []
for frame in prog.stack_trace(thread.object):
    if frame.is_inline:
        continue
    try:
        names.append(frame.symbol().name)
    except LookupError:
        names.append("?")
# The same trace from panic() out: where each tool starts a kdump's trace
# below it (drgn at the saved registers, crash and kcrash at machine_kexec)
# differs by convention.
print("stack", " ".join(names[names.index("panic"):] if "panic" in names else names))
