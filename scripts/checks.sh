# Sourced by the shell test scripts (test/upgrade.sh, test/dump_restore.sh,
# scripts/sanitize.sh, scripts/coverage.sh, scripts/versions_test.sh,
# scripts/crash_test.sh): one "PASS: ..." or
# "FAIL: ..." line per check, counted in $passed and $failed, and
# "finish NAME" for the script's closing "NAME: N passed, N failed" line
# (what scripts/test.sh adds up), exiting non-zero if anything failed.
passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
