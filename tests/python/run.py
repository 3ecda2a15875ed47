#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python module's tests (import kcrash), on every real fixture
(../shared/fixtures, or KCRASH_FIXTURES) and every Debian dump in
tests/fixtures/debian-*: ps and mod reimplemented with kcrash.helpers and
compared with kcrash's own answers and the ground truth the crashed
kernel wrote; a typical drgn script ported; errors; `py` and `-x` in the
shell. Ends with "N passed, N failed, N skipped" (with CI set, a missing
real fixture fails). Run by ./dev test through BUILD/python/run-tests,
which sets PYTHONPATH to the built module and KCRASH_BIN.

usage: run.py [NAME-SUBSTRING...]
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

import kcrash
import kcrash.helpers as h

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.environ.get("KCRASH_FIXTURES") or os.path.join(ROOT, "..", "shared", "fixtures")
REAL = ["arm64-6.1-4k48", "arm64-6.1-16k47", "arm64-6.1-64k52", "arm64-5.10-4k39"]
KCRASH_BIN = os.environ.get("KCRASH_BIN") or os.path.join(ROOT, "build", "kcrash")
SCRATCH = os.path.join(os.path.dirname(KCRASH_BIN), "test-scratch")
IN_CI = os.environ.get("CI", "") not in ("", "0", "false")


class Skip(Exception):
    pass


class Dump:
    """A dump to test on: a real fixture with its vmlinux, or a Debian one alone."""

    def __init__(self, name, dump, vmlinux, truth_dir, crashed, ps_truth, modules_truth):
        self.name, self.dump, self.vmlinux = name, dump, vmlinux
        self.truth_dir, self.crashed = truth_dir, crashed
        self.ps_truth, self.modules_truth = ps_truth, modules_truth
        self._prog = None

    @property
    def prog(self):
        if self._prog is None:
            self._prog = kcrash.open(self.dump, self.vmlinux)
        return self._prog

    def facts(self):
        facts = {}
        path = os.path.join(self.truth_dir, "facts.txt")
        if os.path.exists(path):
            for line in open(path):
                key, _, value = line.rstrip("\n").partition("=")
                facts[key] = value
        return facts


def unpacked(fixture, name):
    """FIXTURE's NAME.zst unpacked where the C harness puts it too."""
    packed = os.path.join(FIXTURES, fixture, name + ".zst")
    if not os.path.exists(packed):
        return None
    out = os.path.join(SCRATCH, fixture, name)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(packed):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tmp = out + ".tmp-%d" % os.getpid()
        subprocess.run(["zstd", "-q", "-d", "--long=27", "-f", "-o", tmp, packed], check=True)
        os.rename(tmp, out)
    return out


def unpacked_vmlinux(fixture):
    directory = os.path.join(FIXTURES, fixture)
    plain = os.path.join(directory, "vmlinux")
    if os.path.exists(plain):
        return plain
    packed = plain + ".zst"
    if not os.path.exists(packed):
        return None
    # Where the C harness unpacks it too (BUILD/test-scratch/FIXTURE/vmlinux).
    out = os.path.join(SCRATCH, fixture, "vmlinux")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(packed):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tmp = out + ".tmp-%d" % os.getpid()
        subprocess.run(["zstd", "-q", "-d", "--long=27", "-f", "-o", tmp, packed], check=True)
        os.rename(tmp, out)
    return out


def real_dumps():
    dumps = []
    for fixture in REAL:
        directory = os.path.join(FIXTURES, fixture)
        dump = os.path.join(directory, "vmcore.kdump-zlib")
        if not os.path.exists(dump):
            dumps.append(fixture)  # missing: a skip (a failure in CI)
            continue
        snapshot = os.path.join(directory, "ground-truth", "kdump-snapshot")
        dumps.append(Dump(fixture, dump, unpacked_vmlinux(fixture),
                          os.path.join(directory, "ground-truth"), True,
                          os.path.join(snapshot, "threads.txt"),
                          os.path.join(snapshot, "modules.txt")))
    return dumps


