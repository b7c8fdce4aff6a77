#!/usr/bin/env bash
# Line coverage of the C code by the test suites: which code no test runs.
# Not part of scripts/test.sh (it needs its own build); run it after adding
# C code, and read the "Missing" column before calling a feature tested.
#
#   scripts/coverage.sh                  pg_regress + isolation, pgTAP,
#                                        dump/restore, racing writers, and a
#                                        3,000-case fuzz run; per-file table
#   COVERAGE_FUZZ_CASES=20000 scripts/coverage.sh
#   KEEP=1 scripts/coverage.sh           keep the work directory (the .gcov
#                                        files, an HTML report) at the end
#
# How: the module is built with gcc's --coverage at -O0 into a private copy
# of the PostgreSQL tree (scripts/private_server.sh, as scripts/sanitize.sh
# does) and the suites run against a throwaway cluster on it; each backend
# adds its counts to the .gcda files beside the objects when it exits.
# gcovr then reports per file.  Generated C (the catalogue, the validators
# generated from the built-in schemas, the Unicode tables) is left out of
# the table: its coverage says more about the schemas than about the tests.
#
# Needs root (the cluster runs as user postgres) and what scripts/test.sh
# needs; installs gcovr when missing.  The suites' checks are counted: the
# last line is "coverage: N passed, N failed"; the percentages are reported,
# not judged.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/lib/postgresql/15/bin:$PATH"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

fuzz_cases=${COVERAGE_FUZZ_CASES:-3000}
fuzz_seed=${COVERAGE_FUZZ_SEED:-$(date +%s)}
. scripts/checks.sh   # pass, fail, $passed, $failed
script_name=coverage
. scripts/private_server.sh   # $work, build_tree, start_server, suites, ...

if ! command -v gcovr >/dev/null; then
	apt-get install -y -qq gcovr >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq gcovr >/dev/null; }
fi

flavour=coverage
echo "== build (--coverage) in $work/src-coverage"
if ! build_tree coverage "--coverage -O0 -g" "--coverage"; then
	tail -40 "$work/build-coverage.log"
	fail "coverage: build"
	finish coverage
fi
pass "coverage: build"
# the backends, running as postgres, write their counts beside the objects
chmod -R a+rwX "$work/src-coverage"
if start_server; then
	suites "$work/src-coverage" "$fuzz_cases"
	stop_server
else
	fail "coverage: server start"
	finish coverage
fi

echo "== line coverage (gcovr)"
generated=(--exclude 'src/catalog_data\.c' --exclude 'src/validator/generated_validators\.c'
	--exclude 'src/validator/ucd\.c')
(
	cd "$work/src-coverage" &&
		gcovr -r . "${generated[@]}" &&
		if [ -n "${KEEP:-}" ]; then
			gcovr -r . "${generated[@]}" --html-details "$work/coverage.html" >/dev/null
		fi
) || fail "coverage: gcovr report"
finish coverage
