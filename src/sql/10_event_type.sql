
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
