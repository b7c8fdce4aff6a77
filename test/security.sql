-- Security contract (0.2.0): the group roles and exactly what each may do
-- (table, column and function privileges, 42501 for the rest), the
-- SECURITY DEFINER surface (the two ingest triggers, owned by a superuser,
-- each with a fixed search_path, as every SQL and PL/pgSQL function), and
-- that a writer who shadows objects -- tables named like ours, functions,
-- operators, types and a "C" collation of its own, temporary objects, a
-- hostile search_path and session settings -- gets exactly the outcome of a
-- plain writer: the same statuses, errors, events and projections for every
-- fixture.  Then the erasure guarantees a writer relies on.
-- The readable examples are in sql/privileges.sql and sql/erasure.sql.
-- Needs test/generated/fixtures.sql (made by `make prove`).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;
SET timezone = 'UTC';
\i test/generated/fixtures.sql

SELECT plan(128);

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
SELECT has_role('event_types_writer');
SELECT has_role('event_types_reader');
SELECT is((SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls
		   FROM pg_roles WHERE rolname = r), false, r || ' is a plain NOLOGIN group role')
FROM unnest(ARRAY['event_types_writer', 'event_types_reader']) AS r;

-- ---------------------------------------------------------------------------
-- Table and column privileges
-- ---------------------------------------------------------------------------
SELECT table_privs_are('event_types', t, 'event_types_reader', ARRAY['SELECT'],
					   'event_types_reader may only SELECT ' || t)
FROM unnest(ARRAY['events', 'customers', 'contracts', 'bookings', 'catalog']) AS t;
SELECT table_privs_are('event_types', t, 'event_types_reader', ARRAY[]::name[],
					   'event_types_reader has no privilege on ' || t)
FROM unnest(ARRAY['inbox', 'erasures', 'tenant_rls']) AS t;
SELECT table_privs_are('event_types', t, 'event_types_writer', ARRAY[]::name[],
					   'event_types_writer has no table-wide privilege on ' || t)
FROM unnest(ARRAY['inbox', 'events', 'customers', 'contracts', 'bookings', 'erasures', 'tenant_rls']) AS t;
SELECT column_privs_are('event_types', 'inbox', c, 'event_types_writer', ARRAY['INSERT'],
						'event_types_writer may only INSERT inbox.' || c)
FROM unnest(ARRAY['source', 'payload', 'event_type', 'tenant', 'event_id', 'occurred_at']) AS c;
SELECT column_privs_are('event_types', 'inbox', c, 'event_types_writer', ARRAY[]::name[],
						'event_types_writer cannot touch the trigger''s inbox.' || c)
FROM unnest(ARRAY['id', 'received_at', 'status', 'errors', 'processed_at']) AS c;
SELECT column_privs_are('event_types', 'inbox', 'payload', 'event_types_reader', ARRAY[]::name[],
						'event_types_reader cannot read inbox payloads');
-- PUBLIC: nothing on tables with user data, no CREATE in the schema
SELECT is_empty($$
	SELECT c.oid::regclass::text FROM pg_class c
	WHERE c.relnamespace = 'event_types'::regnamespace AND c.relkind IN ('r', 'S', 'p')
	  AND c.relname NOT IN ('registered_schemas')
	  AND has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
$$, 'PUBLIC has no privilege on any table or sequence but registered_schemas');
SELECT ok(NOT has_table_privilege('public', 'event_types.registered_schemas', 'INSERT, UPDATE, DELETE, TRUNCATE'),
		  'PUBLIC may only read registered_schemas');
SELECT ok(has_table_privilege('public', 'event_types.catalog', 'SELECT'), 'PUBLIC may read the catalog');
SELECT ok(NOT has_schema_privilege('public', 'event_types', 'CREATE'), 'PUBLIC cannot create objects in the schema');

