--
-- Roles and privileges: the receiver (event_types_writer) only inserts
-- messages; analysts (event_types_reader) only read the event log, the
-- projections and the catalogue; PUBLIC gets the catalogue and the
-- validation functions; everything else is the owner's.  The ingest
-- triggers write the event log and the projections as the owner, so a
-- writer needs no privilege on them.  Then tenant row-level security.
--
-- Roles are cluster-wide: the test's own roles are dropped at the end.
--
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings, event_types.erasures RESTART IDENTITY;

-- the two group roles CREATE EXTENSION creates when missing
SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolbypassrls
FROM pg_roles WHERE rolname LIKE 'event\_types\_%' ORDER BY rolname;

--
-- What each role may do, from the catalogue
--
-- PUBLIC: the schema, the catalogue, the registered schemas -- no table with user data
SELECT c.relname, c.relkind,
	   has_table_privilege('public', c.oid, 'SELECT') AS public_select,
	   has_table_privilege('event_types_writer', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE') AS writer_any,
	   has_table_privilege('event_types_reader', c.oid, 'SELECT') AS reader_select,
	   has_table_privilege('event_types_reader', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS reader_write
FROM pg_class c
WHERE c.relnamespace = 'event_types'::regnamespace AND c.relkind IN ('r', 'v', 'S')
ORDER BY c.relname;
SELECT has_schema_privilege('public', 'event_types', 'USAGE') AS public_usage,
	   has_schema_privilege('public', 'event_types', 'CREATE') AS public_create;
-- the writer's inbox columns: payload and hints in, nothing out
SELECT attname,
	   has_column_privilege('event_types_writer', 'event_types.inbox', attname, 'INSERT') AS writer_insert,
	   has_column_privilege('event_types_writer', 'event_types.inbox', attname, 'SELECT') AS writer_select,
	   has_column_privilege('event_types_reader', 'event_types.inbox', attname, 'SELECT') AS reader_select
FROM pg_attribute
WHERE attrelid = 'event_types.inbox'::regclass AND attnum > 0
ORDER BY attnum;
-- functions PUBLIC may not call: administration and trigger functions
SELECT p.oid::regprocedure AS not_for_public
FROM pg_proc p
WHERE p.pronamespace = 'event_types'::regnamespace
  AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY p.oid::regprocedure::text COLLATE "C";
-- SECURITY DEFINER: none; the ingest triggers act as their owner in C
-- (src/owner.c), with a fixed search_path for the SQL they run
SELECT p.oid::regprocedure, p.prosecdef, p.proconfig
FROM pg_proc p
WHERE p.pronamespace = 'event_types'::regnamespace AND p.prosecdef
ORDER BY p.oid::regprocedure::text COLLATE "C";

--
-- The receiver
--
CREATE ROLE regress_receiver IN ROLE event_types_writer;
CREATE ROLE regress_analyst IN ROLE event_types_reader;
CREATE ROLE regress_stranger;
SET ROLE regress_receiver;
-- messages and hints go in; the trigger validates, logs and projects
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000001",
	  "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CUSTOMER_CREATED"}]}',
	'studio-1');
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "d2000000-0000-4000-8000-000000000001",
	               "occurredAt": "2024-11-02T09:12:45Z", "version": "1.0", "tenant": "1337",
	               "type": "CUSTOMER"},
	  "customerId": "c-1", "customerNumber": "100234", "firstName": "Erika",
	  "lastName": "Mustermann", "advertisingConsent": {"emailConsent": false}}');
COPY event_types.inbox (source, payload, tenant) FROM stdin;
court_booking	{"id": "d3000000-0000-4000-8000-000000000001", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z", "detail": {"owner": {"customerId": "CUST1", "firstName": "Anna"}, "booking": {"bookingId": "B1", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:30:00Z", "courtId": "C4", "courtName": "Padel 2"}, "players": [{"customerId": "CUST1", "isCustomer": true}], "facility": {"facilityId": "F1", "facilityName": "Club"}}}	club-1
\.
-- it may check a message before sending it
SELECT * FROM event_types.validate_event('gym', '{"entityId": 3001}');
-- it cannot set what the trigger sets: a status given in advance would skip
-- validation (restored rows keep theirs), an id or time would lie
INSERT INTO event_types.inbox (source, payload, status) VALUES ('gym', '{}', 'accepted');
INSERT INTO event_types.inbox (source, payload, errors) VALUES ('gym', '{}', '[]');
INSERT INTO event_types.inbox (id, source, payload) VALUES (1000, 'gym', '{}');
INSERT INTO event_types.inbox (source, payload, received_at) VALUES ('gym', '{}', now());
-- nor read anything back, not even its own row (RETURNING needs SELECT)
INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}') RETURNING id, status;
SELECT count(*) FROM event_types.inbox;
-- with on_invalid = 'error' it learns of a rejection from the INSERT itself
SET event_types.on_invalid = 'error';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{"uuid": 5}');
RESET event_types.on_invalid;
-- the inbox is append-only for everyone; the writer cannot even try
UPDATE event_types.inbox SET tenant = 'other';
DELETE FROM event_types.inbox;
-- no direct access to the event log or the projections
SELECT count(*) FROM event_types.events;
INSERT INTO event_types.customers (source, tenant, customer_id, status, checkin_count, checked_in)
VALUES ('gym', 'studio-1', '3001', 'deleted', 0, false);
UPDATE event_types.customers SET status = 'deleted';
DELETE FROM event_types.bookings;
TRUNCATE event_types.contracts;
-- nor any administration
SELECT event_types.reprocess(1);
SELECT event_types.rebuild_projections();
SELECT event_types.erase_customer('gym', 'studio-1', '3001');
SELECT event_types.register_schema('https://example.com/s.json', '{}');
SELECT event_types.enable_tenant_rls();
RESET ROLE;

