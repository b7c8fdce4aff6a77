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

work=$(mktemp -d /tmp/et-sanitize.XXXXXX)
chmod 755 "$work"
pgpid=""
cleanup() {
	if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
		runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1
	fi
	if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "sanitize: kept $work"; fi
}
trap cleanup EXIT

libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
if [ ! -e "$libasan" ] || [ ! -e "$libubsan" ]; then
	echo "sanitize: gcc's libasan.so / libubsan.so not found (apt-get install gcc)" >&2
	exit 1
fi

# --- 1. private server tree with the instrumented module --------------------
# $1: build flavour (asan | plain); sets root, bindir
build_tree() {
	local flavour=$1
	root="$work/root-$flavour"
	bindir="$root/usr/lib/postgresql/15/bin"
	mkdir -p "$work/src-$flavour" "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$root/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
	# the work tree as git sees it (tracked and untracked, not ignored)
	git ls-files -co --exclude-standard -z | tar -c --null -T - -f - | tar -x -C "$work/src-$flavour" -f -
	(
		cd "$work/src-$flavour" || exit 1
		if [ "$flavour" = asan ]; then
			make -s -j"$(nproc)" \
				PG_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g" \
				SHLIB_LINK="-fsanitize=address,undefined" >"$work/build-$flavour.log" 2>&1
		else
			make -s -j"$(nproc)" PG_CFLAGS="-g -O1 -fno-omit-frame-pointer" >"$work/build-$flavour.log" 2>&1
		fi &&
		make -s install DESTDIR="$root" >>"$work/build-$flavour.log" 2>&1
	)
}

# --- 2. a throwaway cluster on the private tree ------------------------------
# start_server WRAPPER...: the postmaster runs under "env ... WRAPPER postgres"
start_server() {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	rm -rf "$work/data" "$work/sock"
	mkdir -p "$work/data" "$work/sock" "$work/san"
	chown postgres: "$work/data" "$work/sock" "$work/san"
	runuser -u postgres -- "$bindir/initdb" -D "$work/data" -A trust -U postgres >"$work/initdb.log" 2>&1 || return 1
	cat >>"$work/data/postgresql.conf" <<-EOF
		listen_addresses = ''
		port = $port
		unix_socket_directories = '$work/sock'
		max_stack_depth = '30MB'
		fsync = off
		log_min_messages = warning
		log_line_prefix = '%m [%p] '
	EOF
	export PGHOST="$work/sock" PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	# the instrumented code needs more stack; max_stack_depth checks against ulimit
	runuser -u postgres -- bash -c 'ulimit -s 65536; cd "$1"; shift; exec "$@"' _ "$work" \
		"$@" "$bindir/postgres" -D "$work/data" >"$work/server.log" 2>&1 &
	pgpid=$!
	for _ in $(seq 1 240); do
		pg_isready -q && return 0
		kill -0 "$pgpid" 2>/dev/null || break
		sleep 0.5
	done
	echo "sanitize: server did not start:" >&2
	tail -20 "$work/server.log" >&2
	return 1
}

stop_server() {
	runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m fast -t 600 -w stop >/dev/null 2>&1
	wait "$pgpid" 2>/dev/null
	pgpid=""
}

# run_suite NAME DIR COMMAND...: one suite against the running server, in DIR
run_suite() {
	local name=$1 dir=$2
	shift 2
	echo "== $name"
	if (cd "$dir" && "$@") >"$work/$name.out" 2>&1; then
		pass "$name"
	else
		fail "$name (output: $work/$name.out)"
		tail -40 "$work/$name.out"
		[ -f "$dir/regression.diffs" ] && head -100 "$dir/regression.diffs"
	fi
}

# info_suite NAME DIR COMMAND...: run, report, do not count
info_suite() {
	local name=$1 dir=$2
	shift 2
	echo "== $name"
	if (cd "$dir" && "$@") >"$work/$name.out" 2>&1; then
		echo "ran: $name (passed)"
	else
		echo "ran: $name (output differs; not judged under valgrind; KEEP=1 keeps $work/$name.out)"
	fi
}

# suites SRCDIR CASES: pg_regress + isolation, pgTAP, dump/restore, racing
# writers, fuzz
suites() {
	local src=$1 cases=$2
	run_suite "$flavour-regress" "$src" make -s installcheck
	run_suite "$flavour-prove" "$src" make -s prove
	run_suite "$flavour-dump-restore" "$src" test/dump_restore.sh
	run_suite "$flavour-race" "$src" test/race.sh
	run_suite "$flavour-fuzz" "$src" env FUZZ_EXTERNAL_SERVER=1 FUZZ_SERVER_LOG="$work/server.log" \
		scripts/fuzz.sh --seed "$fuzz_seed" --cases "$cases"
}

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
if ! build_tree asan; then
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
	if build_tree valgrind; then
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
