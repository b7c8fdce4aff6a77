#!/usr/bin/env bash
# pg_dump / pg_restore round trip of event_types.
#
# Against the server named by the PG* environment (run it inside
# pg_virtualenv, as scripts/test.sh does:  pg_virtualenv test/dump_restore.sh):
#   1. creates a database with the extension and loads every valid fixture
#      plus rejected, duplicate, conflicting, unknown-type and unknown-source
#      messages, a court-booking bare body with hints and a registered schema;
#   2. records an md5 of inbox, events, customers, contracts, bookings and
#      registered_schemas;
#   3. pg_dump -Fc, pg_restore into a new database;
#   4. compares the md5s, checks that the restored inbox rows kept their
#      outcome and were not processed again, and that ingest goes on after the
#      restore (next inbox id, duplicates still recognised, projections equal
#      a rebuild).
# Prints one PASS/FAIL line per check and "dump_restore: N passed, N failed";
# exits non-zero on any failure.  Needs python3 (standard library only).
set -uo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
cd "$(dirname "$0")/.."

src_db=event_types_dump_src
dst_db=event_types_dump_dst
work=$(mktemp -d)
. scripts/checks.sh   # pass, fail, $passed, $failed

cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src_db" \
		-c "DROP DATABASE IF EXISTS $dst_db" >/dev/null 2>&1
	rm -rf "$work"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}
# q DB SQL: one value, no alignment
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# --- 1. source database ------------------------------------------------------
python3 - test/fixtures > "$work/load.sql" <<'PY'
import json, os, sys

root = sys.argv[1]

def lit(v):
    if v is None:
        return "NULL"
    return "'" + str(v).replace("'", "''") + "'"

def row(source, payload, event_type=None, tenant=None, event_id=None, occurred_at=None):
    return "(%s, %s::jsonb, %s, %s, %s, %s::timestamptz)" % (
        lit(source), lit(json.dumps(payload, ensure_ascii=False, sort_keys=True)),
        lit(event_type), lit(tenant), lit(event_id), lit(occurred_at))

rows = []
valid = {}
for source in sorted(os.listdir(os.path.join(root, "valid"))):
    for f in sorted(os.listdir(os.path.join(root, "valid", source))):
        if f.endswith(".json"):
            with open(os.path.join(root, "valid", source, f), encoding="utf-8") as fh:
                msgs = json.load(fh)
            valid[(source, f[:-5])] = msgs
            # gym and court-booking messages carry no tenant: the receiver's hint
            tenant = {"gym": "studio-berlin", "court_booking": "club-2344123"}.get(source)
            rows += [row(source, m, tenant=tenant) for m in msgs]
for f in sorted(os.listdir(os.path.join(root, "invalid"))):
    if f.endswith(".json"):
        with open(os.path.join(root, "invalid", f), encoding="utf-8") as fh:
            for c in json.load(fh):
                rows.append(row(f[:-5], c["message"], event_type=c.get("event_type")))

# webhook retries (duplicates) of a few valid messages
for key in [("gym", "CUSTOMER_CREATED"), ("ticketing", "ORDER"), ("court_booking", "BOOKING_CREATED_V1")]:
    tenant = {"gym": "studio-berlin", "court_booking": "club-2344123"}.get(key[0])
    rows.append(row(key[0], valid[key][0], tenant=tenant))
