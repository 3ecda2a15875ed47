# SPDX-License-Identifier: MIT
"""kcrash.helpers: walking the kernel's data structures from Python.

Every walk is bounded (LIMIT elements unless told otherwise) and checked
for cycles: a corrupt list raises kcrash.Error naming the node where it
went wrong, never loops. Reads that fail raise kcrash.FaultError.
"""
import kcrash
from kcrash import Error, cast, container_of, per_cpu, per_cpu_ptr  # noqa: F401

LIMIT = 1 << 20


def _is_pointer(obj):
    return obj.type_.strip().kind == "pointer"


def _in_memory(obj):
    """A struct object from itself or a pointer to it."""
    return obj.deref_() if _is_pointer(obj) else obj


def list_for_each(head, limit=LIMIT):
    """Each struct list_head * of the list whose head is HEAD (not an entry)."""
    head = _in_memory(head)
    head_address = head.address_
    seen = set()
    prev = head_address
    node = head.next
    while int(node) != head_address:
        address = int(node)
        if address == 0:
            raise Error("list at 0x%x: NULL next pointer after 0x%x" % (head_address, prev))
        if address in seen:
            raise Error("list at 0x%x: cycle at 0x%x that does not return to the head"
                        % (head_address, address))
        if len(seen) >= limit:
            raise Error("list at 0x%x: more than %d entries" % (head_address, limit))
        seen.add(address)
        yield node
        prev = address
        node = node.next


def list_for_each_entry(type, head, member, limit=LIMIT):
    """Each entry (a pointer to TYPE) linked by MEMBER on the list at HEAD."""
    for node in list_for_each(head, limit):
        yield container_of(node, type, member)


def list_empty(head):
    head = _in_memory(head)
    return int(head.next) == head.address_


def list_first_entry(head, type, member):
    head = _in_memory(head)
    return container_of(head.next, type, member)


def hlist_for_each(head, limit=LIMIT):
    """Each struct hlist_node * of the hlist at HEAD."""
    head = _in_memory(head)
    seen = set()
    node = head.first
    while int(node):
        address = int(node)
        if address in seen:
            raise Error("hlist at 0x%x: cycle at 0x%x" % (head.address_, address))
        if len(seen) >= limit:
            raise Error("hlist at 0x%x: more than %d entries" % (head.address_, limit))
        seen.add(address)
        yield node
        node = node.next


def hlist_for_each_entry(type, head, member, limit=LIMIT):
    for node in hlist_for_each(head, limit):
        yield container_of(node, type, member)


# ---- tasks -----------------------------------------------------------------

def for_each_process(prog):
    """Each thread group leader (struct task_struct *) on init_task.tasks
    (init_task itself, the list's head, is not one: as the kernel's
    for_each_process)."""
    init_task = prog["init_task"]
    return list_for_each_entry("struct task_struct", init_task.tasks.address_of_(), "tasks")


def for_each_thread(task):
    """Each thread of TASK's thread group (struct task_struct *)."""
    task = _in_memory(task)
    return list_for_each_entry("struct task_struct",
                               task.signal.thread_head.address_of_(), "thread_node")


def for_each_task(prog):
    """Every thread of every process (struct task_struct *), idle tasks not included."""
    for leader in for_each_process(prog):
        yield from for_each_thread(leader)


def find_task(prog, pid):
    """The task (struct task_struct *) with PID, or None. Pid 0 is init_task."""
    if pid == 0:
        return prog["init_task"].address_of_()
    for task in for_each_task(prog):
        if task.pid.value_() == pid:
            return task
    return None


def task_cpu(task):
    """The CPU TASK last ran on."""
    task = _in_memory(task)
    if task.type_.has_member("cpu"):
        return task.cpu.value_()
    return task.thread_info.cpu.value_()