def debian_dumps():
    dumps = []
    base = os.path.join(ROOT, "tests", "fixtures")
    for name in sorted(os.listdir(base)):
        if not name.startswith("debian-"):
            continue
        directory = os.path.join(base, name)
        dump = os.path.join(directory, "vmcore.kdump-zlib")
        if not os.path.exists(dump):
            dump = os.path.join(directory, "qemu.kdump-zlib")
        truth = os.path.join(directory, "ground-truth")
        dumps.append(Dump(name, dump, None, truth,
                          os.path.exists(os.path.join(truth, "panic.txt")),
                          os.path.join(truth, "ps.txt"), os.path.join(truth, "modules.txt")))
    return dumps


def check(cond, message):
    if not cond:
        raise AssertionError(message)


# ---- ps, reimplemented ------------------------------------------------------

def python_ps(prog):
    """pid, ppid, cpu, task, state, comm of every task, as ps lists them:
    each CPU's idle task, then every thread of every process."""
    rows = {}
    tasks = [h.idle_task(prog, cpu) for cpu in range(prog.nr_cpus)]
    tasks += list(h.for_each_task(prog))
    for task in tasks:
        rows[int(task)] = {
            "pid": task.pid.value_(),
            "ppid": task.real_parent.tgid.value_(),
            "cpu": h.task_cpu(task),
            "task": "0x%x" % int(task),
            "state": h.task_state(task),
            "comm": task.comm.string_().decode(errors="replace"),
        }
    return rows


def transient(comm):
    """Processes started and ended around the ground-truth snapshot."""
    return comm.startswith("kworker/") or comm in (
        "sleep", "cat", "awk", "sh", "ls", "sed", "grep", "head", "tail", "cut", "tr",
        "wc", "sort", "find", "dmesg", "readlink", "taskset", "ps")


def test_ps(d):
    prog = d.prog
    mine = python_ps(prog)
    theirs = {int(row["task"], 16): row for row in prog.ps()}
    check(set(mine) == set(theirs), "%s: tasks differ: python-only %s, ps-only %s" % (
        d.name, sorted(map(hex, set(mine) - set(theirs)))[:5],
        sorted(map(hex, set(theirs) - set(mine)))[:5]))
    for address, row in mine.items():
        want = {k: theirs[address][k] for k in row}
        check(row == want, "%s: task 0x%x: python %s, ps %s" % (d.name, address, row, want))
    # Against the guest's own process list (pid ppid state comm).
    by_pid = {}
    for row in mine.values():
        by_pid.setdefault(row["pid"], row)
    compared = 0
    for line in open(d.ps_truth):
        fields = line.split()
        if len(fields) < 4:
            continue
        pid, ppid, comm = int(fields[0]), int(fields[1]), fields[3]
        if transient(comm):
            continue
        row = by_pid.get(pid)
        check(row is not None and row["comm"] == comm[:15] and row["ppid"] == ppid,
              "%s: the guest's pid %d %s (ppid %d) is %s" % (d.name, pid, comm, ppid, row))
        compared += 1
    check(compared >= 20, "%s: only %d ground-truth tasks compared" % (d.name, compared))
    # The crashed task, as the kernel recorded it.
    facts = d.facts()
    if "crash.pid" in facts:
        crashed = prog.crashed_thread()
        check(crashed.tid == int(facts["crash.pid"]) and crashed.comm == facts["crash.comm"]
              and crashed.cpu == int(facts["crash.cpu"]),
              "%s: crashed thread %s, facts %s/%s" % (d.name, crashed, facts["crash.pid"],
                                                      facts["crash.comm"]))
    # prog.threads() is kcrash's own list: the same tasks.
    check({t.address for t in prog.threads()} == set(theirs), "%s: threads()" % d.name)


# ---- mod, reimplemented -----------------------------------------------------

