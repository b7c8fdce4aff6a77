#!/usr/bin/env bash
# event_types benchmark: prints markdown tables and one "BENCH {...}" line.
# Not part of the test suite. Everything is measured in one throwaway
# cluster, in one run, against baselines measured in that same run.
#
#   bench/run.sh                 # full run (a few minutes)
#   BENCH_QUICK=1 bench/run.sh   # small sizes, to check the script works
#   BENCH_FSYNC=off bench/run.sh # without fsync (pg_virtualenv's own default)
#
# Peers (is_jsonb_valid, postgres-json-schema) are built from
# ../shared/peers when that folder exists; otherwise their columns say n/a.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
scripts/setup.sh
export PATH="/usr/lib/postgresql/15/bin:$PATH"
command -v pgbench >/dev/null

if [ -n "${BENCH_QUICK:-}" ]; then
  docs=5000 messages=10000 subset=1000 reps=1 memrows=20000 sizes='{1000,10000}' batch=2000 secs=3
else
  docs=100000 messages=200000 subset=5000 reps=5 memrows=1000000 sizes='{10000,100000,1000000}' batch=10000 secs=10
fi

make -s && make -s install >/dev/null
work=$(mktemp -d /tmp/event_types_bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

peers=off
if [ -d "$root/../shared/peers/is_jsonb_valid" ] && [ -d "$root/../shared/peers/postgres-json-schema" ]; then
  cp -r "$root/../shared/peers" "$work/peers"
  make -s -C "$work/peers/is_jsonb_valid" install >/dev/null 2>&1
  make -s -C "$work/peers/postgres-json-schema" install >/dev/null 2>&1
  peers=on
fi

python3 "$here/gen_data.py" "$work/data" --docs "$docs" --messages "$messages"
chmod -R a+rX "$work/data"

# pg_virtualenv turns fsync off to speed tests up; a benchmark measures what
# a production server pays, so PostgreSQL's default (fsync=on) is restored.
# BENCH_FSYNC=off measures without it (every ratio's baseline gets cheaper).
pg_virtualenv -t -v 15 -o fsync="${BENCH_FSYNC:-on}" -o shared_buffers=1GB -o max_wal_size=8GB -o checkpoint_timeout=30min bash -c '
  set -euo pipefail
  here=$1 work=$2 peers=$3 reps=$4 subset=$5 memrows=$6 sizes=$7 batch=$8 secs=$9
  createdb bench
  psql="psql -X -q -d bench -v ON_ERROR_STOP=1"
  if [ "$peers" = on ]; then
    $psql -c "CREATE EXTENSION is_jsonb_valid" -c "CREATE EXTENSION \"postgres-json-schema\""
  fi
  $psql -v datadir="$work/data" -v peers="$peers" -v reps="$reps" -v subset="$subset" -f "$here/bench.sql"
  # private memory of the inserting backend, sampled while it runs
  for rows in $(( memrows / 10 )) "$memrows"; do
    rm -f "$work/mem.pid"; echo 0 > "$work/mem.peak"; chmod 666 "$work/mem.peak"
    ( while [ ! -s "$work/mem.pid" ]; do sleep 0.05; done
      pid=$(tr -dc 0-9 < "$work/mem.pid"); peak=0
      while [ -r "/proc/$pid/status" ]; do
        kb=$(sed -n "s/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$pid/status" 2>/dev/null)
        [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb && echo "$peak" > "$work/mem.peak"
        sleep 0.05
      done ) &
    $psql -v rows="$rows" -v pidfile="$work/mem.pid" -v peakfile="$work/mem.peak" -f "$here/memory.sql"
    wait
  done
  $psql -c "TRUNCATE event_types.inbox, event_types.events, event_types.customers, event_types.contracts, event_types.bookings"
  for c in 1 2 4 8; do
    out=$(pgbench -n -c $c -j $c -T "$secs" -f "$here/pgbench_ingest.sql" bench 2>&1)
    tps=$(sed -n "s/^tps = \([0-9.]*\) .*/\1/p" <<<"$out" | head -1)
    failed=$(sed -n "s/^number of failed transactions: \([0-9]*\).*/\1/p" <<<"$out")
    $psql -c "INSERT INTO bench_result VALUES (\$\$concurrency\$\$, $c, NULL, $tps * $secs, $secs, \$\$${failed:-0}\$\$)"
  done
  $psql -v sizes="$sizes" -v batch="$batch" -f "$here/growth.sql"
  $psql -v reps="$reps" -c "SET bench.reps = '$reps'" -f "$here/report.sql"
' _ "$here" "$work" "$peers" "$reps" "$subset" "$memrows" "$sizes" "$batch" "$secs"
