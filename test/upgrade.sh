#!/usr/bin/env bash
# Upgrade path of event_types: from every older version that ships a frozen
# install script (event_types--<old>.sql) to the current one.
#
# Against the server named by the PG* environment, with the current build
# installed (run it inside pg_virtualenv, as scripts/test.sh does:
# pg_virtualenv test/upgrade.sh).  For each older version:
#   1. catalogue: CREATE EXTENSION event_types in one database, CREATE
#      EXTENSION ... VERSION '<old>' and ALTER EXTENSION ... UPDATE in
#      another; the extension's members, every function's definition,
#      settings, owner, privileges and comment, every relation's privileges,
#      row security and comment, every column (type, default, identity,
#      privileges, comment), index, constraint, trigger, policy, sequence,
#      type, comment, initial privilege (what pg_dump compares with), the
#      config-dump tables and the group roles must be identical -- also
#      after enable_tenant_rls();
#   2. data: a database at <old> ingests every fixture plus retries, a
#      conflict, unknown types, an unknown source and a registered schema;
#      after ALTER EXTENSION ... UPDATE the md5 of inbox, events, customers,
#      contracts, bookings and registered_schemas is unchanged, and the new
#      version works on the old data: a writer role ingests (and cannot set
#      a status), a reader reads the projections and not the inbox, tenant
#      row-level security filters, erase_customer() erases a fixture
#      customer everywhere, a retry of an erased message is a duplicate, the
#      projections equal a rebuild, and ingest goes on.
# Prints one PASS/FAIL line per check and "upgrade: N passed, N failed";
# exits non-zero on any failure.
set -uo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
cd "$(dirname "$0")/.."

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" event_types.control)
olds=$(ls event_types--*.sql 2>/dev/null | grep -v -e '--.*--' | sed 's/^event_types--\(.*\)\.sql$/\1/' |
	grep -v -x -F "$current")
fresh_db=event_types_upgrade_fresh
updated_db=event_types_upgrade_updated
data_db=event_types_upgrade_data
work=$(mktemp -d)
. scripts/checks.sh   # pass, fail, $passed, $failed

cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $fresh_db" -c "DROP DATABASE IF EXISTS $updated_db" \
		-c "DROP DATABASE IF EXISTS $data_db" \
		-c "DROP ROLE IF EXISTS regress_upgrade_writer" -c "DROP ROLE IF EXISTS regress_upgrade_reader" >/dev/null 2>&1
	rm -rf "$work"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}
# q DB SQL: one value, no alignment
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# as ROLE DB SQL: run SQL as ROLE, print only errors
as() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$2" -c "SET ROLE $1" -c "$3" 2>&1 >/dev/null; }
recreate() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

if [ -z "$olds" ]; then
	echo "upgrade: no older version ships an install script"
	finish upgrade
fi
make -s test/generated/fixtures.sql >/dev/null || { fail "make test/generated/fixtures.sql"; finish upgrade; }

