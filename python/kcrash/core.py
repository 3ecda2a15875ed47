# SPDX-License-Identifier: MIT
# The parts of the kcrash module written in Python: run in the module's own
# namespace when it is imported (kcrashmodule.c), next to the C types.


class Error(Exception):
    """A kcrash error: the library's one-line message."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class FaultError(Error):
    """Memory that cannot be read: not mapped, not in the dump, filtered out."""

    def __init__(self, message, address):
        super().__init__(message, address)
        self.message = message
        self.address = address


class NotFoundError(Error, LookupError):
    """A symbol, type, member or task that is not there."""


class ObjectNotFoundError(NotFoundError, KeyError):
    """prog[name] of a variable the kernel does not have."""


class TypeNotFoundError(NotFoundError):
    """prog.type(name) of a type the type source does not have."""


class MemberNotFoundError(NotFoundError, AttributeError):
    """obj.name of a member the struct does not have (hasattr() is False)."""


class Frame:
    """A frame of a StackTrace: StackFrame's fields (index, pc, name, ...),
    and as in drgn, frame["var"] (a local or parameter as an Object, from the
    vmlinux's DWARF), frame.locals(), frame.registers() (the registers known
    here: the trace's own, carried to callers by the call frame information).
    """

    __slots__ = ("_fields", "_prog", "_task")

    def __init__(self, fields, prog, task):
        self._fields = fields
        self._prog = prog
        self._task = task

    def __getattr__(self, name):
        return getattr(self._fields, name)

    def __iter__(self):
        return iter(self._fields)

    def __len__(self):
        return len(self._fields)

    def __eq__(self, other):
        other = other._fields if isinstance(other, Frame) else other
        return self._fields == other

    def __repr__(self):
        return repr(self._fields)

    def variables(self):
        """[(name, is_parameter, function, inlined, Object or None, reason)]:
        innermost scope first; reason says why a value is not there."""
        return self._prog._frame_variables(self._task, self._fields.index)

    def locals(self):
        """The names of the variables in scope (parameters included)."""
        return [v[0] for v in self.variables()]

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return self._fields[key]
        for name, _, _, _, obj, reason in self.variables():
            if name == key:
                if obj is None:
                    raise ObjectNotFoundError("%s: %s" % (key, reason))
                return obj
        raise ObjectNotFoundError("%s: not in scope in frame #%d" % (key, self._fields.index))

    def __contains__(self, key):
        return key in self.locals()

    # drgn's StackFrame: kcrash shows no separate frames for inlined calls.
    is_inline = False

    def symbol(self):
        """The Symbol holding the frame's pc (drgn's frame.symbol())."""
        return self._prog.symbol(self._fields.pc)

    def registers(self):
        """{name: value} of the registers known in this frame, and 'cfa'."""
        return self._prog._frame_registers(self._task, self._fields.index)

    def register(self, name):
        regs = self.registers()
        if name not in regs:
            raise LookupError("%s is not known in frame #%d" % (name, self._fields.index))
        return regs[name]


class StackTrace(list):
    """A task's frames (StackFrame), innermost first, as `bt` shows them.

    end is 'final' (the last frame record), 'user' (an exception from user
    mode) or 'error' (a corrupt or unreadable stack: reason says why).
    """

    def __init__(self, frames, end, pid, reason, start, note, has_user_regs,
                 prog=None, task=None):
        super().__init__(Frame(f, prog, task) for f in frames)
        self.end = end
        self.pid = pid
        self.reason = reason
        self.start = start
        self.note = note
        self.has_user_regs = has_user_regs

    def __str__(self):
        lines = []
        for f in self:
            where = f.name if f.name is not None else "?"
            if f.module:
                where += " [%s]" % f.module
            lines.append("#%-2d [%016x] %s at %016x" % (f.index, f.sp, where, f.pc))
        if self.end == "error":
            lines.append("(unwind stopped: %s)" % self.reason)
        return "\n".join(lines)


def _shell_run(prog, argv, out_fd):
    """The kcrash shell's `py` (python/embed.c): run the script argv[0], or an
    interactive prompt when argv is empty, with `prog` bound. Output goes to
    out_fd (-1: sys.stdout as it is). Returns None on success, else a one-line
    reason after printing the traceback on stderr."""
    import builtins
    import code
    import os
    import sys
    import traceback

    saved_stdout, saved_argv = sys.stdout, sys.argv
    out = None
    if out_fd >= 0:
        out = builtins.open(os.dup(out_fd), "w", encoding="utf-8", errors="backslashreplace")
        sys.stdout = out
    namespace = {"__name__": "__main__", "__builtins__": builtins, "prog": prog,
                 "kcrash": sys.modules[__name__]}
    try:
        if not argv:
            sys.argv = [""]
            code.interact(banner="kcrash %s Python %s: `prog` is the dump, `kcrash` the module;"
                          " Ctrl-D returns to kcrash" % (__version__, sys.version.split()[0]),
                          local=namespace, exitmsg="")
            return None
        sys.argv = list(argv)
        namespace["__file__"] = argv[0]
        with builtins.open(argv[0], "rb") as f:
            source = f.read()
        exec(compile(source, argv[0], "exec"), namespace)
        return None
    except SystemExit as e:
        if not argv or e.code is None or e.code == 0:  # exit() just leaves the prompt
            return None
        if isinstance(e.code, int):
            return "exit status %d" % e.code
        print(e.code, file=sys.stderr)
        return "exit status 1"
    except BaseException as e:  # KeyboardInterrupt included: the command fails, not kcrash
        # The traceback from the script's own frames (this function's left out).
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        return "%s: %s" % (type(e).__name__, e)
    finally:
        try:
            sys.stdout.flush()
        finally:
            if out is not None:
                out.close()
            sys.stdout, sys.argv = saved_stdout, saved_argv
