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

# ---- trees: the library's walkers (bounded, cycle- and link-checked) ---------

def _void_ptr(prog, value):
    return prog.object("void *", value)


def _address(obj):
    """The address of the struct OBJ is, or points to."""
    return int(obj) if _is_pointer(obj) else obj.address_


def xa_for_each(xa, limit=LIMIT):
    """(index, void *) of each present entry of a struct xarray (or a
    radix_tree_root: the same structure since v4.20), as drgn's."""
    prog = xa.prog_
    for index, entry in prog._walk("xarray", _address(xa), limit):
        yield index, _void_ptr(prog, entry)


radix_tree_for_each = xa_for_each


def idr_for_each(idr, limit=LIMIT):
    """(id, void *) of each entry of a struct idr (idr_base added)."""
    prog = idr.prog_
    for index, entry in prog._walk("idr", _address(idr), limit):
        yield index, _void_ptr(prog, entry)


def rbtree_inorder_for_each(root, limit=LIMIT):
    """Each struct rb_node * of a struct rb_root (or rb_root_cached) in order."""
    prog = root.prog_
    cached = root.type_.strip().type.strip().name if _is_pointer(root) else root.type_.strip().name
    kind = "rbtree_cached" if cached == "struct rb_root_cached" else "rbtree"
    node_type = prog.type("struct rb_node *")
    for node in prog._walk(kind, _address(root), limit):
        yield prog.object(node_type, node)


def rbtree_inorder_for_each_entry(type, root, member, limit=LIMIT):
    """Each entry (a pointer to TYPE) linked by its rb_node MEMBER, in order."""
    for node in rbtree_inorder_for_each(root, limit):
        yield container_of(node, type, member)


def mt_for_each(mt, limit=LIMIT):
    """(first, last, void *) of each entry of a struct maple_tree (v6.1+)."""
    prog = mt.prog_
    for first, last, entry in prog._walk("maple", _address(mt), limit):
        yield first, last, _void_ptr(prog, entry)


# ---- tasks -----------------------------------------------------------------

def _init_pid_ns(prog):
    """init_pid_ns, or (a kallsyms without data symbols) init_task's namespace."""
    try:
        return prog["init_pid_ns"]
    except kcrash.NotFoundError:
        task = prog["init_task"]
        pid = task.thread_pid if task.type_.has_member("thread_pid") else task.pids[0].pid
        return pid.numbers[0].ns.deref_()


def for_each_pid(prog):
    """Each struct pid * of the initial pid namespace, by number (its IDR)."""
    for _, entry in idr_for_each(_init_pid_ns(prog).idr):
        yield cast("struct pid *", entry)


def pid_task(pid, pid_type=0):
    """The first task (struct task_struct *) using PID as PID_TYPE
    (PIDTYPE_PID by default), or a NULL pointer."""
    prog = pid.prog_
    first = pid.tasks[pid_type].first
    if not int(first):
        return prog.object("struct task_struct *", 0)
    task_type = prog.type("struct task_struct")
    if task_type.has_member("pid_links"):  # v4.19+
        return container_of(first, "struct task_struct", "pid_links[%d]" % pid_type)
    return container_of(first, "struct task_struct", "pids[%d].node" % pid_type)


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
    """Every thread (struct task_struct *) by pid, as drgn's: through the pid
    IDR, so the idle tasks (pid 0) are not included."""
    for pid in for_each_pid(prog):
        task = pid_task(pid)
        if int(task):
            yield task


def find_task(prog, pid):
    """The task (struct task_struct *) with PID, or None. Pid 0 is init_task."""
    if pid == 0:
        return prog["init_task"].address_of_()
    for number, entry in idr_for_each(_init_pid_ns(prog).idr):
        if number == pid:
            task = pid_task(cast("struct pid *", entry))
            return task if int(task) else None
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


def _for_each_cpu_in(prog, mask_name):
    mask = prog[mask_name].bits
    for i, word in enumerate(w.value_() for w in mask):
        for bit in range(64):
            if word >> bit & 1 and i * 64 + bit < prog.nr_cpus:
                yield i * 64 + bit


def for_each_online_cpu(prog):
    """The CPUs online when the dump was taken (__cpu_online_mask)."""
    return _for_each_cpu_in(prog, "__cpu_online_mask")


def for_each_present_cpu(prog):
    """The present CPUs (__cpu_present_mask)."""
    return _for_each_cpu_in(prog, "__cpu_present_mask")


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


# ---- the printk log ----------------------------------------------------------

class PrintkRecord:
    """A record of the kernel log, as drgn's PrintkRecord: text (bytes),
    facility, level, seq, timestamp (ns), caller_tid or caller_cpu,
    continuation, context (dict or dev_info, as {bytes: bytes})."""

    __slots__ = ("text", "facility", "level", "seq", "timestamp", "caller_tid",
                 "caller_cpu", "continuation", "context", "corrupt")

    def __repr__(self):
        return "PrintkRecord(seq=%r, timestamp=%r, level=%r, text=%r)" % (
            self.seq, self.timestamp, self.level, self.text)


_LOG_CONT = 8        # kernel/printk: a fragment continuing the previous line
_CALLER_CPU = 0x80000000


def get_printk_records(prog):
    """The log's records, oldest first (the lockless ring buffer of v5.10+ or
    the older log_buf records). A record the walk could not read has
    corrupt set (the reason) and empty text."""
    records = []
    for seq, ts, level, facility, flags, caller, text, dict_, corrupt in prog._printk_records():
        r = PrintkRecord()
        r.seq, r.timestamp, r.level, r.facility = seq, ts, level, facility
        r.text, r.continuation, r.corrupt = text, bool(flags & _LOG_CONT), corrupt
        r.caller_tid = r.caller_cpu = None
        if caller is not None:
            if caller & _CALLER_CPU:
                r.caller_cpu = caller & ~_CALLER_CPU
            else:
                r.caller_tid = caller
        r.context = dict(kv.split(b"=", 1) for kv in dict_.split(b"\0") if b"=" in kv)
        records.append(r)
    return records


def get_dmesg(prog):
    """The log as dmesg prints it: "[seconds.micros] text" lines, as bytes."""
    lines = []
    for r in get_printk_records(prog):
        if r.corrupt:
            continue
        stamp = b"[%5d.%06d] " % (r.timestamp // 1000000000, r.timestamp % 1000000000 // 1000)
        lines.extend(stamp + line for line in r.text.split(b"\n"))
    return b"\n".join(lines) + b"\n" if lines else b""
