-- pgTAP: the event catalogue -- event_types.catalog, event_types.schema(),
-- and the catalogue contract of the SPEC: the 60 required types (44 gym, the
-- 12 ticketing metadata.type values, 4 court_booking), deprecation, vendor
-- names, self-contained schema documents.
--
-- The required-type assertions fail until every schema file exists under
-- schemas/; the catalogue is generated from those files.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;

SELECT plan(37);

-- objects
SELECT has_view('event_types', 'catalog', 'view event_types.catalog exists');
SELECT columns_are('event_types', 'catalog',
	ARRAY['event_type', 'source', 'name', 'description', 'entity_kind', 'projection', 'deprecated',
		  'superseded_by', 'schema', 'vendor_name', 'entity_id_pointer'],
	'event_types.catalog has the SPEC columns, then vendor_name and entity_id_pointer');
SELECT col_type_is('event_types', 'catalog', c, t, 'event_types.catalog.' || c || ' is ' || t)
FROM (VALUES ('event_type', 'event_types.event_type'), ('superseded_by', 'event_types.event_type'),
			 ('deprecated', 'boolean'), ('schema', 'jsonb'), ('description', 'text')) AS v(c, t);
SELECT has_function('event_types', 'schema', ARRAY['event_types.event_type'],
					'function event_types.schema(event_type) exists');
SELECT function_returns('event_types', 'schema', ARRAY['event_types.event_type'], 'jsonb',
						'event_types.schema(event_type) returns jsonb');
SELECT volatility_is('event_types', 'schema', ARRAY['event_types.event_type'], 'immutable',
					 'event_types.schema(event_type) is IMMUTABLE');
SELECT is_strict('event_types', 'schema', ARRAY['event_types.event_type'],
				 'event_types.schema(event_type) is STRICT');
SELECT volatility_is('event_types', 'catalog_entries', ARRAY[]::name[], 'stable',
					 'event_types.catalog_entries() is STABLE');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
	WHERE p.oid IN ('event_types.schema(event_types.event_type)'::regprocedure,
					'event_types.catalog_entries()'::regprocedure)
	  AND (p.proparallel <> 's' OR pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL)
$$, 'catalogue functions are PARALLEL SAFE and commented');
SELECT is_empty($$
	SELECT a.attname FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = 'event_types.catalog'::regclass AND a.attnum > 0
	  AND pg_catalog.col_description(a.attrelid, a.attnum) IS NULL
	UNION ALL
	SELECT 'the view itself' WHERE pg_catalog.obj_description('event_types.catalog'::regclass, 'pg_class') IS NULL
$$, 'the view and each of its columns have a comment');

-- privileges: everyone can use the schema and read the catalogue
SELECT ok(EXISTS (SELECT FROM pg_catalog.aclexplode((SELECT nspacl FROM pg_catalog.pg_namespace
														WHERE nspname = 'event_types'))
				  WHERE grantee = 0 AND privilege_type = 'USAGE'),
		  'PUBLIC has USAGE on schema event_types');
SELECT ok(EXISTS (SELECT FROM pg_catalog.aclexplode((SELECT relacl FROM pg_catalog.pg_class
														WHERE oid = 'event_types.catalog'::regclass))
				  WHERE grantee = 0 AND privilege_type = 'SELECT'),
		  'PUBLIC can SELECT from event_types.catalog');
CREATE ROLE event_types_test_reader;
SET LOCAL ROLE event_types_test_reader;
SELECT cmp_ok((SELECT count(*) FROM event_types.catalog WHERE schema IS NOT NULL), '>=', 60::bigint,
			  'an ordinary role reads the catalogue and its schemas');
RESET ROLE;

-- Queries below compare event_type values with unqualified operators, which
-- PostgreSQL finds through search_path.
SET LOCAL search_path = public, event_types;

-- the types the SPEC requires
SELECT cmp_ok((SELECT count(*) FROM event_types.catalog), '>=', 60::bigint, 'at least 60 event types');
SELECT cmp_ok((SELECT count(*) FROM event_types.catalog WHERE source = 'gym'), '>=', 44::bigint,
			  'at least 44 gym types');
