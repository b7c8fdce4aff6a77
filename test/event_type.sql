-- pgTAP: the event_type base type -- its catalogue objects (type, operators,
-- operator classes, casts, function properties), its SQLSTATEs and hints,
-- and its ordering.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;

SELECT plan(88);

-- Error fields beyond the SQLSTATE and message, which throws_ok cannot see
-- ('' when the error has no such field)
CREATE FUNCTION pg_temp.error_field(query text, field text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_detail text;
	v_hint text;
BEGIN
	EXECUTE query;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
	RETURN CASE field WHEN 'detail' THEN v_detail WHEN 'hint' THEN v_hint END;
END
$$;

-- the type and its storage
SELECT has_type('event_types', 'event_type', 'type event_types.event_type exists');
SELECT is((SELECT typlen::int FROM pg_catalog.pg_type WHERE oid = 'event_types.event_type'::regtype), 4,
		  'event_type is 4 bytes');
SELECT ok((SELECT typbyval FROM pg_catalog.pg_type WHERE oid = 'event_types.event_type'::regtype),
		  'event_type is passed by value');
SELECT is((SELECT typalign::text FROM pg_catalog.pg_type WHERE oid = 'event_types.event_type'::regtype), 'i',
		  'event_type is int4-aligned');
SELECT ok((SELECT typreceive <> 0 AND typsend <> 0 FROM pg_catalog.pg_type WHERE oid = 'event_types.event_type'::regtype),
		  'event_type has binary send/recv');

-- operators and operator classes
SELECT has_operator('event_types.event_type', 'event_types', op, 'event_types.event_type', 'boolean',
					'operator event_type ' || op || ' event_type exists')
FROM unnest(ARRAY['=', '<>', '<', '<=', '>', '>=']) AS op;
SELECT has_opclass('event_types', 'event_type_ops', 'operator class event_types.event_type_ops exists');
SELECT ok(EXISTS (SELECT FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod
				  WHERE c.opcintype = 'event_types.event_type'::regtype AND c.opcdefault AND a.amname = am),
		  'event_type has a default ' || am || ' operator class')
FROM unnest(ARRAY['btree', 'hash']) AS am;
SELECT ok((SELECT oprcanmerge AND oprcanhash FROM pg_catalog.pg_operator
		   WHERE oprname = '=' AND oprleft = 'event_types.event_type'::regtype
			 AND oprright = 'event_types.event_type'::regtype),
		  'event_type = supports merge and hash joins');
SELECT ok(EXISTS (SELECT FROM pg_catalog.pg_amproc p JOIN pg_catalog.pg_opfamily f ON f.oid = p.amprocfamily
				  JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod
				  WHERE a.amname = 'hash' AND p.amproclefttype = 'event_types.event_type'::regtype
					AND p.amprocnum = 2),
		  'the hash operator class has the extended hash function (FUNCTION 2)');

-- casts
SELECT has_cast('event_types.event_type', 'text', 'event_types', 'event_type_to_text',
				'cast event_type -> text exists');
SELECT has_cast('text', 'event_types.event_type', 'event_types', 'event_type_from_text',
				'cast text -> event_type exists');
SELECT cast_context_is('event_types.event_type', 'text', 'assignment',
					   'event_type -> text is an assignment cast');
SELECT cast_context_is('text', 'event_types.event_type', 'explicit',
					   'text -> event_type is an explicit cast');

-- every function of the type: IMMUTABLE, STRICT, PARALLEL SAFE, commented
SELECT volatility_is('event_types', f, args, 'immutable', f || '(' || array_to_string(args, ', ') || ') is IMMUTABLE')
FROM (VALUES ('event_type_in', ARRAY['cstring']::name[]),
			 ('event_type_out', ARRAY['event_types.event_type']),
			 ('event_type_recv', ARRAY['internal']),
			 ('event_type_send', ARRAY['event_types.event_type']),
			 ('event_type_cmp', ARRAY['event_types.event_type', 'event_types.event_type']),
			 ('event_type_hash', ARRAY['event_types.event_type']),
			 ('event_type_to_text', ARRAY['event_types.event_type']),
			 ('event_type_from_text', ARRAY['text']),
			 ('source', ARRAY['event_types.event_type']),
			 ('name', ARRAY['event_types.event_type'])) AS v(f, args);
SELECT is_strict('event_types', f, args, f || '(' || array_to_string(args, ', ') || ') is STRICT')
FROM (VALUES ('event_type_in', ARRAY['cstring']::name[]),
			 ('event_type_recv', ARRAY['internal']),
			 ('event_type_eq', ARRAY['event_types.event_type', 'event_types.event_type']),
			 ('event_type_cmp', ARRAY['event_types.event_type', 'event_types.event_type']),
			 ('event_type_hash_extended', ARRAY['event_types.event_type', 'bigint']),
			 ('event_type_from_text', ARRAY['text']),
			 ('source', ARRAY['event_types.event_type']),
			 ('name', ARRAY['event_types.event_type'])) AS v(f, args);
SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	FROM pg_catalog.pg_proc p
	WHERE p.pronamespace = 'event_types'::regnamespace
	  AND (p.proname LIKE 'event\_type\_%' OR p.proname IN ('source', 'name'))
	  AND (p.provolatile <> 'i' OR NOT p.proisstrict OR p.proparallel <> 's'
		   OR pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL)
$$, 'every event_type function is IMMUTABLE STRICT PARALLEL SAFE and has a comment');
SELECT isnt(pg_catalog.obj_description('event_types.event_type'::regtype, 'pg_type'), NULL,
			'the type has a comment');