# same event id, other content: a conflict
m = json.loads(json.dumps(valid[("gym", "CUSTOMER_CHECKOUT")][0]))
m["payload"][0]["timestamp"] += 60000
rows.append(row("gym", m, tenant="studio-berlin"))
# types the catalogue does not know yet, and a source it does not know
m = json.loads(json.dumps(valid[("gym", "CUSTOMER_CREATED")][0]))
m["uuid"] = "0b7d7c2e-5a55-4d2b-9d53-3c2f0e0c9a01"
m["payload"][0]["type"] = "CUSTOMER_LOYALTY_TIER_CHANGED"
rows.append(row("gym", m, tenant="studio-berlin"))
m = json.loads(json.dumps(valid[("ticketing", "EVENT")][0]))
m["metadata"]["traceId"] = "6f1d4a8e-2c3b-4e5f-8a9b-0c1d2e3f4a5b"
m["metadata"]["type"] = "SEASON_PASS"
rows.append(row("ticketing", m))
rows.append(row("crm", {"id": 1, "type": "LEAD_CREATED"}))
# a court-booking bare body, typed and identified by the receiver's hints
body = valid[("court_booking", "BOOKING_CREATED_V1")][0]["detail"]
body = json.loads(json.dumps(body))
body["booking"]["bookingId"] = "1249001"
rows.append(row("court_booking", body, event_type="BOOKING_CREATED_V1", tenant="club-2344123",
                event_id="bare-1249001", occurred_at="2024-07-03T08:00:00Z"))

print("INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at) VALUES")
print(",\n".join(rows) + ";")
print("""SELECT event_types.register_schema('https://example.com/schemas/address.json',
  '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["city"], "properties": {"city": {"type": "string"}}}'::jsonb);""")
PY

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src_db" -c "DROP DATABASE IF EXISTS $dst_db" >/dev/null
if psql -X -q -d postgres -c "CREATE DATABASE $src_db" >/dev/null &&
	q "$src_db" "CREATE EXTENSION event_types" >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$src_db" -f "$work/load.sql" >/dev/null; then
	pass "source database loaded ($(q "$src_db" "SELECT count(*) FROM event_types.inbox") messages)"
else
	fail "source database could not be loaded"
	finish dump_restore
fi

# Every status must be represented, or the round trip proves little.
statuses=$(q "$src_db" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
	FROM (SELECT status, count(*) AS n FROM event_types.inbox GROUP BY status) s")
echo "     inbox: $statuses"
check "every inbox status present before the dump" 5 \
	"$(q "$src_db" "SELECT count(DISTINCT status) FROM event_types.inbox")"

# md5 of a table's rows in key order: every column, generated ones included
digest_sql() {
	cat <<SQL
SELECT 'inbox', md5(coalesce(string_agg(t::text, E'\n' ORDER BY id), '')) FROM event_types.inbox t
UNION ALL SELECT 'events', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, event_id), '')) FROM event_types.events t
UNION ALL SELECT 'customers', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, customer_id), '')) FROM event_types.customers t
UNION ALL SELECT 'contracts', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, contract_id), '')) FROM event_types.contracts t
UNION ALL SELECT 'bookings', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, booking_id), '')) FROM event_types.bookings t
UNION ALL SELECT 'registered_schemas', md5(coalesce(string_agg(t::text, E'\n' ORDER BY uri), '')) FROM event_types.registered_schemas t;
SQL
}
counts_sql="SELECT (SELECT count(*) FROM event_types.inbox) || ' ' ||
	(SELECT count(*) FROM event_types.events) || ' ' ||
	(SELECT count(*) FROM event_types.customers) || ' ' ||
	(SELECT count(*) FROM event_types.contracts) || ' ' ||
	(SELECT count(*) FROM event_types.bookings) || ' ' ||
	(SELECT count(*) FROM event_types.registered_schemas)"
