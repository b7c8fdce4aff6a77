
-- ---------------------------------------------------------------------------
-- Roles and privileges (since 0.2.0).
--
-- Two group roles, NOLOGIN, created here when missing:
--   event_types_writer  the receiver: INSERT into inbox, payload and hint
--                       columns only; validate_event()
--   event_types_reader  analysts: SELECT on events, customers, contracts,
--                       bookings and the catalog; the validation functions.
--                       No access to the inbox: payloads and errors hold
--                       personal data (PII) as received.
-- Grant them to login roles (GRANT event_types_writer TO receiver).  Roles
-- are cluster-wide: every database with the extension shares them, and
-- they survive DROP EXTENSION (drop them by hand once no database uses
-- them).  A role of that name that exists already is used as it is.
--
-- Everything else belongs to the owner (the installing superuser): the
-- inbox contents, erasures, reprocess(), rebuild_projections(),
-- erase_customer(), tenant row-level security.
--
-- The ingest triggers write the event log and the projections as their
-- owner, so a writer needs no privilege on them, and run their SQL with
-- search_path = pg_catalog, pg_temp, as every SQL and PL/pgSQL function
-- does.  They are not SECURITY DEFINER: the C code takes the owner's
-- identity itself, as PostgreSQL's RI triggers do (src/owner.c; a SET
-- clause on the row trigger cost 4% of the pipeline, per message).
-- ---------------------------------------------------------------------------

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
				   WHERE rolname OPERATOR(pg_catalog.=) 'event_types_writer') THEN
		CREATE ROLE event_types_writer NOLOGIN;
		COMMENT ON ROLE event_types_writer IS 'event_types: may insert messages into event_types.inbox (payload and hint columns only)';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
				   WHERE rolname OPERATOR(pg_catalog.=) 'event_types_reader') THEN
		CREATE ROLE event_types_reader NOLOGIN;
		COMMENT ON ROLE event_types_reader IS 'event_types: may read the event log, the projections and the catalog (not the inbox)';
	END IF;
END
$$;

-- Tables hold user data: nobody but the owner by default.  (REVOKE also
-- undoes what ALTER DEFAULT PRIVILEGES may have granted PUBLIC.)
REVOKE ALL ON TABLE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings FROM PUBLIC;
REVOKE ALL ON SEQUENCE event_types.inbox_id_seq FROM PUBLIC;

-- The receiver stores messages and hints, and nothing else: id, received_at
-- and the outcome columns (status, errors, processed_at) are the trigger's,
-- so a writer can neither set a status (which would skip validation) nor
-- read anything back (RETURNING needs SELECT; with event_types.on_invalid =
-- 'error' a rejected message fails the INSERT).  The identity column needs
-- no sequence privilege.
GRANT INSERT (source, payload, event_type, tenant, event_id, occurred_at)
	ON TABLE event_types.inbox TO event_types_writer;

GRANT SELECT ON TABLE event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings TO event_types_reader;

-- Public already (catalog, validation, schema()); granted by name as well,
-- so the roles keep them if an administrator revokes them from PUBLIC.
GRANT SELECT ON TABLE event_types.catalog TO event_types_reader;
GRANT EXECUTE ON FUNCTION event_types.validate_event(text, jsonb, text)
	TO event_types_writer, event_types_reader;
GRANT EXECUTE ON FUNCTION event_types.uses_generated_validator(jsonb) TO event_types_reader;
GRANT EXECUTE ON FUNCTION event_types.jsonb_matches_schema(jsonb, jsonb),
	event_types.validation_errors(jsonb, jsonb),
	event_types.schema(event_types.event_type) TO event_types_reader;

