#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Run a command and write what it cost, in microseconds rather than
/usr/bin/time's hundredths (a 0.035 s run printed as 0.03, and a ratio
against it off by up to a third).

    measure.py -o FILE -t TIMEOUT CMD [ARG...]

stdin, stdout and stderr are the command's. FILE gets one line,
"wall_s user_s sys_s maxrss_kib", from wait4()'s rusage of the child (it
counts the children the command waited for, as /usr/bin/time does). The
exit status is the command's; 124 after TIMEOUT seconds (the command is
sent SIGTERM, then SIGKILL 10 s later), as timeout(1) does."""

import os
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    out = None
    timeout = 0
    while args and args[0] in ("-o", "-t"):
        if len(args) < 2:
            sys.exit("measure.py: %s needs a value" % args[0])
        if args[0] == "-o":
            out = args[1]
        else:
            timeout = int(args[1])
        args = args[2:]
    if not args or out is None:
        sys.exit("usage: measure.py -o FILE [-t TIMEOUT] CMD [ARG...]")
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(args[0], args)
        except OSError as e:
            print("measure.py: %s: %s" % (args[0], e.strerror), file=sys.stderr)
            os._exit(127)
    timed_out = []

    def on_alarm(signum, frame):
        timed_out.append(True)
        os.kill(pid, signal.SIGTERM if len(timed_out) == 1 else signal.SIGKILL)
        signal.alarm(10)

    signal.signal(signal.SIGALRM, on_alarm)
    if timeout:
        signal.alarm(timeout)
    _, status, usage = os.wait4(pid, 0)
    signal.alarm(0)
    wall = time.perf_counter() - start
    with open(out, "w") as f:
        f.write("%.4f %.4f %.4f %d\n" % (wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss))
    if timed_out:
        sys.exit(124)
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
