-- The ingestion pipeline as a contract: the tables, columns, indexes and
-- triggers the SPEC names; SQLSTATEs of on_invalid = 'error' and of the
-- append-only guard; every valid fixture accepted, every broken one kept as
-- rejected (or unknown_type); every event type with a projection changes it;
-- live projections equal rebuild_projections(); and the order-independence
-- proof: the same event set inserted in many random orders gives the very
-- same projections (md5 of every column of every row) as inserting it in
-- (occurred_at, event_id) order, and as a rebuild.
-- Needs test/generated/fixtures.sql (made by `make prove`).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET search_path = public, event_types;
SET timezone = 'UTC';
\i test/generated/fixtures.sql

SELECT plan(247);

-- ---------------------------------------------------------------------------
-- Tables, columns, indexes, triggers
-- ---------------------------------------------------------------------------
SELECT has_table('event_types', t, 'table event_types.' || t || ' exists')
FROM unnest(ARRAY['inbox', 'events', 'customers', 'contracts', 'bookings']) AS t;

-- every column the SPEC names, with its type
CREATE TEMP TABLE spec_columns (tbl name, col name, typ_schema name, typ text);
INSERT INTO spec_columns VALUES
	('inbox', 'id', 'pg_catalog', 'bigint'),
	('inbox', 'received_at', 'pg_catalog', 'timestamp with time zone'),
	('inbox', 'source', 'pg_catalog', 'text'),
	('inbox', 'payload', 'pg_catalog', 'jsonb'),
	('inbox', 'event_type', 'pg_catalog', 'text'),
	('inbox', 'tenant', 'pg_catalog', 'text'),
	('inbox', 'event_id', 'pg_catalog', 'text'),
	('inbox', 'occurred_at', 'pg_catalog', 'timestamp with time zone'),
	('inbox', 'status', 'pg_catalog', 'text'),
	('inbox', 'errors', 'pg_catalog', 'jsonb'),
	('inbox', 'processed_at', 'pg_catalog', 'timestamp with time zone'),
	('events', 'inbox_id', 'pg_catalog', 'bigint'),
	('events', 'source', 'pg_catalog', 'text'),
	('events', 'event_type', 'event_types', 'event_type'),
	('events', 'event_id', 'pg_catalog', 'text'),
	('events', 'tenant', 'pg_catalog', 'text'),
	('events', 'entity_id', 'pg_catalog', 'text'),
	('events', 'occurred_at', 'pg_catalog', 'timestamp with time zone'),
	('events', 'content', 'pg_catalog', 'jsonb'),
	('customers', 'source', 'pg_catalog', 'text'),
	('customers', 'tenant', 'pg_catalog', 'text'),
	('customers', 'customer_id', 'pg_catalog', 'text'),
	('customers', 'status', 'pg_catalog', 'text'),
	('customers', 'first_name', 'pg_catalog', 'text'),
	('customers', 'last_name', 'pg_catalog', 'text'),
	('customers', 'email', 'pg_catalog', 'text'),
	('customers', 'phone', 'pg_catalog', 'text'),
	('customers', 'city', 'pg_catalog', 'text'),
	('customers', 'country', 'pg_catalog', 'text'),
	('customers', 'date_of_birth', 'pg_catalog', 'date'),
	('customers', 'home_studio_id', 'pg_catalog', 'text'),
	('customers', 'created_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'updated_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'deleted_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'last_checkin_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'last_checkout_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'checkin_count', 'pg_catalog', 'integer'),
	('customers', 'checked_in', 'pg_catalog', 'boolean'),
	('customers', 'last_event_at', 'pg_catalog', 'timestamp with time zone'),
	('customers', 'last_event_type', 'event_types', 'event_type'),
	('contracts', 'source', 'pg_catalog', 'text'),
	('contracts', 'tenant', 'pg_catalog', 'text'),
	('contracts', 'contract_id', 'pg_catalog', 'text'),
	('contracts', 'customer_id', 'pg_catalog', 'text'),
	('contracts', 'main_contract_id', 'pg_catalog', 'text'),
	('contracts', 'kind', 'pg_catalog', 'text'),
	('contracts', 'status', 'pg_catalog', 'text'),
	('contracts', 'idle_periods', 'pg_catalog', 'integer'),
	('contracts', 'created_at', 'pg_catalog', 'timestamp with time zone'),
	('contracts', 'updated_at', 'pg_catalog', 'timestamp with time zone'),
	('contracts', 'cancelled_at', 'pg_catalog', 'timestamp with time zone'),
	('contracts', 'last_event_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'source', 'pg_catalog', 'text'),
	('bookings', 'tenant', 'pg_catalog', 'text'),
	('bookings', 'booking_id', 'pg_catalog', 'text'),
	('bookings', 'kind', 'pg_catalog', 'text'),
	('bookings', 'customer_id', 'pg_catalog', 'text'),
	('bookings', 'status', 'pg_catalog', 'text'),
	('bookings', 'starts_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'ends_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'resource_id', 'pg_catalog', 'text'),
	('bookings', 'resource_name', 'pg_catalog', 'text'),
	('bookings', 'facility_id', 'pg_catalog', 'text'),
	('bookings', 'facility_name', 'pg_catalog', 'text'),
	('bookings', 'total_price', 'pg_catalog', 'numeric'),
	('bookings', 'player_count', 'pg_catalog', 'integer'),
	('bookings', 'created_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'updated_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'cancelled_at', 'pg_catalog', 'timestamp with time zone'),
	('bookings', 'last_event_at', 'pg_catalog', 'timestamp with time zone');
SELECT is((SELECT count(*)::int FROM spec_columns), 70, 'the SPEC names 70 columns');
SELECT has_column('event_types', tbl, col, format('event_types.%s has column %s', tbl, col))
FROM spec_columns ORDER BY tbl, col;
SELECT col_type_is('event_types', tbl, col, typ_schema, typ,
				   format('event_types.%s.%s is %s', tbl, col, typ))
FROM spec_columns ORDER BY tbl, col;
-- tenant is never NULL; the inbox needs source and payload
SELECT col_not_null('event_types', t, 'tenant', 'event_types.' || t || '.tenant is NOT NULL')
FROM unnest(ARRAY['events', 'customers', 'contracts', 'bookings']) AS t;
SELECT col_not_null('event_types', 'inbox', 'source', 'event_types.inbox.source is NOT NULL');
SELECT col_not_null('event_types', 'inbox', 'payload', 'event_types.inbox.payload is NOT NULL');

-- keys and indexes
SELECT col_is_pk('event_types', 'inbox', ARRAY['id']::name[], 'inbox: primary key id');
-- keys: the id first, the source (three values) last -- a B-tree comparison
-- stops at the first column that differs
SELECT col_is_pk('event_types', 'events', ARRAY['event_id', 'source']::name[],
				 'events: unique (source, event_id), indexed id first');
SELECT index_is_unique('event_types', 'events', 'events_pkey', 'events: the (source, event_id) index is unique');
SELECT col_is_pk('event_types', 'customers', ARRAY['customer_id', 'tenant', 'source']::name[],
				 'customers: key (source, tenant, customer_id)');
SELECT col_is_pk('event_types', 'contracts', ARRAY['contract_id', 'tenant', 'source']::name[],
				 'contracts: key (source, tenant, contract_id)');
SELECT col_is_pk('event_types', 'bookings', ARRAY['booking_id', 'tenant', 'source']::name[],
				 'bookings: key (source, tenant, booking_id)');
-- every text column of a key or an index compares bytewise, whatever the
-- database's locale
SELECT is_empty(
	$$ SELECT c.relname, a.attname, a.attcollation::regcollation
	   FROM pg_index AS i
	   JOIN pg_class AS c ON c.oid = i.indrelid
	   JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
	   WHERE c.relnamespace = 'event_types'::regnamespace
		 AND c.relname IN ('events', 'customers', 'contracts', 'bookings')
		 AND a.atttypid = 'text'::regtype AND a.attcollation <> 'pg_catalog."C"'::regcollation $$,
	'key and index columns of the event log and the projections are COLLATE "C"');
SELECT has_index('event_types', 'events', 'events_type_time_idx',
				 ARRAY['event_type', 'occurred_at']::name[], 'events: indexed by type and time');
SELECT has_index('event_types', 'events', 'events_entity_idx',
				 ARRAY['entity_id', 'tenant', 'source', 'occurred_at']::name[], 'events: indexed by entity');
SELECT has_index('event_types', 'events', 'events_inbox_idx', ARRAY['inbox_id']::name[],
				 'events: indexed by inbox message');
SELECT has_index('event_types', 'inbox', 'inbox_attention_idx', ARRAY['status', 'id']::name[],
				 'inbox: messages that need attention are indexed');
SELECT has_index('event_types', 'contracts', 'contracts_customer_idx',
				 ARRAY['customer_id', 'tenant', 'source']::name[], 'contracts: indexed by customer');
SELECT has_index('event_types', 'bookings', 'bookings_customer_idx',
				 ARRAY['customer_id', 'tenant', 'source']::name[], 'bookings: indexed by customer');
SELECT has_index('event_types', 'bookings', 'bookings_starts_idx', ARRAY['starts_at']::name[],
				 'bookings: indexed by start time');

-- triggers: BEFORE INSERT FOR EACH ROW processing, AFTER INSERT FOR EACH
-- STATEMENT projection flush, BEFORE UPDATE OR DELETE guard
SELECT has_trigger('event_types', 'inbox', 'inbox_ingest', 'inbox has the ingest trigger');
SELECT trigger_is('event_types', 'inbox', 'inbox_ingest', 'event_types', 'inbox_ingest',
				  'inbox_ingest runs event_types.inbox_ingest()');
SELECT has_trigger('event_types', 'inbox', 'inbox_guard', 'inbox has the append-only guard');
SELECT trigger_is('event_types', 'inbox', 'inbox_guard', 'event_types', 'inbox_guard',
				  'inbox_guard runs event_types.inbox_guard()');
SELECT results_eq(
	$$ SELECT tgname::text COLLATE "default", pg_get_triggerdef(oid) ~ 'BEFORE INSERT ON event_types.inbox FOR EACH ROW',
			  pg_get_triggerdef(oid) ~ 'BEFORE DELETE OR UPDATE ON event_types.inbox FOR EACH ROW',
			  pg_get_triggerdef(oid) ~ 'AFTER INSERT ON event_types.inbox FOR EACH STATEMENT'
	   FROM pg_trigger WHERE tgrelid = 'event_types.inbox'::regclass AND NOT tgisinternal
	   ORDER BY tgname $$,
	$$ VALUES ('inbox_flush', false, false, true), ('inbox_guard', false, true, false),
	          ('inbox_ingest', true, false, false) $$,
	'the inbox triggers fire at the right time, level and events');

-- ---------------------------------------------------------------------------
-- SQLSTATEs: on_invalid = 'error' (23514), the append-only guard (0A000)
-- ---------------------------------------------------------------------------
SET LOCAL event_types.on_invalid = 'error';
SELECT throws_ok(
	$$ INSERT INTO event_types.inbox (source, payload) VALUES ('gym', '{"entityId": true, "uuid": 5}') $$,
	'23514', 'gym message violates its event schema',
	'on_invalid = error: an invalid message fails the INSERT with 23514');
SELECT throws_ok(
	$$ INSERT INTO event_types.inbox (source, payload) VALUES ('crm', '{}') $$,
	'23514', 'crm message violates its event schema',
	'on_invalid = error: an unknown source fails the INSERT with 23514');
SELECT lives_ok(
	$$ INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
		'{"entityId": 1, "uuid": "90000000-0000-4000-8000-000000000001",
		  "payload": [{"timestamp": 1717405200000, "type": "NOT_A_GYM_TYPE"}]}') $$,
	'on_invalid = error: an unknown type is still stored');
SELECT is((SELECT status FROM event_types.inbox
		   WHERE payload @> '{"uuid": "90000000-0000-4000-8000-000000000001"}'),
		  'unknown_type', '... as unknown_type');
RESET event_types.on_invalid;
SELECT throws_ok(
	$$ UPDATE event_types.inbox SET payload = '{}' $$,
	'0A000', 'event_types.inbox is append-only: column "payload" cannot be changed',
	'the inbox payload cannot be updated');
SELECT throws_ok(
	$$ UPDATE event_types.inbox SET source = 'ticketing' $$,
	'0A000', 'event_types.inbox is append-only: column "source" cannot be changed',
	'the inbox source cannot be updated');
SELECT throws_ok(
	$$ DELETE FROM event_types.inbox $$,
	'0A000', 'event_types.inbox is append-only',
	'inbox rows cannot be deleted');
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings;

-- ---------------------------------------------------------------------------
-- Run SQL in a subtransaction, return what a probe query says about the
-- result, and roll it all back (the probe's text travels in the exception).
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.probe_rolled_back(work text, probe text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		EXECUTE work;
		EXECUTE probe INTO result;
		RAISE EXCEPTION USING ERRCODE = 'ZX001', MESSAGE = coalesce(result, '<null>');
	EXCEPTION WHEN SQLSTATE 'ZX001' THEN
		GET STACKED DIAGNOSTICS result = MESSAGE_TEXT;
	END;
	RETURN result;
END
$$;

-- md5 of every projection (all columns, rows in a fixed order) and of the
-- event log (all columns but inbox_id, which records arrival)
CREATE FUNCTION pg_temp.state_md5() RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' ',
		(SELECT 'customers:' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
		 FROM event_types.customers AS t),
		(SELECT 'contracts:' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
		 FROM event_types.contracts AS t),
		(SELECT 'bookings:' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
		 FROM event_types.bookings AS t),
		(SELECT 'events:' || md5(coalesce(string_agg(r::text, E'\n' ORDER BY r::text), ''))
		 FROM (SELECT source, event_id, event_type, tenant, entity_id, occurred_at, content
			   FROM event_types.events) AS r),
		(SELECT 'not_applied:' || count(*) FROM event_types.inbox
		 WHERE status NOT IN ('accepted', 'duplicate')))
$$;

-- ---------------------------------------------------------------------------
-- Every catalogued event type with a projection changes it (its fixture
-- messages alone, into an empty pipeline); types without one change none
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE type_effect AS
SELECT c.source, c.name, c.projection,
	   pg_temp.probe_rolled_back(
		   format($q$INSERT INTO event_types.inbox (source, payload, event_type)
					 SELECT source, message,
							CASE WHEN source = 'court_booking' AND NOT message ? 'detail-type' THEN name END
					 FROM fixture_valid WHERE source = %L AND name = %L ORDER BY idx$q$, c.source, c.name),
		   $q$SELECT concat_ws(',',
				  (SELECT count(*) FROM event_types.inbox WHERE status <> 'accepted'),
				  (SELECT count(*) FROM event_types.customers),
				  (SELECT count(*) FROM event_types.contracts),
				  (SELECT count(*) FROM event_types.bookings))$q$) AS counts
FROM event_types.catalog AS c;
SELECT is_empty(
	$$ SELECT source, name, counts FROM type_effect WHERE split_part(counts, ',', 1) <> '0' $$,
	'the fixtures of every type are accepted one type at a time');
SELECT is_empty(
	$$ SELECT source, name, projection, counts FROM type_effect
	   WHERE projection IS NOT NULL
		 AND split_part(counts, ',', CASE projection WHEN 'customers' THEN 2
													 WHEN 'contracts' THEN 3 ELSE 4 END)::int = 0 $$,
	'every event type with a projection changes that projection');
SELECT is_empty(
	$$ SELECT source, name, counts FROM type_effect
	   WHERE projection IS NULL AND counts <> '0,0,0,0' $$,
	'event types without a projection feed the event log only');
SELECT cmp_ok((SELECT count(*)::int FROM type_effect WHERE projection IS NOT NULL), '>=', 40,
			  'at least 40 event types have a projection');

-- ---------------------------------------------------------------------------
-- Every broken fixture is kept: rejected, or unknown_type when its only
-- error is an uncatalogued type; nothing of it is applied
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE invalid_outcome AS
SELECT f.source, f.idx, f.description,
	   CASE WHEN jsonb_array_length(f.errors) = 0 THEN NULL
			WHEN NOT EXISTS (SELECT FROM jsonb_array_elements(f.errors) AS e
							 WHERE e->>'keyword' <> 'event_type') THEN 'unknown_type'
			ELSE 'rejected' END AS expected,
	   pg_temp.probe_rolled_back(
		   format($q$INSERT INTO event_types.inbox (source, payload, event_type)
					 VALUES (%L, %L, %L)$q$, f.source, f.message,
				  CASE WHEN f.source = 'court_booking' AND NOT f.message ? 'detail-type' THEN f.event_type END),
		   $q$SELECT status || ' ' || (SELECT count(*) FROM event_types.events WHERE inbox_id = i.id)
			  FROM event_types.inbox AS i ORDER BY id DESC LIMIT 1$q$) AS outcome
FROM fixture_invalid AS f;
SELECT cmp_ok((SELECT count(*)::int FROM invalid_outcome WHERE expected IS NOT NULL), '>=', 40,
			  'at least 40 broken fixture messages');
SELECT is_empty(
	$$ SELECT source, idx, description, expected, outcome FROM invalid_outcome
	   WHERE expected IS NOT NULL AND outcome <> expected || ' 0' $$,
	'every broken fixture message is kept as rejected (or unknown_type), nothing applied');

-- ---------------------------------------------------------------------------
-- The order-independence proof
-- ---------------------------------------------------------------------------
-- The event set: every valid fixture, plus more events for the same
-- customers, contracts and bookings at other times -- a deletion, late
-- arrivals older than what they follow, a retried message and a gym
-- delivery re-sent with one more item.
CREATE TEMP TABLE perm_set (n serial, source text, payload jsonb, event_type text, tenant text,
							event_id text, occurred_at timestamptz);
INSERT INTO perm_set (source, payload, event_type)
SELECT source, message, CASE WHEN source = 'court_booking' AND NOT message ? 'detail-type' THEN name END
FROM fixture_valid ORDER BY source, name, idx;
INSERT INTO perm_set (source, payload, event_type, tenant, event_id, occurred_at) VALUES
	-- gym customer 1210004542 (fixtures: created 06-03 10:00, communication preferences 06-03 09:15)
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000001",
			  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CUSTOMER_UPDATED"}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000002",
			  "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CUSTOMER_HOME_STUDIO_UPDATED",
						   "content": {"targetStudioId": 11}}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000003",
			  "payload": [{"timestamp": "2024-06-06T09:00:00Z", "type": "CUSTOMER_HOME_STUDIO_UPDATED",
						   "content": {"targetStudioId": 12}}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000004",
			  "payload": [{"timestamp": "2024-06-05T08:00:00Z", "type": "CUSTOMER_CHECKIN"},
						  {"timestamp": "2024-06-05T09:30:00Z", "type": "CUSTOMER_CHECKOUT"}]}', NULL, NULL, NULL, NULL),
	-- the same delivery re-sent with one more item
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000004",
			  "payload": [{"timestamp": "2024-06-05T08:00:00Z", "type": "CUSTOMER_CHECKIN"},
						  {"timestamp": "2024-06-05T09:30:00Z", "type": "CUSTOMER_CHECKOUT"},
						  {"timestamp": "2024-06-06T18:00:00Z", "type": "CUSTOMER_CHECKIN"}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000005",
			  "payload": [{"timestamp": "2024-06-07T09:00:00Z", "type": "CUSTOMER_ACCESS_DISABLED"}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000006",
			  "payload": [{"timestamp": "2024-06-08T09:00:00Z", "type": "CUSTOMER_DELETED"}]}', NULL, NULL, NULL, NULL),
	-- older than the deletion
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000007",
			  "payload": [{"timestamp": "2024-06-07T12:00:00Z", "type": "CUSTOMER_UPDATED"}]}', NULL, NULL, NULL, NULL),
	-- the same customer id in another tenant
	('gym', '{"entityId": 1210004542, "uuid": "91000000-0000-4000-8000-000000000008",
			  "payload": [{"timestamp": "2024-06-07T12:00:00Z", "type": "CUSTOMER_CHECKIN"}]}', NULL, 'chain-2', NULL, NULL),
	-- gym contract 1210001201 (fixtures: created, cancelled, idle period 45 opened and closed, modules)
	('gym', '{"entityId": 1210004527, "uuid": "91000000-0000-4000-8000-000000000011",
			  "payload": [{"timestamp": "2024-06-10T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
						   "content": {"contractId": 1210001201, "idlePeriodId": 99}}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004527, "uuid": "91000000-0000-4000-8000-000000000012",
			  "payload": [{"timestamp": "2024-06-11T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
						   "content": {"contractId": 1210001201, "idlePeriodId": 100}}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004527, "uuid": "91000000-0000-4000-8000-000000000013",
			  "payload": [{"timestamp": "2024-06-12T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CANCELLED",
						   "content": {"contractId": 1210001201, "idlePeriodId": 99}}]}', NULL, NULL, NULL, NULL),
	('gym', '{"entityId": 1210004527, "uuid": "91000000-0000-4000-8000-000000000014",
			  "payload": [{"timestamp": "2024-06-13T09:00:00Z", "type": "CONTRACT_UPDATED",
						   "content": {"contractId": 1210001201}}]}', NULL, NULL, NULL, NULL),
	-- gym class booking 1210087348 (fixtures: created 06-03 10:00, cancelled 06-03 09:15)
	('gym', '{"entityId": 1210087348, "uuid": "91000000-0000-4000-8000-000000000021",
			  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CLASS_BOOKING_CANCELLED"}]}', NULL, NULL, NULL, NULL),
	-- court booking 1239981 (fixtures: created 07-01, moved 07-02, cancelled 07-04) moved once more in between
	('court_booking', '{"id": "92000000-move-2", "detail-type": "BookingMovedV1", "timestamp": "2024-07-03T10:00:00Z",
		"detail": {"owner": {"customerId": "CUST204411", "firstName": "Anna", "lastName": "Lindqvist"},
				   "booking": {"bookingId": "1239981", "startTime": "2024-07-06T17:00:00Z",
							   "endTime": "2024-07-06T18:30:00Z", "courtId": "C001", "courtName": "Main Court",
							   "totalPrice": "560.00"},
				   "originalBooking": {"bookingId": "1239981", "startTime": "2024-07-05T18:30:00Z",
									   "endTime": "2024-07-05T20:00:00Z", "courtId": "C004", "courtName": "Padel 2"},
				   "players": [],
				   "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}', NULL, NULL, NULL, NULL),
	-- a booking by CUST204411 older than the owner's deletion (fixture, 08-01): stays erased
	('court_booking', '{"id": "92000000-create-3", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-20T10:00:00Z",
		"detail": {"owner": {"customerId": "CUST204411", "firstName": "Anna", "lastName": "Lindqvist",
							 "email": "anna.lindqvist@example.se", "cellphone": "+46701234567"},
				   "booking": {"bookingId": "1300000", "startTime": "2024-07-25T17:00:00Z",
							   "endTime": "2024-07-25T18:00:00Z", "courtId": "C004", "courtName": "Padel 2"},
				   "players": [{"customerId": "CUST204411", "isCustomer": true}],
				   "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}', NULL, NULL, NULL, NULL),
	-- a bare body with its id and time given by the receiver
	('court_booking', '{"customer": {"customerId": "CUST777"},
		"facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}',
		'CUSTOMER_DELETED_V1', 'club-1', 'receiver-1', '2024-08-05 10:00:00+00'),
	-- ticketing customer erika (fixtures: CUSTOMER 11-02, CUSTOMER_DELETED 11-20): an update in between
	('ticketing', '{"metadata": {"traceId": "93000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-10T10:00:00Z",
							"version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
		"customerId": "rxrn:cx:1337:customer:jg8o46vllzzupz4qpd7plve3", "customerNumber": "100234",
		"firstName": "Erika", "lastName": "Musterfrau", "email": "erika@example.de",
		"advertisingConsent": {"emailConsent": false}}', NULL, NULL, NULL, NULL),
	-- ticketing reservation 87654321 (fixtures: 12-11 booked, 12-20 cancelled): modified in between
	('ticketing', '{"metadata": {"traceId": "93000000-0000-4000-8000-000000000002", "occurredAt": "2024-12-15T10:00:00Z",
							"version": "1.0", "tenant": "1337", "type": "RESERVATION"},
		"reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:jg8o46vllzzupz4qpd7plve3",
		"currency": "EUR", "price": 99.5, "singleTickets": [{"positionId": "POS1"}]}', NULL, NULL, NULL, NULL);
-- and a webhook retry of one fixture message
INSERT INTO perm_set (source, payload, event_type)
SELECT source, payload, event_type FROM perm_set WHERE payload @> '{"uuid": "3ecce515-c900-4bc0-8c7d-ae9d4c7497b8"}';

CREATE FUNCTION pg_temp.load_sql(ord int[]) RETURNS text LANGUAGE sql AS $$
	SELECT format($q$INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
				   SELECT p.source, p.payload, p.event_type, p.tenant, p.event_id, p.occurred_at
				   FROM unnest(%L::int[]) WITH ORDINALITY AS o(n, k) JOIN perm_set AS p USING (n)
				   ORDER BY o.k$q$, ord)
$$;

-- each message's place in (occurred_at, event_id) order: its earliest event
CREATE TEMP TABLE perm_key AS
SELECT n, pg_temp.probe_rolled_back(pg_temp.load_sql(ARRAY[n]),
		$q$SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || event_id
		   FROM event_types.events ORDER BY occurred_at, event_id LIMIT 1$q$) AS sort_key
FROM perm_set;
SELECT is_empty($$ SELECT n FROM perm_key WHERE sort_key = '<null>' $$,
				'every message of the event set logs an event on its own');
SELECT cmp_ok((SELECT count(*)::int FROM perm_set), '>=', 140, 'the event set has at least 140 messages');

-- the orders: sorted, and 40 random permutations (seeded, so reproducible)
CREATE TEMP TABLE perm_order (p int PRIMARY KEY, ord int[]);
INSERT INTO perm_order
SELECT 0, array_agg(n ORDER BY sort_key, n) FROM perm_key;
DO $$ BEGIN PERFORM setseed(0.2024); END $$;
INSERT INTO perm_order
SELECT g.p, (SELECT array_agg(n ORDER BY random()) FROM perm_set WHERE g.p > 0)
FROM generate_series(1, 40) AS g(p);
SELECT is((SELECT count(DISTINCT ord)::int FROM perm_order WHERE p > 0), 40,
		  '40 distinct random permutations');
SELECT is_empty($$ SELECT p FROM perm_order WHERE p > 0 AND ord = (SELECT ord FROM perm_order WHERE p = 0) $$,
				'no permutation is the sorted order');

-- the state after each order, and after a rebuild of the sorted load
CREATE TEMP TABLE perm_state AS
SELECT p, pg_temp.probe_rolled_back(pg_temp.load_sql(ord), 'SELECT pg_temp.state_md5()') AS state
FROM perm_order;
INSERT INTO perm_state
SELECT -1, pg_temp.probe_rolled_back(
	pg_temp.load_sql(ord) || '; SELECT event_types.rebuild_projections()', 'SELECT pg_temp.state_md5()')
FROM perm_order WHERE p = 0;
CREATE TEMP VIEW perm_md5 AS
SELECT p, split_part(state, ' ', 1) AS customers, split_part(state, ' ', 2) AS contracts,
	   split_part(state, ' ', 3) AS bookings, split_part(state, ' ', 4) AS events,
	   split_part(state, ' ', 5) AS not_applied
FROM perm_state;

SELECT is((SELECT not_applied FROM perm_md5 WHERE p = 0), 'not_applied:0',
		  'sorted order: every message accepted or duplicate');
SELECT is_empty($$ SELECT p, not_applied FROM perm_md5 WHERE not_applied <> 'not_applied:0' $$,
				'every order: every message accepted or duplicate (no conflict, nothing rejected)');
SELECT is_empty(
	$$ SELECT r.p, r.customers FROM perm_md5 AS r, perm_md5 AS s
	   WHERE s.p = 0 AND r.p > 0 AND r.customers <> s.customers $$,
	'customers: every permutation gives the md5 of the sorted order');
SELECT is_empty(
	$$ SELECT r.p, r.contracts FROM perm_md5 AS r, perm_md5 AS s
	   WHERE s.p = 0 AND r.p > 0 AND r.contracts <> s.contracts $$,
	'contracts: every permutation gives the md5 of the sorted order');
SELECT is_empty(
	$$ SELECT r.p, r.bookings FROM perm_md5 AS r, perm_md5 AS s
	   WHERE s.p = 0 AND r.p > 0 AND r.bookings <> s.bookings $$,
	'bookings: every permutation gives the md5 of the sorted order');
SELECT is_empty(
	$$ SELECT r.p, r.events FROM perm_md5 AS r, perm_md5 AS s
	   WHERE s.p = 0 AND r.p > 0 AND r.events <> s.events $$,
	'events: every permutation logs the same events');
SELECT is((SELECT customers FROM perm_md5 WHERE p = -1), (SELECT customers FROM perm_md5 WHERE p = 0),
		  'customers: rebuild_projections() gives the md5 of the sorted order');
SELECT is((SELECT contracts FROM perm_md5 WHERE p = -1), (SELECT contracts FROM perm_md5 WHERE p = 0),
		  'contracts: rebuild_projections() gives the md5 of the sorted order');
SELECT is((SELECT bookings FROM perm_md5 WHERE p = -1), (SELECT bookings FROM perm_md5 WHERE p = 0),
		  'bookings: rebuild_projections() gives the md5 of the sorted order');
SELECT is((SELECT count(*)::int FROM perm_state), 42, '40 permutations, the sorted order and a rebuild were loaded');

-- The projections are written row by row in C (src/projections/write.c)
-- unless a table has something only SQL does -- a trigger, say; the
-- set-based INSERT ... ON CONFLICT DO UPDATE writes them then.  Both must
-- give the same rows.  Loaded one message per statement, every later event
-- of a row is merged into the stored row (the update path of either) rather
-- than in memory before the write.
CREATE FUNCTION pg_temp.load_each_sql(ord int[]) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(format($q$INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
				   SELECT source, payload, event_type, tenant, event_id, occurred_at FROM perm_set WHERE n = %s$q$,
							 o.n), '; ' ORDER BY o.k)
	FROM unnest(ord) WITH ORDINALITY AS o(n, k)
$$;
CREATE TEMP TABLE sql_writes (tbl name, op text);
CREATE FUNCTION pg_temp.note_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.sql_writes VALUES (TG_TABLE_NAME, TG_OP);
	RETURN NEW;
END $$;
CREATE TEMP TABLE each_state AS
SELECT p, 'C' AS path,
	   pg_temp.probe_rolled_back(pg_temp.load_each_sql(ord), 'SELECT pg_temp.state_md5()') AS state
FROM perm_order WHERE p <= 5
UNION ALL
SELECT p, 'SQL',
	   pg_temp.probe_rolled_back(
		   $q$CREATE TRIGGER note_write BEFORE INSERT OR UPDATE ON event_types.customers
				FOR EACH ROW EXECUTE FUNCTION pg_temp.note_write();
			  CREATE TRIGGER note_write BEFORE INSERT OR UPDATE ON event_types.bookings
				FOR EACH ROW EXECUTE FUNCTION pg_temp.note_write();
			  CREATE TRIGGER note_write BEFORE INSERT OR UPDATE ON event_types.contracts
				FOR EACH ROW EXECUTE FUNCTION pg_temp.note_write(); $q$ || pg_temp.load_each_sql(ord),
		   $q$SELECT pg_temp.state_md5() || ' sql_updates:' ||
					 (SELECT count(*) FROM pg_temp.sql_writes WHERE op = 'UPDATE')$q$)
FROM perm_order WHERE p <= 5;
SELECT is_empty(
	$$ SELECT e.p, e.path, e.state FROM each_state AS e, perm_md5 AS s
	   WHERE s.p = 0 AND (split_part(e.state, ' ', 1), split_part(e.state, ' ', 2), split_part(e.state, ' ', 3),
						  split_part(e.state, ' ', 4), split_part(e.state, ' ', 5))
					 IS DISTINCT FROM (s.customers, s.contracts, s.bookings, s.events, s.not_applied) $$,
	'one statement per message, 6 orders: the C writer and the SQL upsert both give the md5 of the sorted load');
SELECT is_empty(
	$$ SELECT p, split_part(state, ' ', 6) FROM each_state
	   WHERE path = 'SQL' AND split_part(state, ' ', 6)::text !~ '^sql_updates:[1-9][0-9]+$' $$,
	'with a trigger on each projection, the SQL upsert writes them, with dozens of ON CONFLICT updates');

-- ---------------------------------------------------------------------------
-- The event set loaded for good (sorted order): what the late arrivals
-- left, every valid fixture accepted, live projections = rebuild
-- ---------------------------------------------------------------------------
SELECT lives_ok((SELECT pg_temp.load_sql(ord) FROM perm_order WHERE p = 0), 'the event set loads');
SELECT results_eq(
	$$ SELECT status, home_studio_id, deleted_at, checkin_count, checked_in, last_event_type::text
	   FROM event_types.customers WHERE source = 'gym' AND tenant = '' AND customer_id = '1210004542' $$,
	$$ VALUES ('deleted', '12', '2024-06-08 09:00:00+00'::timestamptz, 2, true, 'gym.CUSTOMER_DELETED') $$,
	'gym customer: deleted stays deleted after an older update; newest home studio; both check-ins counted');
SELECT results_eq(
	$$ SELECT status, first_name, last_name, email, phone
	   FROM event_types.customers WHERE source = 'ticketing' AND customer_id LIKE '%jg8o46vllzzupz4qpd7plve3' $$,
	$$ VALUES ('deleted', NULL::text, NULL::text, NULL::text, NULL::text) $$,
	'ticketing customer: erased by CUSTOMER_DELETED whatever arrived before or after');
SELECT results_eq(
	$$ SELECT tenant, status, first_name, email FROM event_types.customers
	   WHERE source = 'court_booking' AND customer_id = 'CUST204411' ORDER BY tenant $$,
	$$ VALUES ('' COLLATE "C", 'deleted', NULL::text, NULL::text) $$,
	'court customer: a booking older than the deletion arriving after it does not bring the personal fields back');
SELECT results_eq(
	$$ SELECT status, idle_periods, idle_opened, idle_closed FROM event_types.contracts
	   WHERE contract_id = '1210001201' $$,
	$$ VALUES ('idle', 1, ARRAY['100', '1210000045', '99'], ARRAY['1210000045', '99']) $$,
	'contract: one idle period still open');
SELECT results_eq(
	$$ SELECT status, starts_at, resource_id, total_price FROM event_types.bookings
	   WHERE source = 'court_booking' AND booking_id = '1239981' $$,
	$$ VALUES ('cancelled', '2024-07-05 17:00:00+00'::timestamptz, 'C004', 540.00) $$,
	'court booking: the last event (the V2 cancellation) has the last word on times and court');
SELECT results_eq(
	$$ SELECT status, total_price, player_count FROM event_types.bookings
	   WHERE source = 'ticketing' AND booking_id = '87654321' $$,
	$$ VALUES ('cancelled', 99.5, 1) $$,
	'reservation: modified, then cancelled');

SELECT is_empty(
	$$ SELECT f.source, f.name, f.idx FROM fixture_valid AS f
	   WHERE NOT EXISTS (SELECT FROM event_types.inbox AS i
						 WHERE i.source = f.source AND i.payload = f.message) $$,
	'every valid fixture message is in the inbox');
SELECT is_empty(
	$$ SELECT f.source, f.name, f.idx, i.status, i.errors FROM fixture_valid AS f
	   JOIN event_types.inbox AS i ON i.source = f.source AND i.payload = f.message
	   WHERE i.status NOT IN ('accepted', 'duplicate')
		  OR i.status = 'duplicate' AND NOT EXISTS (
			SELECT FROM event_types.inbox AS j
			WHERE j.source = i.source AND j.payload = i.payload AND j.status = 'accepted') $$,
	'every valid fixture message is accepted (its retry is a duplicate)');

CREATE TEMP TABLE live_customers AS SELECT * FROM event_types.customers;
CREATE TEMP TABLE live_contracts AS SELECT * FROM event_types.contracts;
CREATE TEMP TABLE live_bookings AS SELECT * FROM event_types.bookings;
SELECT cmp_ok((SELECT count(*)::int FROM live_customers), '>=', 30, 'customers: at least 30 rows to compare');
SELECT is(event_types.rebuild_projections(), (SELECT count(*) FROM event_types.events),
		  'rebuild_projections() replays every event');
SELECT bag_eq('SELECT * FROM event_types.customers', 'SELECT * FROM live_customers',
			  'customers: rebuild_projections() equals the live table');
SELECT bag_eq('SELECT * FROM event_types.contracts', 'SELECT * FROM live_contracts',
			  'contracts: rebuild_projections() equals the live table');
SELECT bag_eq('SELECT * FROM event_types.bookings', 'SELECT * FROM live_bookings',
			  'bookings: rebuild_projections() equals the live table');

-- ---------------------------------------------------------------------------
-- Duplicates are found through the event log's primary key, not through a
-- plan: a cached plan made with the statistics of a small or just emptied
-- log scanned the whole log for every duplicate.  With index scans off a
-- plan would have to scan; the lookup does not.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE retry_mark AS
	SELECT (SELECT array_agg(id) FROM event_types.inbox) AS ids,
		   (SELECT seq_scan FROM pg_stat_xact_user_tables
			WHERE relid = 'event_types.events'::regclass) AS scans;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
INSERT INTO event_types.inbox (source, payload, event_type, tenant, event_id, occurred_at)
SELECT source, payload, event_type, tenant, event_id, occurred_at
FROM event_types.inbox WHERE status = 'accepted' AND errors IS NULL ORDER BY id LIMIT 25;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT is((SELECT count(*)::int FROM event_types.inbox
		   WHERE NOT EXISTS (SELECT FROM retry_mark WHERE id = ANY (ids)) AND status = 'duplicate'), 25,
		  'retries of 25 accepted messages are duplicates with index scans disabled');
SELECT is((SELECT seq_scan FROM pg_stat_xact_user_tables
		   WHERE relid = 'event_types.events'::regclass) - (SELECT scans FROM retry_mark), 0::bigint,
		  'looking the duplicates up did not scan the event log');

-- open_idle_periods() (C) counts what its definition in SQL counts: the
-- distinct opened ids not closed, NULL elements and NULL arrays included
SELECT setseed(0.42);
CREATE TEMP TABLE idle_cases AS
SELECT g,
	   (SELECT array_agg(CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 12)::text END)
		FROM generate_series(1, g % 7)) AS opened,
	   (SELECT array_agg(CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 12)::text END)
		FROM generate_series(1, g % 5)) AS closed
FROM generate_series(1, 600) AS g;
INSERT INTO idle_cases VALUES (-1, '{}', '{}'), (-2, '{a,a,b}', NULL), (-3, '{1,11,1}', '{11}'),
	(-4, '{{a,b},{c,a}}', '{c}');
SELECT is_empty(
	$$ SELECT g, opened, closed, event_types.open_idle_periods(opened, closed)
	   FROM idle_cases
	   WHERE event_types.open_idle_periods(opened, closed) IS DISTINCT FROM
			 (SELECT count(*)::int FROM (SELECT unnest(opened) EXCEPT SELECT unnest(closed)) AS open) $$,
	'open_idle_periods() equals count(opened EXCEPT closed) on 604 id sets');

-- The event log insert runs without a SQL statement (src/event_log.c) but
-- keeps what the statement would do: CHECK constraints added to the log
-- hold, and a row trigger or an added column sends the insert back to SQL,
-- where the trigger fires once per logged event and the default applies.
-- A gym delivery of one item (the tests below vary these parts only)
CREATE FUNCTION pg_temp.gym_delivery(entity bigint, uuid text, type text,
									 at_ms bigint DEFAULT 1717405200000, content jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('entityId', entity, 'uuid', uuid, 'payload', jsonb_build_array(
		jsonb_build_object('timestamp', at_ms, 'type', type)
		|| CASE WHEN content IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('content', content) END))
$$;
CREATE FUNCTION pg_temp.gym_checkin(uuid text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT pg_temp.gym_delivery(77, uuid, 'CUSTOMER_CHECKIN')
$$;
SELECT throws_ok(
	$$ ALTER TABLE event_types.events ADD CONSTRAINT no_blocked CHECK (tenant <> 'blocked');
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7000000-0000-4000-8000-000000000001'), 'blocked') $$,
	'23514', 'new row for relation "events" violates check constraint "no_blocked"',
	'a CHECK constraint added to the event log is enforced');
SELECT is(pg_temp.probe_rolled_back(
	$$ CREATE TABLE pg_temp.fired (event_id text);
	   CREATE FUNCTION pg_temp.note_fired() RETURNS trigger LANGUAGE plpgsql AS
		 'BEGIN INSERT INTO pg_temp.fired VALUES (NEW.event_id); RETURN NEW; END';
	   CREATE TRIGGER note_fired AFTER INSERT ON event_types.events
		 FOR EACH ROW EXECUTE FUNCTION pg_temp.note_fired();
	   INSERT INTO event_types.inbox (source, payload)
	   SELECT 'gym', pg_temp.gym_checkin(u)
	   FROM unnest(ARRAY['a7000000-0000-4000-8000-000000000002', 'a7000000-0000-4000-8000-000000000003',
						 'a7000000-0000-4000-8000-000000000002']) u $$,
	$$ SELECT string_agg(event_id, ',' ORDER BY event_id) || ' / ' ||
			  (SELECT string_agg(status, ',' ORDER BY id) FROM event_types.inbox
			   WHERE payload->>'uuid' LIKE 'a7000000-%')
	   FROM pg_temp.fired $$),
	'a7000000-0000-4000-8000-000000000002,a7000000-0000-4000-8000-000000000003 / accepted,accepted,duplicate',
	'a row trigger on the event log fires once per logged event, not for the duplicate');
SELECT is(pg_temp.probe_rolled_back(
	$$ ALTER TABLE event_types.events ADD COLUMN note text DEFAULT 'from the default';
	   INSERT INTO event_types.inbox (source, payload)
	   VALUES ('gym', pg_temp.gym_checkin('a7000000-0000-4000-8000-000000000004')) $$,
	$$ SELECT note FROM event_types.events WHERE event_id = 'a7000000-0000-4000-8000-000000000004' $$),
	'from the default',
	'a column added to the event log gets its default');

-- The projections, written without SQL too (src/projections/write.c), keep
-- what the upsert does: constraints added to a projection hold for a new
-- row and for the row a merge makes, an int4 counter that would overflow
-- fails as SQL's + does, and an added column sends the write back to SQL,
-- where its default applies.
SELECT throws_ok(
	$$ ALTER TABLE event_types.customers ADD CONSTRAINT no_blocked CHECK (tenant <> 'blocked');
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000001'), 'blocked') $$,
	'23514', 'new row for relation "customers" violates check constraint "no_blocked"',
	'a CHECK constraint added to a projection is enforced on a new row');
SELECT throws_ok(
	$$ ALTER TABLE event_types.customers ADD CONSTRAINT one_visit CHECK (tenant <> 'visits' OR checkin_count < 2);
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000002'), 'visits');
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000003'), 'visits') $$,
	'23514', 'new row for relation "customers" violates check constraint "one_visit"',
	'... and on the row a merge into a stored row makes (a second check-in)');
SELECT throws_ok(
	$$ INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000004'), 'overflow');
	   UPDATE event_types.customers SET checkin_count = 2147483647 WHERE tenant = 'overflow';
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000005'), 'overflow') $$,
	'22003', 'integer out of range',
	'a check-in counter at the int4 maximum fails with the overflow error of SQL''s +');
SELECT is(pg_temp.probe_rolled_back(
	$$ ALTER TABLE event_types.customers ADD COLUMN note text DEFAULT 'from the default';
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000006'), 'noted') $$,
	$$ SELECT note || ' ' || checkin_count FROM event_types.customers WHERE tenant = 'noted' $$),
	'from the default 1',
	'a column added to a projection gets its default');
SELECT is(pg_temp.probe_rolled_back(
	$$ ALTER TABLE event_types.customers ALTER COLUMN checkin_count TYPE bigint;
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000007'), 'wide');
	   UPDATE event_types.customers SET checkin_count = 2147483647 WHERE tenant = 'wide';
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   VALUES ('gym', pg_temp.gym_checkin('a7100000-0000-4000-8000-000000000008'), 'wide') $$,
	$$ SELECT checkin_count::text FROM event_types.customers WHERE tenant = 'wide' $$),
	'2147483648',
	'a counter the user widened to bigint counts past the int4 maximum (a column of another type '
	'sends the write to SQL; the C writer would store an int4)');

-- The idle period sets of a contract, written in C since the contracts
-- table's generated columns are computed there too: the sorted set of ids
-- (default collation: '10' before '9'), a re-sent creation counted once,
-- the same whether the ids arrive in one statement (merged in memory), one
-- per statement (merged into the stored row), or through the SQL upsert
-- (a trigger on the table) -- and idle_periods and status follow.
CREATE FUNCTION pg_temp.idle_msg(uuid text, type text, period int) RETURNS jsonb LANGUAGE sql AS $$
	SELECT pg_temp.gym_delivery(3901, uuid, type, 1717405200000 + period,
								jsonb_build_object('contractId', 7901, 'idlePeriodId', period))
$$;
CREATE TEMP TABLE idle_load (k int, payload jsonb);
INSERT INTO idle_load VALUES
	(1, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000001', 'CONTRACT_IDLE_PERIOD_CREATED', 9)),
	(2, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000002', 'CONTRACT_IDLE_PERIOD_CREATED', 52)),
	(3, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000003', 'CONTRACT_IDLE_PERIOD_CREATED', 10)),
	(4, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000004', 'CONTRACT_IDLE_PERIOD_CREATED', 52)),
	(5, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000005', 'CONTRACT_IDLE_PERIOD_CANCELLED', 9)),
	(6, pg_temp.idle_msg('a9000000-0000-4000-8000-000000000006', 'CONTRACT_IDLE_PERIOD_CANCELLED', 9));
CREATE FUNCTION pg_temp.idle_state(setup text, one_statement bool) RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.probe_rolled_back(setup || CASE WHEN one_statement
		THEN 'INSERT INTO event_types.inbox (source, payload) SELECT ''gym'', payload FROM idle_load ORDER BY k'
		ELSE (SELECT string_agg(format('INSERT INTO event_types.inbox (source, payload) VALUES (''gym'', %L)',
									   payload), '; ' ORDER BY k) FROM idle_load) END,
		$q$ SELECT format('%s %s %s %s', idle_opened, idle_closed, idle_periods, status)
			FROM event_types.contracts WHERE contract_id = '7901' $q$)
$$;
SELECT is(ARRAY[pg_temp.idle_state('', true), pg_temp.idle_state('', false),
				pg_temp.idle_state('CREATE TRIGGER note_write BEFORE INSERT OR UPDATE ON event_types.contracts
									  FOR EACH ROW EXECUTE FUNCTION pg_temp.note_write(); ', false)],
		  array_fill('{10,52,9} {9} 2 idle'::text, ARRAY[3]),
		  'idle periods: a sorted set, the re-sent creation once, in memory, in the stored row and through SQL');

-- A flush writes its rows sorted by key, in the primary key's column order
-- and bytewise (every session locks rows in one order; rows go into the
-- index in its order): a new table's rows, one statement, lie in that
-- order whatever order the messages came in.
CREATE TEMP TABLE flush_order AS
SELECT pg_temp.probe_rolled_back(
	$q$TRUNCATE event_types.customers;
	   INSERT INTO event_types.inbox (source, payload, tenant)
	   SELECT 'gym', pg_temp.gym_delivery(e, format('ab000000-0000-4000-8000-%s', lpad(e::text, 12, '0')),
										  'CUSTOMER_CHECKIN'),
			'flush_order'
	   FROM unnest(ARRAY[99, 9, 100, 10, 1000, 19]) AS e $q$,
	$q$SELECT string_agg(customer_id, ',' ORDER BY ctid) FROM event_types.customers$q$) AS ids;
SELECT is((SELECT ids FROM flush_order), '10,100,1000,19,9,99',
		  'one flush writes its rows in key order, bytewise (table order of a fresh projection)');

-- Look the key up first, or insert first?  ON CONFLICT's executor always
-- looks first; the direct writers do so only while keys were often taken
-- lately (src/direct_write.c, EtInsertUnlessTaken()), and otherwise let the
-- insertion find a taken key and cancel itself.  What each did shows in the
-- transaction's statistics: a look-up is a scan of the primary key, a
-- cancelled insertion counts as a deleted row.  The outcomes are the same
-- either way (the md5 proofs above load in both modes).
CREATE FUNCTION pg_temp.fc_load(batch int, first int, n int, type text) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO event_types.inbox (source, payload, tenant)
	SELECT 'gym', pg_temp.gym_delivery(880000 + g,
		format('a8%s-0000-4000-8000-%s', lpad(batch::text, 6, '0'), lpad(g::text, 12, '0')),
		type, 1717405200000 + g,
		CASE WHEN type LIKE 'CONTRACT%' THEN jsonb_build_object('contractId', 990000 + g) END),
		'forecast'
	FROM generate_series(first, first + n - 1) g
$$;
-- (event log scans, event log rows cancelled, customers scans, customers rows cancelled)
CREATE FUNCTION pg_temp.fc_counters() RETURNS bigint[] LANGUAGE sql AS $$
	SELECT ARRAY[pg_stat_get_xact_numscans('event_types.events_pkey'::regclass),
				 pg_stat_get_xact_tuples_deleted('event_types.events'::regclass),
				 pg_stat_get_xact_numscans('event_types.customers_pkey'::regclass),
				 pg_stat_get_xact_tuples_deleted('event_types.customers'::regclass)]
$$;
CREATE FUNCTION pg_temp.fc_delta(batch int, first int, n int, type text) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
	before bigint[] := pg_temp.fc_counters();
	after bigint[];
BEGIN
	PERFORM pg_temp.fc_load(batch, first, n, type);
	after := pg_temp.fc_counters();
	RETURN ARRAY[after[1] - before[1], after[2] - before[2], after[3] - before[3], after[4] - before[4]];
END $$;
-- 40 new keys leave both forecasts at "insert first", whatever came before
DO $$ BEGIN PERFORM pg_temp.fc_load(1, 1, 40, 'CUSTOMER_CHECKIN'); END $$;
SELECT is(pg_temp.fc_delta(2, 101, 50, 'CUSTOMER_CHECKIN'), '{0,0,0,0}'::bigint[],
		  '50 new events of 50 new customers: no key looked up first, no insertion cancelled');
CREATE EXTENSION pgstattuple;
CREATE TEMP TABLE fc_mark AS
	SELECT tuple_count + dead_tuple_count AS entries FROM pgstattuple('event_types.events_inbox_idx');
SELECT is(pg_temp.fc_delta(2, 101, 50, 'CUSTOMER_CHECKIN'), '{100,4,0,0}'::bigint[],
		  '50 retries: the first 4 inserted and cancelled, the rest looked up first (and each duplicate compared, a second scan)');
SELECT is((SELECT tuple_count + dead_tuple_count FROM pgstattuple('event_types.events_inbox_idx'))
		  - (SELECT entries FROM fc_mark), 0::bigint,
		  '... the cancelled insertions made entries in the key''s index only, none in events_inbox_idx');
SELECT is((SELECT count(*)::int FROM event_types.inbox
		   WHERE tenant = 'forecast' AND status = 'duplicate'), 50,
		  '... and all 50 are duplicates');
SELECT is(pg_temp.fc_delta(3, 101, 50, 'CUSTOMER_CHECKOUT'), '{17,0,50,4}'::bigint[],
		  '50 new events of those customers: events looked up first until 17 new keys turned the forecast; '
		  'the stored customers: 4 insertions cancelled, then looked up first');
SELECT is((SELECT array[count(*), sum(checkin_count), count(*) FILTER (WHERE NOT checked_in)]::int[]
		   FROM event_types.customers WHERE tenant = 'forecast'), '{90,90,50}'::int[],
		  '... and every check-out merged into its customer''s row');
-- contracts too, generated columns and all, are written without SQL: new
-- ones are not looked up first (the SQL upsert would look up each)
DO $$ BEGIN PERFORM pg_temp.fc_load(4, 1, 40, 'CONTRACT_CREATED'); END $$;
CREATE TEMP TABLE fc_contracts AS
	SELECT pg_stat_get_xact_numscans('event_types.contracts_pkey'::regclass) AS scans;
DO $$ BEGIN PERFORM pg_temp.fc_load(5, 101, 50, 'CONTRACT_CREATED'); END $$;
SELECT is(ARRAY[pg_stat_get_xact_numscans('event_types.contracts_pkey'::regclass) - (SELECT scans FROM fc_contracts),
				(SELECT count(*) FROM event_types.contracts WHERE tenant = 'forecast' AND status = 'active')],
		  '{0,90}'::bigint[],
		  '50 new contracts written without a key look-up; 90 active contracts');

-- The direct insert checks the INSERT privilege of the user, as the SQL
-- statement does: reprocess() runs as its caller, and a caller without
-- INSERT on the event log gets the statement's permission error.
INSERT INTO event_types.inbox (source, payload)
VALUES ('gym', pg_temp.gym_checkin('a7000000-0000-4000-8000-000000000009'));
DELETE FROM event_types.events WHERE event_id = 'a7000000-0000-4000-8000-000000000009';
CREATE ROLE et_test_operator NOLOGIN;
GRANT USAGE ON SCHEMA event_types TO et_test_operator;
GRANT EXECUTE ON FUNCTION event_types.reprocess(bigint) TO et_test_operator;
GRANT SELECT, UPDATE ON event_types.inbox TO et_test_operator;
GRANT SELECT ON event_types.events TO et_test_operator;
GRANT SELECT, INSERT, UPDATE ON event_types.customers, event_types.contracts,
	event_types.bookings TO et_test_operator;
CREATE FUNCTION pg_temp.reprocess_as_operator(uuid text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
	RETURN event_types.reprocess((SELECT id FROM event_types.inbox WHERE payload->>'uuid' = uuid));
EXCEPTION WHEN insufficient_privilege THEN
	RETURN SQLERRM;
END $$;
ALTER FUNCTION pg_temp.reprocess_as_operator(text) OWNER TO et_test_operator;
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'),
		  'permission denied for table events',
		  'reprocess() by a user without INSERT on the event log fails with the permission error');
GRANT INSERT ON event_types.events TO et_test_operator;
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'), 'accepted',
		  '... and logs the event once the user has INSERT');
-- the projections need UPDATE as well as INSERT (ON CONFLICT DO UPDATE
-- does), even for a row that is new
DELETE FROM event_types.events WHERE event_id = 'a7000000-0000-4000-8000-000000000009';
DELETE FROM event_types.customers WHERE customer_id = '77';
REVOKE UPDATE ON event_types.customers FROM et_test_operator;
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'),
		  'permission denied for table customers',
		  'reprocess() by a user without UPDATE on a projection fails with the permission error');
GRANT UPDATE ON event_types.customers TO et_test_operator;
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'), 'accepted',
		  '... and writes the projection once the user has UPDATE');
-- Row-level security that applies to the user (the operator does not own
-- customers) sends the projection through the SQL upsert, so the policies
-- judge its row as they would judge the user's own INSERT ... ON CONFLICT
DELETE FROM event_types.events WHERE event_id = 'a7000000-0000-4000-8000-000000000009';
DELETE FROM event_types.customers WHERE customer_id = '77';
ALTER TABLE event_types.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY et_test_no_empty_tenant ON event_types.customers TO et_test_operator
	USING (true) WITH CHECK (tenant <> '');
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'),
		  'new row violates row-level security policy for table "customers"',
		  'reprocess() by a user whose row a policy refuses fails with the policy''s error');
DROP POLICY et_test_no_empty_tenant ON event_types.customers;
CREATE POLICY et_test_all ON event_types.customers TO et_test_operator USING (true) WITH CHECK (true);
SELECT is(pg_temp.reprocess_as_operator('a7000000-0000-4000-8000-000000000009'), 'accepted',
		  '... and is accepted under policies that allow the row');
SELECT is((SELECT count(*) FROM event_types.customers WHERE customer_id = '77'), 1::bigint,
		  '... which wrote the customer');
DROP POLICY et_test_all ON event_types.customers;
ALTER TABLE event_types.customers DISABLE ROW LEVEL SECURITY;


-- ---------------------------------------------------------------------------
-- Limits: a payload over event_types.max_payload_bytes or nested deeper
-- than 512 levels is kept as rejected with a 'limits' error; 512 levels
-- are processed.  Documents under 4,100 bytes are not walked for depth
-- (src/ingest.c): the most compact nestings, empty arrays, sit on that
-- boundary (512 take 4,092 bytes, 513 take 4,100).
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.limits_outcome(p jsonb) RETURNS text LANGUAGE sql AS $$
	WITH i AS (INSERT INTO event_types.inbox (source, payload) VALUES ('gym', p) RETURNING status, errors)
	SELECT i.status || ' ' || coalesce((SELECT string_agg(e ->> 'keyword', ',')
										FROM jsonb_array_elements(i.errors) AS e), '')
	FROM i
$$;
CREATE FUNCTION pg_temp.nested_delivery(n int, levels int) RETURNS jsonb LANGUAGE sql AS $$
	SELECT pg_temp.gym_delivery(1290000001, format('a9000000-0000-4000-8000-%s', lpad(n::text, 12, '0')),
								'CUSTOMER_UPDATED', 1717405200000,
								(repeat('{"a": ', levels) || '1' || repeat('}', levels))::jsonb)
$$;
SELECT is(pg_temp.limits_outcome((repeat('[', 512) || repeat(']', 512))::jsonb), 'rejected type',
		  '512 nested empty arrays: within the depth limit (the schema rejects them)');
SELECT is(pg_temp.limits_outcome((repeat('[', 513) || repeat(']', 513))::jsonb), 'rejected limits',
		  '513 nested empty arrays, the smallest too-deep document: a limits error');
SELECT is(pg_temp.limits_outcome((repeat('[', 5000) || repeat(']', 5000))::jsonb), 'rejected limits',
		  '5,000 nested arrays: a limits error');
SELECT is(pg_temp.limits_outcome(pg_temp.nested_delivery(1, 509)), 'accepted ',
		  'a delivery 512 levels deep is processed');
SELECT is(pg_temp.limits_outcome(pg_temp.nested_delivery(2, 510)), 'rejected limits',
		  'a delivery 513 levels deep is a limits error');
SET LOCAL event_types.max_payload_bytes = 1024;
SELECT is(pg_temp.limits_outcome(pg_temp.nested_delivery(3, 200)), 'rejected limits',
		  'a payload over event_types.max_payload_bytes is a limits error');
RESET event_types.max_payload_bytes;

SELECT * FROM finish();
ROLLBACK;
