#!/usr/bin/env bash
# Long fuzz run of the validator and the inbox on a throwaway cluster.
#
#   scripts/fuzz.sh [--seed S] [--cases N] [--chunk C]
#   FUZZ_SEED=S FUZZ_CASES=N FUZZ_CHUNK=C scripts/fuzz.sh
#
# Defaults: 100,000 cases (half schema cases, half messages), seed 20261123,
# chunks of 5,000.  Chunk k is test/fuzz/fuzz.py --seed S*1000000+k --cases C,
# so any chunk can be regenerated on its own.  Each chunk runs in one
# transaction that is rolled back, through the checks of test/fuzz.sql:
#   - every schema case ends as valid / invalid or a clean ERROR 22023,
#     2201B, 54001 or 0A000, and jsonb_matches_schema() agrees with
#     validation_errors(), and gives the same verdict again in a second pass
#     (in id order, from a PL/pgSQL function: catches call-site caches that
#     hand out the previous call's program);
#   - every message is stored with a status (accepted, rejected, duplicate,
#     conflict, unknown_type), never an ERROR;
# plus three oracles on the messages (validator disagreements):
#   - validate_event(): no violation for accepted / duplicate / conflict
#     messages, only the unknown type for unknown_type, and for a rejected
#     message exactly the errors the inbox stored (limits, timestamp and
#     "carries no event" rejections come from the pipeline, not from the
#     schemas, and are left out);
#   - event_types.schema(t): jsonb_matches_schema(schema(t), m) gives the
#     same verdict as validate_event() for a message m of the one type t;
#   - no crash: psql losing its connection or a "terminated by signal" line
#     in the server log fails the run; the crashing case is then found by
#     replaying the chunk one case at a time and saved in the work directory.
# Prints the count per outcome and "fuzz: N passed, N failed" (cases) last;
# exits non-zero on any failure.
#
# Server: by default builds and installs the extension (make install, as
# scripts/test.sh does; NO_INSTALL=1 skips it) and runs its own cluster
# (initdb as user postgres in a temporary directory).  FUZZ_EXTERNAL_SERVER=1
# uses the server named by the PG* environment instead (the extension must be
# installed there), FUZZ_SERVER_LOG naming its log file for crash detection
# (scripts/sanitize.sh does this).  PGBIN names the server binaries
# (default /usr/lib/postgresql/15/bin).  KEEP=1 keeps the work directory
# (it is kept anyway when a case failed: the failing chunks' cases are in it).
set -uo pipefail
cd "$(dirname "$0")/.."
# PGBIN: the server binaries to use (a private install tree, say)
export PATH="${PGBIN:-/usr/lib/postgresql/15/bin}:$PATH"

seed=${FUZZ_SEED:-20261123}
cases=${FUZZ_CASES:-100000}
chunk=${FUZZ_CHUNK:-5000}
while [ $# -gt 0 ]; do
	case $1 in
		--seed) seed=$2; shift 2 ;;
		--cases) cases=$2; shift 2 ;;
		--chunk) chunk=$2; shift 2 ;;
		*) echo "usage: $0 [--seed S] [--cases N] [--chunk C]" >&2; exit 2 ;;
	esac
done
[ "$chunk" -gt "$cases" ] && chunk=$cases
nchunks=$(( (cases + chunk - 1) / chunk ))

work=$(mktemp -d /tmp/et-fuzz.XXXXXX)
chmod 755 "$work"
own_server=""
cleanup() {
	if [ -n "$own_server" ]; then
		runuser -u postgres -- "$(command -v pg_ctl)" -D "$work/data" -m immediate -w stop >/dev/null 2>&1
	fi
	jobs -p | xargs -r kill 2>/dev/null
	if [ -z "${KEEP:-}" ] && [ ! -s "$work/problems.tsv" ]; then
		rm -rf "$work"
	else
		echo "fuzz: work directory kept: $work"
	fi
}
trap cleanup EXIT

