# Sourced by scripts/sanitize.sh and scripts/coverage.sh: the module built
# with special flags into a private copy of the PostgreSQL 15 tree, a
# throwaway cluster on it, and the test suites run against that cluster.
#
# The caller sets script_name (for messages and the work directory's name)
# and sources scripts/checks.sh first; this file makes $work (removed at
# exit unless KEEP is set, stopping a server still running) and defines
# build_tree, start_server, stop_server, run_suite, info_suite and suites.

work=$(mktemp -d "/tmp/et-$script_name.XXXXXX")
chmod 755 "$work"
pgpid=""
cleanup() {
	if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
		runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1
	fi
	if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "$script_name: kept $work"; fi
}
trap cleanup EXIT


# --- a private server tree with a separately built module -------------------
# build_tree NAME PG_CFLAGS [SHLIB_LINK]: the work tree (tracked and untracked
# files, not ignored ones) copied to $work/src-NAME, built there with those
# flags and installed with DESTDIR into $work/root-NAME, a private copy of
# /usr/lib/postgresql/15 and /usr/share/postgresql/15 (PostgreSQL finds its
# share and lib directories relative to its binary).  Never in the work
# tree: a special event_types.so installed by a later plain "make install"
# would break the shared server.  Sets root and bindir; the build log is
# $work/build-NAME.log.
build_tree() {
	local name=$1 cflags=$2 shlib_link=${3:-}
	root="$work/root-$name"
	bindir="$root/usr/lib/postgresql/15/bin"
	mkdir -p "$work/src-$name" "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$root/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
	git ls-files -co --exclude-standard -z | tar -c --null -T - -f - | tar -x -C "$work/src-$name" -f -
	(
		cd "$work/src-$name" || exit 1
		make -s -j"$(nproc)" PG_CFLAGS="$cflags" ${shlib_link:+SHLIB_LINK="$shlib_link"} \
			>"$work/build-$name.log" 2>&1 &&
			make -s install DESTDIR="$root" >>"$work/build-$name.log" 2>&1
	)
}

# --- a throwaway cluster on the private tree --------------------------------
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
	echo "$script_name: server did not start:" >&2
	tail -20 "$work/server.log" >&2
	return 1
}

stop_server() {
	runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m fast -t 600 -w stop >/dev/null 2>&1
	wait "$pgpid" 2>/dev/null
	pgpid=""
}

# run_logged NAME DIR COMMAND...: run COMMAND in DIR, output to $work/NAME.out
run_logged() {
	local name=$1 dir=$2
	shift 2
	echo "== $name"
	(cd "$dir" && "$@") >"$work/$name.out" 2>&1
}

# run_suite NAME DIR COMMAND...: one suite against the running server, in DIR
run_suite() {
	if run_logged "$@"; then
		pass "$1"
	else
		fail "$1 (output: $work/$1.out)"
		tail -40 "$work/$1.out"
		[ -f "$2/regression.diffs" ] && head -100 "$2/regression.diffs"
	fi
}

# info_suite NAME DIR COMMAND...: run, report, do not count
info_suite() {
	if run_logged "$@"; then
		echo "ran: $1 (passed)"
	else
		echo "ran: $1 (output differs; not judged under valgrind; KEEP=1 keeps $work/$1.out)"
	fi
}

# suites SRCDIR CASES: pg_regress + isolation, pgTAP, dump/restore, racing
# writers, fuzz (CASES cases; $fuzz_seed); check names start with $flavour
suites() {
	local src=$1 cases=$2
	run_suite "$flavour-regress" "$src" make -s installcheck
	run_suite "$flavour-prove" "$src" make -s prove
	run_suite "$flavour-dump-restore" "$src" test/dump_restore.sh
	run_suite "$flavour-race" "$src" test/race.sh
	run_suite "$flavour-fuzz" "$src" env FUZZ_EXTERNAL_SERVER=1 FUZZ_SERVER_LOG="$work/server.log" \
		scripts/fuzz.sh --seed "$fuzz_seed" --cases "$cases"
}
