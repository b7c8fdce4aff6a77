#!/usr/bin/env bash
# Runs every test of event_types on a throwaway PostgreSQL 15 cluster:
#   - builds with -Wall -Wextra -Werror and installs the extension,
#   - pg_regress suite (sql/ + expected/) and isolation specs (specs/),
#   - pgTAP suite (test/*.sql, incl. JSON-Schema-Test-Suite conformance),
#   - pg_dump / pg_restore round trip (test/dump_restore.sh),
#   - upgrade path from every older version (test/upgrade.sh),
#   - eight writers racing on the same events and customers (test/race.sh),
#   - the same suites on PostgreSQL 13, 17 and 18 (scripts/versions_test.sh).
# Installs missing packages first (scripts/setup.sh). Exits non-zero on any
# failure; the last line is "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/lib/postgresql/15/bin:$PATH"

make -s clean >/dev/null
make -s PG_CFLAGS=-Werror
make -s install >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set +e
scripts/versions_test.sh > "$out/versions.out" 2>&1
versions_rc=$?
cat "$out/versions.out"
# Every suite validates with event_types.generated_validators = verify: each
# verdict of a built-in schema is decided by the generated C and by
# evaluate.c, and an ERROR fails the test wherever they differ.
pg_virtualenv -t -v 15 bash -c '
  out=$0
  rc=0
  export PGOPTIONS="-c event_types.generated_validators=verify"
  make -s installcheck > "$out/regress.out" 2>&1 || rc=1
  cat "$out/regress.out"
  if [ -f regression.diffs ]; then cat regression.diffs; fi
  make -s prove > "$out/prove.out" 2>&1 || rc=1
  cat "$out/prove.out"
  if [ -x test/dump_restore.sh ]; then
    test/dump_restore.sh > "$out/dump.out" 2>&1 || rc=1
    cat "$out/dump.out"
  fi
  if [ -x test/upgrade.sh ]; then
    test/upgrade.sh > "$out/upgrade.out" 2>&1 || rc=1
    cat "$out/upgrade.out"
  fi
  if [ -x test/race.sh ]; then
    test/race.sh > "$out/race.out" 2>&1 || rc=1
    cat "$out/race.out"
  fi
  exit $rc
' "$out"
rc=$?
if [ "$versions_rc" -ne 0 ]; then rc=1; fi
set -e

# One closing line over all runners.
count() { grep -cE "$1" "$2" 2>/dev/null || true; }
r_pass=$(count '\.\.\. ok' "$out/regress.out")
r_fail=$(count '\.\.\. FAILED|\.\.\. failed' "$out/regress.out")
t_total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$out/prove.out" | tail -1)
t_fail=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$out/prove.out" | awk '{s+=$1} END {print s+0}')
d_pass=$(sed -n 's/^dump_restore: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out/dump.out" 2>/dev/null | tail -1)
d_fail=$(sed -n 's/^dump_restore: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out/dump.out" 2>/dev/null | tail -1)
u_pass=$(sed -n 's/^upgrade: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out/upgrade.out" 2>/dev/null | tail -1)
u_fail=$(sed -n 's/^upgrade: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out/upgrade.out" 2>/dev/null | tail -1)
x_pass=$(sed -n 's/^race: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out/race.out" 2>/dev/null | tail -1)
x_fail=$(sed -n 's/^race: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out/race.out" 2>/dev/null | tail -1)
v_pass=$(sed -n 's/^versions: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out/versions.out" | tail -1)
v_fail=$(sed -n 's/^versions: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out/versions.out" | tail -1)
t_total=${t_total:-0}; d_pass=${d_pass:-0}; d_fail=${d_fail:-0}; u_pass=${u_pass:-0}; u_fail=${u_fail:-0}
x_pass=${x_pass:-0}; x_fail=${x_fail:-0}; v_pass=${v_pass:-0}; v_fail=${v_fail:-0}
passed=$(( r_pass + t_total - t_fail + d_pass + u_pass + x_pass + v_pass ))
failed=$(( r_fail + t_fail + d_fail + u_fail + x_fail + v_fail ))
# a runner that died without counting still fails the run
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed"
exit $rc
