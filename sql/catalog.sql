--
-- The event catalogue: event_types.catalog and event_types.schema().
--
-- The catalogue grows with the schema files under schemas/, so this test
-- checks what the SPEC fixes (the required types, their sources, deprecation,
-- vendor names, projections) and invariants that hold for every row; it
-- never depends on the total number of types or on their codes.
--
SET search_path = public, event_types;

-- the view's columns
SELECT attname, format_type(atttypid, atttypmod)
FROM pg_attribute
WHERE attrelid = 'event_types.catalog'::regclass AND attnum > 0
ORDER BY attnum;

-- types per source: gym has at least the 44 seed types, ticketing exactly the
-- 12 metadata.type values, court_booking at least 4
SELECT source,
	   CASE source
		   WHEN 'gym' THEN count(*) >= 44
		   WHEN 'ticketing' THEN count(*) = 12
		   WHEN 'court_booking' THEN count(*) >= 4
	   END AS count_as_specified
FROM event_types.catalog
GROUP BY source
ORDER BY source;
SELECT count(*) >= 60 AS at_least_60 FROM event_types.catalog;

-- the ticketing and court_booking types the SPEC names
SELECT name FROM event_types.catalog WHERE source = 'ticketing' ORDER BY event_type;
SELECT v.name, c.event_type IS NOT NULL AS catalogued, c.vendor_name
FROM (VALUES ('BOOKING_CREATED_V1'), ('BOOKING_CANCELLED_V1'),
			 ('BOOKING_CANCELLED_V2'), ('CUSTOMER_DELETED_V1')) AS v(name)
	 LEFT JOIN event_types.catalog AS c ON c.source = 'court_booking' AND c.name = v.name
ORDER BY v.name;

-- one row per type, in event_type order
SELECT count(*) = count(DISTINCT event_type) AS unique_types,
	   count(*) = count(DISTINCT (source, name)) AS unique_names,
	   array_agg(event_type) = array_agg(event_type ORDER BY event_type) AS in_order
FROM event_types.catalog;

-- deprecation: BOOKING_CANCELLED_V1 is superseded by V2, and is still accepted
SELECT event_type, deprecated, superseded_by
FROM event_types.catalog
WHERE event_type IN ('court_booking.BOOKING_CANCELLED_V1', 'court_booking.BOOKING_CANCELLED_V2')
ORDER BY event_type;
SELECT 'court_booking.BOOKING_CANCELLED_V1'::event_type;
-- every superseded_by names another catalogued, current type of the same source
SELECT count(*) AS bad_successors
FROM event_types.catalog AS c
	 LEFT JOIN event_types.catalog AS s ON s.event_type = c.superseded_by
WHERE c.superseded_by IS NOT NULL
  AND (s.event_type IS NULL OR NOT c.deprecated OR s.deprecated
	   OR s.source <> c.source OR s.event_type = c.event_type);

-- every type is described, and projections are the three tables or NULL
SELECT count(*) FILTER (WHERE description IS NULL OR btrim(description) = '') AS undescribed,
	   count(*) FILTER (WHERE projection NOT IN ('customers', 'contracts', 'bookings')) AS bad_projection,
	   count(*) FILTER (WHERE vendor_name IS NULL AND source = 'court_booking') AS court_without_vendor_name
FROM event_types.catalog;

-- projections the SPEC names
SELECT event_type, projection
FROM event_types.catalog
WHERE event_type IN ('gym.CUSTOMER_CREATED', 'gym.CUSTOMER_DELETED', 'gym.CONTRACT_CREATED',
					 'gym.CLASS_BOOKING_CREATED', 'gym.APPOINTMENT_BOOKING_CANCELLED',
					 'ticketing.CUSTOMER', 'ticketing.CUSTOMER_DELETED', 'ticketing.RESERVATION',
					 'ticketing.ORDER', 'court_booking.BOOKING_CREATED_V1',
					 'court_booking.CUSTOMER_DELETED_V1')
ORDER BY event_type;

-- the schema documents: one per type, keyed by its URN, describing the
-- same type as the catalogue row
SELECT count(*) FILTER (WHERE schema IS NULL) AS missing,
	   count(*) FILTER (WHERE schema ->> '$id' <> 'urn:event-types:' || source || ':' || name) AS wrong_id,
	   count(*) FILTER (WHERE schema ->> '$schema' <> 'https://json-schema.org/draft/2020-12/schema') AS wrong_dialect,
	   count(*) FILTER (WHERE schema ->> 'description' <> description) AS other_description,
	   count(*) FILTER (WHERE coalesce((schema ->> 'deprecated')::boolean, false) <> deprecated) AS other_deprecation,
	   count(*) FILTER (WHERE schema <> event_types.schema(event_type)) AS differs_from_schema_function
FROM event_types.catalog;

-- schema() of one type: a self-contained 2020-12 document that bundles the
-- envelope it references
SELECT key, event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') ? key AS present
FROM unnest(ARRAY['$schema', '$id', 'description', '$ref', '$defs']) AS key;
SELECT event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') ->> '$id' AS id,
	   event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') ->> '$ref' AS ref,
	   event_types.schema('gym.CUSTOMER_HOME_STUDIO_UPDATED') -> '$defs' -> 'urn:event-types:gym:envelope' ->> '$id' AS bundled;
SELECT pg_typeof(event_types.schema('CUSTOMER_CREATED'));
SELECT event_types.schema(NULL) IS NULL AS null_in_null_out;

-- readable by any role
CREATE ROLE regress_event_types_reader;
SET ROLE regress_event_types_reader;
SELECT count(*) >= 60 AS visible,
	   bool_and(schema IS NOT NULL) AS with_schemas
FROM event_types.catalog;
SELECT 'gym.CUSTOMER_CREATED'::event_types.event_type;
RESET ROLE;
DROP ROLE regress_event_types_reader;

RESET search_path;