-- ---------------------------------------------------------------------------
-- Function privileges
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE admin_functions (f name, args name[]);
INSERT INTO admin_functions VALUES
	('reprocess', ARRAY['bigint']), ('reprocess_inbox', ARRAY['text[]']),
	('rebuild_projections', ARRAY[]::name[]), ('erase_customer', ARRAY['text', 'text', 'text']),
	('enable_tenant_rls', ARRAY[]::name[]), ('disable_tenant_rls', ARRAY[]::name[]),
	('register_schema', ARRAY['text', 'jsonb']), ('unregister_schema', ARRAY['text']),
	('inbox_ingest', ARRAY[]::name[]), ('inbox_flush', ARRAY[]::name[]),
	('inbox_guard', ARRAY[]::name[]), ('registry_changed', ARRAY[]::name[]),
	('tenant_rls_changed', ARRAY[]::name[]);
SELECT function_privs_are('event_types', f, args, r, ARRAY[]::name[],
						  r || ' cannot call ' || f || '()')
FROM admin_functions, unnest(ARRAY['event_types_writer', 'event_types_reader']) AS r;
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p JOIN admin_functions a
	  ON p.proname = a.f AND p.pronamespace = 'event_types'::regnamespace
	WHERE has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'PUBLIC cannot call the administrative and trigger functions');
SELECT function_privs_are('event_types', 'validate_event', ARRAY['text', 'jsonb', 'text'], r, ARRAY['EXECUTE'],
						  r || ' may call validate_event()')
FROM unnest(ARRAY['event_types_writer', 'event_types_reader']) AS r;
SELECT function_privs_are('event_types', f, args, 'event_types_reader', ARRAY['EXECUTE'],
						  'event_types_reader may call ' || f || '()')
FROM (VALUES ('jsonb_matches_schema', ARRAY['jsonb', 'jsonb']::name[]),
			 ('validation_errors', ARRAY['jsonb', 'jsonb']::name[]),
			 ('schema', ARRAY['event_types.event_type']::name[])) AS v(f, args);

-- ---------------------------------------------------------------------------
-- Acting as the owner, and search_path
-- ---------------------------------------------------------------------------
-- The ingest triggers write as their owner without being SECURITY DEFINER
-- (src/owner.c): the C code switches identity itself.  What a writer gains
-- from that is tested below (it writes the event log and projections it
-- has no privilege on, and nothing of the switch outlives a trigger call).
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'event_types'::regnamespace AND p.prosecdef
$$, 'no function is SECURITY DEFINER');
SELECT ok((SELECT bool_and(r.rolsuper) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
		   WHERE p.oid IN ('event_types.inbox_ingest()'::regprocedure, 'event_types.inbox_flush()'::regprocedure)),
		  'the ingest trigger functions, which act as their owner, are owned by a superuser (the installing role)');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.oid IN ('event_types.inbox_ingest()'::regprocedure, 'event_types.inbox_flush()'::regprocedure)
	  AND (has_function_privilege('public', p.oid, 'EXECUTE')
		   OR has_function_privilege('event_types_writer', p.oid, 'EXECUTE'))
$$, 'and nobody else may attach them to a table');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
	WHERE p.pronamespace = 'event_types'::regnamespace
	  AND l.lanname IN ('sql', 'plpgsql')
	  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
$$, 'every SQL and PL/pgSQL function has SET search_path = pg_catalog, pg_temp');
SELECT cmp_ok((SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
			   WHERE p.pronamespace = 'event_types'::regnamespace AND l.lanname IN ('sql', 'plpgsql')),
			  '>=', 6::bigint, 'and there are such functions to check');

-- ---------------------------------------------------------------------------
-- What the roles may and may not do (SQLSTATE 42501)
-- ---------------------------------------------------------------------------
CREATE ROLE regress_sec_writer IN ROLE event_types_writer;
CREATE ROLE regress_sec_reader IN ROLE event_types_reader;
CREATE ROLE regress_sec_attacker IN ROLE event_types_writer;
CREATE SCHEMA evil AUTHORIZATION regress_sec_attacker;
-- the test's own inputs, readable by its roles
GRANT SELECT ON fixture_valid, fixture_invalid TO PUBLIC;

