#!/usr/bin/env bash
# Concurrent writers racing on the same events and customers.
#
# Against the server named by the PG* environment (run it inside
# pg_virtualenv, as scripts/test.sh does:  pg_virtualenv test/race.sh).
# Eight pgbench clients insert gym messages drawn at random from a fixed
# pool, one message per transaction, so that the same message -- the same
# event id -- and the same customer arrive in several sessions at once:
#   - a small pool (3,000 messages of 300 customers): nearly every insert is
#     a duplicate of one another session may not have committed yet; the
#     writers' forecasts turn to looking each key up first;
#   - a large pool (60,000 messages of 3,000 customers): mostly new keys at
#     first, so the writers insert first and cancel the insertion when a
#     racing session took the key (src/direct_write.c, EtInsertUnlessTaken()).
# Then checks: no failed transaction; each distinct message accepted once
# and every other copy a duplicate; one event-log row per event id; the
# customers projection equal to rebuild_projections(); every B-tree index of
# the extension consistent with its table (amcheck, heapallindexed); and
# that insertions were cancelled (the insert-first path ran) and keys were
# looked up (the look-first path ran).
# Prints one PASS/FAIL line per check and "race: N passed, N failed"; exits
# non-zero on any failure.  RACE_SECONDS (default 6) per pool.
set -uo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
cd "$(dirname "$0")/.."

db=event_types_race
seconds=${RACE_SECONDS:-6}
work=$(mktemp -d)
. scripts/checks.sh   # pass, fail, $passed, $failed

cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	rm -rf "$work"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
q "CREATE EXTENSION event_types; CREATE EXTENSION amcheck" || exit 1

# race POOL CUSTOMERS TENANT UUID_PREFIX: one pgbench run (event ids are
# unique per source, not per tenant: each pool has its own)
race() {
	cat >"$work/script.sql" <<SQL
\set id random(1, $1)
INSERT INTO event_types.inbox (source, payload, tenant)
VALUES ('gym', jsonb_build_object(
	'entityId', 1210000000 + (:id % $2),
	'uuid', '$4-0000-4000-8000-' || lpad(:id::text, 12, '0'),
	'payload', jsonb_build_array(jsonb_build_object(
		'timestamp', 1717405200000 + :id * 1000,
		'type', (ARRAY['CUSTOMER_CHECKIN', 'CUSTOMER_CHECKOUT', 'CUSTOMER_UPDATED',
					   'CUSTOMER_HOME_STUDIO_UPDATED'])[1 + :id % 4],
		'content', jsonb_build_object('targetStudioId', 1 + :id % 4)))),
	'$3');
SQL
	if pgbench -n -c 8 -j 8 -T "$seconds" -f "$work/script.sql" "$db" >"$work/pgbench.out" 2>&1; then
		pass "$3: pgbench ran ($(sed -n 's/^number of transactions actually processed: //p' "$work/pgbench.out") transactions)"
	else
		fail "$3: pgbench failed: $(grep -m3 -E 'ERROR|abort' "$work/pgbench.out" | tr '\n' ' ')"
	fi
	check "$3: no failed transaction" "0" \
		"$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")"
	check "$3: every message accepted once, every other copy a duplicate" "t" \
		"$(q "SELECT count(DISTINCT payload->>'uuid') = count(*) FILTER (WHERE status = 'accepted')
				 AND count(*) = count(*) FILTER (WHERE status IN ('accepted', 'duplicate'))
				 AND count(*) FILTER (WHERE status = 'duplicate') > 0
			  FROM event_types.inbox WHERE tenant = '$3'")"
	check "$3: one event-log row per event, from an accepted message" "t" \
		"$(q "SELECT (SELECT count(*) FROM event_types.events WHERE tenant = '$3')
				 = (SELECT count(*) FROM event_types.inbox WHERE tenant = '$3' AND status = 'accepted')
				 AND NOT EXISTS (SELECT FROM event_types.events AS e
								 JOIN event_types.inbox AS i ON i.id = e.inbox_id
								 WHERE e.tenant = '$3' AND i.status <> 'accepted')")"
}

race 3000 300 small_pool b0000000
race 60000 3000 large_pool b1000000

# the statistics of the exited pgbench sessions, before anything else runs:
# both orders of the writers' steps ran -- insertions cancelled (insert
# first), and more look-ups of customer keys than cancellations, each of
# which is followed by one (look first)
check "insert first ran: insertions cancelled in events and customers" "t" \
	"$(q "SELECT bool_and(n_tup_del > 0) AND count(*) = 2 FROM pg_stat_user_tables
		  WHERE relid IN ('event_types.events'::regclass, 'event_types.customers'::regclass)")"
check "look first ran: more customer key look-ups than cancelled insertions" "t" \
	"$(q "SELECT idx_scan > n_tup_del FROM pg_stat_user_tables
		  WHERE relid = 'event_types.customers'::regclass")"
check "amcheck: every B-tree index of event_types matches its table" "t" \
	"$(q "SELECT count(*) > 0 AND count(*) = count(bt_index_check(c.oid, true)::text)
		  FROM pg_class AS c JOIN pg_am AS a ON a.oid = c.relam
		  WHERE c.relnamespace = 'event_types'::regnamespace AND c.relkind = 'i'
			AND a.amname = 'btree'")"
check "customers equal rebuild_projections()" "0" \
	"$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
BEGIN;
CREATE TEMP TABLE live ON COMMIT DROP AS SELECT * FROM event_types.customers;
SELECT event_types.rebuild_projections() \g /dev/null
SELECT count(*) FROM ((TABLE live EXCEPT ALL TABLE event_types.customers)
					  UNION ALL (TABLE event_types.customers EXCEPT ALL TABLE live)) AS d;
ROLLBACK;
SQL
)"

finish race
