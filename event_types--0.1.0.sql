\echo Use "CREATE EXTENSION event_types" to load this file. \quit

-- event_types: typed vendor webhook events for PostgreSQL.
-- This install script is concatenated from src/sql/*.sql by the Makefile;
-- each part owns one concern. Every object is schema-qualified and every
-- built-in is pg_catalog-qualified: the script never depends on search_path.

COMMENT ON SCHEMA event_types IS 'Typed vendor webhook events: JSON Schema 2020-12 validation, event catalogue, event log and projections';

-- ---------------------------------------------------------------------------
-- The event_type base type (src/event_type.c).
--
-- A by-value int4 holding the persistent code of a catalogued event type;
-- text form 'source.NAME'. Order: shell type, I/O functions, the type,
-- comparison functions, operators, operator classes, casts, accessors.
-- ---------------------------------------------------------------------------

CREATE TYPE event_types.event_type;

CREATE FUNCTION event_types.event_type_in(pg_catalog.cstring)
	RETURNS event_types.event_type
	AS 'MODULE_PATHNAME', 'event_type_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_out(event_types.event_type)
	RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'event_type_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_recv(pg_catalog.internal)
	RETURNS event_types.event_type
	AS 'MODULE_PATHNAME', 'event_type_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_send(event_types.event_type)
	RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'event_type_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Same storage as int4: 4 bytes, by value, int4-aligned. The stored code is
-- a persistent on-disk format: codes are never renumbered or reused.
CREATE TYPE event_types.event_type (
	INPUT = event_types.event_type_in,
	OUTPUT = event_types.event_type_out,
	RECEIVE = event_types.event_type_recv,
	SEND = event_types.event_type_send,
	LIKE = pg_catalog.int4
);

COMMENT ON TYPE event_types.event_type IS 'A catalogued vendor event type, written source.NAME (e.g. gym.CUSTOMER_CREATED); sorts by source, then name';
COMMENT ON FUNCTION event_types.event_type_in(pg_catalog.cstring) IS 'event_type text input: source.NAME, or an unqualified NAME that exactly one source has';
COMMENT ON FUNCTION event_types.event_type_out(event_types.event_type) IS 'event_type text output: the canonical source.NAME';
COMMENT ON FUNCTION event_types.event_type_recv(pg_catalog.internal) IS 'event_type binary input: version byte 1, then the name as text (validated like text input)';
COMMENT ON FUNCTION event_types.event_type_send(event_types.event_type) IS 'event_type binary output: version byte 1, then the canonical name as text';

-- Comparison and hashing support

CREATE FUNCTION event_types.event_type_eq(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION event_types.event_type_ne(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION event_types.event_type_lt(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_lt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_le(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_le'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_gt(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_gt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_ge(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'event_type_ge'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_cmp(event_types.event_type, event_types.event_type)
	RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'event_type_cmp'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_sortsupport(pg_catalog.internal)
	RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'event_type_sortsupport'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_hash(event_types.event_type)
	RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'event_type_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_hash_extended(event_types.event_type, pg_catalog.int8)
	RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'event_type_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION event_types.event_type_eq(event_types.event_type, event_types.event_type) IS 'event_type equality';
COMMENT ON FUNCTION event_types.event_type_ne(event_types.event_type, event_types.event_type) IS 'event_type inequality';
COMMENT ON FUNCTION event_types.event_type_lt(event_types.event_type, event_types.event_type) IS 'event_type less than, in (source, name) order';
COMMENT ON FUNCTION event_types.event_type_le(event_types.event_type, event_types.event_type) IS 'event_type less than or equal, in (source, name) order';
COMMENT ON FUNCTION event_types.event_type_gt(event_types.event_type, event_types.event_type) IS 'event_type greater than, in (source, name) order';
COMMENT ON FUNCTION event_types.event_type_ge(event_types.event_type, event_types.event_type) IS 'event_type greater than or equal, in (source, name) order';
COMMENT ON FUNCTION event_types.event_type_cmp(event_types.event_type, event_types.event_type) IS 'event_type three-way comparison in (source, name) order (btree support)';
COMMENT ON FUNCTION event_types.event_type_sortsupport(pg_catalog.internal) IS 'event_type sort support (btree support)';
COMMENT ON FUNCTION event_types.event_type_hash(event_types.event_type) IS 'event_type hash (hash support)';
COMMENT ON FUNCTION event_types.event_type_hash_extended(event_types.event_type, pg_catalog.int8) IS 'event_type seeded 64-bit hash (hash support)';

-- Operators. "=" and "<>" compare codes; the ordering operators use the
-- (source, name) order, which is stable across versions (see EtSortRank).

CREATE OPERATOR event_types.= (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_eq,
	COMMUTATOR = OPERATOR(event_types.=),
	NEGATOR = OPERATOR(event_types.<>),
	RESTRICT = pg_catalog.eqsel,
	JOIN = pg_catalog.eqjoinsel,
	MERGES,
	HASHES
);

CREATE OPERATOR event_types.<> (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_ne,
	COMMUTATOR = OPERATOR(event_types.<>),
	NEGATOR = OPERATOR(event_types.=),
	RESTRICT = pg_catalog.neqsel,
	JOIN = pg_catalog.neqjoinsel
);

CREATE OPERATOR event_types.< (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_lt,
	COMMUTATOR = OPERATOR(event_types.>),
	NEGATOR = OPERATOR(event_types.>=),
	RESTRICT = pg_catalog.scalarltsel,
	JOIN = pg_catalog.scalarltjoinsel
);

CREATE OPERATOR event_types.<= (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_le,
	COMMUTATOR = OPERATOR(event_types.>=),
	NEGATOR = OPERATOR(event_types.>),
	RESTRICT = pg_catalog.scalarlesel,
	JOIN = pg_catalog.scalarlejoinsel
);

CREATE OPERATOR event_types.> (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_gt,
	COMMUTATOR = OPERATOR(event_types.<),
	NEGATOR = OPERATOR(event_types.<=),
	RESTRICT = pg_catalog.scalargtsel,
	JOIN = pg_catalog.scalargtjoinsel
);

CREATE OPERATOR event_types.>= (
	LEFTARG = event_types.event_type,
	RIGHTARG = event_types.event_type,
	FUNCTION = event_types.event_type_ge,
	COMMUTATOR = OPERATOR(event_types.<=),
	NEGATOR = OPERATOR(event_types.<),
	RESTRICT = pg_catalog.scalargesel,
	JOIN = pg_catalog.scalargejoinsel
);

COMMENT ON OPERATOR event_types.= (event_types.event_type, event_types.event_type) IS 'equal';
COMMENT ON OPERATOR event_types.<> (event_types.event_type, event_types.event_type) IS 'not equal';
COMMENT ON OPERATOR event_types.< (event_types.event_type, event_types.event_type) IS 'less than, in (source, name) order';
COMMENT ON OPERATOR event_types.<= (event_types.event_type, event_types.event_type) IS 'less than or equal, in (source, name) order';
COMMENT ON OPERATOR event_types.> (event_types.event_type, event_types.event_type) IS 'greater than, in (source, name) order';
COMMENT ON OPERATOR event_types.>= (event_types.event_type, event_types.event_type) IS 'greater than or equal, in (source, name) order';

-- Operator classes: indexes, ORDER BY, DISTINCT, GROUP BY, merge and hash
-- joins. btequalimage lets btree deduplicate equal keys (the codes are
-- compared bitwise), which keeps an index on a low-cardinality event_type
-- column small.

CREATE OPERATOR CLASS event_types.event_type_ops
	DEFAULT FOR TYPE event_types.event_type USING btree AS
		OPERATOR 1 event_types.<,
		OPERATOR 2 event_types.<=,
		OPERATOR 3 event_types.=,
		OPERATOR 4 event_types.>=,
		OPERATOR 5 event_types.>,
		FUNCTION 1 event_types.event_type_cmp(event_types.event_type, event_types.event_type),
		FUNCTION 2 event_types.event_type_sortsupport(pg_catalog.internal),
		FUNCTION 4 pg_catalog.btequalimage(pg_catalog.oid);

CREATE OPERATOR CLASS event_types.event_type_ops
	DEFAULT FOR TYPE event_types.event_type USING hash AS
		OPERATOR 1 event_types.=,
		FUNCTION 1 event_types.event_type_hash(event_types.event_type),
		FUNCTION 2 event_types.event_type_hash_extended(event_types.event_type, pg_catalog.int8);

COMMENT ON OPERATOR CLASS event_types.event_type_ops USING btree IS 'default btree operator class for event_type: (source, name) order';
COMMENT ON OPERATOR CLASS event_types.event_type_ops USING hash IS 'default hash operator class for event_type';

-- Casts. To text AS ASSIGNMENT, so an event_type can be stored into a text
-- column; from text explicit only, so a text value never silently becomes an
-- event_type (a comparison with a text column needs a deliberate cast).

CREATE FUNCTION event_types.event_type_to_text(event_types.event_type)
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'event_type_to_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.event_type_from_text(pg_catalog.text)
	RETURNS event_types.event_type
	AS 'MODULE_PATHNAME', 'event_type_from_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (event_types.event_type AS pg_catalog.text)
	WITH FUNCTION event_types.event_type_to_text(event_types.event_type)
	AS ASSIGNMENT;

CREATE CAST (pg_catalog.text AS event_types.event_type)
	WITH FUNCTION event_types.event_type_from_text(pg_catalog.text);

COMMENT ON FUNCTION event_types.event_type_to_text(event_types.event_type) IS 'Canonical source.NAME text of an event_type (the cast to text)';
COMMENT ON FUNCTION event_types.event_type_from_text(pg_catalog.text) IS 'Parse text as an event_type with the rules of text input (the cast from text)';

-- Accessors

CREATE FUNCTION event_types.source(event_types.event_type)
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'event_type_source'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION event_types.name(event_types.event_type)
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'event_type_name'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION event_types.source(event_types.event_type) IS 'Source of an event type: gym, ticketing or court_booking';
COMMENT ON FUNCTION event_types.name(event_types.event_type) IS 'Unqualified name of an event type, e.g. CUSTOMER_CREATED';
-- ---------------------------------------------------------------------
-- JSON Schema (draft 2020-12) validation
-- ---------------------------------------------------------------------

-- Documents a schema may $ref besides the built-in ones. Kept in a table so
-- pg_dump carries them; nothing is ever fetched over the network.
CREATE TABLE event_types.registered_schemas (
	uri text PRIMARY KEY,
	schema jsonb NOT NULL,
	registered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	registered_by name NOT NULL DEFAULT CURRENT_USER
);
SELECT pg_catalog.pg_extension_config_dump('event_types.registered_schemas', '');
COMMENT ON TABLE event_types.registered_schemas IS 'JSON Schema documents that $ref can resolve by URI (see register_schema)';
COMMENT ON COLUMN event_types.registered_schemas.uri IS 'Absolute URI the document is known by (its retrieval URI)';
COMMENT ON COLUMN event_types.registered_schemas.schema IS 'The schema document';
COMMENT ON COLUMN event_types.registered_schemas.registered_at IS 'When it was (last) registered';
COMMENT ON COLUMN event_types.registered_schemas.registered_by IS 'Role that registered it';

CREATE FUNCTION event_types.registry_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_registry_changed'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.registry_changed() IS 'Trigger: makes every session drop compiled schemas that used registered documents';

-- Direct DML on the registry (e.g. by a superuser or a restore) must also
-- reach the compiled-schema caches, not only register_schema().
CREATE TRIGGER registered_schemas_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_types.registered_schemas
	FOR EACH STATEMENT EXECUTE FUNCTION event_types.registry_changed();

CREATE FUNCTION event_types.jsonb_matches_schema(schema jsonb, instance jsonb)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'event_types_jsonb_matches_schema'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- STABLE, not IMMUTABLE: the verdict depends on event_types.format_assertion
-- and on registered documents a schema may $ref.
COMMENT ON FUNCTION event_types.jsonb_matches_schema(jsonb, jsonb) IS 'Does the instance validate against the JSON Schema (draft 2020-12)?';

CREATE FUNCTION event_types.validation_errors(schema jsonb, instance jsonb)
	RETURNS TABLE (path text, keyword text, message text)
	AS 'MODULE_PATHNAME', 'event_types_validation_errors'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION event_types.validation_errors(jsonb, jsonb) IS 'Every violation of the JSON Schema: JSON Pointer into the instance, failing keyword, message; no rows means valid';

CREATE FUNCTION event_types.check_schema(schema jsonb, uri text)
	RETURNS void
	AS 'MODULE_PATHNAME', 'event_types_check_schema'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION event_types.check_schema(jsonb, text) IS 'Raises an error if the schema is malformed or the URI is not registrable';

CREATE FUNCTION event_types.register_schema(uri text, schema jsonb)
	RETURNS void
	LANGUAGE plpgsql STRICT VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM event_types.check_schema(register_schema.schema, register_schema.uri);
	INSERT INTO event_types.registered_schemas AS r (uri, schema)
	VALUES (register_schema.uri, register_schema.schema)
	ON CONFLICT ON CONSTRAINT registered_schemas_pkey DO UPDATE
		SET schema = EXCLUDED.schema, registered_at = pg_catalog.now(),
			registered_by = CURRENT_USER;
END
$$;
COMMENT ON FUNCTION event_types.register_schema(text, jsonb) IS 'Registers (or replaces) a schema document that $ref can resolve by this URI';

CREATE FUNCTION event_types.unregister_schema(uri text)
	RETURNS boolean
	LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH d AS (DELETE FROM event_types.registered_schemas r
			   WHERE r.uri OPERATOR(pg_catalog.=) unregister_schema.uri RETURNING 1)
	SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 FROM d
$$;
COMMENT ON FUNCTION event_types.unregister_schema(text) IS 'Removes a registered schema document; true if there was one';

-- Registering changes how $ref resolves for every user: an administrative act.
REVOKE ALL ON FUNCTION event_types.register_schema(text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION event_types.unregister_schema(text) FROM PUBLIC;
REVOKE ALL ON TABLE event_types.registered_schemas FROM PUBLIC;
GRANT SELECT ON TABLE event_types.registered_schemas TO PUBLIC;

CREATE FUNCTION event_types.validate_event(source text, payload jsonb, event_type text DEFAULT NULL)
	RETURNS TABLE (path text, keyword text, message text)
	AS 'MODULE_PATHNAME', 'event_types_validate_event'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 2;
-- not STRICT: a NULL source or payload raises an error instead of returning
-- no rows, which would read as "valid"; event_type may be NULL.
COMMENT ON FUNCTION event_types.validate_event(text, jsonb, text) IS 'Validates a raw vendor message against the built-in schemas; no rows means valid. event_type names the type of messages that do not carry it (court-booking bare bodies)';

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

-- ---------------------------------------------------------------------------
-- Inbox, typed event log and projections (src/ingest.c, src/projections/).
--
-- Every table here holds user data, so each is registered with
-- pg_extension_config_dump: pg_dump / pg_restore carry inbox, events and
-- projections. Rows restored into the inbox arrive with their status set
-- and are stored as they are (the trigger does not process them again).
-- ---------------------------------------------------------------------------

-- Raw messages as received: append-only, one row per message.
CREATE TABLE event_types.inbox (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	received_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	source text NOT NULL,
	payload jsonb NOT NULL,
	-- optional hints the receiver may set
	event_type text,
	tenant text,
	event_id text,
	occurred_at timestamptz,
	-- set by the trigger
	status text,
	errors jsonb,
	processed_at timestamptz,
	CONSTRAINT inbox_status_check CHECK (status IN
		('accepted', 'rejected', 'duplicate', 'conflict', 'unknown_type'))
);
SELECT pg_catalog.pg_extension_config_dump('event_types.inbox', '');
SELECT pg_catalog.pg_extension_config_dump('event_types.inbox_id_seq', '');
-- What operators look for: everything that did not go through cleanly.
CREATE INDEX inbox_attention_idx ON event_types.inbox (status, id)
	WHERE status OPERATOR(pg_catalog.<>) 'accepted';

COMMENT ON TABLE event_types.inbox IS 'Every received message, exactly as received; append-only (see event_types.erase_customer for the one exception)';
COMMENT ON COLUMN event_types.inbox.id IS 'Arrival order';
COMMENT ON COLUMN event_types.inbox.received_at IS 'When the receiver stored the message';
COMMENT ON COLUMN event_types.inbox.source IS 'gym, ticketing or court_booking';
COMMENT ON COLUMN event_types.inbox.payload IS 'The message body as received; never modified';
COMMENT ON COLUMN event_types.inbox.event_type IS 'Hint: the event type, for messages that do not carry it (court-booking bare bodies)';
COMMENT ON COLUMN event_types.inbox.tenant IS 'Hint: tenant for sources whose messages do not carry one (gym, court_booking)';
COMMENT ON COLUMN event_types.inbox.event_id IS 'Hint: event id for messages without one (court-booking bare bodies)';
COMMENT ON COLUMN event_types.inbox.occurred_at IS 'Hint: event time for messages without one (court-booking bare bodies)';
COMMENT ON COLUMN event_types.inbox.status IS 'Set by the trigger: accepted, rejected, duplicate, conflict or unknown_type';
COMMENT ON COLUMN event_types.inbox.errors IS 'Set by the trigger: array of {path, keyword, message}; path is a JSON Pointer into payload';
COMMENT ON COLUMN event_types.inbox.processed_at IS 'Set by the trigger: when the message was (last) processed';

-- The typed event log: one row per accepted event.
CREATE TABLE event_types.events (
	source text NOT NULL,
	event_id text NOT NULL,
	event_type event_types.event_type NOT NULL,
	tenant text NOT NULL,
	entity_id text,
	occurred_at timestamptz NOT NULL,
	content jsonb NOT NULL,
	inbox_id bigint NOT NULL,
	CONSTRAINT events_pkey PRIMARY KEY (source, event_id)
);
SELECT pg_catalog.pg_extension_config_dump('event_types.events', '');
CREATE INDEX events_type_time_idx ON event_types.events (event_type, occurred_at);
CREATE INDEX events_entity_idx ON event_types.events (source, tenant, entity_id, occurred_at);
CREATE INDEX events_inbox_idx ON event_types.events (inbox_id);

COMMENT ON TABLE event_types.events IS 'Typed event log: one row per accepted event, unique per (source, event_id)';
COMMENT ON COLUMN event_types.events.source IS 'gym, ticketing or court_booking';
COMMENT ON COLUMN event_types.events.event_id IS 'De-duplication key: gym delivery uuid (uuid#i for item i >= 1), ticketing metadata.traceId, court-booking envelope id';
COMMENT ON COLUMN event_types.events.event_type IS 'The catalogued event type';
COMMENT ON COLUMN event_types.events.tenant IS 'The message''s tenant, else the inbox hint, else the empty string';
COMMENT ON COLUMN event_types.events.entity_id IS 'The id of the entity the event is about (catalog.entity_kind says what it is)';
COMMENT ON COLUMN event_types.events.occurred_at IS 'Event time from the message (gym epoch milliseconds converted)';
COMMENT ON COLUMN event_types.events.content IS 'The event body: gym item content, ticketing message, court-booking detail';
COMMENT ON COLUMN event_types.events.inbox_id IS 'The inbox message the event came from';

-- Projections. Each attribute group is a last-writer-wins register keyed by
-- the (occurred_at, event_id) of the event that last set it (the *_at /
-- *_event_id columns); counters add up, created_at keeps the minimum. That
-- makes every row equal to applying its events in (occurred_at, event_id)
-- order, whatever order they arrived in.

CREATE TABLE event_types.customers (
	source text NOT NULL,
	tenant text NOT NULL,
	customer_id text NOT NULL,
	status text NOT NULL,
	first_name text,
	last_name text,
	email text,
	phone text,
	city text,
	country text,
	date_of_birth date,
	home_studio_id text,
	created_at timestamptz,
	updated_at timestamptz,
	deleted_at timestamptz,
	last_checkin_at timestamptz,
	last_checkout_at timestamptz,
	checkin_count integer NOT NULL,
	checked_in boolean NOT NULL,
	last_event_at timestamptz,
	last_event_type event_types.event_type,
	-- register keys
	status_at timestamptz,
	status_event_id text,
	personal_at timestamptz,
	personal_event_id text,
	home_studio_at timestamptz,
	home_studio_event_id text,
	presence_at timestamptz,
	presence_event_id text,
	last_event_id text,
	CONSTRAINT customers_pkey PRIMARY KEY (source, tenant, customer_id),
	CONSTRAINT customers_status_check CHECK (status IN ('active', 'access_disabled', 'deleted'))
);
SELECT pg_catalog.pg_extension_config_dump('event_types.customers', '');
COMMENT ON TABLE event_types.customers IS 'Projection: one row per customer per source and tenant, maintained by the inbox trigger';

-- Number of idle periods opened and not closed (contracts.idle_periods):
-- the ids in 'opened' that are not in 'closed'.
CREATE FUNCTION event_types.open_idle_periods(opened text[], closed text[])
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.count(*)::integer
	FROM (SELECT pg_catalog.unnest(opened) EXCEPT SELECT pg_catalog.unnest(closed)) AS open
$$;
COMMENT ON FUNCTION event_types.open_idle_periods(text[], text[]) IS 'Number of idle period ids in opened that are not in closed (contracts.idle_periods)';

CREATE TABLE event_types.contracts (
	source text NOT NULL,
	tenant text NOT NULL,
	contract_id text NOT NULL,
	customer_id text,
	main_contract_id text,
	kind text NOT NULL,
	base_status text,
	-- idle periods as two grow-only sets of idle period ids (order-independent
	-- and immune to a repeated or unmatched event); idle_periods counts the open ones
	idle_opened text[] NOT NULL,
	idle_closed text[] NOT NULL,
	idle_periods integer NOT NULL GENERATED ALWAYS AS (
		event_types.open_idle_periods(idle_opened, idle_closed)) STORED,
	status text NOT NULL GENERATED ALWAYS AS (
		CASE WHEN base_status IN ('cancelled', 'deleted') THEN base_status
			 WHEN event_types.open_idle_periods(idle_opened, idle_closed) > 0 THEN 'idle'
			 ELSE 'active' END) STORED,
	created_at timestamptz,
	updated_at timestamptz,
	cancelled_at timestamptz,
	last_event_at timestamptz,
	last_event_type event_types.event_type,
	-- register keys
	base_status_at timestamptz,
	base_status_event_id text,
	last_event_id text,
	CONSTRAINT contracts_pkey PRIMARY KEY (source, tenant, contract_id),
	CONSTRAINT contracts_kind_check CHECK (kind IN ('main', 'module')),
	CONSTRAINT contracts_base_status_check CHECK (base_status IN ('active', 'cancelled', 'deleted'))
);
SELECT pg_catalog.pg_extension_config_dump('event_types.contracts', '');
CREATE INDEX contracts_customer_idx ON event_types.contracts (source, tenant, customer_id);
COMMENT ON TABLE event_types.contracts IS 'Projection: main contracts and additional modules, maintained by the inbox trigger';

CREATE TABLE event_types.bookings (
	source text NOT NULL,
	tenant text NOT NULL,
	booking_id text NOT NULL,
	kind text NOT NULL,
	customer_id text,
	status text NOT NULL,
	starts_at timestamptz,
	ends_at timestamptz,
	resource_id text,
	resource_name text,
	facility_id text,
	facility_name text,
	total_price numeric,
	currency text,
	player_count integer,
	created_at timestamptz,
	updated_at timestamptz,
	cancelled_at timestamptz,
	last_event_at timestamptz,
	last_event_type event_types.event_type,
	-- register keys
	status_at timestamptz,
	status_event_id text,
	details_at timestamptz,
	details_event_id text,
	last_event_id text,
	CONSTRAINT bookings_pkey PRIMARY KEY (source, tenant, booking_id),
	CONSTRAINT bookings_status_check CHECK (status IN ('booked', 'cancelled'))
);
SELECT pg_catalog.pg_extension_config_dump('event_types.bookings', '');
CREATE INDEX bookings_customer_idx ON event_types.bookings (source, tenant, customer_id);
CREATE INDEX bookings_starts_idx ON event_types.bookings (starts_at);
COMMENT ON TABLE event_types.bookings IS 'Projection: class, appointment, court bookings, ticketing reservations and orders, maintained by the inbox trigger';

-- ---------------------------------------------------------------------------
-- The pipeline: inbox trigger, append-only guard, reprocess, rebuild.
-- ---------------------------------------------------------------------------

CREATE FUNCTION event_types.inbox_ingest() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_inbox_ingest'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.inbox_ingest() IS 'Inbox trigger: validates each message, logs its typed events once and applies them to the projections';

CREATE TRIGGER inbox_ingest
	BEFORE INSERT ON event_types.inbox
	FOR EACH ROW EXECUTE FUNCTION event_types.inbox_ingest();

CREATE FUNCTION event_types.inbox_flush() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_inbox_flush'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.inbox_flush() IS 'Inbox trigger: writes the projection changes of the statement''s messages, merged per row, one set-based upsert per table';

-- The row trigger merges projection changes in memory; this writes them at
-- the end of every INSERT or COPY, inside the inserting transaction.
CREATE TRIGGER inbox_flush
	AFTER INSERT ON event_types.inbox
	FOR EACH STATEMENT EXECUTE FUNCTION event_types.inbox_flush();

CREATE FUNCTION event_types.inbox_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_inbox_guard'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.inbox_guard() IS 'Inbox trigger: keeps the inbox append-only (only status, errors and processed_at may change)';

CREATE TRIGGER inbox_guard
	BEFORE UPDATE OR DELETE ON event_types.inbox
	FOR EACH ROW EXECUTE FUNCTION event_types.inbox_guard();

CREATE FUNCTION event_types.reprocess(inbox_id bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'event_types_reprocess'
	LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION event_types.reprocess(bigint) IS 'Runs a stored inbox message through the pipeline again and records its new status';

CREATE FUNCTION event_types.reprocess_inbox(statuses text[] DEFAULT ARRAY['unknown_type', 'rejected'])
	RETURNS TABLE (status text, messages bigint)
	LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH done AS (
		SELECT event_types.reprocess(i.id) AS status
		FROM (SELECT id FROM event_types.inbox
			  WHERE inbox.status OPERATOR(pg_catalog.=) ANY (reprocess_inbox.statuses)
			  ORDER BY id) i
	)
	SELECT done.status, pg_catalog.count(*) FROM done GROUP BY done.status ORDER BY done.status
$$;
COMMENT ON FUNCTION event_types.reprocess_inbox(text[]) IS 'Reprocesses every kept message with one of these statuses (by default unknown_type and rejected), oldest first; returns the new statuses';

CREATE FUNCTION event_types.rebuild_projections() RETURNS bigint
	AS 'MODULE_PATHNAME', 'event_types_rebuild_projections'
	LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION event_types.rebuild_projections() IS 'Recomputes customers, contracts and bookings from the event log; returns the number of events replayed';

-- Reprocessing and rebuilding rewrite shared state: administrators only.
REVOKE ALL ON FUNCTION event_types.reprocess(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION event_types.reprocess_inbox(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION event_types.rebuild_projections() FROM PUBLIC;