# --- the catalogue: one line per fact about the extension, sorted ------------
cat > "$work/catalog.sql" <<'SQL'
WITH ext AS (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'event_types'),
members AS (
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_catalog.pg_depend d, ext
	WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
lines(line) AS (
	SELECT 'extension ' || e.extversion || ' relocatable=' || e.extrelocatable || ' config='
		|| coalesce((SELECT string_agg(c::regclass::text || ':' || coalesce(e.extcondition[i], ''), ','
									   ORDER BY c::regclass::text)
					 FROM unnest(e.extconfig) WITH ORDINALITY AS u(c, i)), '')
	FROM pg_catalog.pg_extension e WHERE e.extname = 'event_types'
	UNION ALL
	SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, objsubid) FROM members
	UNION ALL
	SELECT 'function ' || p.oid::regprocedure || E'\n' || pg_catalog.pg_get_functiondef(p.oid)
		|| E'\n  owner=' || p.proowner::regrole || ' leakproof=' || p.proleakproof
		|| ' cost=' || p.procost || ' rows=' || p.prorows
		|| E'\n  acl=' || coalesce(p.proacl::text, 'default')
		|| E'\n  comment=' || coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '')
	FROM pg_catalog.pg_proc p JOIN members m ON m.classid = 'pg_catalog.pg_proc'::regclass AND m.objid = p.oid
	WHERE p.prokind IN ('f', 'p')
	UNION ALL
	SELECT 'relation ' || c.oid::regclass || ' kind=' || c.relkind::text || ' owner=' || c.relowner::regrole
		|| ' persistence=' || c.relpersistence::text || ' rls=' || c.relrowsecurity
		|| ' force_rls=' || c.relforcerowsecurity || ' options=' || coalesce(c.reloptions::text, '')
		|| E'\n  acl=' || coalesce(c.relacl::text, 'default')
		|| E'\n  comment=' || coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '')
		|| CASE WHEN c.relkind = 'v' THEN E'\n  view=' || pg_catalog.pg_get_viewdef(c.oid) ELSE '' END
	FROM pg_catalog.pg_class c JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid
	UNION ALL
	SELECT 'column ' || a.attrelid::regclass || ' ' || pg_catalog.lpad(a.attnum::text, 3) || ' ' || a.attname
		|| ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
		|| ' default=' || coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')
		|| ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
		|| ' collation=' || coalesce(NULLIF(a.attcollation, 0)::regcollation::text, '')
		|| ' acl=' || coalesce(a.attacl::text, '')
		|| ' comment=' || coalesce(pg_catalog.col_description(a.attrelid, a.attnum), '')
	FROM pg_catalog.pg_attribute a
	JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = a.attrelid
	LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	WHERE a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
	FROM pg_catalog.pg_index i JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = i.indrelid
	UNION ALL
	SELECT 'constraint ' || co.conrelid::regclass || ' ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
	FROM pg_catalog.pg_constraint co JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = co.conrelid
	UNION ALL
	SELECT 'trigger ' || pg_catalog.pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
	FROM pg_catalog.pg_trigger t JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = t.tgrelid
	WHERE NOT t.tgisinternal
	UNION ALL
	SELECT 'policy ' || po.schemaname || '.' || po.tablename || ' ' || po.policyname || ' ' || po.permissive
		|| ' roles=' || po.roles::text || ' cmd=' || po.cmd || ' using=' || coalesce(po.qual, '')
		|| ' check=' || coalesce(po.with_check, '')
	FROM pg_catalog.pg_policies po WHERE po.schemaname = 'event_types'
	UNION ALL
	SELECT 'sequence ' || s.seqrelid::regclass || ' ' || s.seqtypid::regtype || ' start=' || s.seqstart
		|| ' increment=' || s.seqincrement || ' max=' || s.seqmax || ' min=' || s.seqmin
		|| ' cache=' || s.seqcache || ' cycle=' || s.seqcycle
	FROM pg_catalog.pg_sequence s JOIN members m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = s.seqrelid
	UNION ALL
	SELECT 'type ' || t.oid::regtype || ' owner=' || t.typowner::regrole || ' acl=' || coalesce(t.typacl::text, 'default')
		|| ' comment=' || coalesce(pg_catalog.obj_description(t.oid, 'pg_type'), '')
	FROM pg_catalog.pg_type t JOIN members m ON m.classid = 'pg_catalog.pg_type'::regclass AND m.objid = t.oid
	UNION ALL
	SELECT 'comment ' || pg_catalog.pg_describe_object(m.classid, m.objid, 0) || ' = ' || d.description
	FROM members m JOIN pg_catalog.pg_description d ON d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0
	WHERE m.classid NOT IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_class'::regclass, 'pg_catalog.pg_type'::regclass)
	UNION ALL
	SELECT 'schema ' || n.nspname || ' owner=' || n.nspowner::regrole || ' acl=' || coalesce(n.nspacl::text, 'default')
		|| ' comment=' || coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), '')
	FROM pg_catalog.pg_namespace n WHERE n.nspname = 'event_types'
	UNION ALL
	SELECT 'init_privs ' || pg_catalog.pg_describe_object(ip.classoid, ip.objoid, ip.objsubid) || ' '
		|| ip.privtype::text || ' ' || ip.initprivs::text
	FROM pg_catalog.pg_init_privs ip JOIN members m ON m.classid = ip.classoid AND m.objid = ip.objoid
	UNION ALL
	SELECT 'role ' || r.rolname || ' login=' || r.rolcanlogin || ' inherit=' || r.rolinherit
		|| ' super=' || r.rolsuper || ' bypassrls=' || r.rolbypassrls
	FROM pg_catalog.pg_roles r WHERE r.rolname IN ('event_types_writer', 'event_types_reader')
)
SELECT line FROM lines ORDER BY line COLLATE "C";
SQL
catalog() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f "$work/catalog.sql"; }
# compare the two catalogues; show the first differences on failure
same_catalog() {
	catalog "$fresh_db" > "$work/fresh.cat" && catalog "$updated_db" > "$work/updated.cat" || {
		fail "$1: catalogue query"; return; }
	if diff "$work/fresh.cat" "$work/updated.cat" > "$work/catalog.diff"; then
		pass "$1 ($(grep -c '^member ' "$work/fresh.cat") members, $(wc -l < "$work/fresh.cat") lines)"
	else
		fail "$1: $(head -20 "$work/catalog.diff")"
	fi
}

