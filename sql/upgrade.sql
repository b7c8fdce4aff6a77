--
-- The upgrade path, step by step: install the oldest version, use it,
-- ALTER EXTENSION ... UPDATE, and use the old data with the new version.
-- (test/upgrade.sh proves an updated install has the very catalogue of a
-- fresh one; `make updatecheck` runs every suite on an updated install.)
-- The file ends with the extension installed (updated), as the suite expects.
--
SET timezone = 'UTC';
DROP EXTENSION event_types;
CREATE EXTENSION event_types VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'event_types';
SELECT source, target, path FROM pg_extension_update_paths('event_types')
WHERE path IS NOT NULL ORDER BY source, target;

-- 0.1.0 at work: a customer with personal data, a gym customer and a retry
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "f3000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-02T09:12:45Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
	  "customerId": "c-9", "customerNumber": "9", "firstName": "Erika", "lastName": "Mustermann",
	  "advertisingConsent": {"emailConsent": false}}')
RETURNING id, status;
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT 'gym', '{"entityId": 9001, "uuid": "f3000000-0000-4000-8000-000000000002",
	  "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CUSTOMER_CREATED"}]}', 'studio-9'
FROM generate_series(1, 2)
RETURNING id, status;
-- the group roles have no privilege yet, and there is no erasure
SELECT count(*) AS group_roles_used FROM pg_roles r
WHERE r.rolname LIKE 'event\_types\_%'
  AND has_table_privilege(r.oid, 'event_types.inbox', 'INSERT');
SELECT count(*) AS erase_customer FROM pg_proc WHERE proname = 'erase_customer';
CREATE TEMP TABLE before_update AS
	SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM event_types.inbox t) AS inbox,
		   (SELECT md5(string_agg(t::text, ',' ORDER BY source, event_id)) FROM event_types.events t) AS events,
		   (SELECT md5(string_agg(t::text, ',' ORDER BY source, tenant, customer_id)) FROM event_types.customers t) AS customers;

ALTER EXTENSION event_types UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'event_types';

-- the data did not change
SELECT b.inbox = (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM event_types.inbox t) AS inbox_same,
	   b.events = (SELECT md5(string_agg(t::text, ',' ORDER BY source, event_id)) FROM event_types.events t) AS events_same,
	   b.customers = (SELECT md5(string_agg(t::text, ',' ORDER BY source, tenant, customer_id)) FROM event_types.customers t) AS customers_same
FROM before_update b;
-- the 0.2.0 additions work on it: the writer role, erasure
SELECT has_column_privilege('event_types_writer', 'event_types.inbox', 'payload', 'INSERT') AS writer_inserts,
	   has_column_privilege('event_types_writer', 'event_types.inbox', 'status', 'INSERT') AS writer_sets_status;
SELECT event_types.erase_customer('ticketing', '1337', 'c-9') AS documents;
SELECT customer_id, status, first_name, last_name FROM event_types.customers WHERE customer_id = 'c-9';
-- and ingest goes on
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('gym',
	'{"entityId": 9001, "uuid": "f3000000-0000-4000-8000-000000000003",
	  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CUSTOMER_CHECKIN"}]}', 'studio-9')
RETURNING id, status;
SELECT customer_id, status, checkin_count FROM event_types.customers WHERE customer_id = '9001';

-- the tests that follow run on this updated install (the same catalogue
-- as a fresh one), with empty tables
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings, event_types.erasures RESTART IDENTITY;
