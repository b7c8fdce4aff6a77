#!/usr/bin/env bash
# Installs what building and testing event_types needs, if it is missing:
# PostgreSQL 15 with server headers, pgTAP and pg_prove, python3 (build-time
# code generation), make and a C compiler. Debian/Ubuntu, run as root.
set -euo pipefail

packages=(postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap
          libtap-parser-sourcehandler-pgtap-perl postgresql-common
          python3 make gcc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root (or sudo) to apt-get install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# the PostgreSQL 15 tools first on PATH, whatever else is installed
export PATH="/usr/lib/postgresql/15/bin:$PATH"
command -v pg_config >/dev/null && command -v pg_prove >/dev/null && command -v pg_virtualenv >/dev/null
