# A typical drgn script, ported to kcrash (run with `kcrash -x` or `py`, or
# exec'd with `prog` bound): the tasks, counted by state; the modules; what
# each CPU was running; the crashed task's stack. drgn's version differs in
# the imports (from drgn.helpers.linux import ...) and in naming the
# crashed thread (prog.crashed_thread() is the same).
from collections import Counter

from kcrash.helpers import (cpu_curr, for_each_module, for_each_task, idle_task,
                            task_cpu, task_state)

tasks = [idle_task(prog, cpu) for cpu in range(prog.nr_cpus)]  # noqa: F821 (prog is bound)
tasks += list(for_each_task(prog))  # noqa: F821
print("tasks", len(tasks))
modules = list(for_each_module(prog))  # noqa: F821
print("modules", len(modules))
for state, count in sorted(Counter(task_state(t) for t in tasks).items()):
    print("state", state, count)
for cpu in range(prog.nr_cpus):  # noqa: F821
    task = cpu_curr(prog, cpu)  # noqa: F821
    print("cpu", cpu, task.pid.value_(), task.comm.string_().decode(), task_cpu(task))
for module in modules:
    print("module", module.name.string_().decode(), hex(int(module)))
try:
    crashed = prog.crashed_thread()  # noqa: F821
except LookupError:
    crashed = None
if crashed is not None:
    print("crashed", crashed.tid, crashed.comm)
    for frame in prog.stack_trace(crashed):  # noqa: F821
        print("  #%d %s+0x%x" % (frame.index, frame.name, frame.offset or 0))