def module_base_size(module):
    """/proc/modules' base and size: mem[] (v6.4+) or core_layout/init_layout."""
    module = module.deref_()
    if module.type_.has_member("mem"):
        regions = module.mem
        base = regions[0].base.value_()
        size = sum(regions[i].size.value_() for i in range(len(regions)))
        return base, size
    base = module.core_layout.base.value_()
    size = module.core_layout.size.value_() + module.init_layout.size.value_()
    return base, size


def python_mod(prog):
    rows = []
    for module in h.for_each_module(prog):
        base, size = module_base_size(module)
        rows.append({"name": module.name.string_().decode(), "text_base": "0x%x" % base,
                     "size": size, "module": "0x%x" % int(module)})
    return rows


def test_mod(d):
    prog = d.prog
    mine = python_mod(prog)
    theirs = [{k: row[k] for k in ("name", "text_base", "size", "module")} for row in prog.mod()]
    check(mine == theirs, "%s: python %s, mod %s" % (d.name, mine, theirs))
    truth = {}
    for line in open(d.modules_truth):
        fields = line.split()
        if len(fields) >= 6:
            truth[fields[0]] = (int(fields[1]), int(fields[5], 16))
    got = {row["name"]: (row["size"], int(row["text_base"], 16)) for row in mine}
    check(got == truth, "%s: modules %s, the guest's /proc/modules %s" % (d.name, got, truth))
    check([m.name for m in prog.modules()] == [row["name"] for row in mine],
          "%s: prog.modules()" % d.name)


# ---- per-CPU ----------------------------------------------------------------

def test_runqueues(d):
    prog = d.prog
    curr = {}
    for cpu in h.for_each_possible_cpu(prog):
        rq = h.cpu_rq(prog, cpu)
        check(rq.cpu.value_() == cpu, "%s: runqueues:%d.cpu is %d" % (d.name, cpu,
                                                                      rq.cpu.value_()))
        curr[cpu] = int(rq.curr)
        # per_cpu_ptr(&runqueues, cpu) is the same copy.
        moved = h.per_cpu_ptr(prog["runqueues"].address_of_(), cpu)
        check(int(moved) == rq.address_, "%s: per_cpu_ptr on CPU %d" % (d.name, cpu))
    active = {int(row["task"], 16): row["cpu"] for row in prog.ps() if row["active"]}
    check({addr: cpu for cpu, addr in curr.items()} == active,
          "%s: runqueues' curr %s, ps's active tasks %s" % (d.name, curr, active))


# ---- backtraces -------------------------------------------------------------

BT_FRAME = re.compile(r"^\s*#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)")


def test_stack_trace(d):
    prog = d.prog
    if not d.crashed:
        thread = prog.thread(1)
    else:
        thread = prog.crashed_thread()
    trace = prog.stack_trace(thread)
    check(len(trace) > 0, "%s: empty trace of pid %d" % (d.name, thread.tid))
    bt = prog.command("bt %d" % thread.tid if not d.crashed else "bt")
    frames = [m.groups() for m in map(BT_FRAME.match, bt.splitlines()) if m]
    mine = [(str(f.index), "%016x" % f.sp, f.name, "%016x" % f.pc) for f in trace]
    check(mine == frames, "%s: stack_trace %s\nbt %s" % (d.name, mine, frames))
    if d.crashed:
        triage = prog.triage()["backtrace"]["frames"]
        check([(f["function"], int(f["pc"], 16)) for f in triage] ==
              [(f.name, f.pc) for f in trace], "%s: triage's backtrace" % d.name)
        check(any(f.name == "panic" for f in trace), "%s: no panic frame" % d.name)


def crasher_sysrq_key(d):
    """The key the fixture's crasher wrote to /proc/sysrq-trigger (its script)."""
    script = os.path.join(FIXTURES, d.name, "src", "kc_crasher")
    if not os.path.exists(script):
        return None
    for line in open(script):
        m = re.match(r"echo (\S) > /proc/sysrq-trigger", line.strip())
        if m:
            return m.group(1)
    return None