-- From here on, values are compared with pgTAP's is() and results_eq(),
-- whose "IS DISTINCT FROM" finds the event_type "=" through search_path,
-- as any unqualified operator does.
SET LOCAL search_path = public, event_types;

-- input: accepted forms
SELECT is('gym.CUSTOMER_CREATED'::event_types.event_type::text, 'gym.CUSTOMER_CREATED', 'canonical input');
SELECT is('CUSTOMER_CREATED'::event_types.event_type::text, 'gym.CUSTOMER_CREATED', 'unique unqualified name');
SELECT is('BOOKING_CANCELLED_V1'::event_types.event_type::text, 'court_booking.BOOKING_CANCELLED_V1',
		  'deprecated type accepted, unqualified');
SELECT is(E' \tticketing.ORDER\n'::event_types.event_type::text, 'ticketing.ORDER', 'whitespace trimmed');
SELECT is('ticketing.ORDER'::text::event_types.event_type, 'ticketing.ORDER'::event_types.event_type,
		  'cast from text');
SELECT is(event_types.source('court_booking.BOOKING_CREATED_V1'), 'court_booking', 'source()');
SELECT is(event_types.name('court_booking.BOOKING_CREATED_V1'), 'BOOKING_CREATED_V1', 'name()');
SELECT is(event_types.event_type_send('ticketing.EVENT'),
		  '\x01'::bytea || convert_to('ticketing.EVENT', 'UTF8'),
		  'send: version byte 1, then the name');

-- input: every error is 22P02 with a useful message, detail or hint
SELECT throws_ok($$SELECT 'CUSTOMER_DELETED'::event_types.event_type$$, '22P02',
				 'event type "CUSTOMER_DELETED" is ambiguous', 'ambiguous unqualified name');
SELECT is(pg_temp.error_field($$SELECT 'CUSTOMER_DELETED'::event_types.event_type$$, 'detail'),
		  'Candidates are "gym.CUSTOMER_DELETED" and "ticketing.CUSTOMER_DELETED".',
		  'ambiguity lists the candidates');
SELECT throws_ok($$SELECT 'gym.CUSTOMER_CREATD'::event_types.event_type$$, '22P02',
				 'unknown event type "gym.CUSTOMER_CREATD"', 'unknown name');
SELECT is(pg_temp.error_field($$SELECT 'gym.CUSTOMER_CREATD'::event_types.event_type$$, 'hint'),
		  'Did you mean "gym.CUSTOMER_CREATED"?', 'unknown name: did you mean');
SELECT is(pg_temp.error_field($$SELECT 'CUSTOMER_DELETD'::event_types.event_type$$, 'hint'),
		  'Did you mean "gym.CUSTOMER_DELETED" or "ticketing.CUSTOMER_DELETED"?',
		  'unknown name: equally close names are all suggested');
SELECT is(pg_temp.error_field($$SELECT 'ticketing.CUSTOMER_CREATED'::event_types.event_type$$, 'hint'),
		  'Did you mean "gym.CUSTOMER_CREATED"?', 'name of another source is suggested');
SELECT is(pg_temp.error_field($$SELECT 'gym.NOTHING_LIKE_ANY_NAME_AT_ALL'::event_types.event_type$$, 'hint'),
		  '', 'no hint when nothing is close');
