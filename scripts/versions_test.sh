#!/usr/bin/env bash
# Runs the test suites on the other PostgreSQL versions Debian packages:
# 13 (Debian 11), 17 (Debian 13) and 18 (Debian testing), each on a private
# server tree and a throwaway cluster.
#
#   scripts/versions_test.sh                  all three
#   scripts/versions_test.sh 17               one (13, 17 or 18)
#   KEEP=1 scripts/versions_test.sh           keep the work directory (logs)
#
# Per version: the extension built with -Werror and installed, then
# pg_regress + isolation, pgTAP, dump/restore, upgrade, racing writers and a
# 2,000-case fuzz run (VERSIONS_FUZZ_CASES).  14 and 16 are in no Debian
# release; their PG_VERSION_NUM guards (src/pg_compat.h) sit between tested
# versions on both sides.
#
# How: the server, client, server-dev and pgTAP packages of that version are
# downloaded from Debian with a private apt configuration and unpacked into
# the work directory -- nothing is installed and the machine's apt sources
# are left alone.  PostgreSQL finds its share and lib directories relative
# to its binary, so PGXS builds and installs the extension into that tree.
#   - 13 runs on this machine's C library; Debian 11's ICU 67, OpenSSL 1.1 and
#     OpenLDAP 2.4, which Debian 12 lacks, come along on LD_LIBRARY_PATH.  Its
#     pg_config reports the paths it was built with, so a wrapper relocates
#     them.  pg_isolation_regress and pgbench come from 15: 13's -dev
#     package lacks the first, and test/race.sh reads the failed-transaction
#     count 13's pgbench does not print.
#   - 17 and 18 need a newer C library than Debian 12's.  Their library
#     dependencies (libc6 included) are unpacked too, and every program is
#     replaced by a two-line wrapper that runs it under that C library's own
#     loader (ld.so --library-path ... --argv0 <the program's own path>, so
#     it still finds its share and lib directories).  Backends are forked,
#     not executed, so the server runs whole under that loader.
#   - JIT is off everywhere: the servers were built against LLVM versions that
#     are not here.
# A version whose packages cannot be downloaded any more (Debian moved the
# release to its archive) is reported as skipped, not failed.
#
# Needs root (the clusters run as user postgres) and what scripts/test.sh
# needs.  The last line is "versions: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

fuzz_cases=${VERSIONS_FUZZ_CASES:-2000}
fuzz_seed=${VERSIONS_FUZZ_SEED:-$(date +%s)}
. scripts/checks.sh   # pass, fail, $passed, $failed

script_name=versions
. scripts/private_server.sh   # $work, start_server, stop_server, suites, ...

pg15=/usr/lib/postgresql/15
base_path=$PATH
# as scripts/test.sh: every built-in verdict decided by the generated C and by
# evaluate.c, an ERROR where they differ
base_pgoptions="${PGOPTIONS:-} -c client_min_messages=warning -c jit=off -c event_types.generated_validators=verify"

# major -> Debian release, and how its programs run here
declare -A release=([13]=bullseye [17]=trixie [18]=forky)
declare -A mode=([13]=native [17]=loader [18]=loader)
# libraries Debian 12 lacks, for the versions that run on its C library
declare -A extra_libs=([13]="libicu67 libssl1.1 libldap-2.4-2")

# apt_for MAJOR: apt options for a private configuration of that release
apt_for() {
	local dir="$work/apt-$1"
	mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial"
	cat >"$dir/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: ${release[$1]}
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$dir/sources.list.d"
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Sandbox::User=root)
}

# runtime_libs MAJOR: the library packages the server and clients need,
# recursively; LLVM (JIT only), Perl and Python are left out
runtime_libs() {
	apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "postgresql-$1" "postgresql-client-$1" libpq5 2>/dev/null |
		grep -E '^lib' | grep -vE '^lib(llvm|z3|clang|perl|python)|-perl$' | sort -u
}

# drop_unknown_flags MAKEFILE_GLOBAL: newer releases were built with a newer
# gcc than this machine's, whose warning options (18: -Wmissing-variable-
# declarations) this gcc rejects; drop those from the build's CFLAGS
drop_unknown_flags() {
	python3 - "$1" <<-'PYSRC'
		import re, subprocess, sys
		path = sys.argv[1]
		lines = open(path).read().split("\n")
		known = {}
		def ok(flag):
		    if flag not in known:
		        known[flag] = subprocess.run(["gcc", "-Wall", "-Werror", flag, "-x", "c", "-c", "/dev/null", "-o", "/dev/null"],
		                                     capture_output=True).returncode == 0
		    return known[flag]
		for i, line in enumerate(lines):
		    if re.match(r"CFLAGS(_[A-Z_]+)?\s*[:+]?=", line):
		        name, value = line.split("=", 1)
		        lines[i] = name + "=" + " ".join(t for t in value.split(" ")
		                                         if not re.match(r"-[Wf]", t) or ok(t))
		open(path, "w").write("\n".join(lines))
		dropped = sorted(f for f, good in known.items() if not good)
		if dropped:
		    print("dropped compiler options this gcc does not know:", " ".join(dropped))
	PYSRC
}