def test_frame_variables(d):
    """drgn's trace[i]["var"]: the crashing write path's arguments, from DWARF."""
    prog = d.prog
    trace = prog.stack_trace(prog.crashed_thread() if d.crashed else prog.thread(1))
    if d.vmlinux is None:
        try:
            trace[1]["x"]
        except kcrash.Error as e:
            check("DWARF" in str(e), "%s: without DWARF: %s" % (d.name, e))
            return
        raise AssertionError("%s: a frame variable without DWARF" % d.name)
    key = crasher_sysrq_key(d)
    check(key is not None, "%s: no sysrq key in the crasher script" % d.name)
    frames = {f.name: f for f in trace}
    handle = frames["__handle_sysrq"]
    check("key" in handle.locals(), "%s: __handle_sysrq's locals %s" % (d.name, handle.locals()))
    check(handle["key"].value_() == ord(key), "%s: key %r" % (d.name, handle["key"]))
    check(frames["write_sysrq_trigger"]["count"].value_() == len(key + "\n"),
          "%s: count %r" % (d.name, frames["write_sysrq_trigger"]["count"]))
    # The registers the CFI recovers agree with the frame records bt followed.
    for f in trace[1:]:
        regs = f.registers()
        if "x30" in regs:
            check(regs["x29"] == f.fp, "%s #%d: x29 %x fp %x" % (d.name, f.index, regs["x29"], f.fp))


def test_printk_records(d):
    """get_printk_records() is the log `log -t` prints, and holds the panic."""
    prog = d.prog
    records = h.get_printk_records(prog)
    check(len(records) > 50, "%s: %d records" % (d.name, len(records)))
    check(all(a.seq < b.seq for a, b in zip(records, records[1:]) if a.seq is not None
              and b.seq is not None), "%s: records out of order" % d.name)
    text = b"\n".join(r.text for r in records if not r.corrupt).decode(errors="replace")
    log = prog.command("log -t")
    check(text.splitlines() == log.splitlines(),
          "%s: records and log -t differ: %s" % (d.name, [
              (a, b) for a, b in zip(text.splitlines(), log.splitlines()) if a != b][:2]))
    panic = d.facts().get("crash.panic_string")
    if panic:
        check("Kernel panic - not syncing: " + panic in text, "%s: no panic line" % d.name)
    dmesg = h.get_dmesg(prog).decode(errors="replace").splitlines()
    check(len(dmesg) == len(log.splitlines()) and all(l.startswith("[") for l in dmesg),
          "%s: get_dmesg" % d.name)


def test_read_user(d):
    """A task's user memory: each kcproc buffer holds the pattern its process
    wrote (ground-truth/kcproc.txt), in the unfiltered ELF dump."""
    if d.vmlinux is None:
        return
    truth = os.path.join(d.truth_dir, "kcproc.txt")
    elf = unpacked(d.name, "vmcore.elf")
    check(os.path.exists(truth) and elf, "%s: no kcproc.txt or vmcore.elf.zst" % d.name)
    with kcrash.open(elf, d.vmlinux) as prog:
        seen = 0
        for line in open(truth):
            m = re.search(r" pid=(\d+) buf=0x([0-9a-f]+) words=(\d+)", line)
            if not m:
                continue
            pid, buf = int(m.group(1)), int(m.group(2), 16)
            words = prog.read_user(pid, buf, 8 * 32)
            for i in range(32):
                value = int.from_bytes(words[8 * i:8 * i + 8], "little")
                check(value == 0x4b43555300000000 | pid << 16 | i,
                      "%s: pid %d word %d is %x" % (d.name, pid, i, value))
            seen += 1
        check(seen >= 4, "%s: %d kcproc buffers" % (d.name, seen))
    # The -d 31 kdump has no user pages: FaultError, never zeros.
    try:
        d.prog.read_user(pid, buf, 8)
    except kcrash.FaultError as e:
        check("user address" in str(e), "%s: %s" % (d.name, e))
    else:
        raise AssertionError("%s: a user page read from a -d 31 dump" % d.name)


# ---- errors -----------------------------------------------------------------