SELECT is((SELECT count(*) FROM event_types.catalog WHERE source = 'ticketing'), 12::bigint,
		  'exactly 12 ticketing types');
SELECT cmp_ok((SELECT count(*) FROM event_types.catalog WHERE source = 'court_booking'), '>=', 4::bigint,
			  'at least 4 court_booking types');
SELECT set_has($$SELECT name FROM event_types.catalog WHERE source = 'gym'$$,
	$$VALUES
		('ADDITIONAL_INFORMATION_FIELDS_UPDATED'), ('AGGREGATOR_MEMBER_CREATED'),
		('APPOINTMENT_BOOKING_CANCELLED'), ('APPOINTMENT_BOOKING_CREATED'),
		('APPOINTMENT_BOOKING_UPDATED'), ('AUTOMATIC_CUSTOMER_CHECKOUT'), ('CLASS_BOOKING_CANCELLED'),
		('CLASS_BOOKING_CREATED'), ('CLASS_BOOKING_UPDATED'), ('CLASS_SLOT_CANCELLED'),
		('CLASS_SLOT_UPDATED'), ('CONTRACT_ADDITIONAL_MODULE_CANCELLED'),
		('CONTRACT_ADDITIONAL_MODULE_CREATED'), ('CONTRACT_ADDITIONAL_MODULE_DELETED'),
		('CONTRACT_ADDITIONAL_MODULE_UPDATED'), ('CONTRACT_CANCELLED'), ('CONTRACT_CREATED'),
		('CONTRACT_IDLE_PERIOD_CANCELLED'), ('CONTRACT_IDLE_PERIOD_CREATED'),
		('CONTRACT_IDLE_PERIOD_UPDATED'), ('CONTRACT_UPDATED'), ('CUSTOMER_ACCESS_DISABLED'),
		('CUSTOMER_ACCESS_MEDIUM_CREATED'), ('CUSTOMER_ACCESS_MEDIUM_DELETED'),
		('CUSTOMER_ACCESS_MEDIUM_UPDATED'), ('CUSTOMER_ACCESS_RESTRICTION_CREATED'),
		('CUSTOMER_ACCESS_RESTRICTION_DELETED'), ('CUSTOMER_CHECKIN'),
		('CUSTOMER_CHECKIN_STUDIOS_UPDATED'), ('CUSTOMER_CHECKOUT'),
		('CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED'), ('CUSTOMER_CREATED'), ('CUSTOMER_DELETED'),
		('CUSTOMER_HOME_STUDIO_UPDATED'), ('CUSTOMER_UPDATED'), ('DEVICE_CREATED'), ('EMPLOYEE_CREATED'),
		('EMPLOYEE_DELETED'), ('EMPLOYEE_UPDATED'), ('FINANCE_DEBT_COLLECTION_CASE_UPDATED'),
		('FINANCE_DEBT_COLLECTION_CONFIGURATION_UPDATED'), ('FINANCE_DEBT_COLLECTION_RUN_CREATED'),
		('STUDIO_OPENING_HOURS_UPDATED'), ('TAX_ADVISOR_EXPORT_CREATED')$$,
	'every gym seed event type (44) is catalogued');
SELECT set_eq($$SELECT name FROM event_types.catalog WHERE source = 'ticketing'$$,
	$$VALUES ('CUSTOMER'), ('CUSTOMER_DELETED'), ('EVENT'), ('EVENT_CAPACITY'), ('ORDER'), ('CANCELLATION'),
			 ('CREDIT_NOTE'), ('RESERVATION'), ('RESERVATION_CANCELLATION'), ('PRICE_PROFILE'),
			 ('PRICE_PROFILE_DELETED'), ('TICKET')$$,
	'the ticketing types are exactly the metadata.type enum');