SELECT throws_ok($$SELECT 'shop.ORDER'::event_types.event_type$$, '22P02',
				 'unknown source "shop" in event type "shop.ORDER"', 'unknown source');
SELECT is(pg_temp.error_field($$SELECT 'shop.ORDER'::event_types.event_type$$, 'detail'),
		  'The known sources are court_booking, gym and ticketing.', 'unknown source: names the sources');
SELECT throws_ok($$SELECT 'gym.customer_created'::event_types.event_type$$, '22P02',
				 'unknown event type "gym.customer_created"', 'names are case-sensitive');
SELECT is(pg_temp.error_field($$SELECT 'gym.customer_created'::event_types.event_type$$, 'hint'),
		  'Did you mean "gym.CUSTOMER_CREATED"? Sources are written in lower case and event type names in upper case.',
		  'wrong case: the hint gives the right spelling');
SELECT throws_ok($$SELECT 'GYM.CUSTOMER_CREATED'::event_types.event_type$$, '22P02',
				 'unknown source "GYM" in event type "GYM.CUSTOMER_CREATED"', 'source names are case-sensitive');
SELECT throws_ok($$SELECT ''::event_types.event_type$$, '22P02',
				 'invalid input syntax for type event_type: ""', 'empty input');
SELECT throws_ok($$SELECT '  '::event_types.event_type$$, '22P02',
				 'invalid input syntax for type event_type: "  "', 'blank input');
SELECT throws_ok($$SELECT 'gym.'::event_types.event_type$$, '22P02', NULL, 'missing name');
SELECT throws_ok($$SELECT 'gym.CUSTOMER_CREATED x'::event_types.event_type$$, '22P02', NULL, 'trailing garbage');
SELECT throws_ok($$SELECT 'CUSTOMER_DELETED'::text::event_types.event_type$$, '22P02',
				 'event type "CUSTOMER_DELETED" is ambiguous', 'cast from text: same rules');
SELECT throws_ok($$SELECT 'gym.nope'::text::event_types.event_type$$, '22P02', NULL,
				 'cast from text: unknown name');
SELECT lives_ok($$SELECT NULL::event_types.event_type, NULL::text::event_types.event_type$$, 'NULL input');

-- soft errors for pg_input_is_valid() (PostgreSQL 16+; the queries are text,
-- so they are not even parsed on older servers)
SELECT CASE WHEN pg_catalog.current_setting('server_version_num')::int >= 160000 THEN
	collect_tap(ARRAY[
		results_eq($$SELECT pg_input_is_valid('gym.CUSTOMER_CREATED', 'event_types.event_type')$$,
				   $$VALUES (true)$$, 'pg_input_is_valid: valid value'),
		results_eq($$SELECT pg_input_is_valid('CUSTOMER_DELETED', 'event_types.event_type')$$,
				   $$VALUES (false)$$, 'pg_input_is_valid: an ambiguous name is a soft error'),
		results_eq($$SELECT sql_error_code, message FROM pg_input_error_info('gym.CUSTOMER_CREATD', 'event_types.event_type')$$,
				   $$VALUES ('22P02'::text, 'unknown event type "gym.CUSTOMER_CREATD"'::text)$$,
				   'pg_input_error_info: SQLSTATE and message of an unknown name')])
	ELSE skip('pg_input_is_valid() needs PostgreSQL 16', 3)
END;

-- data written by a newer version: an unknown code is data corruption
CREATE CAST (int4 AS event_types.event_type) WITHOUT FUNCTION;
SELECT throws_ok($$SELECT 999999::int4::event_types.event_type::text$$, 'XX001',
				 'unknown event_type code 999999', 'unknown code on output');
SELECT throws_ok($$SELECT 999999::int4::event_types.event_type < 'gym.CUSTOMER_CREATED'::event_types.event_type$$,
				 'XX001', 'unknown event_type code 999999', 'unknown code in comparison');
SELECT throws_ok($$SELECT event_types.event_type_send(999999::int4::event_types.event_type)$$,
				 'XX001', 'unknown event_type code 999999', 'unknown code on send');
DROP CAST (int4 AS event_types.event_type);

-- comparison and ordering: (source, name), whatever the codes
SELECT ok('gym.CUSTOMER_CREATED'::event_types.event_type OPERATOR(event_types.=) 'CUSTOMER_CREATED',
		  '= ignores how the value was written');
