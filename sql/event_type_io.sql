--
-- event_type: text and binary I/O, casts, accessors, error reporting.
--
-- Only names the SPEC fixes are used, so the output does not change when
-- types are added to the catalogue. Codes are never shown: they are the
-- on-disk format, not part of the interface.
--
SET search_path = public, event_types;

-- canonical input and output
SELECT 'gym.CUSTOMER_CREATED'::event_type;
SELECT 'ticketing.EVENT'::event_type;
SELECT 'court_booking.BOOKING_CANCELLED_V1'::event_type;
SELECT 'gym.CUSTOMER_CREATED'::event_types.event_type;	-- schema-qualified type

-- an unqualified name is accepted when exactly one source has it
SELECT 'CUSTOMER_CREATED'::event_type;
SELECT 'BOOKING_CANCELLED_V2'::event_type;
SELECT 'EVENT_CAPACITY'::event_type;

-- leading and trailing whitespace is ignored, as for int4
SELECT '  gym.CUSTOMER_CREATED'::event_type;
SELECT E'gym.CUSTOMER_CREATED \t\n'::event_type;
SELECT ' CUSTOMER_CREATED '::event_type;

-- round trips: text -> event_type -> text is the canonical form
SELECT v, v::event_type AS parsed, v::event_type::text = v AS canonical
FROM (VALUES ('gym.CUSTOMER_CREATED'), ('gym.CUSTOMER_DELETED'),
			 ('ticketing.CUSTOMER_DELETED'), ('ticketing.PRICE_PROFILE_DELETED'),
			 ('court_booking.CUSTOMER_DELETED_V1')) AS t(v);
SELECT bool_and(t::text::event_type = t) AS all_round_trip,
	   bool_and(t::text = source || '.' || name) AS all_canonical
FROM (SELECT event_type AS t, source, name FROM event_types.catalog) AS c;

-- ambiguous: CUSTOMER_DELETED exists in gym and in ticketing
SELECT 'CUSTOMER_DELETED'::event_type;

-- unknown names get a "did you mean" hint when a catalogued name is close
SELECT 'gym.CUSTOMER_CREATD'::event_type;
SELECT 'CUSTOMER_CREATD'::event_type;
SELECT 'CUSTOMER_DELETD'::event_type;
SELECT 'BOOKING_CANCELLED'::event_type;
SELECT 'ticketing.CUSTOMER_CREATED'::event_type;	-- exists in another source
SELECT 'ticketing.customer_deletd'::event_type;
-- ... and none when nothing is close
SELECT 'gym.NO_SUCH_EVENT_TYPE_AT_ALL'::event_type;
SELECT 'x'::event_type;

-- unknown source: the error names the known sources
SELECT 'shop.ORDER'::event_type;
SELECT 'gym_v2.CUSTOMER_CREATED'::event_type;
SELECT '.CUSTOMER_CREATED'::event_type;

-- names are case-sensitive: sources lower case, names upper case
SELECT 'gym.customer_created'::event_type;
SELECT 'GYM.CUSTOMER_CREATED'::event_type;
SELECT 'customer_deleted'::event_type;

-- malformed values
SELECT ''::event_type;
SELECT '   '::event_type;
SELECT 'gym.'::event_type;
SELECT 'gym.CUSTOMER CREATED'::event_type;
SELECT 'gym.CUSTOMER_CREATED.extra'::event_type;
SELECT 'gym..CUSTOMER_CREATED'::event_type;

-- NULL in, NULL out
SELECT NULL::event_type IS NULL AS is_null;
SELECT event_types.source(NULL), event_types.name(NULL), NULL::event_type::text;

-- casts: to text (assignment), from text (explicit, same rules as input)
SELECT 'gym.CUSTOMER_CREATED'::event_type::text;
SELECT 'CUSTOMER_CREATED'::text::event_type;
SELECT ' court_booking.BOOKING_CREATED_V1 '::text::event_type;
SELECT 'CUSTOMER_DELETED'::text::event_type;
SELECT 'gym.nope'::text::event_type;
SELECT 'gym.CUSTOMER_CREATED'::varchar::event_type;	-- I/O conversion
CREATE TEMP TABLE et_text (t text, v varchar);
INSERT INTO et_text VALUES ('gym.CUSTOMER_CREATED'::event_type, 'ticketing.ORDER'::event_type);
SELECT * FROM et_text;
-- text never becomes an event_type implicitly
SELECT 'gym.CUSTOMER_CREATED'::event_type = 'gym.CUSTOMER_CREATED'::text;
CREATE TEMP TABLE et_col (e event_type);
INSERT INTO et_col SELECT t FROM et_text;
INSERT INTO et_col SELECT t::event_type FROM et_text;
INSERT INTO et_col VALUES ('court_booking.BOOKING_CANCELLED_V2');
SELECT e, pg_typeof(e) FROM et_col ORDER BY e;
DROP TABLE et_text, et_col;

-- accessors
SELECT source(t), name(t)
FROM (VALUES ('gym.CUSTOMER_CREATED'::event_type),
			 ('ticketing.CUSTOMER_DELETED'::event_type),
			 ('court_booking.BOOKING_CANCELLED_V1'::event_type)) AS v(t);
SELECT count(*) AS mismatches
FROM event_types.catalog
WHERE event_types.source(event_type) <> source
   OR event_types.name(event_type) <> name
   OR event_type::text <> source || '.' || name;

