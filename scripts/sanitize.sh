#!/usr/bin/env bash
# Runs the test suites against an AddressSanitizer + UndefinedBehaviorSanitizer
# build of event_types, on a private server tree and a throwaway cluster.
#
#   scripts/sanitize.sh                 ASan/UBSan: pg_regress + isolation,
#                                       pgTAP, dump/restore, racing writers,
#                                       20k-case fuzz run
#   SANITIZE_FUZZ_CASES=5000 scripts/sanitize.sh
#   SANITIZE_VALGRIND=1 scripts/sanitize.sh
#                                       also: valgrind memcheck on an ordinary
#                                       build (server under valgrind; a subset:
#                                       the validator regression files and a
#                                       small fuzz run; slow)
#   KEEP=1 scripts/sanitize.sh          keep the work directory (logs) at the end
#
# How: the source tree is copied to a temporary directory and built there with
#   PG_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer
#              -fno-sanitize-recover=undefined"
# (never in the work tree: an instrumented event_types.so installed by a later
# plain "make install" would break the shared server), installed with DESTDIR
# into a private copy of /usr/lib/postgresql/15 and /usr/share/postgresql/15
# (PostgreSQL finds its share and lib directories relative to its binary), and
# the postmaster runs with the ASan and UBSan runtimes preloaded.  PostgreSQL
# itself is not instrumented: ASan sees our stack and global buffers and every
# malloc'd block (large pallocs, whole memory-context blocks), not overruns
# inside a palloc'd chunk of a shared block; UBSan sees all of our code.
# A finding aborts the backend (abort_on_error, -fno-sanitize-recover), which
# the suites notice; the script also fails on any sanitizer report file, any
# "runtime error" or crash line in the server log.
#
# Needs root (the cluster runs as user postgres), gcc's libasan/libubsan, and
# what scripts/test.sh needs.  The last line is "sanitize: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH="/usr/lib/postgresql/15/bin:$PATH"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

fuzz_cases=${SANITIZE_FUZZ_CASES:-20000}
fuzz_seed=${SANITIZE_FUZZ_SEED:-$(date +%s)}
. scripts/checks.sh   # pass, fail, $passed, $failed

script_name=sanitize
. scripts/private_server.sh   # $work, build_tree, start_server, suites, ...

libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
if [ ! -e "$libasan" ] || [ ! -e "$libubsan" ]; then
	echo "sanitize: gcc's libasan.so / libubsan.so not found (apt-get install gcc)" >&2
	exit 1
fi

# check_reports: no sanitizer report, no runtime error, no crash in the log
check_reports() {
	local reports
	reports=$(find "$work/san" -type f -size +0 2>/dev/null)
	if [ -z "$reports" ]; then
		pass "$flavour: no sanitizer report files"
	else
		fail "$flavour: sanitizer reports:"
		for f in $reports; do echo "--- $f"; head -60 "$f"; done
	fi
	if grep -nE 'runtime error:|AddressSanitizer|LeakSanitizer|==[0-9]+== ' "$work/server.log" >"$work/log-reports.txt"; then
		fail "$flavour: sanitizer/valgrind lines in the server log ($(wc -l <"$work/log-reports.txt") lines)"
		head -80 "$work/log-reports.txt"
	else
		pass "$flavour: no sanitizer lines in the server log"
	fi
	if grep -nE 'terminated by signal|was terminated by|server process .* exited with exit code [^0]|PANIC' "$work/server.log" >"$work/log-crashes.txt"; then
		fail "$flavour: backend crash in the server log"
		head -20 "$work/log-crashes.txt"
	else
		pass "$flavour: no backend crash in the server log"
	fi
}

flavour=asan
echo "== build (ASan + UBSan) in $work/src-asan"
if ! build_tree asan "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g" \
	"-fsanitize=address,undefined"; then
	tail -40 "$work/build-asan.log"
	fail "asan: build"
	finish sanitize
fi
pass "asan: build"
# Preloading libasan into the stock postgres binary deadlocks at start-up:
# libgpg-error's constructor calls bindtextdomain(), whose first malloc()
# initialises ASan while glibc holds its gettext lock, and ASan's start-up
# (dlerror -> dcgettext) takes that lock again and corrupts it.  A tiny
# preloaded bindtextdomain() wrapper mallocs first, outside the lock.
cat >"$work/asan_early.c" <<'CSRC'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

char *
bindtextdomain(const char *domain, const char *dir)
{
	static char *(*real) (const char *, const char *);
	void	   *volatile p = malloc(1);	/* initialises ASan, outside the lock */

	free(p);
	if (real == NULL)
		real = (char *(*) (const char *, const char *)) dlsym(RTLD_NEXT, "bindtextdomain");
	return real(domain, dir);
}
CSRC
gcc -shared -fPIC -O2 -o "$work/asan_early.so" "$work/asan_early.c" -ldl || exit 1
asan_env=(env "LD_PRELOAD=$libasan $libubsan $work/asan_early.so"
	"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:disable_coredump=1:detect_odr_violation=0:log_path=$work/san/asan"
	"UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$work/san/ubsan")
