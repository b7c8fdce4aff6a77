# Sourced by the shell test scripts (test/upgrade.sh, test/dump_restore.sh,
# scripts/sanitize.sh, scripts/crash_test.sh): one "PASS: ..." or
# "FAIL: ..." line per check, counted in $passed and $failed for the
# script's closing "NAME: N passed, N failed" line (what scripts/test.sh
# adds up).
passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
