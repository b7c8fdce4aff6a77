
-- ---------------------------------------------------------------------------
-- The pipeline: inbox trigger, append-only guard, reprocess, rebuild.
-- ---------------------------------------------------------------------------

CREATE FUNCTION event_types.inbox_ingest() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_inbox_ingest'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.inbox_ingest() IS 'Inbox trigger: validates each message, logs its typed events once and applies them to the projections; writes as the function''s owner, like SECURITY DEFINER';

CREATE TRIGGER inbox_ingest
	BEFORE INSERT ON event_types.inbox
	FOR EACH ROW EXECUTE FUNCTION event_types.inbox_ingest();

CREATE FUNCTION event_types.inbox_flush() RETURNS trigger
	AS 'MODULE_PATHNAME', 'event_types_inbox_flush'
	LANGUAGE C;
COMMENT ON FUNCTION event_types.inbox_flush() IS 'Inbox trigger: writes the projection changes of the statement''s messages, merged per row, one set-based upsert per table; as the function''s owner, like SECURITY DEFINER';

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
