#!/usr/bin/env bash
# Runs the test suites on PostgreSQL 13, the oldest version the SPEC names,
# on a private server tree and a throwaway cluster.
#
#   scripts/pg13_test.sh            pg_regress + isolation, pgTAP, dump/restore,
#                                   upgrade, racing writers, a 2,000-case fuzz run
#   KEEP=1 scripts/pg13_test.sh     keep the work directory (logs) at the end
#
# Why 13 and not the others: the tests need a server that runs here, and
# Debian 12's C library runs Debian 11's (bullseye) PostgreSQL 13 binaries but
# not Debian 13's PostgreSQL 17 or 18; 14 and 16 are in no Debian release.
# Those are compile-checked instead (scripts/compile_check.sh).
#
# How: Debian 11's postgresql-13, -client-13, -server-dev-13 and -13-pgtap,
# with the three libraries Debian 12 lacks (ICU 67, OpenSSL 1.1, OpenLDAP
# 2.4), are downloaded with a private apt configuration and unpacked into the
# work directory -- nothing is installed and the machine's apt sources are
# left alone.  PostgreSQL finds its share and lib directories relative to its
# binary; a pg_config wrapper reports them there, so PGXS builds and installs
# the extension into that tree.  Two programs come from PostgreSQL 15:
# pg_isolation_regress (13's -dev package does not ship it) and pgbench
# (test/race.sh reads the failed-transaction count 13's does not print).
# A version whose packages cannot be downloaded any more (Debian moved
# bullseye to its archive) is reported as skipped.
#
# Needs root (the cluster runs as user postgres) and what scripts/test.sh
# needs.  The last line is "pg13: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

fuzz_cases=${PG13_FUZZ_CASES:-2000}
fuzz_seed=${PG13_FUZZ_SEED:-$(date +%s)}
. scripts/checks.sh   # pass, fail, $passed, $failed

script_name=pg13
. scripts/private_server.sh   # $work, start_server, stop_server, suites, ...

pg15=/usr/lib/postgresql/15
packages=(postgresql-13 postgresql-client-13 postgresql-server-dev-13 postgresql-13-pgtap
	libicu67 libssl1.1 libldap-2.4-2)

# --- the packages, unpacked into $work/root ----------------------------------
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/deb"
cat >"$work/apt/sources.list.d/bullseye.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::sourcelist=/dev/null
	-o "Dir::Etc::sourceparts=$work/apt/sources.list.d"
	-o "Dir::State::Lists=$work/apt/lists"
	-o "Dir::Cache=$work/apt/cache"
	-o APT::Sandbox::User=root)
if ! { apt-get "${apt_opts[@]}" -qq update && (cd "$work/deb" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}"); } \
	>"$work/apt.log" 2>&1; then
	echo "pg13: skipped: the Debian 11 packages could not be downloaded"
	tail -5 "$work/apt.log"
	finish pg13
fi
root="$work/root"
for deb in "$work"/deb/*.deb; do dpkg-deb -x "$deb" "$root"; done
bindir="$root/usr/lib/postgresql/13/bin"
pgxs="$root/usr/lib/postgresql/13/lib/pgxs"
export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu"

# PGXS: no LLVM bitcode (13 was built with clang-11, which is not here)
sed -i 's/^with_llvm[[:space:]]*=.*/with_llvm = no/' "$pgxs/src/Makefile.global"
mkdir -p "$pgxs/src/test/isolation"
cp "$pg15/lib/pgxs/src/test/isolation/pg_isolation_regress" "$pg15/lib/pgxs/src/test/isolation/isolationtester" \
	"$pgxs/src/test/isolation/"

# $work/tools, first on PATH: 13's programs, 15's pgbench, pg_config relocated
mkdir -p "$work/tools"
ln -s "$bindir"/* "$work/tools/"
ln -sf "$pg15/bin/pgbench" "$work/tools/pgbench"
rm -f "$work/tools/pg_config"
cat >"$work/tools/pg_config" <<EOF
#!/bin/sh
"$bindir/pg_config" "\$@" | sed 's#^/usr/#$root/usr/#'
EOF
chmod 755 "$work/tools/pg_config"
export PATH="$work/tools:$PATH"
# JIT off in every session: 13 was built against LLVM 11, which is not here
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning -c jit=off"

# --- build and install the extension into that tree -------------------------
src="$work/src-13"
mkdir -p "$src"
git ls-files -co --exclude-standard -z | tar -c --null -T - -f - | tar -x -C "$src" -f -
if (cd "$src" && make -s -j"$(nproc)" PG_CFLAGS=-Werror && make -s install) >"$work/build.log" 2>&1; then
	pass "pg13: build and install, warning-free"
else
	tail -40 "$work/build.log"
	fail "pg13: build and install"
	finish pg13
fi

# --- the suites -----------------------------------------------------------------
flavour=pg13
if start_server env "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; then
	version=$(psql -X -At -c "SHOW server_version_num")
	if [ "${version:0:2}" = 13 ]; then pass "pg13: server is $version"; else fail "pg13: server is $version"; fi
	suites "$src" "$fuzz_cases"
	run_suite "pg13-upgrade" "$src" test/upgrade.sh
	stop_server
	if grep -nE 'terminated by signal|was terminated by|PANIC' "$work/server.log" >"$work/crashes.txt"; then
		fail "pg13: backend crash in the server log"
		head -20 "$work/crashes.txt"
	else
		pass "pg13: no backend crash in the server log"
	fi
else
	fail "pg13: server start"
fi
finish pg13
