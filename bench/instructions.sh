#!/usr/bin/env bash
# Instructions per ingested message and per validated document, counted by
# callgrind: repeatable to ~0.1% where bench/run.sh's timings move by 10-20%
# between runs on these shared machines, so it is what tells a small change
# from noise.  Not part of the test suite; prints two markdown tables (per
# message / per document; bench/run.sh's CHECK-versus-plain insert) and one
# "INSTRUCTIONS {...}" line.
#
#   bench/instructions.sh                # 40,000 messages, 20,000 documents per kind
#   INSTR_MESSAGES=10000 INSTR_DOCS=5000 bench/instructions.sh
#
# How: a private cluster is filled (benchmark data from gen_data.py), then
# stopped; each measured statement runs in a single-user backend
# (postgres --single) under valgrind --tool=callgrind, once with the work
# and once without it (the pipeline: the same session minus the INSERT;
# validation: the same scan without the validator), and the difference is
# divided by the number of messages or documents.  Every session starts
# from the same stored state.
# Counts are instructions of this machine's build (gcc -O2, PostgreSQL 15
# from Debian); compare counts from the same machine and build only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
scripts/setup.sh
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
bin=/usr/lib/postgresql/15/bin
messages=${INSTR_MESSAGES:-40000}
docs=${INSTR_DOCS:-20000}

make -s && make -s install >/dev/null
work=$(mktemp -d /tmp/event_types_instr.XXXXXX)
chmod 755 "$work"
chown postgres "$work"   # the cluster and callgrind's files live here
trap 'su postgres -c "$bin/pg_ctl -D $work/data stop -m immediate" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

python3 "$here/gen_data.py" "$work/gen" --docs "$docs" --messages "$messages" >/dev/null
chmod -R a+rX "$work/gen"
su postgres -c "$bin/initdb -D $work/data -A trust" >/dev/null
su postgres -c "$bin/pg_ctl -D $work/data -o '-k $work -c listen_addresses=' -l $work/log start -w" >/dev/null
psql="psql -X -q -h $work -U postgres -v ON_ERROR_STOP=1"
$psql -c "CREATE DATABASE instr" >/dev/null
$psql -d instr <<SQL >/dev/null
CREATE EXTENSION event_types;
CREATE TABLE staging (source text, payload jsonb, tenant text);
COPY staging FROM '$work/gen/messages.copy';
SQL
# one table per kind: each session scans only the documents it validates
# (a shared table with a WHERE on the kind left the order of that filter and
# the validator to the planner)
for kind in ticketing_event gym_idle_period court_booking; do
	$psql -d instr -c "CREATE TABLE docs_$kind (doc jsonb)" \
		-c "COPY docs_$kind FROM '$work/gen/docs_$kind.copy'" >/dev/null
done
$psql -d instr -c "VACUUM ANALYZE" >/dev/null
# each kind's built-in schema as event_types.schema() returns it (its
# verdicts come from generated C; schema_<kind>.json is the same schema
# with every reference inlined, which evaluate.c decides)
declare -A builtin=([ticketing_event]=ticketing.EVENT [gym_idle_period]=gym.CONTRACT_IDLE_PERIOD_CREATED
	[court_booking]=court_booking.BOOKING_CREATED_V1)
for kind in ticketing_event gym_idle_period court_booking; do
	$psql -d instr -At -c "SELECT event_types.schema('${builtin[$kind]}')" >"$work/gen/builtin_$kind.json"
done
su postgres -c "$bin/pg_ctl -D $work/data stop -w" >/dev/null

# instructions of one single-user session running the statements in file $1
count() {
	rm -f "$work"/cg.*
	su postgres -c "valgrind --tool=callgrind --callgrind-out-file=$work/cg.%p $bin/postgres --single -D $work/data instr" \
		<"$1" >"$work/single.out" 2>"$work/single.err"
	if grep -q "ERROR:" "$work/single.out" "$work/single.err"; then
		grep -h "ERROR:" "$work/single.out" "$work/single.err" >&2
		exit 1
	fi
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$work"/cg.* | head -1
}
# (instructions with the statements $1 - instructions with $2) / $3
per_unit() {
	local with without
	printf '%s\n' "$1" >"$work/with.sql"
	printf '%s\n' "$2" >"$work/without.sql"
	with=$(count "$work/with.sql")
	without=$(count "$work/without.sql")
	echo $(((with - without) / $3))
}