-- Trigger functions are not for calling.  The ingest triggers act as
-- their owner (above); attached to another table they would let that
-- table's owner write the event log and the projections as the extension
-- owner.  So nobody else may attach them (CREATE TRIGGER needs EXECUTE;
-- firing the inbox's own triggers does not), and inbox_ingest() refuses
-- any table but event_types.inbox.
REVOKE ALL ON FUNCTION event_types.inbox_ingest(), event_types.inbox_flush(),
	event_types.inbox_guard(), event_types.registry_changed() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Optional per-tenant row-level security.
--
-- enable_tenant_rls() makes event_types_reader (and its members) see only
-- the rows of events, customers, contracts and bookings whose tenant is
-- the event_types.tenant setting; rows with the empty tenant, and every row
-- while the setting is empty, are hidden.  The setting can only be set by a
-- superuser (or a role granted SET on it): assign it per login role,
--   ALTER ROLE acme_analyst SET event_types.tenant = 'acme';
-- so a reader cannot switch tenants.  The owner, and so the ingest
-- triggers, bypass row-level security; any other role with SELECT on these
-- tables sees no rows while it is on.
--
-- pg_dump leaves out the policies and the row-level security switch of an
-- extension's tables, so the choice is kept as a row of tenant_rls, a
-- dumped table: its trigger creates or drops the policies, also when
-- pg_restore loads the row.
-- ---------------------------------------------------------------------------

CREATE FUNCTION event_types.current_tenant() RETURNS text
	AS 'MODULE_PATHNAME', 'event_types_current_tenant'
	LANGUAGE C STABLE PARALLEL SAFE;	-- no arguments: STRICT does not apply
COMMENT ON FUNCTION event_types.current_tenant() IS 'The event_types.tenant setting, NULL when empty: the tenant a reader sees under tenant row-level security';

CREATE TABLE event_types.tenant_rls (
	enabled boolean PRIMARY KEY DEFAULT true CHECK (enabled),	-- one row at most
	enabled_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	enabled_by name NOT NULL DEFAULT CURRENT_USER
);
SELECT pg_catalog.pg_extension_config_dump('event_types.tenant_rls', '');
COMMENT ON TABLE event_types.tenant_rls IS 'Tenant row-level security is on while this table has its one row (see enable_tenant_rls)';
COMMENT ON COLUMN event_types.tenant_rls.enabled IS 'Always true: the row''s presence is the switch';
COMMENT ON COLUMN event_types.tenant_rls.enabled_at IS 'When it was turned on';
COMMENT ON COLUMN event_types.tenant_rls.enabled_by IS 'Role that turned it on';
REVOKE ALL ON TABLE event_types.tenant_rls FROM PUBLIC;

-- Makes the tables' policies and row-level security follow tenant_rls.
CREATE FUNCTION event_types.tenant_rls_changed() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t text;
	enabled boolean := EXISTS (SELECT FROM event_types.tenant_rls);
BEGIN
	FOREACH t IN ARRAY ARRAY['events', 'customers', 'contracts', 'bookings'] LOOP
		-- created afresh, so the definition is always this version's
		IF EXISTS (SELECT FROM pg_catalog.pg_policy p
				   WHERE p.polrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass('event_types.' OPERATOR(pg_catalog.||) t)
					 AND p.polname OPERATOR(pg_catalog.=) 'tenant_isolation') THEN
			EXECUTE pg_catalog.format('DROP POLICY tenant_isolation ON event_types.%I', t);
		END IF;
		IF enabled THEN
			EXECUTE pg_catalog.format('CREATE POLICY tenant_isolation ON event_types.%I '
									  'FOR SELECT TO event_types_reader '
									  'USING (tenant OPERATOR(pg_catalog.=) event_types.current_tenant())', t);
			EXECUTE pg_catalog.format('ALTER TABLE event_types.%I ENABLE ROW LEVEL SECURITY', t);
		ELSE
			EXECUTE pg_catalog.format('ALTER TABLE event_types.%I DISABLE ROW LEVEL SECURITY', t);
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION event_types.tenant_rls_changed() IS 'Trigger: creates the tenant policies and turns row-level security on when tenant_rls has its row, drops them and turns it off when not';

CREATE TRIGGER tenant_rls_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_types.tenant_rls
	FOR EACH STATEMENT EXECUTE FUNCTION event_types.tenant_rls_changed();

CREATE FUNCTION event_types.enable_tenant_rls() RETURNS void
	LANGUAGE sql VOLATILE PARALLEL UNSAFE	-- no arguments: STRICT does not apply
	SET search_path = pg_catalog, pg_temp
AS $$
	-- the trigger fires even when the row is there already: policies renewed
	INSERT INTO event_types.tenant_rls DEFAULT VALUES ON CONFLICT DO NOTHING
$$;
COMMENT ON FUNCTION event_types.enable_tenant_rls() IS 'Turns on tenant row-level security: event_types_reader sees only rows of events, customers, contracts and bookings whose tenant is the event_types.tenant setting';

CREATE FUNCTION event_types.disable_tenant_rls() RETURNS void
	LANGUAGE sql VOLATILE PARALLEL UNSAFE	-- no arguments: STRICT does not apply
	SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM event_types.tenant_rls
$$;
COMMENT ON FUNCTION event_types.disable_tenant_rls() IS 'Turns tenant row-level security off again: event_types_reader sees every row';

-- Changing who sees what is the owner's business (ALTER TABLE needs
-- ownership anyway).
REVOKE ALL ON FUNCTION event_types.tenant_rls_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION event_types.enable_tenant_rls() FROM PUBLIC;
REVOKE ALL ON FUNCTION event_types.disable_tenant_rls() FROM PUBLIC;