# wrap_programs DIR LOADER LIBPATH: run each program in DIR under LOADER
wrap_programs() {
	local dir=$1 loader=$2 libpath=$3 f name
	mkdir -p "$dir/.real"
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		mv "$f" "$dir/.real/$name"
		printf '#!/bin/sh\nexec %s --library-path %s --argv0 "%s" %s "$@"\n' \
			"$loader" "$libpath" "$dir/$name" "$dir/.real/$name" >"$f"
		chmod 755 "$f"
	done
}

# setup MAJOR: unpack that version into $work/root-MAJOR; set root, bindir,
# PATH and LD_LIBRARY_PATH for it.  False when the packages cannot be had.
setup() {
	local major=$1 deb pgxs libdir
	local packages=("postgresql-$major" "postgresql-client-$major" "postgresql-server-dev-$major"
		"postgresql-$major-pgtap")
	apt_for "$major"
	mkdir -p "$work/deb-$major"
	apt-get "${apt_opts[@]}" -qq update >"$work/apt-$major.log" 2>&1 || return 1
	if [ "${mode[$major]}" = native ]; then
		# shellcheck disable=SC2206
		packages+=(${extra_libs[$major]:-})
	else
		mapfile -t -O "${#packages[@]}" packages < <(runtime_libs "$major")
	fi
	(cd "$work/deb-$major" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}") \
		>>"$work/apt-$major.log" 2>&1 || return 1
	root="$work/root-$major"
	for deb in "$work/deb-$major"/*.deb; do dpkg-deb -x "$deb" "$root"; done
	bindir="$root/usr/lib/postgresql/$major/bin"
	pgxs="$root/usr/lib/postgresql/$major/lib/pgxs"
	libdir="$root/usr/lib/x86_64-linux-gnu"
	sed -i 's/^with_llvm[[:space:]]*=.*/with_llvm = no/' "$pgxs/src/Makefile.global"
	drop_unknown_flags "$pgxs/src/Makefile.global"

	if [ "${mode[$major]}" = native ]; then
		export LD_LIBRARY_PATH="$libdir"
		mkdir -p "$pgxs/src/test/isolation" "$work/tools-$major"
		[ -x "$pgxs/src/test/isolation/pg_isolation_regress" ] ||
			cp "$pg15/lib/pgxs/src/test/isolation/pg_isolation_regress" \
				"$pg15/lib/pgxs/src/test/isolation/isolationtester" "$pgxs/src/test/isolation/"
		ln -s "$bindir"/* "$work/tools-$major/"
		ln -sf "$pg15/bin/pgbench" "$work/tools-$major/pgbench"
		rm -f "$work/tools-$major/pg_config"
		printf '#!/bin/sh\n"%s" "$@" | sed "s#^/usr/#%s/usr/#"\n' "$bindir/pg_config" "$root" \
			>"$work/tools-$major/pg_config"
		chmod 755 "$work/tools-$major/pg_config"
		export PATH="$work/tools-$major:$base_path"
	else
		unset LD_LIBRARY_PATH
		local libpath="$libdir:$root/lib/x86_64-linux-gnu"
		for dir in "$bindir" "$pgxs/src/test/regress" "$pgxs/src/test/isolation"; do
			wrap_programs "$dir" "$libdir/ld-linux-x86-64.so.2" "$libpath"
		done
		export PATH="$bindir:$base_path"
	fi
	export PGOPTIONS="$base_pgoptions"
}

run_version() {
	local major=$1 src="$work/src-$1" version
	flavour="pg$major"
	echo "== PostgreSQL $major (Debian ${release[$major]})"
	if ! setup "$major"; then
		echo "versions: PostgreSQL $major skipped: its Debian ${release[$major]} packages could not be downloaded"
		tail -3 "$work/apt-$major.log"
		return
	fi
	mkdir -p "$src"
	git ls-files -co --exclude-standard -z | tar -c --null -T - -f - | tar -x -C "$src" -f -
	if (cd "$src" && make -s -j"$(nproc)" PG_CFLAGS=-Werror && make -s install) >"$work/build-$major.log" 2>&1; then
		pass "$flavour: build and install, warning-free"
	else
		tail -40 "$work/build-$major.log"
		fail "$flavour: build and install"
		return
	fi
	# runuser does not pass LD_LIBRARY_PATH on to the server by itself
	if ! start_server ${LD_LIBRARY_PATH:+env "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"}; then
		fail "$flavour: server start"
		return
	fi
	version=$(psql -X -At -c "SHOW server_version_num")
	if [ "${version:0:2}" = "$major" ]; then pass "$flavour: server is $version"; else fail "$flavour: server is $version"; fi
	suites "$src" "$fuzz_cases"
	run_suite "$flavour-upgrade" "$src" test/upgrade.sh
	stop_server
	if grep -nE 'terminated by signal|was terminated by|PANIC' "$work/server.log" >"$work/crashes-$major.txt"; then
		fail "$flavour: backend crash in the server log"
		head -20 "$work/crashes-$major.txt"
	else
		pass "$flavour: no backend crash in the server log"
	fi
}

[ $# -gt 0 ] || set -- 13 17 18
for major in "$@"; do
	if [ -z "${release[$major]:-}" ]; then
		fail "no Debian release known for PostgreSQL $major"
		continue
	fi
	run_version "$major"
done
finish versions