SET ROLE regress_sec_writer;
SELECT lives_ok($$ INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
	VALUES ('gym', '{"entityId": 7001, "uuid": "f1000000-0000-4000-8000-000000000001",
			  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_CREATED"}]}',
			NULL, 'sec', NULL, NULL) $$, 'a writer inserts a message with its hints');
SELECT lives_ok($$ SELECT * FROM event_types.validate_event('gym', '{}') $$, 'a writer may validate');
SELECT throws_ok(format($$ INSERT INTO event_types.inbox (source, payload, %I) VALUES ('gym', '{}', %s) $$, c, v),
				 '42501', 'permission denied for table inbox', 'a writer cannot set inbox.' || c)
FROM (VALUES ('status', $$'accepted'$$), ('errors', $$'[]'$$), ('processed_at', 'now()'),
			 ('id', '1'), ('received_at', 'now()')) AS x(c, v);
SELECT throws_ok($$ INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}') RETURNING id $$,
				 '42501', NULL, 'a writer cannot read back what it inserted');
SELECT throws_ok($$ SELECT count(*) FROM event_types.inbox $$, '42501', NULL, 'a writer cannot read the inbox');
SELECT throws_ok($$ UPDATE event_types.inbox SET status = 'accepted' $$, '42501', NULL, 'a writer cannot update the inbox');
SELECT throws_ok($$ SELECT count(*) FROM event_types.events $$, '42501', NULL, 'a writer cannot read the event log');
SELECT throws_ok($$ INSERT INTO event_types.events VALUES ('gym', 'x', 'gym.CUSTOMER_CREATED', '', NULL, now(), '{}', 1) $$,
				 '42501', NULL, 'a writer cannot write the event log');
SELECT throws_ok($$ UPDATE event_types.customers SET status = 'deleted' $$, '42501', NULL, 'a writer cannot change a projection');
SELECT throws_ok($$ DELETE FROM event_types.bookings $$, '42501', NULL, 'a writer cannot delete from a projection');
SELECT throws_ok(format('SELECT event_types.%I(%s)', f, a), '42501', NULL, 'a writer cannot call ' || f || '()')
FROM (VALUES ('reprocess', '1'), ('rebuild_projections', ''), ('erase_customer', $$'gym', '', '1'$$),
			 ('enable_tenant_rls', ''), ('register_schema', $$'https://example.com/x', '{}'$$)) AS x(f, a);
SELECT throws_ok($$ SET session_replication_role = replica $$, '42501', NULL,
				 'a writer cannot switch the ingest triggers off (session_replication_role)');
SELECT throws_ok($$ SET event_types.tenant = 'other' $$, '42501', NULL, 'a writer cannot set event_types.tenant');
RESET ROLE;
SELECT is((SELECT status FROM event_types.inbox WHERE payload ->> 'uuid' = 'f1000000-0000-4000-8000-000000000001'),
		  'accepted', 'the writer''s message was processed');
SELECT is((SELECT status FROM event_types.customers WHERE source = 'gym' AND tenant = 'sec' AND customer_id = '7001'),
		  'active', 'its projection change was written, as the owner, though the writer has no privilege on customers');

SET ROLE regress_sec_attacker;
-- attaching the SECURITY DEFINER trigger to one's own table would write
-- the event log as the owner
-- (a writer cannot even copy the inbox's definition: LIKE needs SELECT)
CREATE TABLE evil.inbox (id bigint, received_at timestamptz, source text, payload jsonb,
						 event_type text, tenant text, event_id text, occurred_at timestamptz,
						 status text, errors jsonb, processed_at timestamptz);
SELECT throws_ok($$ CREATE TRIGGER steal BEFORE INSERT ON evil.inbox
					FOR EACH ROW EXECUTE FUNCTION event_types.inbox_ingest() $$,
				 '42501', NULL,
				 'nobody but the owner can attach inbox_ingest() to another table');
SELECT throws_ok($$ CREATE TRIGGER steal AFTER INSERT ON evil.inbox
					FOR EACH STATEMENT EXECUTE FUNCTION event_types.inbox_flush() $$,
				 '42501', NULL,
				 'nor inbox_flush()');
SELECT throws_ok($$ CREATE TABLE event_types.shadow (id int) $$, '42501', NULL,
				 'a writer cannot create objects in the extension''s schema');
RESET ROLE;

SET ROLE regress_sec_reader;
SELECT lives_ok($$ SELECT count(*) FROM event_types.customers $$, 'a reader reads the projections');
SELECT lives_ok($$ SELECT count(*) FROM event_types.events $$, 'a reader reads the event log');
SELECT throws_ok($$ SELECT payload FROM event_types.inbox $$, '42501', NULL, 'a reader cannot read inbox payloads');
SELECT throws_ok($$ SELECT count(*) FROM event_types.erasures $$, '42501', NULL, 'a reader cannot read the erasures');
SELECT throws_ok($$ INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}') $$, '42501', NULL,
				 'a reader cannot insert messages');