def test_errors(d):
    prog = d.prog
    init_task = prog["init_task"]
    # An unmapped pointer: FaultError naming the address read.
    bad = kcrash.Object(prog, "struct task_struct *", value=0x10)
    offset = prog.type("struct task_struct").member("pid").offset
    try:
        bad.pid.value_()
        check(False, "reading through 0x10 worked")
    except kcrash.FaultError as e:
        check(e.address == 0x10 + offset and "0x%x" % (0x10 + offset) in str(e),
              "%s: FaultError %s at 0x%x" % (d.name, e, e.address))
    try:
        prog.read(0x1000, 8)
        check(False, "read of 0x1000 worked")
    except kcrash.FaultError as e:
        check(e.address == 0x1000, "%s: prog.read address %s" % (d.name, e.address))
    for missing, cls in ((lambda: prog["no_such_variable_kc"], KeyError),
                         (lambda: init_task.no_such_member, AttributeError),
                         (lambda: prog.type("struct no_such_struct_kc"), LookupError),
                         (lambda: init_task.pid.deref_(), kcrash.Error),
                         (lambda: init_task.comm[16], IndexError)):
        try:
            missing()
            check(False, "%s: no error" % d.name)
        except cls as e:
            check(isinstance(e, (kcrash.Error, IndexError)), "%s: %r" % (d.name, e))
    check(not hasattr(init_task, "no_such_member") and hasattr(init_task, "tasks"),
          "%s: hasattr" % d.name)
    check("no_such_variable_kc" not in prog and "init_task" in prog, "%s: in" % d.name)
    # A list that loops without returning to its head: an empty list_head H
    # seen from H + 8 (its prev, which holds H), so H's next is H again.
    empty = None
    for thread in prog.threads():
        children = thread.object.children
        if int(children.next) == children.address_:
            empty = children.address_
            break
    check(empty is not None, "%s: no empty children list" % d.name)
    fake = kcrash.Object(prog, "struct list_head", address=empty + 8)
    try:
        nodes = list(h.list_for_each(fake))
        check(False, "%s: looping list walked: %s" % (d.name, nodes))
    except kcrash.Error as e:
        check("cycle at 0x%x" % empty in str(e), "%s: %s" % (d.name, e))


# ---- a typical drgn script, ported ------------------------------------------

SCRIPT = os.path.join(HERE, "scripts", "tasks_and_modules.py")


def test_ported_script(d):
    """The script's output in-process equals kcrash -x SCRIPT's, and says what ps says."""
    prog = d.prog
    namespace = {"__name__": "__main__", "prog": prog}
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(open(SCRIPT).read(), SCRIPT, "exec"), namespace)
    lines = out.getvalue().splitlines()
    ps = prog.ps()
    check(lines[0] == "tasks %d" % len(ps), "%s: %s, ps has %d" % (d.name, lines[0], len(ps)))
    check(lines[1] == "modules %d" % len(prog.mod()), "%s: %s" % (d.name, lines[1]))
    if d.vmlinux is None or d.name == "arm64-6.1-4k48":
        # Once through the shell: the same output (kcrash -x, the dump opened again).
        args = [KCRASH_BIN, "-s", "--no-debuginfod", "-x", SCRIPT]
        args += [d.vmlinux] if d.vmlinux else []
        run = subprocess.run(args + [d.dump], capture_output=True, text=True, timeout=120)
        check(run.returncode == 0 and run.stdout.splitlines() == lines,
              "%s: kcrash -x exit %d, stderr %s" % (d.name, run.returncode, run.stderr[-500:]))


DRGN_SCRIPT = os.path.join(HERE, "scripts", "drgn_original.py")


def port_to_kcrash(source):
    """drgn_original.py with only its imports and its open call changed."""
    source = re.sub(r"^import drgn$", "import kcrash", source, flags=re.M)
    source = re.sub(r"^from drgn\.helpers\.linux\.\w+ import", "from kcrash.helpers import",
                    source, flags=re.M)
    ported, n = re.subn(r"^# open\n.*?^# end open\n",
                        "prog = kcrash.open(sys.argv[2], sys.argv[1])\n",
                        source, flags=re.M | re.S)
    check(n == 1, "no open block in %s" % DRGN_SCRIPT)
    return ported