# one line per table: "<table>|<md5>"; fixed time zone so the text forms match
digest() { PGTZ=UTC psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$(digest_sql)"; }

digest "$src_db" > "$work/before.md5"
before_counts=$(q "$src_db" "$counts_sql")
max_id=$(q "$src_db" "SELECT max(id) FROM event_types.inbox")

# --- 2. dump and restore -------------------------------------------------------
if pg_dump -Fc -d "$src_db" -f "$work/db.dump" 2> "$work/dump.err"; then
	pass "pg_dump -Fc"
else
	fail "pg_dump -Fc: $(cat "$work/dump.err")"
	finish dump_restore
fi
psql -X -q -d postgres -c "CREATE DATABASE $dst_db" >/dev/null
if pg_restore --exit-on-error -d "$dst_db" "$work/db.dump" 2> "$work/restore.err"; then
	pass "pg_restore into a new database"
else
	fail "pg_restore: $(head -5 "$work/restore.err")"
	finish dump_restore
fi
if [ -s "$work/restore.err" ]; then
	fail "pg_restore printed: $(head -5 "$work/restore.err")"
fi

# --- 3. compare ------------------------------------------------------------------
digest "$dst_db" > "$work/after.md5"
while IFS='|' read -r table sum; do
	check "$table identical after restore (md5)" "$sum" \
		"$(grep "^$table|" "$work/after.md5" | cut -d'|' -f2)"
done < "$work/before.md5"
check "row counts identical (inbox events customers contracts bookings registered_schemas)" \
	"$before_counts" "$(q "$dst_db" "$counts_sql")"
check "restored inbox rows kept their status (no row reprocessed to duplicate)" "$statuses" \
	"$(q "$dst_db" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
		FROM (SELECT status, count(*) AS n FROM event_types.inbox GROUP BY status) s")"
check "every event still points at its inbox message" 0 \
	"$(q "$dst_db" "SELECT count(*) FROM event_types.events e
		WHERE NOT EXISTS (SELECT 1 FROM event_types.inbox i WHERE i.id = e.inbox_id AND i.status = 'accepted')")"
check "event types survive the dump as event_type values" \
	"$(q "$src_db" "SELECT string_agg(DISTINCT event_type::text, ',') FROM event_types.events")" \
	"$(q "$dst_db" "SELECT string_agg(DISTINCT event_type::text, ',') FROM event_types.events")"

# --- 4. ingest goes on after the restore ------------------------------------------
new_gym='{"entityId": 1210009999, "uuid": "5a0c2a7e-9f6e-4c47-a1b2-3c4d5e6f7a8b",
  "payload": [{"timestamp": 1717495200000, "type": "CUSTOMER_CREATED"}]}'
check "a new message after restore gets the next inbox id and is accepted" \
	"$((max_id + 1))|accepted" \
	"$(q "$dst_db" "INSERT INTO event_types.inbox (source, payload, tenant)
		VALUES ('gym', '$new_gym', 'studio-berlin') RETURNING id || '|' || status")"
retry=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' \
	test/fixtures/valid/gym/CUSTOMER_CREATED.json)
check "a retry of a message received before the dump is a duplicate" duplicate \
	"$(q "$dst_db" "INSERT INTO event_types.inbox (source, payload, tenant)
		VALUES ('gym', \$j\$$retry\$j\$, 'studio-berlin') RETURNING status")"
check "the new message reached the projections" active \
	"$(q "$dst_db" "SELECT status FROM event_types.customers
		WHERE source = 'gym' AND tenant = 'studio-berlin' AND customer_id = '1210009999'")"
check "registered schema still resolves after restore" t \
	"$(q "$dst_db" "SELECT event_types.jsonb_matches_schema(
		'{\"\$ref\": \"https://example.com/schemas/address.json\"}', '{\"city\": \"Köln\"}')")"
# the restored projections plus the new event equal a replay of the event log
psql -X -q -v ON_ERROR_STOP=1 -d "$dst_db" >/dev/null <<'SQL'
CREATE TABLE live_customers AS SELECT * FROM event_types.customers;
CREATE TABLE live_contracts AS SELECT * FROM event_types.contracts;
CREATE TABLE live_bookings AS SELECT * FROM event_types.bookings;
SELECT event_types.rebuild_projections();
SQL
check "projections after restore equal rebuild_projections()" 0 \
	"$(q "$dst_db" "SELECT
		(SELECT count(*) FROM ((TABLE live_customers EXCEPT TABLE event_types.customers)
			UNION ALL (TABLE event_types.customers EXCEPT TABLE live_customers)) d) +
		(SELECT count(*) FROM ((TABLE live_contracts EXCEPT TABLE event_types.contracts)
			UNION ALL (TABLE event_types.contracts EXCEPT TABLE live_contracts)) d) +
		(SELECT count(*) FROM ((TABLE live_bookings EXCEPT TABLE event_types.bookings)
			UNION ALL (TABLE event_types.bookings EXCEPT TABLE live_bookings)) d)")"

finish dump_restore
