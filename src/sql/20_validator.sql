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
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100;
-- STABLE, not IMMUTABLE: the verdict depends on event_types.format_assertion
-- and on registered documents a schema may $ref.
-- COST 100 (the default of SQL functions; C functions get 1, the cost of an
-- operator such as text =): validating an event document takes 1,700 to
-- 10,000 instructions, some twenty to a hundred text comparisons.  With
-- cost 1 the planner may validate every row before a cheap filter next to
-- it (WHERE kind = 'x' AND jsonb_matches_schema(...)) has thrown most away.
COMMENT ON FUNCTION event_types.jsonb_matches_schema(jsonb, jsonb) IS 'Does the instance validate against the JSON Schema (draft 2020-12)?';

CREATE FUNCTION event_types.uses_generated_validator(schema jsonb)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'event_types_uses_generated_validator'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION event_types.uses_generated_validator(jsonb) IS 'Does jsonb_matches_schema() decide this schema with C generated at build time from a built-in event schema (event_types.schema(t) as it is)?';

CREATE FUNCTION event_types.validation_errors(schema jsonb, instance jsonb)
	RETURNS TABLE (path text, keyword text, message text)
	AS 'MODULE_PATHNAME', 'event_types_validation_errors'
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100 ROWS 4;
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
	LANGUAGE C STABLE PARALLEL SAFE COST 100 ROWS 2;
-- not STRICT: a NULL source or payload raises an error instead of returning
-- no rows, which would read as "valid"; event_type may be NULL.
COMMENT ON FUNCTION event_types.validate_event(text, jsonb, text) IS 'Validates a raw vendor message against the built-in schemas; no rows means valid. event_type names the type of messages that do not carry it (court-booking bare bodies)';