# md5 of a table's rows in key order: every column, generated ones included
digest_sql="
SELECT 'inbox', md5(coalesce(string_agg(t::text, E'\n' ORDER BY id), '')) FROM event_types.inbox t
UNION ALL SELECT 'events', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, event_id), '')) FROM event_types.events t
UNION ALL SELECT 'customers', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, customer_id), '')) FROM event_types.customers t
UNION ALL SELECT 'contracts', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, contract_id), '')) FROM event_types.contracts t
UNION ALL SELECT 'bookings', md5(coalesce(string_agg(t::text, E'\n' ORDER BY source, tenant, booking_id), '')) FROM event_types.bookings t
UNION ALL SELECT 'registered_schemas', md5(coalesce(string_agg(t::text, E'\n' ORDER BY uri), '')) FROM event_types.registered_schemas t"
digest() { PGTZ=UTC psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$digest_sql"; }
statuses_sql="SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
	FROM (SELECT status, count(*) AS n FROM event_types.inbox GROUP BY status) s"
# the live projections minus a rebuild, both ways (0 = equal)
rebuild_diff_sql="
CREATE TEMP TABLE live_customers AS SELECT * FROM event_types.customers;
CREATE TEMP TABLE live_contracts AS SELECT * FROM event_types.contracts;
CREATE TEMP TABLE live_bookings AS SELECT * FROM event_types.bookings;
SELECT event_types.rebuild_projections() \\g /dev/null
SELECT (SELECT count(*) FROM ((TABLE live_customers EXCEPT TABLE event_types.customers)
			UNION ALL (TABLE event_types.customers EXCEPT TABLE live_customers)) d) +
	   (SELECT count(*) FROM ((TABLE live_contracts EXCEPT TABLE event_types.contracts)
			UNION ALL (TABLE event_types.contracts EXCEPT TABLE live_contracts)) d) +
	   (SELECT count(*) FROM ((TABLE live_bookings EXCEPT TABLE event_types.bookings)
			UNION ALL (TABLE event_types.bookings EXCEPT TABLE live_bookings)) d);"
rebuild_diff() { printf '%s\n' "$rebuild_diff_sql" | psql -X -q -At -v ON_ERROR_STOP=1 -d "$1"; }

# every fixture, retries, a conflict, unknown types, an unknown source, a
# court-booking bare body with hints, a registered schema
load_sql="
\\i test/generated/fixtures.sql
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, message, CASE source WHEN 'gym' THEN 'studio-berlin' WHEN 'court_booking' THEN 'club-2344123' END
FROM fixture_valid ORDER BY source, name, idx;
INSERT INTO event_types.inbox (source, payload, event_type)
SELECT source, message, event_type FROM fixture_invalid ORDER BY source, idx;
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, message, CASE source WHEN 'gym' THEN 'studio-berlin' WHEN 'court_booking' THEN 'club-2344123' END
FROM fixture_valid WHERE idx = 0 AND name IN ('CUSTOMER_CREATED', 'ORDER', 'BOOKING_CREATED_V1')
ORDER BY source, name;
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, jsonb_set(message, '{payload,0,timestamp}',
						 to_jsonb((message #>> '{payload,0,timestamp}')::bigint + 60000)), 'studio-berlin'
FROM fixture_valid WHERE source = 'gym' AND name = 'CUSTOMER_CHECKOUT' AND idx = 0;
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, jsonb_set(jsonb_set(message, '{payload,0,type}', '\"CUSTOMER_LOYALTY_TIER_CHANGED\"'),
						 '{uuid}', '\"0b7d7c2e-5a55-4d2b-9d53-3c2f0e0c9a01\"'), 'studio-berlin'
FROM fixture_valid WHERE source = 'gym' AND name = 'CUSTOMER_CREATED' AND idx = 0;
INSERT INTO event_types.inbox (source, payload) VALUES ('crm', '{\"id\": 1, \"type\": \"LEAD_CREATED\"}');
INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
SELECT source, jsonb_set(message -> 'detail', '{booking,bookingId}', '\"1249001\"'), 'BOOKING_CREATED_V1',
	   'club-2344123', 'bare-1249001', '2024-07-03T08:00:00Z'
FROM fixture_valid WHERE source = 'court_booking' AND name = 'BOOKING_CREATED_V1' AND idx = 0;
SELECT event_types.register_schema('https://example.com/schemas/address.json',
  '{\"\$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\",
    \"required\": [\"city\"], \"properties\": {\"city\": {\"type\": \"string\"}}}'::jsonb) \\g /dev/null
"

for old in $olds; do
	echo "== from $old to $current"

	# --- 1. the catalogue ---------------------------------------------------------
	recreate "$fresh_db"
	recreate "$updated_db"
	if q "$fresh_db" "CREATE EXTENSION event_types" >/dev/null &&
		q "$updated_db" "CREATE EXTENSION event_types VERSION '$old'" >/dev/null &&
		check "CREATE EXTENSION ... VERSION '$old' installs $old" "$old" \
			"$(q "$updated_db" "SELECT extversion FROM pg_extension WHERE extname = 'event_types'")" &&
		q "$updated_db" "ALTER EXTENSION event_types UPDATE" >/dev/null; then
		check "ALTER EXTENSION event_types UPDATE reaches $current" "$current" \
			"$(q "$updated_db" "SELECT extversion FROM pg_extension WHERE extname = 'event_types'")"
	else
		fail "$old: install or update failed"
		continue
	fi
	same_catalog "$old updated: same catalogue as a fresh $current install"
	q "$fresh_db" "SELECT event_types.enable_tenant_rls()" >/dev/null
	q "$updated_db" "SELECT event_types.enable_tenant_rls()" >/dev/null
	same_catalog "$old updated: same catalogue as a fresh $current install with tenant row-level security on"

	# --- 2. data across the update ------------------------------------------------
	recreate "$data_db"
	if q "$data_db" "CREATE EXTENSION event_types VERSION '$old'" >/dev/null &&
		printf '%s\n' "$load_sql" | psql -X -q -v ON_ERROR_STOP=1 -d "$data_db" >/dev/null; then
		pass "$old: every fixture ingested ($(q "$data_db" "SELECT count(*) FROM event_types.inbox") messages)"
	else
		fail "$old: the fixtures could not be loaded"
		continue
	fi
	statuses=$(q "$data_db" "$statuses_sql")
	echo "     inbox: $statuses"
	check "$old: every inbox status present before the update" 5 \
		"$(q "$data_db" "SELECT count(DISTINCT status) FROM event_types.inbox")"
	digest "$data_db" > "$work/before.md5"
	max_id=$(q "$data_db" "SELECT max(id) FROM event_types.inbox")
	if q "$data_db" "ALTER EXTENSION event_types UPDATE" >/dev/null; then
		pass "$old: ALTER EXTENSION event_types UPDATE with data"
	else
		fail "$old: ALTER EXTENSION event_types UPDATE with data"
		continue
	fi
	digest "$data_db" > "$work/after.md5"
	while IFS='|' read -r table sum; do
		check "$old: $table unchanged by the update (md5)" "$sum" \
			"$(grep "^$table|" "$work/after.md5" | cut -d'|' -f2)"
	done < "$work/before.md5"
	check "$old: projections equal a rebuild after the update" 0 "$(rebuild_diff "$data_db")"

	# the roles on the old data
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_upgrade_writer" \
		-c "DROP ROLE IF EXISTS regress_upgrade_reader" \
		-c "CREATE ROLE regress_upgrade_writer IN ROLE event_types_writer" \
		-c "CREATE ROLE regress_upgrade_reader IN ROLE event_types_reader" >/dev/null
	new_gym='{"entityId": 1210009999, "uuid": "5a0c2a7e-9f6e-4c47-a1b2-3c4d5e6f7a8b",
	  "payload": [{"timestamp": 1717495200000, "type": "CUSTOMER_CREATED"}]}'
	check "$old: a writer ingests a new message after the update" "" \
		"$(as regress_upgrade_writer "$data_db" "INSERT INTO event_types.inbox (source, payload, tenant)
			VALUES ('gym', '$new_gym', 'studio-berlin')")"
	check "$old: ... it gets the next inbox id and is accepted" "$((max_id + 1))|accepted" \
		"$(q "$data_db" "SELECT id || '|' || status FROM event_types.inbox WHERE id = (SELECT max(id) FROM event_types.inbox)")"
	check "$old: ... and reaches the projections" active \
		"$(q "$data_db" "SELECT status FROM event_types.customers
			WHERE source = 'gym' AND tenant = 'studio-berlin' AND customer_id = '1210009999'")"
	check "$old: a writer cannot set a status" "ERROR:  permission denied for table inbox" \
		"$(as regress_upgrade_writer "$data_db" "INSERT INTO event_types.inbox (source, payload, status)
			VALUES ('gym', '{}', 'accepted')")"
	retry=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' \
		test/fixtures/valid/gym/CUSTOMER_CREATED.json)
	as regress_upgrade_writer "$data_db" "INSERT INTO event_types.inbox (source, payload, tenant)
		VALUES ('gym', \$j\$$retry\$j\$, 'studio-berlin')" >/dev/null
	check "$old: a retry of a message received before the update is a duplicate" duplicate \
		"$(q "$data_db" "SELECT status FROM event_types.inbox WHERE id = (SELECT max(id) FROM event_types.inbox)")"
	check "$old: a reader reads the projections" "" \
		"$(as regress_upgrade_reader "$data_db" "SELECT count(*) FROM event_types.customers")"
	check "$old: a reader cannot read the inbox" "ERROR:  permission denied for table inbox" \
		"$(as regress_upgrade_reader "$data_db" "SELECT payload FROM event_types.inbox")"

	# tenant row-level security on the old data
	q "$data_db" "SELECT event_types.enable_tenant_rls()" >/dev/null
	check "$old: tenant row-level security shows a reader its tenant's rows only" "1337" \
		"$(psql -X -q -At -d "$data_db" -c "SET event_types.tenant = '1337'" -c "SET ROLE regress_upgrade_reader" \
			-c "SELECT string_agg(DISTINCT tenant, ',') FROM event_types.events")"
	q "$data_db" "SELECT event_types.disable_tenant_rls()" >/dev/null

	# erasure of a fixture customer (court-booking owner and player)
	before=$(q "$data_db" "SELECT count(*) FROM event_types.inbox WHERE payload::text LIKE '%Lindqvist%'")
	documents=$(q "$data_db" "SELECT event_types.erase_customer('court_booking', 'club-2344123', 'CUST204411')")
	if [ "${documents:-0}" -gt 0 ] && [ "$before" -gt 0 ]; then
		pass "$old: erase_customer() rewrote $documents documents ($before inbox messages named her)"
	else
		fail "$old: erase_customer() rewrote '${documents}' documents ($before inbox messages named her)"
	fi
	check "$old: no personal data of the erased customer left" 0 \
		"$(q "$data_db" "SELECT (SELECT count(*) FROM event_types.inbox WHERE payload::text LIKE '%Lindqvist%' OR errors::text LIKE '%lindqvist%')
			+ (SELECT count(*) FROM event_types.events WHERE content::text LIKE '%Lindqvist%')
			+ (SELECT count(*) FROM event_types.customers t WHERE t::text LIKE '%Lindqvist%')")"
	check "$old: projections equal a rebuild after the erasure" 0 "$(rebuild_diff "$data_db")"
	erased=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' \
		test/fixtures/valid/court_booking/BOOKING_CREATED_V1.json)
	as regress_upgrade_writer "$data_db" "INSERT INTO event_types.inbox (source, payload, tenant)
		VALUES ('court_booking', \$j\$$erased\$j\$, 'club-2344123')" >/dev/null
	check "$old: a retry of an erased message is a duplicate, stored without her data" "duplicate|0" \
		"$(q "$data_db" "SELECT status || '|' || (payload::text LIKE '%Lindqvist%')::int FROM event_types.inbox
			WHERE id = (SELECT max(id) FROM event_types.inbox)")"
done

finish upgrade