truncate="TRUNCATE event_types.inbox, event_types.events, event_types.customers, event_types.contracts, event_types.bookings"
pipeline=$(per_unit "$truncate
INSERT INTO event_types.inbox (source, payload, tenant) SELECT * FROM staging" "$truncate" "$messages")
declare -A val val_builtin
for kind in ticketing_event gym_idle_period court_booking; do
	# the schema as a constant, as in bench/run.sh's CHECK constraints; the
	# session without validation scans the same rows and detoasts the same
	# documents (jsonb_typeof), so only the validator's own work is counted
	for file in schema builtin; do
		schema=$(tr '\n' ' ' <"$work/gen/${file}_$kind.json" | sed "s/'/''/g")
		n=$(per_unit \
			"SELECT count(*) FROM docs_$kind WHERE event_types.jsonb_matches_schema('$schema'::jsonb, doc) IS NOT NULL" \
			"SELECT count(*) FROM docs_$kind WHERE jsonb_typeof(doc) IS NOT NULL" \
			"$docs")
		if [ $file = schema ]; then val[$kind]=$n; else val_builtin[$kind]=$n; fi
	done
done

# bench/run.sh's validation section in instructions: an INSERT of the
# documents into a table without and with the CHECK constraint (the table
# is created and dropped in both sessions, so only the INSERT counts).
# Wall-clock ratios on these machines move by +-30% between runs; this one
# does not, and it leaves out the time an insert waits for the disk, which
# the validator does not add to -- so it is the stricter of the two.
declare -A plain check check_builtin
for kind in ticketing_event gym_idle_period court_booking; do
	for variant in plain check check_builtin; do
		case $variant in
			plain) ddl="CREATE TABLE t (doc jsonb)" ;;
			check) file=schema ;;
			check_builtin) file=builtin ;;
		esac
		if [ $variant != plain ]; then
			schema=$(tr '\n' ' ' <"$work/gen/${file}_$kind.json" | sed "s/'/''/g")
			ddl="CREATE TABLE t (doc jsonb CHECK ((event_types.jsonb_matches_schema('$schema'::jsonb, doc)) IS NOT NULL))"
		fi
		n=$(per_unit "$ddl
INSERT INTO t SELECT doc FROM docs_$kind
DROP TABLE t" "$ddl
DROP TABLE t" "$docs")
		case $variant in
			plain) plain[$kind]=$n ;;
			check) check[$kind]=$n ;;
			check_builtin) check_builtin[$kind]=$n ;;
		esac
	done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "| measured | units | instructions per unit |"
echo "|---|---|---|"
echo "| pipeline: INSERT ... SELECT into event_types.inbox | $messages messages | $pipeline |"
for kind in ticketing_event gym_idle_period court_booking; do
	echo "| jsonb_matches_schema, $kind documents | $docs documents | ${val[$kind]} |"
	echo "| jsonb_matches_schema, $kind documents, built-in schema() | $docs documents | ${val_builtin[$kind]} |"
done
echo
echo "| INSERT of $docs documents | plain | with the CHECK | CHECK / plain | with the CHECK, built-in schema() | CHECK / plain, built-in |"
echo "|---|---|---|---|---|---|"
for kind in ticketing_event gym_idle_period court_booking; do
	echo "| $kind | ${plain[$kind]} | ${check[$kind]} | $(ratio "${check[$kind]}" "${plain[$kind]}") | ${check_builtin[$kind]} | $(ratio "${check_builtin[$kind]}" "${plain[$kind]}") |"
done
echo
echo "INSTRUCTIONS {\"pipeline_per_message\": $pipeline, \"validation_per_document\": {\"ticketing_event\": ${val[ticketing_event]}, \"gym_idle_period\": ${val[gym_idle_period]}, \"court_booking\": ${val[court_booking]}}, \"validation_per_document_builtin\": {\"ticketing_event\": ${val_builtin[ticketing_event]}, \"gym_idle_period\": ${val_builtin[gym_idle_period]}, \"court_booking\": ${val_builtin[court_booking]}}, \"check_builtin_over_plain\": {\"ticketing_event\": $(ratio "${check_builtin[ticketing_event]}" "${plain[ticketing_event]}"), \"gym_idle_period\": $(ratio "${check_builtin[gym_idle_period]}" "${plain[gym_idle_period]}"), \"court_booking\": $(ratio "${check_builtin[court_booking]}" "${plain[court_booking]}")}, \"check_over_plain\": {\"ticketing_event\": $(ratio "${check[ticketing_event]}" "${plain[ticketing_event]}"), \"gym_idle_period\": $(ratio "${check[gym_idle_period]}" "${plain[gym_idle_period]}"), \"court_booking\": $(ratio "${check[court_booking]}" "${plain[court_booking]}")}}"