SELECT throws_ok($$ UPDATE event_types.customers SET first_name = 'x' $$, '42501', NULL, 'a reader cannot change a projection');
SELECT throws_ok($$ SELECT event_types.erase_customer('gym', '', '1') $$, '42501', NULL, 'a reader cannot erase');
SELECT throws_ok($$ SET event_types.tenant = 'other' $$, '42501', NULL, 'a reader cannot choose its tenant');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Shadowing attacks do not change what the trigger does.
--
-- The same messages -- every valid and every broken fixture, retries,
-- conflicts, two court-booking owners at the same instant whose event ids
-- differ only in letter case (the tie is broken by a bytewise COLLATE "C"
-- comparison), and a payload whose error quotes a value -- are inserted
-- once by a plain writer and once by a writer who has set up, in its own
-- schema first on its search_path: tables named like the extension's, a
-- "C" collation of its own that sorts case-insensitively, functions and
-- operators named like the built-ins the pipeline uses, a type named text;
-- temporary tables and functions named like ours and the built-ins; and
-- hostile DateStyle, standard_conforming_strings and format_assertion.
-- Both runs start from the same state (savepoints) and must give the same
-- inbox outcomes, events and projections.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE sec_messages (n serial, source text, payload jsonb, event_type text,
								tenant text, event_id text, occurred_at timestamptz);
