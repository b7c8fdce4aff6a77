#!/usr/bin/env bash
# Runs every test of event_types on a throwaway PostgreSQL 15 cluster:
#   - builds with -Wall -Wextra -Werror and installs the extension,
#   - pg_regress suite (sql/ + expected/),
#   - pgTAP suite (test/*.sql, incl. JSON-Schema-Test-Suite conformance).
# Installs missing packages first (scripts/setup.sh). Exits non-zero on any
# failure; the last line is "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/lib/postgresql/15/bin:$PATH"

make -s clean >/dev/null
make -s PG_CFLAGS=-Werror
make -s install >/dev/null

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
set +e
pg_virtualenv -v 15 bash -c '
  set -o pipefail
  make -s installcheck 2>&1 | tee "$0/regress.out"; rc1=${PIPESTATUS[0]}
  if [ "$rc1" -ne 0 ] && [ -f regression.diffs ]; then cat regression.diffs; fi
  make -s prove 2>&1 | tee "$0/prove.out"; rc2=${PIPESTATUS[0]}
  exit $(( rc1 || rc2 ))
' "$log"
rc=$?
set -e

# one closing line over both runners
r_pass=$(sed -n 's/^ok [0-9]* *[-+] .*/x/p; s/^\(not \)\{0\}ok .*/x/p' "$log/regress.out" 2>/dev/null | wc -l)
r_fail=$(grep -c '^not ok' "$log/regress.out" 2>/dev/null || true)
t_total=$(sed -n 's/.*Tests=\([0-9]*\),.*/\1/p' "$log/prove.out" | tail -1)
t_fail=$(sed -n 's/^Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log/prove.out" | paste -sd+ | bc 2>/dev/null || echo 0)
t_total=${t_total:-0}; t_fail=${t_fail:-0}
[ "$rc" -ne 0 ] && [ "$((r_fail + t_fail))" -eq 0 ] && t_fail=1
echo "tests: $(( r_pass + t_total - t_fail )) passed, $(( r_fail + t_fail )) failed"
exit $rc
