
-- ---------------------------------------------------------------------------
-- The event catalogue (src/catalog.c): one row per built-in event type,
-- generated from schemas/ into the library, so it changes only with the
-- library version.
-- ---------------------------------------------------------------------------

-- The schema is created by CREATE EXTENSION and owned by the installing
-- role; every role that stores or queries events needs to reach the type,
-- the functions and the catalogue, so usage is granted to everyone.
-- Tables with user data get their own, narrower privileges.
GRANT USAGE ON SCHEMA event_types TO PUBLIC;

CREATE FUNCTION event_types.catalog_entries(
	OUT event_type event_types.event_type,
	OUT source pg_catalog.text,
	OUT name pg_catalog.text,
	OUT description pg_catalog.text,
	OUT entity_kind pg_catalog.text,
	OUT projection pg_catalog.text,
	OUT deprecated pg_catalog.bool,
	OUT superseded_by event_types.event_type,
	OUT vendor_name pg_catalog.text,
	OUT entity_id_pointer pg_catalog.text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'event_types_catalog_entries'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;	-- no arguments: STRICT does not apply

COMMENT ON FUNCTION event_types.catalog_entries() IS 'The built-in event catalogue, one row per event type in event_type order (the event_types.catalog view without the schema documents)';

CREATE FUNCTION event_types.schema(event_types.event_type)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'event_types_schema'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION event_types.schema(event_types.event_type) IS 'The built-in JSON Schema (2020-12) document of an event type, self-contained: the envelope it references is bundled in its $defs';

-- schema is computed through event_types.schema() rather than by the
-- set-returning function, so that queries that do not select it never
-- parse the documents (the view is flattened into the query).
CREATE VIEW event_types.catalog AS
	SELECT e.event_type,
		   e.source,
		   e.name,
		   e.description,
		   e.entity_kind,
		   e.projection,
		   e.deprecated,
		   e.superseded_by,
		   event_types.schema(e.event_type) AS schema,
		   e.vendor_name,
		   e.entity_id_pointer
	  FROM event_types.catalog_entries() AS e;

COMMENT ON VIEW event_types.catalog IS 'The built-in event catalogue: one row per event type the extension knows, with its schema';
COMMENT ON COLUMN event_types.catalog.event_type IS 'The event type (source.NAME)';
COMMENT ON COLUMN event_types.catalog.source IS 'Vendor source: gym, ticketing or court_booking';
COMMENT ON COLUMN event_types.catalog.name IS 'Event type name within its source, upper snake case';
COMMENT ON COLUMN event_types.catalog.description IS 'What the event means, what its entity id is, and what of its body is not yet documented';
COMMENT ON COLUMN event_types.catalog.entity_kind IS 'What the event''s entity id denotes (customer, contract, booking, studio, ...)';
COMMENT ON COLUMN event_types.catalog.projection IS 'Projection table the event updates (customers, contracts, bookings), or NULL for event log only';
COMMENT ON COLUMN event_types.catalog.deprecated IS 'True when the vendor deprecated the type; deprecated types are still accepted';
COMMENT ON COLUMN event_types.catalog.superseded_by IS 'The type that replaces a deprecated one, or NULL';
COMMENT ON COLUMN event_types.catalog.schema IS 'The built-in JSON Schema document of the type (same as event_types.schema(event_type))';
COMMENT ON COLUMN event_types.catalog.vendor_name IS 'The vendor''s own name of the type where it differs (court_booking detail-type, e.g. BookingCancelledV1), else NULL';
COMMENT ON COLUMN event_types.catalog.entity_id_pointer IS 'JSON Pointer to the entity id in the normalised event, or NULL';

GRANT SELECT ON event_types.catalog TO PUBLIC;