def test_drgn_script_ported(d):
    """The same script, drgn's and ported, prints the same on the fixture."""
    if subprocess.run(["/usr/bin/python3", "-c", "import drgn"],
                      capture_output=True).returncode != 0:
        raise Skip("python3-drgn is not installed")
    args = [d.vmlinux, d.dump, d.facts()["crash.pid"]]
    drgn_run = subprocess.run(["/usr/bin/python3", DRGN_SCRIPT] + args,
                              capture_output=True, text=True, timeout=300)
    check(drgn_run.returncode == 0, "%s: drgn: %s" % (d.name, drgn_run.stderr[-800:]))
    with tempfile.TemporaryDirectory() as tmp:
        ported = os.path.join(tmp, "ported.py")
        with open(ported, "w") as f:
            f.write(port_to_kcrash(open(DRGN_SCRIPT).read()))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        ours = subprocess.run([sys.executable, ported] + args, capture_output=True, text=True,
                              timeout=300, env=env)
    check(ours.returncode == 0, "%s: ported: %s" % (d.name, ours.stderr[-800:]))
    theirs, mine = drgn_run.stdout.splitlines(), ours.stdout.splitlines()
    diff = [(a, b) for a, b in zip(theirs, mine) if a != b]
    check(len(theirs) == len(mine) and not diff,
          "%s: drgn %d lines, kcrash %d; first differences %s"
          % (d.name, len(theirs), len(mine), diff[:3]))
    check(any(l.startswith("task ") for l in mine) and any(l.startswith("stack panic") for l in mine),
          "%s: the script printed no tasks or no panic stack" % d.name)


# ---- the shell: py and -x ---------------------------------------------------