-- comparison operators
SELECT 'gym.CUSTOMER_CREATED'::event_type = 'CUSTOMER_CREATED' AS eq,
	   'gym.CUSTOMER_CREATED'::event_type <> 'gym.CUSTOMER_DELETED' AS ne,
	   'gym.CUSTOMER_DELETED'::event_type = 'ticketing.CUSTOMER_DELETED' AS same_name_other_source;
-- order is (source, name): court_booking < gym < ticketing, then by name
SELECT 'court_booking.CUSTOMER_DELETED_V1'::event_type < 'gym.ADDITIONAL_INFORMATION_FIELDS_UPDATED' AS lt,
	   'gym.CUSTOMER_CREATED'::event_type <= 'gym.CUSTOMER_CREATED' AS le,
	   'ticketing.CANCELLATION'::event_type > 'gym.TAX_ADVISOR_EXPORT_CREATED' AS gt,
	   'gym.CUSTOMER_DELETED'::event_type >= 'gym.CUSTOMER_CREATED' AS ge,
	   event_types.event_type_cmp('gym.CUSTOMER_DELETED', 'gym.CUSTOMER_CREATED') AS cmp_gt,
	   event_types.event_type_cmp('gym.CUSTOMER_CREATED', 'gym.CUSTOMER_CREATED') AS cmp_eq,
	   event_types.event_type_cmp('gym.CUSTOMER_CREATED', 'gym.CUSTOMER_DELETED') AS cmp_lt;
-- the order matches the text order of (source, name) for the whole catalogue
SELECT array_agg(event_type ORDER BY event_type)::text[]
	 = array_agg(event_type::text ORDER BY source COLLATE "C", name COLLATE "C") AS sorted_by_source_and_name
FROM event_types.catalog;
SELECT t FROM (VALUES ('ticketing.CUSTOMER'::event_type), ('gym.CUSTOMER_UPDATED'),
				   ('court_booking.BOOKING_CREATED_V1'), ('gym.CUSTOMER_CHECKIN'),
				   ('ticketing.CANCELLATION'), ('court_booking.BOOKING_CANCELLED_V2'))
	AS v(t) ORDER BY t;

-- hashing is consistent with equality
SELECT event_types.event_type_hash('gym.CUSTOMER_CREATED') = event_types.event_type_hash('CUSTOMER_CREATED') AS hash_eq,
	   event_types.event_type_hash_extended('gym.CUSTOMER_CREATED', 0) = event_types.event_type_hash_extended('CUSTOMER_CREATED', 0) AS hash_ext_eq,
	   event_types.event_type_hash_extended('gym.CUSTOMER_CREATED', 0) <> event_types.event_type_hash_extended('gym.CUSTOMER_CREATED', 1) AS seed_matters;

-- binary output: version byte 1, then the canonical name
SELECT event_types.event_type_send('gym.CUSTOMER_CREATED');
SELECT get_byte(b, 0) AS version, convert_from(substring(b FROM 2), 'UTF8') AS name
FROM (SELECT event_types.event_type_send('CUSTOMER_CREATED') AS b) AS s;

-- binary input, through COPY (FORMAT binary): a round trip ... (\copy
-- paths are relative to the directory pg_regress runs in; its results/
-- folder exists while the test runs)
CREATE TEMP TABLE et_bin (t event_type);
\copy (SELECT event_type FROM event_types.catalog) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
SELECT (SELECT count(*) FROM et_bin) = (SELECT count(*) FROM event_types.catalog) AS same_count,
	   NOT EXISTS (SELECT event_type FROM event_types.catalog EXCEPT SELECT t FROM et_bin) AS same_values;
TRUNCATE et_bin;
-- ... and hand-made values, validated exactly like text input. Binary COPY
-- does not record column types, so a file written from a bytea column
-- hands the bytea's bytes to event_type_recv when read into et_bin.
\copy (SELECT '\x01'::bytea || convert_to('ticketing.ORDER', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
\copy (SELECT '\x01'::bytea || convert_to(' BOOKING_CANCELLED_V1 ', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
SELECT t FROM et_bin ORDER BY t;
-- unsupported version
\copy (SELECT '\x02'::bytea || convert_to('ticketing.ORDER', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
-- unknown, ambiguous, wrong case, empty name
\copy (SELECT '\x01'::bytea || convert_to('ticketing.ORDERS', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
\copy (SELECT '\x01'::bytea || convert_to('CUSTOMER_DELETED', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
\copy (SELECT '\x01'::bytea || convert_to('gym.customer_created', 'UTF8')) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
\copy (SELECT '\x01'::bytea) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
-- no version byte at all
\copy (SELECT ''::bytea) TO 'results/event_type_io.bin' WITH (FORMAT binary)
\copy et_bin FROM 'results/event_type_io.bin' WITH (FORMAT binary)
SELECT count(*) FROM et_bin;
DROP TABLE et_bin;

-- A code this build does not know (e.g. written by a newer version of the
-- extension) is reported as data corruption. A binary-compatible cast from
-- int4 (superuser only, for this test) forges one.
CREATE CAST (int4 AS event_type) WITHOUT FUNCTION;
SELECT 999999::int4::event_type;
SELECT 999999::int4::event_type::text;
SELECT event_types.source(999999::int4::event_type);
SELECT 999999::int4::event_type < 'gym.CUSTOMER_CREATED'::event_type;
SELECT event_types.schema(999999::int4::event_type);
-- equality and hashing need no lookup
SELECT 999999::int4::event_type = 999999::int4::event_type AS eq;
DROP CAST (int4 AS event_type);

RESET search_path;