INSERT INTO sec_messages (source, payload, tenant)
SELECT source, message, 'sec' FROM fixture_valid ORDER BY source, name, idx;
INSERT INTO sec_messages (source, payload, event_type, tenant)
SELECT source, message, event_type, 'sec' FROM fixture_invalid ORDER BY source, idx;
-- retries and a conflict
INSERT INTO sec_messages (source, payload, tenant)
SELECT source, message, 'sec' FROM fixture_valid WHERE idx = 0 AND name IN ('CUSTOMER_CREATED', 'ORDER', 'BOOKING_CREATED_V1');
INSERT INTO sec_messages (source, payload, tenant)
SELECT source, jsonb_set(message, '{payload,0,timestamp}', to_jsonb((message #>> '{payload,0,timestamp}')::bigint + 60000)), 'sec'
FROM fixture_valid WHERE source = 'gym' AND name = 'CUSTOMER_CHECKOUT' AND idx = 0;
-- the same owner at the same instant under event ids that differ in case
INSERT INTO sec_messages (source, payload, event_type, tenant, event_id, occurred_at)
SELECT 'court_booking',
	   jsonb_build_object('owner', jsonb_build_object('customerId', 'S1', 'firstName', f, 'email', f || '@example.com'),
						  'booking', jsonb_build_object('bookingId', 'SB' || id, 'startTime', '2024-07-05T17:00:00Z',
														'endTime', '2024-07-05T18:00:00Z', 'courtId', 'C1', 'courtName', 'One'),
						  'players', '[]'::jsonb,
						  'facility', jsonb_build_object('facilityId', 'F1', 'facilityName', 'Club')),
	   'BOOKING_CREATED_V1', 'sec', id, '2024-07-01T09:00:00Z'
FROM (VALUES ('A-2', 'Zed'), ('a-1', 'Amy')) AS v(id, f);
-- one message per statement, as a receiver sends them; their projection
-- changes meet in the table's upsert, not in memory
CREATE FUNCTION pg_temp.send_all() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	m record;
BEGIN
	FOR m IN SELECT * FROM pg_temp.sec_messages ORDER BY n LOOP
		INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
		VALUES (m.source, m.payload, m.event_type, m.tenant, m.event_id, m.occurred_at);
	END LOOP;
END
$$;
GRANT SELECT ON sec_messages TO PUBLIC;
-- everything the messages produced, as one digest (ids and processing times aside)
CREATE FUNCTION pg_temp.outcome() RETURNS text LANGUAGE sql AS $$
	SELECT md5(string_agg(x, E'\n' ORDER BY x COLLATE "C")) FROM (
		SELECT 'inbox ' || i.source || ' ' || coalesce(i.tenant, '') || ' ' || i.status || ' '
			   || coalesce(i.errors::text, '') || ' ' || i.payload::text
		FROM event_types.inbox i
		UNION ALL SELECT 'event ' || e.source || ' ' || e.event_id || ' ' || e.event_type::text || ' ' || e.tenant
			   || ' ' || coalesce(e.entity_id, '') || ' ' || e.occurred_at::text || ' ' || e.content::text
		FROM event_types.events e
		UNION ALL SELECT 'customer ' || t::text FROM event_types.customers t
		UNION ALL SELECT 'contract ' || t::text FROM event_types.contracts t
		UNION ALL SELECT 'booking ' || t::text FROM event_types.bookings t) d(x)
$$;

SAVEPOINT plain_run;
SET ROLE regress_sec_writer;
SELECT pg_temp.send_all();
RESET ROLE;
SELECT pg_temp.outcome() AS plain_outcome,
	   (SELECT count(DISTINCT status) FROM event_types.inbox) AS plain_kinds,
	   (SELECT first_name FROM event_types.customers WHERE source = 'court_booking' AND tenant = 'sec' AND customer_id = 'S1') AS plain_s1,
	   (SELECT string_agg(status || '=' || n, ' ' ORDER BY status) FROM
			(SELECT status, count(*) AS n FROM event_types.inbox GROUP BY status) s) AS plain_statuses
\gset
ROLLBACK TO SAVEPOINT plain_run;

SAVEPOINT attack_run;
SET ROLE regress_sec_attacker;
CREATE TABLE evil.events (source text, event_id text, event_type text, tenant text, entity_id text,
						  occurred_at timestamptz, content jsonb, inbox_id bigint);
CREATE TABLE evil.customers (source text, tenant text, customer_id text, first_name text);
CREATE TABLE evil.contracts (source text, tenant text, contract_id text);
CREATE TABLE evil.bookings (source text, tenant text, booking_id text);
CREATE TABLE evil.erasures (source text, tenant text, customer_id text);
CREATE COLLATION evil."C" (provider = icu, locale = 'und');
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::pg_catalog.timestamptz $$;
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS $$ SELECT $1[1] $$;
CREATE FUNCTION evil.array_cat(anyarray, anyarray) RETURNS anyarray LANGUAGE sql AS $$ SELECT $1 $$;
CREATE FUNCTION evil.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT 42::pg_catalog.int8 $$;
CREATE FUNCTION evil.jsonb_path_exists(jsonb, jsonpath, jsonb) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION evil.tsgt(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql AS $$ SELECT false $$;
CREATE FUNCTION evil.int4plus(int, int) RETURNS int LANGUAGE sql AS $$ SELECT 0 $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE OPERATOR evil.> (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.tsgt);
CREATE OPERATOR evil.+ (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.int4plus);
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (VALUE IS NULL);
CREATE TEMP TABLE events (source text, event_id text);
CREATE TEMP TABLE customers (source text, tenant text, customer_id text);
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::pg_catalog.timestamptz $$;
CREATE FUNCTION pg_temp.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS $$ SELECT $1[1] $$;
SET search_path = evil, pg_temp, pg_catalog;
SET DateStyle = 'SQL, DMY';
SET standard_conforming_strings = off;
SET event_types.format_assertion = off;
SELECT pg_temp.send_all();
RESET ROLE;
RESET ALL;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT pg_temp.outcome() AS attack_outcome,
	   (SELECT first_name FROM event_types.customers WHERE source = 'court_booking' AND tenant = 'sec' AND customer_id = 'S1') AS attack_s1,
	   (SELECT string_agg(status || '=' || n, ' ' ORDER BY status) FROM
			(SELECT status, count(*) AS n FROM event_types.inbox GROUP BY status) s) AS attack_statuses,
	   (SELECT count(*) FROM evil.events) + (SELECT count(*) FROM evil.customers)
	   + (SELECT count(*) FROM evil.bookings) + (SELECT count(*) FROM evil.contracts) AS evil_rows
\gset
ROLLBACK TO SAVEPOINT attack_run;

SELECT is(:'plain_kinds'::int, 5, 'the plain run gave every status: ' || :'plain_statuses');
SELECT is(:'plain_s1'::text, 'Amy', 'the event ids'' tie is broken bytewise: a-1 > A-2');
SELECT is(:'attack_statuses'::text, :'plain_statuses', 'the shadowing writer''s messages got the same statuses');
SELECT is(:'attack_s1'::text, :'plain_s1', 'its collation "C" did not decide the tie');
SELECT is(:'evil_rows'::int, 0, 'nothing was written to its shadow tables');
SELECT is(:'attack_outcome'::text, :'plain_outcome',
		  'the same inbox outcomes, errors, events and projections, byte for byte');

-- ---------------------------------------------------------------------------
-- Nothing of the owner's identity or search_path outlives a trigger call:
-- the rows of one statement that are computed after earlier rows' triggers
-- ran -- and after the flush in the middle of the statement, at 10,000
-- pending projection rows -- still see the writer and its search_path.
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.who() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT current_user || ' ' || pg_catalog.current_setting('search_path') $$;
SAVEPOINT identity_run;
SET ROLE regress_sec_writer;
SET search_path = public, pg_temp;
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT 'gym', jsonb_build_object('entityId', 900000 + i,
								 'uuid', format('f3000000-0000-4000-8000-%s', lpad(i::text, 12, '0')),
								 'payload', jsonb_build_array(jsonb_build_object('timestamp', 1717405200000,
																				 'type', 'CUSTOMER_CREATED'))),
	   pg_temp.who()
FROM generate_series(1, 10050) AS i;
SELECT current_setting('search_path') AS after_path \gset
SELECT throws_ok($$ SELECT count(*) FROM event_types.inbox $$, '42501', NULL,
				 'after 10,050 messages in one statement the writer is still itself');
RESET ROLE;
RESET search_path;
SELECT is(:'after_path'::text, 'public, pg_temp', '... with its own search_path');
SELECT results_eq($$ SELECT tenant COLLATE "default", count(*) FROM event_types.customers
					 WHERE tenant LIKE 'regress%' GROUP BY tenant $$,
				  $$ VALUES ('regress_sec_writer public, pg_temp'::text, 10050::bigint) $$,
				  'every row saw the writer and its search_path, also after the mid-statement flush; all 10,050 customers were written');
-- an error inside the trigger, caught by the writer (a subtransaction),
-- leaves the writer as itself too
SET ROLE regress_sec_writer;
SET search_path = public, pg_temp;
SET event_types.on_invalid = 'error';
SELECT throws_ok($$ INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{}') $$, '23514', NULL,
				 'with on_invalid = error a rejection fails the INSERT, inside the trigger');
SELECT is(current_user::text, 'regress_sec_writer', 'caught, it leaves the writer as itself ...');
SELECT is(current_setting('search_path'), 'public, pg_temp', '... with its own search_path');
RESET event_types.on_invalid;
RESET ROLE;
RESET search_path;
ROLLBACK TO SAVEPOINT identity_run;
-- the row trigger acts as its owner on event_types.inbox only
CREATE TEMP TABLE inbox (LIKE event_types.inbox);
CREATE TRIGGER inbox_ingest BEFORE INSERT ON pg_temp.inbox
	FOR EACH ROW EXECUTE FUNCTION event_types.inbox_ingest();
SELECT throws_ok($$ INSERT INTO pg_temp.inbox (source, payload) VALUES ('gym', '{}') $$, '39P01',
				 'event_types_inbox_ingest() fires only on event_types.inbox, not on "inbox"',
				 'even attached by a superuser, inbox_ingest() works on no other table');
DROP TABLE pg_temp.inbox;

-- ---------------------------------------------------------------------------
-- Erasure
-- ---------------------------------------------------------------------------
SET ROLE regress_sec_writer;
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "f2000000-0000-4000-8000-000000000001", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:00Z",
	  "detail": {"owner": {"customerId": "E1", "firstName": "Erika", "email": "erika@example.com"},
				 "booking": {"bookingId": "EB1", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:00:00Z",
							 "courtId": "C1", "courtName": "One"},
				 "players": [{"customerId": "E1", "isCustomer": true, "firstName": "Erika"}],
				 "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'sec');
RESET ROLE;
CREATE TEMP TABLE retry AS SELECT source, payload, tenant FROM event_types.inbox
WHERE payload ->> 'id' = 'f2000000-0000-4000-8000-000000000001';
GRANT SELECT ON retry TO PUBLIC;

SELECT is(event_types.erase_customer('court_booking', 'sec', 'E1'), 2::bigint,
		  'erase_customer() rewrote the message and its event');
SELECT is_empty($$ SELECT 1 FROM event_types.inbox WHERE payload::text LIKE '%rika%'
				   UNION ALL SELECT 1 FROM event_types.events WHERE content::text LIKE '%rika%'
				   UNION ALL SELECT 1 FROM event_types.customers t WHERE t::text LIKE '%rika%' $$,
				'no personal data of the erased customer is left');
SELECT results_eq($$ SELECT source, tenant, customer_id, documents FROM event_types.erasures $$,
				  $$ VALUES ('court_booking'::text, 'sec'::text, 'E1'::text, 2::bigint) $$,
				  'the erasure is recorded, without personal data');
SELECT throws_ok($$ UPDATE event_types.inbox SET payload = '{}' $$, '0A000', NULL,
				 'after an erasure the inbox payload is append-only again');
-- a retry of the erased message, sent by a writer who cannot read erasures
SET ROLE regress_sec_writer;
INSERT INTO event_types.inbox (source, payload, tenant) SELECT source, payload, tenant FROM pg_temp.retry;
RESET ROLE;
SELECT results_eq($$ SELECT status, payload #>> '{detail,owner,firstName}' FROM event_types.inbox
					 WHERE id = (SELECT max(id) FROM event_types.inbox) $$,
				  $$ VALUES ('duplicate'::text, NULL::text) $$,
				  'a retry of an erased message is a duplicate, stored without the erased data');
-- replay
CREATE TEMP TABLE live_customers AS SELECT * FROM event_types.customers;
SELECT lives_ok($$ SELECT event_types.rebuild_projections() $$, 'rebuild after the erasure');
SELECT bag_eq($$ SELECT * FROM event_types.customers $$, $$ SELECT * FROM live_customers $$,
			  'rebuild_projections() after the erasure gives the erased projections');
-- the guard's permission never outlives a failed erasure
CREATE FUNCTION pg_temp.fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'injected failure'; END $$;
CREATE TRIGGER zz_fail BEFORE UPDATE ON event_types.inbox FOR EACH ROW EXECUTE FUNCTION pg_temp.fail();
INSERT INTO event_types.inbox (source, payload, tenant) SELECT source, payload #- '{detail,owner,customerId}', tenant FROM pg_temp.retry;
SELECT throws_ok($$ SELECT event_types.erase_customer('court_booking', 'sec', 'E1') $$, 'P0001', 'injected failure',
				 'an erasure that fails while updating the inbox ...');
DROP TRIGGER zz_fail ON event_types.inbox;
SELECT throws_ok($$ UPDATE event_types.inbox SET payload = '{}' WHERE id = (SELECT max(id) FROM event_types.inbox) $$,
				 '0A000', NULL, '... leaves the inbox payload append-only');

SELECT * FROM finish();
ROLLBACK;