# --- server -----------------------------------------------------------------
if [ -n "${FUZZ_EXTERNAL_SERVER:-}" ]; then
	log=${FUZZ_SERVER_LOG:-/dev/null}
else
	if [ -z "${NO_INSTALL:-}" ]; then
		make -s >/dev/null && make -s install >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }
	fi
	mkdir -p "$work/data" "$work/sock" "$work/log"
	chown postgres: "$work/data" "$work/sock" "$work/log"
	runuser -u postgres -- "$(command -v initdb)" -D "$work/data" -A trust -U postgres >"$work/initdb.log" 2>&1 ||
		{ cat "$work/initdb.log"; exit 1; }
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >>"$work/data/postgresql.conf" <<-EOF
		listen_addresses = ''
		port = $port
		unix_socket_directories = '$work/sock'
		fsync = off
		log_line_prefix = '%m [%p] '
	EOF
	log="$work/log/server.log"
	runuser -u postgres -- "$(command -v pg_ctl)" -D "$work/data" -l "$log" -w start >/dev/null ||
		{ cat "$log"; exit 1; }
	own_server=1
	export PGHOST="$work/sock" PGPORT=$port PGUSER=postgres
fi
db=event_types_fuzz
PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
export PGDATABASE=$db
psql -X -q -c "CREATE EXTENSION event_types" || exit 1

# --- the checks, per chunk --------------------------------------------------
# psql variables: cases (the generated file), out (outcome counts),
# problems (one line per failed case)
cat >"$work/driver.sql" <<'SQL'
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
\i :cases

\i test/fuzz/validate.sql

