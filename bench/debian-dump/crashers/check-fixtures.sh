#!/bin/bash
# Open every crash fixture's dump alone with kcrash (no vmlinux: BTF + kallsyms) and check
# that it exits 0 and that its log shows the report; one line per fixture.
# Usage: check-fixtures.sh [KCRASH] [FIXTURES]   (default build/kcrash, tests/fixtures/crashes)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KC=${1:-$ROOT/build/kcrash}
FIX=${2:-$ROOT/tests/fixtures/crashes}
fail=0
for d in "$FIX"/*/; do
  d=${d%/}; n=${d##*/}
  [ -f "$d/vmcore.kdump-zlib" ] || continue
  out=$("$KC" -s -c 'sys; bt; log | tail -40' "$d/vmcore.kdump-zlib" 2>&1); rc=$?
  panic=$(printf '%s\n' "$out" | sed -n 's/^ *PANIC: //p' | head -1)
  task=$(printf '%s\n' "$out" | grep -m1 -E '^PID: ' | sed 's/  */ /g')
  # the report in the log: the first line of the oops, BUG, WARNING, lockup, stall or panic
  # the whole log for the report (tail -40 can start inside a long call trace)
  rep=$("$KC" -s -c 'log' "$d/vmcore.kdump-zlib" 2>/dev/null | sed -n '/kc_crashers: triggering\|kc_serror: triggering\|kc_user\|sysrq: Trigger\|Kernel panic/,$p' | grep -m1 -E '^\[ *[0-9]+\.[0-9]+\].*(Unable to handle|Internal error|kernel BUG|WARNING:|soft lockup|blocked for more|rcu: INFO|Insufficient stack|Kernel panic|corruption|scheduling while atomic|invoked oom-killer|SError Interrupt)' | sed 's/^\[[^]]*\] //')
  if [ $rc -ne 0 ] || [ -z "$rep" ]; then st=FAIL; fail=1; else st=ok; fi
  printf '%-18s %-4s rc=%d %s | PANIC: %s | log: %s\n' "$n" "$st" $rc "$task" "$panic" "$rep"
done
exit $fail