# The kernel's task state bits (include/linux/sched.h, v4.14 to v6.12).
TASK_INTERRUPTIBLE = 0x1
TASK_UNINTERRUPTIBLE = 0x2
TASK_STOPPED = 0x4
TASK_TRACED = 0x8
EXIT_DEAD = 0x10
EXIT_ZOMBIE = 0x20
TASK_PARKED = 0x40
TASK_DEAD = 0x80
TASK_WAKING = 0x200
TASK_NOLOAD = 0x400
TASK_NEW = 0x800


def task_state_value(task):
    task = _in_memory(task)
    state = task.__state if task.type_.has_member("__state") else task.member_("state")
    return (state.value_() | task.exit_state.value_()) & 0xffffffff


def task_state(task):
    """crash's two-letter state: RU, IN, UN, ID, ZO, ST, TR, DE, PA, WA, NE."""
    state = task_state_value(task)
    code, matched = "??", False
    if state == 0:
        code = "RU"
    if state & TASK_INTERRUPTIBLE:
        code, matched = "IN", True
    if state & TASK_UNINTERRUPTIBLE:
        code, matched = ("ID" if state & TASK_NOLOAD else "UN"), True
    if state & EXIT_ZOMBIE:
        code, matched = "ZO", True
    if state & TASK_STOPPED:
        code, matched = "ST", True
    if state & TASK_TRACED:
        code, matched = "TR", True
    for bits, letters in ((EXIT_DEAD | TASK_DEAD, "DE"), (TASK_PARKED, "PA"),
                          (TASK_WAKING, "WA"), (TASK_NEW, "NE")):
        if state & bits and not matched:
            code, matched = letters, True
    return code


# ---- CPUs ------------------------------------------------------------------

def for_each_possible_cpu(prog):
    """The possible CPUs, from __cpu_possible_mask (else 0..nr_cpus-1)."""
    try:
        mask = prog["__cpu_possible_mask"].bits
        words = [w.value_() for w in mask]
    except kcrash.Error:
        yield from range(prog.nr_cpus)
        return
    for i, word in enumerate(words):
        for bit in range(64):
            if word >> bit & 1 and i * 64 + bit < prog.nr_cpus:
                yield i * 64 + bit


def cpu_rq(prog, cpu):
    """CPU's struct rq (a per-CPU copy of runqueues)."""
    return per_cpu(prog["runqueues"], cpu)


def cpu_curr(prog, cpu):
    """The task running on CPU (struct task_struct *)."""
    return cpu_rq(prog, cpu).curr


def idle_task(prog, cpu):
    """CPU's idle task (struct task_struct *)."""
    return cpu_rq(prog, cpu).idle


# ---- modules ---------------------------------------------------------------

def for_each_module(prog):
    """Each loaded module (struct module *), in the kernel's list order."""
    return list_for_each_entry("struct module", prog["modules"].address_of_(), "list")


# ---- files -----------------------------------------------------------------

def d_path(path, limit=256):
    """The path (bytes) of a struct path (or pointer to one), crossing mounts."""
    path = _in_memory(path)
    vfsmnt = path.mnt
    dentry = path.dentry
    mnt = container_of(vfsmnt, "struct mount", "mnt")
    parts = []
    for _ in range(limit):
        if int(dentry) == int(vfsmnt.mnt_root) or int(dentry) == int(dentry.d_parent):
            parent = mnt.mnt_parent
            if int(parent) == int(mnt):
                break
            dentry = mnt.mnt_mountpoint
            mnt = parent
            vfsmnt = mnt.mnt.address_of_()
            continue
        parts.append(dentry.d_name.name.string_())
        dentry = dentry.d_parent
    else:
        raise Error("d_path: more than %d components at dentry 0x%x" % (limit, int(dentry)))
    return b"/" + b"/".join(reversed(parts))


def for_each_file(task, limit=1 << 16):
    """(fd, struct file *) for each open file of TASK."""
    task = _in_memory(task)
    files = task.files
    if not int(files):
        return
    fdt = files.fdt
    for fd in range(min(fdt.max_fds.value_(), limit)):
        file = fdt.fd[fd]
        if int(file):
            yield fd, file