CREATE FUNCTION pg_temp.ingest(src text, p jsonb, OUT outcome text, OUT errors jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO event_types.inbox (source, payload, tenant) VALUES (src, p, 'fuzz')
	RETURNING status, inbox.errors INTO outcome, errors;
EXCEPTION WHEN OTHERS THEN
	outcome := 'error ' || SQLSTATE || ' ' || SQLERRM;
END $$;

-- validate_event() verdict: valid, unknown (only unknown types), invalid,
-- or 'error SQLSTATE'; with the errors it reported
CREATE FUNCTION pg_temp.verdict(src text, p jsonb, OUT verdict text, OUT errors jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT CASE WHEN count(*) = 0 THEN 'valid'
				WHEN count(*) FILTER (WHERE keyword <> 'event_type') = 0 THEN 'unknown'
				ELSE 'invalid' END,
		   coalesce(jsonb_agg(jsonb_build_object('path', path, 'keyword', keyword, 'message', message)), '[]')
	INTO verdict, errors
	FROM event_types.validate_event(src, p);
EXCEPTION WHEN OTHERS THEN
	verdict := 'error ' || SQLSTATE;
END $$;

-- the one catalogued type of a message, or NULL (mixed, unknown, unreadable)
CREATE FUNCTION pg_temp.single_type(src text, p jsonb) RETURNS event_types.event_type
LANGUAGE sql AS $$
	WITH names AS (
		SELECT CASE src
			WHEN 'gym' THEN CASE WHEN jsonb_typeof(p -> 'payload') = 'array'
				THEN (SELECT CASE WHEN count(DISTINCT i ->> 'type') = 1 THEN min(i ->> 'type') END
					  FROM jsonb_array_elements(p -> 'payload') AS i
					  WHERE jsonb_typeof(i -> 'type') = 'string')
				WHEN p ? 'payload' THEN NULL
				WHEN jsonb_typeof(p -> 'type') = 'string' THEN p ->> 'type' END
			WHEN 'ticketing' THEN CASE WHEN jsonb_typeof(p -> 'metadata' -> 'type') = 'string'
				THEN p -> 'metadata' ->> 'type' END
			WHEN 'court_booking' THEN CASE WHEN jsonb_typeof(p -> 'detail-type') = 'string'
				THEN upper(regexp_replace(p ->> 'detail-type', '([a-z0-9])([A-Z])', '\1_\2', 'g')) END
		END AS name
		WHERE jsonb_typeof(p) = 'object')
	SELECT c.event_type FROM names JOIN event_types.catalog AS c
	  ON c.source = src AND c.name = names.name
$$;

CREATE FUNCTION pg_temp.schema_verdict(t event_types.event_type, p jsonb) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	RETURN CASE WHEN event_types.jsonb_matches_schema(event_types.schema(t), p)
				THEN 'valid' ELSE 'invalid' END;
EXCEPTION WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE;
END $$;

CREATE TEMP TABLE schema_outcome AS
	SELECT id, pg_temp.validate(schema, instance) AS outcome FROM fuzz_schema;
-- the verdicts again, in id order, from a PL/pgSQL call site without an
-- exception block: consecutive calls there reuse one argument address, so
-- a call-site cache that trusts pointers returns the previous schema's
-- program (a bug found by this run) -- the first pass, broken up by
-- errors, rarely shows it
CREATE FUNCTION pg_temp.matches(s jsonb, i jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RETURN event_types.jsonb_matches_schema(s, i);
END $$;
CREATE TEMP TABLE schema_again AS
	SELECT f.id, o.outcome, pg_temp.matches(f.schema, f.instance) AS again
	FROM fuzz_schema AS f JOIN schema_outcome AS o USING (id)
	WHERE o.outcome IN ('valid', 'invalid') ORDER BY f.id;
CREATE TEMP TABLE message_outcome AS
	SELECT m.id, m.source, m.payload, r.outcome, r.errors
	FROM fuzz_message AS m, LATERAL pg_temp.ingest(m.source, m.payload) AS r ORDER BY m.id;
CREATE TEMP TABLE message_check AS
	SELECT m.id, m.outcome, m.errors, v.verdict, v.errors AS verdict_errors,
		   ARRAY(SELECT DISTINCT e ->> 'keyword' FROM jsonb_array_elements(m.errors) AS e) AS keywords,
		   pg_temp.single_type(m.source, m.payload) AS single_type, m.payload
	FROM message_outcome AS m, LATERAL pg_temp.verdict(m.source, m.payload) AS v
	WHERE m.outcome IN ('accepted', 'rejected', 'duplicate', 'conflict', 'unknown_type');

-- outcome counts
\o :out
COPY (
	SELECT 'schema', outcome, count(*) FROM schema_outcome GROUP BY 2
	UNION ALL
	SELECT 'message', CASE WHEN outcome LIKE 'error %' THEN split_part(outcome, ' ', 1) || ' ' ||
		split_part(outcome, ' ', 2) ELSE outcome END, count(*)
	FROM message_outcome GROUP BY 2
	UNION ALL
	SELECT 'message-verdict', verdict, count(*) FROM message_check GROUP BY 2
) TO STDOUT;

-- one line per failed case: kind, id, what
\o :problems
COPY (
	SELECT 'schema', id, 'unexpected outcome: ' || outcome FROM schema_outcome
	WHERE outcome NOT IN ('valid', 'invalid', 'error 22023', 'error 2201B', 'error 54001', 'error 0A000')
	UNION ALL
	SELECT 'schema', id, 'verdict ' || outcome || ' the first time, ' ||
		CASE WHEN again THEN 'valid' ELSE 'invalid' END || ' in the second pass'
	FROM schema_again WHERE again IS DISTINCT FROM (outcome = 'valid')
	UNION ALL
	SELECT 'message', id, 'not stored: ' || outcome FROM message_outcome
	WHERE outcome NOT IN ('accepted', 'rejected', 'duplicate', 'conflict', 'unknown_type')
	UNION ALL
	SELECT 'message', id, 'validate_event says ' || verdict || ' of a message stored as ' ||
		outcome || ': ' || left(verdict_errors::text, 300)
	FROM message_check
	WHERE (outcome IN ('accepted', 'duplicate', 'conflict') AND verdict <> 'valid')
	   OR (outcome = 'unknown_type' AND verdict <> 'unknown')
	   OR (outcome = 'rejected' AND verdict <> 'invalid'
		   AND NOT keywords && ARRAY['limits', 'timestamp', 'event_type', 'source'])
	UNION ALL
	SELECT 'message', id, 'validate_event errors differ from the stored ones: ' ||
		left(verdict_errors::text, 300) || ' vs ' || left(errors::text, 300)
	FROM message_check
	WHERE outcome = 'rejected' AND verdict = 'invalid'
	  AND NOT keywords && ARRAY['limits', 'timestamp', 'event_type', 'source']
	  AND NOT (verdict_errors @> errors AND errors @> verdict_errors)
	UNION ALL
	SELECT 'message', id, 'schema(' || single_type || ') says ' || sv ||
		', validate_event says ' || verdict
	FROM (SELECT *, pg_temp.schema_verdict(single_type, payload) AS sv
		  FROM message_check
		  WHERE single_type IS NOT NULL AND verdict IN ('valid', 'invalid')) AS x
	WHERE sv <> verdict
	ORDER BY 1, 2
) TO STDOUT;
\o
ROLLBACK;
SQL

# replay one chunk case by case, to find the case that crashed the server
find_crasher() {
	local cases_file=$1 tag=$2
	{
		echo "SET client_min_messages = warning;"
		echo "BEGIN;"
		echo "\\i $cases_file"
		echo "\\i test/fuzz/validate.sql"
		sed -n '/^CREATE FUNCTION pg_temp.ingest/,/^END \$\$;$/p' "$work/driver.sql"
		echo "\\o /dev/null"
		awk -F'\t' '/^COPY fuzz_schema/ {s=1; next} /^COPY fuzz_message/ {m=1; next}
			/^\\\.$/ {s=0; m=0; next}
			s {printf "\\echo schema %s\nSELECT pg_temp.validate(schema, instance) FROM fuzz_schema WHERE id = %s;\n", $1, $1}
			m {printf "\\echo message %s\nSELECT pg_temp.ingest(source, payload) FROM fuzz_message WHERE id = %s;\n", $1, $1}' "$cases_file"
		echo "ROLLBACK;"
	} >"$work/replay-$tag.sql"
	wait_ready
	psql -X -q -v ON_ERROR_STOP=1 -f "$work/replay-$tag.sql" >"$work/replay-$tag.out" 2>&1
	local last
	last=$(grep -E '^(schema|message) [0-9]+$' "$work/replay-$tag.out" | tail -1)
	if [ -z "$last" ]; then
		echo "could not replay"
		return
	fi
	if grep -qE 'server closed the connection|terminated abnormally|connection to server was lost' "$work/replay-$tag.out"; then
		local kind=${last% *} id=${last#* }
		awk -F'\t' -v kind="$kind" -v id="$id" '/^COPY fuzz_schema/ {s=1; next} /^COPY fuzz_message/ {m=1; next}
			/^\\\.$/ {s=0; m=0; next}
			((kind == "schema" && s) || (kind == "message" && m)) && $1 == id' "$cases_file" \
			>"$work/crash-$tag-$kind-$id.tsv"
		echo "$kind case $id (saved: $work/crash-$tag-$kind-$id.tsv)"
	else
		echo "did not crash again when replayed case by case (state-dependent?)"
	fi
}

wait_ready() {
	for _ in $(seq 1 120); do
		pg_isready -q && psql -X -q -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

crash_lines() {
	# crash lines in the server log past byte offset $1
	tail -c +$(( $1 + 1 )) "$log" 2>/dev/null |
		grep -E 'terminated by signal|was terminated by exception|server process .* exited with exit code [^01]|PANIC|all server processes terminated' || true
}

gen() {
	local k=$1
	python3 test/fuzz/fuzz.py --seed $(( seed * 1000000 + k )) --cases "$chunk" >"$work/cases-$k.sql.tmp" &&
		mv "$work/cases-$k.sql.tmp" "$work/cases-$k.sql"
}

echo "fuzz: $cases cases in $nchunks chunks of $chunk, seed $seed, work directory $work"
: >"$work/problems.tsv"
: >"$work/counts.tsv"
start=$(date +%s)
gen 0 &
genpid=$!
crashes=0
chunk_errors=0
for ((k = 0; k < nchunks; k++)); do
	wait "$genpid" || { echo "fuzz: generating chunk $k failed" >&2; exit 1; }
	if [ $((k + 1)) -lt "$nchunks" ]; then
		gen $((k + 1)) &
		genpid=$!
	fi
	# after a crash (and the replay that found it) the server recovers first
	wait_ready || { echo "fuzz: server not ready" >&2; exit 1; }
	offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
	t0=$(date +%s)
	psql -X -q -v cases="$work/cases-$k.sql" -v out="$work/counts-$k.tsv" \
		-v problems="$work/problems-$k.tsv" -f "$work/driver.sql" >"$work/chunk-$k.out" 2>&1
	rc=$?
	crash=$(crash_lines "$offset")
	if [ -n "$crash" ] || grep -qE 'server closed the connection|terminated abnormally|connection to server was lost' "$work/chunk-$k.out"; then
		crashes=$((crashes + 1))
		echo "chunk $k (seed $((seed * 1000000 + k))): SERVER CRASH"
		echo "$crash" | head -5
		where=$(find_crasher "$work/cases-$k.sql" "$k")
		echo "  crashing case: $where"
		printf 'crash\t%s\tchunk seed %s: %s\n' "$k" "$((seed * 1000000 + k))" "$where" >>"$work/problems.tsv"
		continue
	fi
	if [ "$rc" -ne 0 ]; then
		chunk_errors=$((chunk_errors + 1))
		echo "chunk $k (seed $((seed * 1000000 + k))): psql failed (rc $rc):"
		tail -5 "$work/chunk-$k.out"
		printf 'chunk\t%s\tchunk seed %s: psql failed: %s\n' "$k" "$((seed * 1000000 + k))" \
			"$(tail -1 "$work/chunk-$k.out")" >>"$work/problems.tsv"
		continue
	fi
	cat "$work/counts-$k.tsv" >>"$work/counts.tsv"
	if [ -s "$work/problems-$k.tsv" ]; then
		sed "s/^/chunk $k (seed $((seed * 1000000 + k))) /" "$work/problems-$k.tsv" >>"$work/problems.tsv"
		cp "$work/cases-$k.sql" "$work/kept-cases-$k.sql"
	fi
	nprob=$(wc -l <"$work/problems-$k.tsv")
	echo "chunk $((k + 1))/$nchunks: $(( $(date +%s) - t0 ))s, $nprob problems"
	rm -f "$work/cases-$k.sql"
done
elapsed=$(( $(date +%s) - start ))

echo
echo "outcomes (cases; message-verdict: validate_event() on the stored messages):"
awk -F'\t' '{n[$1 "\t" $2] += $3} END {for (k in n) print k "\t" n[k]}' "$work/counts.tsv" | sort |
	awk -F'\t' '{printf "  %-16s %-14s %8d\n", $1, $2, $3}'
ran=$(awk -F'\t' '$1 != "message-verdict" {s += $3} END {print s + 0}' "$work/counts.tsv")
nproblems=$(grep -c . "$work/problems.tsv")
if [ "$nproblems" -gt 0 ]; then
	echo
	echo "problems ($nproblems; cases kept in $work):"
	head -50 "$work/problems.tsv"
fi
echo
echo "fuzz: $ran cases ran in ${elapsed}s, $crashes crashes, $chunk_errors failed chunks, $nproblems problems"
failed=$(( nproblems ))
# every chunk must have run: a shortfall (lines over the size limit are
# skipped by fuzz.py, a few per thousand) beyond 5% is a failure too
if [ "$ran" -lt $(( cases * 95 / 100 )) ]; then
	echo "fuzz: only $ran of $cases cases ran"
	failed=$((failed + 1))
fi
echo "fuzz: $(( ran - nproblems > 0 ? ran - nproblems : 0 )) passed, $failed failed"
[ "$failed" -eq 0 ]