if start_server "${asan_env[@]}"; then
	# the module really is the instrumented one, and it loads
	if psql -X -q -At -c "CREATE EXTENSION event_types" -c "SELECT event_types.jsonb_matches_schema('{\"type\":\"integer\"}', '1')" >"$work/smoke.out" 2>&1 &&
		grep -q asan <<<"$(ldd "$root/usr/lib/postgresql/15/lib/event_types.so")"; then
		pass "asan: instrumented module loads"
	else
		fail "asan: instrumented module loads ($(cat "$work/smoke.out"))"
	fi
	psql -X -q -c "DROP EXTENSION event_types" >/dev/null 2>&1
	suites "$work/src-asan" "$fuzz_cases"
	stop_server
	check_reports
else
	fail "asan: server start"
fi

# valgrind_findings: memcheck errors with a frame in our module (the stock
# server is not built with USE_VALGRIND, so errors inside PostgreSQL alone
# -- padding bytes written to WAL, say -- are listed but not failed on)
valgrind_findings() {
	python3 - "$work/san" <<'PYSRC'
import glob, re, sys
ours, other = [], 0
for f in sorted(glob.glob(sys.argv[1] + "/vg.*.log")):
    block = []
    for line in open(f, errors="replace"):
        body = re.sub(r"^==\d+== ?", "", line.rstrip("\n"))
        if body == "" and block:
            text = "\n".join(block)
            if "event_types.so" in text or re.search(r"\(src/\S+\.c:\d+\)", text):
                ours.append(f + ":\n" + text)
            else:
                other += 1
            block = []
        elif body:
            block.append(body)
print("%d errors in PostgreSQL alone (not ours)" % other, file=sys.stderr)
for b in ours[:20]:
    print(b + "\n")
sys.exit(1 if ours else 0)
PYSRC
}

if [ -n "${SANITIZE_VALGRIND:-}" ]; then
	flavour=valgrind
	echo "== build (plain, for valgrind) in $work/src-valgrind"
	if build_tree valgrind "-g -O1 -fno-omit-frame-pointer"; then
		pass "valgrind: build"
		# system calls that write padding bytes of PostgreSQL's own structs
		cat >"$work/valgrind.supp" <<-'SUPP'
			{
				postgres_write_padding
				Memcheck:Param
				write(buf)
				obj:*
				...
			}
			{
				postgres_pwrite_padding
				Memcheck:Param
				pwrite64(buf)
				obj:*
				...
			}
			{
				postgres_send_padding
				Memcheck:Param
				sendto(msg)
				obj:*
				...
			}
			{
				postgres_send_padding2
				Memcheck:Param
				send(msg)
				obj:*
				...
			}
		SUPP
		vg=(valgrind --quiet --trace-children=yes --track-origins=yes --read-var-info=no
			--leak-check=no --error-limit=no --num-callers=40
			--suppressions="$work/valgrind.supp" --log-file="$work/san/vg.%p.log")
		rm -rf "$work/san"
		if start_server "${vg[@]}"; then
			# under valgrind the suites only drive the code: tests with a
			# statement_timeout time out, so their output is not judged
			# (info_suite); memcheck's findings and crashes are
			info_suite valgrind-regress "$work/src-valgrind" make -s installcheck \
				REGRESS="${SANITIZE_VALGRIND_REGRESS:-validator_core validator_errors validator_refs validator_unevaluated validator_formats validate_event inbox_statuses ingest_bulk}" ISOLATION=
			info_suite valgrind-fuzz "$work/src-valgrind" env FUZZ_EXTERNAL_SERVER=1 FUZZ_SERVER_LOG="$work/server.log" \
				scripts/fuzz.sh --seed "$fuzz_seed" --cases "${SANITIZE_VALGRIND_CASES:-1000}" --chunk 500
			stop_server
			if valgrind_findings >"$work/valgrind-findings.txt"; then
				pass "valgrind: no memcheck error in event_types code"
			else
				fail "valgrind: memcheck errors in event_types code:"
				head -150 "$work/valgrind-findings.txt"
			fi
			if grep -nE 'terminated by signal|was terminated by exception|PANIC' "$work/server.log"; then
				fail "valgrind: backend crash in the server log"
			else
				pass "valgrind: no backend crash in the server log"
			fi
		else
			fail "valgrind: server start"
		fi
	else
		tail -40 "$work/build-valgrind.log"
		fail "valgrind: build"
	fi
fi

finish sanitize