def test_shell_py(d):
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad script.py")  # a space: quoting through -x
        with open(bad, "w") as f:
            f.write("print('before')\nprog['init_task'].no_such_member\n")
        good = os.path.join(tmp, "good.py")
        with open(good, "w") as f:
            f.write("import sys\nprint('argv', sys.argv[1:], prog['init_task'].pid.value_())\n")
        cmds = os.path.join(tmp, "cmds")
        with open(cmds, "w") as f:
            f.write("py %s\nsym schedule\npy %s a b\npy %s > %s/out.txt\n"
                    % (bad.replace(" ", "\\ "), good, good, tmp))
        base = [KCRASH_BIN, "-s", "--no-debuginfod"]
        files = ([d.vmlinux] if d.vmlinux else []) + [d.dump]
        run = subprocess.run(base + ["-i", cmds] + files, capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
        check(run.returncode == 1, "%s: exit %d" % (d.name, run.returncode))
        check("Traceback (most recent call last)" in run.stderr and
              "no_such_member" in run.stderr and "MemberNotFoundError" in run.stderr,
              "%s: stderr %s" % (d.name, run.stderr))
        check(re.search(r"^[0-9a-f]+ \(T\) schedule$", run.stdout, re.M) and
              "argv ['a', 'b'] 0" in run.stdout and "before" in run.stdout,
              "%s: stdout %s" % (d.name, run.stdout))
        check(open(os.path.join(tmp, "out.txt")).read() == "argv [] 0\n",
              "%s: py > FILE" % d.name)
        run = subprocess.run(base + ["-x", good] + files, capture_output=True, text=True,
                             timeout=120)
        check(run.returncode == 0 and run.stdout == "argv [] 0\n",
              "%s: -x good: %d %r %s" % (d.name, run.returncode, run.stdout, run.stderr))
        run = subprocess.run(base + ["-x", bad] + files, capture_output=True, text=True,
                             timeout=120)
        check(run.returncode == 1 and "Traceback" in run.stderr,
              "%s: -x bad: %d %s" % (d.name, run.returncode, run.stderr))
        # sys.exit(0) is success; sys.exit(3) a failure.
        with open(good, "w") as f:
            f.write("import sys\nsys.exit(int(sys.argv[1]))\n")
        run = subprocess.run(base + ["-c", "py %s 0; py %s 3; sym schedule" % (good, good)]
                             + files, capture_output=True, text=True, timeout=120)
        check(run.returncode == 1 and "exit status 3" in run.stderr and "schedule" in run.stdout,
              "%s: sys.exit: %d %s" % (d.name, run.returncode, run.stderr))


# ---- the README's worked script ---------------------------------------------

def test_readme_example(d):
    """python/README.md's biggest-tasks script runs, and lists the crashing
    task's write end: /proc/sysrq-trigger, which it wrote to crash the guest."""
    text = open(os.path.join(ROOT, "python", "README.md")).read()
    script = re.search(r"```python\n(# biggest.py.*?)```", text, re.S).group(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "biggest.py")
        with open(path, "w") as f:
            f.write(script)
        args = [KCRASH_BIN, "-s", "--no-debuginfod", "-x", path]
        run = subprocess.run(args + ([d.vmlinux] if d.vmlinux else []) + [d.dump],
                             capture_output=True, text=True, timeout=120)
    check(run.returncode == 0, "%s: exit %d: %s" % (d.name, run.returncode, run.stderr[-800:]))
    comm = d.facts().get("crash.comm")
    if comm:
        block = run.stdout.split(" %s " % comm, 1)
        files = []
        for line in (block[1].splitlines()[1:] if len(block) == 2 else []):
            if not line.startswith("        "):
                break  # the next task's line
            files.append(line.split()[-1])
        check("/proc/sysrq-trigger" in files, "%s: %s's files: %s" % (d.name, comm, files))


# ---- the runner -------------------------------------------------------------

PER_DUMP = [test_ps, test_mod, test_runqueues, test_stack_trace, test_frame_variables,
            test_printk_records, test_read_user,
            test_errors, test_ported_script, test_drgn_script_ported]


def main():
    selected = sys.argv[1:]
    passed = failed = skipped = 0
    start = time.time()
    dumps = real_dumps() + debian_dumps()

    def run(name, fn, *args):
        nonlocal passed, failed, skipped
        if selected and not any(s in name for s in selected):
            return
        t0 = time.time()
        try:
            fn(*args)
            passed += 1
            print("PASS %s (%.2f s)" % (name, time.time() - t0))
        except Skip as e:
            skipped += 1
            print("SKIP %s: %s" % (name, e))
        except Exception as e:  # noqa: BLE001 - a test's failure, whatever it is
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
            traceback.print_exc(limit=-3, file=sys.stdout)
        sys.stdout.flush()

    for d in dumps:
        for fn in PER_DUMP:
            name = "%s_%s" % (fn.__name__[5:], d if isinstance(d, str) else d.name)
            if isinstance(d, str):
                if selected and not any(s in name for s in selected):
                    continue
                if IN_CI:
                    failed += 1
                    print("FAIL %s: fixture %s missing" % (name, d))
                else:
                    skipped += 1
                    print("SKIP %s: fixture %s missing" % (name, d))
                continue
            if fn is test_drgn_script_ported and (d.vmlinux is None or not d.crashed):
                continue  # drgn needs the vmlinux, the script a crashed task
            if fn is test_read_user and d.vmlinux is None:
                continue  # the real fixtures have the kcproc buffers
            run(name, fn, d)
        if not isinstance(d, str) and d._prog is not None:
            d._prog.close()
    shell_dumps = [d for d in dumps if not isinstance(d, str)]
    shell_dump = next((d for d in shell_dumps if d.name == "arm64-6.1-4k48"), None)
    for d in [shell_dump, next((d for d in shell_dumps if d.vmlinux is None), None)]:
        if d is not None:
            run("shell_py_%s" % d.name, test_shell_py, d)
            run("readme_example_%s" % d.name, test_readme_example, d)
    print("(%.1f s)" % (time.time() - start))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