SELECT ok('gym.CUSTOMER_DELETED'::event_types.event_type OPERATOR(event_types.<>) 'ticketing.CUSTOMER_DELETED',
		  'same name in two sources: different types');
SELECT ok('court_booking.CUSTOMER_DELETED_V1'::event_types.event_type OPERATOR(event_types.<) 'gym.ADDITIONAL_INFORMATION_FIELDS_UPDATED',
		  'court_booking sorts before gym');
SELECT ok('gym.TAX_ADVISOR_EXPORT_CREATED'::event_types.event_type OPERATOR(event_types.<) 'ticketing.CANCELLATION',
		  'gym sorts before ticketing');
SELECT ok('gym.CUSTOMER_CREATED'::event_types.event_type OPERATOR(event_types.<=) 'gym.CUSTOMER_CREATED'
		  AND 'gym.CUSTOMER_CREATED'::event_types.event_type OPERATOR(event_types.>=) 'gym.CUSTOMER_CREATED',
		  '<= and >= are reflexive');
SELECT ok('gym.CUSTOMER_UPDATED'::event_types.event_type OPERATOR(event_types.>) 'gym.CUSTOMER_CREATED',
		  'names sort alphabetically within a source');
SELECT is(event_types.event_type_cmp('gym.CUSTOMER_CREATED', 'gym.CUSTOMER_CREATED'), 0, 'cmp: equal');
SELECT is(event_types.event_type_cmp('gym.CUSTOMER_CREATED', 'gym.CUSTOMER_UPDATED'), -1, 'cmp: less');
SELECT is(event_types.event_type_cmp('ticketing.CUSTOMER', 'gym.CUSTOMER_UPDATED'), 1, 'cmp: greater');
SELECT is(event_types.event_type_hash('gym.CUSTOMER_CREATED'), event_types.event_type_hash('CUSTOMER_CREATED'),
		  'equal values hash alike');
SELECT results_eq(
	$$SELECT t FROM (VALUES ('ticketing.CUSTOMER'::event_types.event_type), ('gym.CUSTOMER_UPDATED'),
						   ('court_booking.BOOKING_CREATED_V1'), ('gym.CUSTOMER_CHECKIN'),
						   ('ticketing.CANCELLATION'), ('court_booking.BOOKING_CANCELLED_V2')) AS v(t)
	  ORDER BY t$$,
	$$VALUES ('court_booking.BOOKING_CANCELLED_V2'::event_types.event_type), ('court_booking.BOOKING_CREATED_V1'),
			 ('gym.CUSTOMER_CHECKIN'), ('gym.CUSTOMER_UPDATED'), ('ticketing.CANCELLATION'),
			 ('ticketing.CUSTOMER')$$,
	'ORDER BY event_type sorts by source, then name');
SELECT results_eq(
	$$SELECT event_type::text FROM event_types.catalog ORDER BY event_type$$,
	$$SELECT source || '.' || name FROM event_types.catalog ORDER BY source COLLATE "C", name COLLATE "C"$$,
	'the whole catalogue sorts by (source, name), bytewise');
SELECT results_eq(
	$$SELECT event_type::text FROM event_types.catalog ORDER BY event_type DESC$$,
	$$SELECT source || '.' || name FROM event_types.catalog ORDER BY source COLLATE "C" DESC, name COLLATE "C" DESC$$,
	'descending order is the reverse');
SELECT is_empty($$
	SELECT a.event_type, b.event_type
	FROM event_types.catalog a CROSS JOIN event_types.catalog b
	WHERE (a.event_type OPERATOR(event_types.<) b.event_type)
		  IS DISTINCT FROM (a.source COLLATE "C" < b.source
							OR (a.source = b.source AND a.name COLLATE "C" < b.name))
	   OR (a.event_type OPERATOR(event_types.=) b.event_type) IS DISTINCT FROM (a.source = b.source AND a.name = b.name)
	   OR event_types.event_type_cmp(a.event_type, b.event_type)
		  IS DISTINCT FROM -event_types.event_type_cmp(b.event_type, a.event_type)
$$, '< and = agree with (source, name) for every pair of catalogued types');

-- every catalogued type round-trips through text and through source()/name()
SELECT is_empty($$
	SELECT event_type FROM event_types.catalog
	WHERE event_type::text::event_types.event_type OPERATOR(event_types.<>) event_type
	   OR event_types.source(event_type) <> source
	   OR event_types.name(event_type) <> name
$$, 'every type round-trips through its text form');

SELECT * FROM finish();
ROLLBACK;
