#!/usr/bin/env bash
# Compiles every C file of the extension against the server headers of the
# PostgreSQL versions other than the one the tests run on, with the build's
# own warning flags and -Werror.
#
#   scripts/compile_check.sh          # after `make` (which writes the generated C)
#
# The SPEC asks the C code to stay portable to PostgreSQL 13-17, and the
# executor calls the extension makes changed signature between them and in
# 18 (src/pg_compat.h).  Only the servers of 15 and 13 run here (13: see
# scripts/pg13_test.sh), so the newer versions are checked by compiling: a
# wrong guard is a compile error or a warning on the version it is wrong for.  Debian ships server headers
# for 13 (bullseye), 17 (trixie) and 18 (forky, the testing release); 14
# and 16 are in no Debian release, so the guards at 14 and 16 are compiled
# on one side each (13 / 15 / 17).
#
# The headers come from Debian's own packages, downloaded with a private apt
# configuration into a temporary directory: nothing is installed and the
# machine's apt sources are left alone.  A version whose package cannot be
# downloaded (the archive moved a release away) is reported as skipped, not
# as a failure of the code.  Last line: "compile_check: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

versions=${ET_COMPILE_CHECK_VERSIONS:-"13:bullseye 17:trixie 18:forky"}

work=$(mktemp -d /tmp/event_types_compile.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/deb"
suites=$(for v in $versions; do printf '%s ' "${v#*:}"; done)
cat > "$work/apt/sources.list.d/event_types.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suites
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::sourcelist=/dev/null
          -o "Dir::Etc::sourceparts=$work/apt/sources.list.d"
          -o "Dir::State::Lists=$work/apt/lists"
          -o "Dir::Cache=$work/apt/cache"
          -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" -qq update >"$work/apt.log" 2>&1 || true

# The build's own flags: PGXS's (pg_config --cflags) and the Makefile's.
cflags="$(pg_config --cflags) $(make -s --no-print-directory --eval 'print-cflags: ; @echo $(PG_CFLAGS)' print-cflags) -Werror -fPIC"
sources=$(ls src/*.c src/projections/*.c src/validator/*.c)

passed=0 failed=0
for v in $versions; do
  major=${v%%:*} suite=${v#*:}
  if ! (cd "$work/deb" && apt-get "${apt_opts[@]}" -qq download "postgresql-server-dev-$major/$suite") \
      >>"$work/apt.log" 2>&1; then
    echo "compile_check: PostgreSQL $major skipped: postgresql-server-dev-$major not downloadable from Debian $suite"
    continue
  fi
  dpkg-deb -x "$work"/deb/postgresql-server-dev-"$major"_*.deb "$work/root$major"
  inc="$work/root$major/usr/include/postgresql/$major/server"
  bad=0
  for f in $sources; do
    # shellcheck disable=SC2086
    if ! gcc $cflags -I src -I src/validator -I "$inc" -c "$f" -o "$work/out.o" 2>"$work/err"; then
      echo "compile_check: PostgreSQL $major: $f"
      sed 's/^/    /' "$work/err"
      bad=$((bad + 1))
    fi
  done
  version=$(sed -n 's/^#define PG_VERSION_STR "\(PostgreSQL [0-9.]*\).*/\1/p' "$inc/pg_config.h")
  if [ "$bad" -eq 0 ]; then
    echo "ok: $(echo $sources | wc -w) files compile warning-free against $version"
    passed=$((passed + 1))
  else
    echo "not ok: $bad files fail against $version"
    failed=$((failed + 1))
  fi
done
echo "compile_check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