-- what its messages did (as the owner sees it)
SELECT id, source, tenant, status, errors FROM event_types.inbox ORDER BY id;
SELECT source, tenant, customer_id, status, first_name FROM event_types.customers
ORDER BY source, tenant, customer_id;
SELECT source, tenant, booking_id, status FROM event_types.bookings;

--
-- The analyst
--
SET ROLE regress_analyst;
SELECT source, tenant, customer_id, status, first_name FROM event_types.customers
ORDER BY source, tenant, customer_id;
SELECT source, event_type, tenant FROM event_types.events ORDER BY source;
SELECT count(*) AS bookings FROM event_types.bookings;
SELECT count(*) AS contracts FROM event_types.contracts;
SELECT event_type, projection FROM event_types.catalog WHERE name = 'CUSTOMER_CREATED';
SELECT event_types.jsonb_matches_schema(event_types.schema('ticketing.CUSTOMER'), '{}');
-- the inbox keeps personal data as received: no access to any of it
SELECT payload FROM event_types.inbox;
SELECT count(*) FROM event_types.inbox;
SELECT count(*) FROM event_types.erasures;
-- and read-only
INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}');
UPDATE event_types.customers SET first_name = 'Eve';
SELECT event_types.erase_customer('gym', 'studio-1', '3001');
RESET ROLE;

--
-- Anyone else (PUBLIC): the catalogue and the validation functions only
--
SET ROLE regress_stranger;
SELECT count(*) > 60 AS catalogued FROM event_types.catalog;
SELECT count(*) AS violations FROM event_types.validate_event('gym', '{"entityId": 1}');
SELECT count(*) FROM event_types.events;
SELECT count(*) FROM event_types.customers;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}');
RESET ROLE;

--
-- Tenant row-level security: event_types_reader sees the rows of the tenant
-- in event_types.tenant only; the setting is the superuser's to give (for a
-- login role: ALTER ROLE ... SET event_types.tenant = '...').
--
SELECT event_types.enable_tenant_rls();
SELECT c.relname, c.relrowsecurity, p.polname, p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid)
FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
WHERE c.relnamespace = 'event_types'::regnamespace AND c.relkind = 'r'
  AND (c.relrowsecurity OR p.polname IS NOT NULL)
ORDER BY c.relname;
-- no tenant set: no rows
SET ROLE regress_analyst;
SHOW event_types.tenant;
SELECT source, tenant, customer_id FROM event_types.customers;
-- a reader cannot choose its tenant
SET event_types.tenant = '1337';
RESET ROLE;
-- given a tenant, it sees that tenant's rows only
SET event_types.tenant = '1337';
SET ROLE regress_analyst;
SELECT source, tenant, customer_id FROM event_types.customers;
SELECT source, tenant FROM event_types.events;
RESET ROLE;
SET event_types.tenant = 'club-1';
SET ROLE regress_analyst;
SELECT source, tenant, booking_id FROM event_types.bookings;
SELECT source, tenant, customer_id FROM event_types.customers;
SELECT source, tenant FROM event_types.events;
RESET ROLE;
-- the owner, and so the ingest triggers, are not filtered: a writer's message
-- of another tenant still reaches the projections
SET ROLE regress_receiver;
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('gym',
	'{"entityId": 3002, "uuid": "d1000000-0000-4000-8000-000000000002",
	  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CUSTOMER_CREATED"}]}',
	'studio-2');
RESET ROLE;
SELECT source, tenant, customer_id, status FROM event_types.customers
ORDER BY source, tenant, customer_id;
-- the switch is a row of a dumped table, so pg_restore turns it back on
SELECT enabled, enabled_by = current_user AS by_me FROM event_types.tenant_rls;
SELECT event_types.disable_tenant_rls();
SELECT count(*) AS policies FROM pg_policy WHERE polrelid IN
	('event_types.events'::regclass, 'event_types.customers'::regclass,
	 'event_types.contracts'::regclass, 'event_types.bookings'::regclass);
SET ROLE regress_analyst;
SELECT source, tenant, customer_id FROM event_types.customers ORDER BY source, tenant, customer_id;
RESET ROLE;
RESET event_types.tenant;

DROP ROLE regress_receiver, regress_analyst, regress_stranger;
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings, event_types.erasures RESTART IDENTITY;