SELECT set_has($$SELECT name, vendor_name FROM event_types.catalog WHERE source = 'court_booking'$$,
	$$VALUES ('BOOKING_CREATED_V1', 'BookingCreatedV1'), ('BOOKING_CANCELLED_V1', 'BookingCancelledV1'),
			 ('BOOKING_CANCELLED_V2', 'BookingCancelledV2'), ('CUSTOMER_DELETED_V1', 'CustomerDeletedV1')$$,
	'the four court_booking types are catalogued with their vendor detail-type');

-- rows
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog GROUP BY event_type HAVING count(*) > 1
	UNION ALL
	SELECT event_type FROM event_types.catalog
	WHERE event_type::text <> source || '.' || name OR source NOT IN ('gym', 'ticketing', 'court_booking')
$$, 'one row per type, named source.NAME, from a known source');
SELECT results_eq(
	$$SELECT event_type FROM event_types.catalog$$,
	$$SELECT event_type FROM event_types.catalog ORDER BY event_type$$,
	'rows come in event_type order');
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog WHERE description IS NULL OR btrim(description) = ''
$$, 'every type has a description');
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog WHERE projection NOT IN ('customers', 'contracts', 'bookings')
$$, 'projections are customers, contracts, bookings or NULL');
SELECT results_eq(
	$$SELECT deprecated, superseded_by::text FROM event_types.catalog
	  WHERE event_type IN ('court_booking.BOOKING_CANCELLED_V1', 'court_booking.BOOKING_CANCELLED_V2')
	  ORDER BY event_type$$,
	$$VALUES (true, 'court_booking.BOOKING_CANCELLED_V2'), (false, NULL)$$,
	'BOOKING_CANCELLED_V1 is deprecated, superseded by V2');
SELECT is_empty($$
	SELECT c.event_type FROM event_types.catalog c
	LEFT JOIN event_types.catalog s ON s.event_type::text = c.superseded_by::text
	WHERE c.superseded_by IS NOT NULL
	  AND (s.event_type IS NULL OR NOT c.deprecated OR s.deprecated OR s.source <> c.source)
$$, 'every superseded_by is a current type of the same source, set only on deprecated types');
SELECT lives_ok($$SELECT 'court_booking.BOOKING_CANCELLED_V1'::event_types.event_type$$,
				'deprecated types are still accepted');

-- schema documents
SELECT is(event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') ->> '$id',
		  'urn:event-types:gym:CUSTOMER_HOME_STUDIO_UPDATED', 'schema(): $id of the type');
SELECT is(event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') -> '$defs' -> 'urn:event-types:gym:envelope' ->> '$id',
		  'urn:event-types:gym:envelope', 'schema(): the envelope is bundled under $defs');
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog
	WHERE schema ->> '$id' IS DISTINCT FROM 'urn:event-types:' || source || ':' || name
	   OR schema ->> '$schema' IS DISTINCT FROM 'https://json-schema.org/draft/2020-12/schema'
	   OR schema ->> 'description' IS DISTINCT FROM description
	   OR coalesce((schema ->> 'deprecated')::boolean, false) <> deprecated
$$, 'every schema is a 2020-12 document with the id, description and deprecation of its row');
SELECT is_empty($$
	SELECT c.event_type, r.ref
	FROM event_types.catalog c,
		 LATERAL (SELECT DISTINCT v #>> '{}' AS ref
				  FROM jsonb_path_query(c.schema, 'lax $.**."$ref"') AS v) AS r
	WHERE r.ref LIKE 'urn:%'
	  AND split_part(r.ref, '#', 1) <> c.schema ->> '$id'
	  AND NOT coalesce(c.schema -> '$defs' ? split_part(r.ref, '#', 1), false)
$$, 'every schema is self-contained: each urn: $ref resolves to the document or its $defs');
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog WHERE schema IS DISTINCT FROM event_types.schema(event_type)
$$, 'the catalog view and schema() give the same documents');
SELECT is(event_types.schema(NULL), NULL, 'schema(NULL) is NULL');

SELECT * FROM finish();
ROLLBACK;
