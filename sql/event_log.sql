--
-- The event log insert (src/event_log.c): events are logged without a SQL
-- statement, with the event log opened once per INSERT or COPY and closed
-- at its end.  What that must not change: constraints on the log, other
-- statements on it later in the same transaction, errors caught by
-- exception blocks, savepoints, nested inbox inserts, DDL between two
-- inserts, duplicates within one COPY.
--
SET search_path = public, event_types;
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;

-- a gym check-in message: only what its schema requires
CREATE FUNCTION pg_temp.checkin(uuid text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('entityId', 77, 'uuid', uuid, 'payload',
		jsonb_build_array(jsonb_build_object('timestamp', 1717405200000, 'type', 'CUSTOMER_CHECKIN')))
$$;

-- TRUNCATE (which refuses tables still open in this session) works right
-- after an insert in the same transaction: the statement closed the log
BEGIN;
INSERT INTO event_types.inbox (source, payload)
VALUES ('gym', pg_temp.checkin('a0000000-0000-4000-8000-000000000001'));
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings;
COMMIT;

-- a CHECK constraint added to the log holds; the error can be caught and
-- the next insert in the same transaction logs its event
CREATE TEMP TABLE caught (message text);
ALTER TABLE event_types.events ADD CONSTRAINT no_blocked CHECK (tenant <> 'blocked');
DO $$
BEGIN
	BEGIN
		INSERT INTO event_types.inbox (source, payload, tenant)
		VALUES ('gym', pg_temp.checkin('a0000000-0000-4000-8000-000000000002'), 'blocked');
	EXCEPTION WHEN check_violation THEN
		INSERT INTO caught VALUES (SQLERRM);
	END;
	INSERT INTO event_types.inbox (source, payload)
	VALUES ('gym', pg_temp.checkin('a0000000-0000-4000-8000-000000000003'));
END $$;
ALTER TABLE event_types.events DROP CONSTRAINT no_blocked;
SELECT message FROM caught;
SELECT event_id, tenant FROM event_types.events ORDER BY event_id;

-- savepoints: a rolled back insert leaves no event, a released one stays
BEGIN;
SAVEPOINT a;
INSERT INTO event_types.inbox (source, payload)
VALUES ('gym', pg_temp.checkin('a0000000-0000-4000-8000-000000000004'));
ROLLBACK TO SAVEPOINT a;
SAVEPOINT b;
INSERT INTO event_types.inbox (source, payload)
VALUES ('gym', pg_temp.checkin('a0000000-0000-4000-8000-000000000005'));
RELEASE b;
COMMIT;
SELECT event_id FROM event_types.events ORDER BY event_id;

-- an inbox insert nested in another one (from a function in its SELECT,
-- inside an exception block): both statements log their events
CREATE FUNCTION pg_temp.nested_source(u text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		INSERT INTO event_types.inbox (source, payload) VALUES ('gym', pg_temp.checkin(u));
	EXCEPTION WHEN others THEN
		INSERT INTO caught VALUES (SQLERRM);
	END;
	RETURN 'gym';
END $$;
INSERT INTO event_types.inbox (source, payload)
SELECT pg_temp.nested_source('b0000000-0000-4000-8000-00000000000' || g),
	   pg_temp.checkin('c0000000-0000-4000-8000-00000000000' || g)
FROM generate_series(1, 3) g;
SELECT left(event_id, 1) AS kind, count(*) FROM event_types.events
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS errors_caught FROM caught;

-- an index created between two inserts of one transaction gets the events
-- of the second
BEGIN;
INSERT INTO event_types.inbox (source, payload)
VALUES ('gym', pg_temp.checkin('e0000000-0000-4000-8000-000000000001'));
CREATE INDEX events_tenant_tmp ON event_types.events (tenant, event_id);
INSERT INTO event_types.inbox (source, payload)
SELECT 'gym', pg_temp.checkin('e0000000-0000-4000-8000-00000000001' || g)
FROM generate_series(0, 4) g;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM event_types.events WHERE tenant = '' AND event_id >= 'e' AND event_id < 'f';
SELECT count(*) FROM event_types.events WHERE tenant = '' AND event_id >= 'e' AND event_id < 'f';
ROLLBACK;

-- a trigger created on the log in the middle of an INSERT (by a function
-- in its SELECT, between two rows) fires for the rows after it: the log
-- is opened afresh when its definition changes
CREATE TABLE pg_temp.fired (event_id text);
CREATE FUNCTION pg_temp.note_fired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.fired VALUES (NEW.event_id);
	RETURN NEW;
END $$;
CREATE FUNCTION pg_temp.arm_at(g int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF g = 2 THEN
		CREATE TRIGGER note_fired AFTER INSERT ON event_types.events
			FOR EACH ROW EXECUTE FUNCTION pg_temp.note_fired();
	END IF;
	RETURN 'gym';
END $$;
BEGIN;
INSERT INTO event_types.inbox (source, payload)
SELECT pg_temp.arm_at(g), pg_temp.checkin('d0000000-0000-4000-8000-00000000000' || g)
FROM generate_series(1, 3) g;
SELECT event_id FROM pg_temp.fired ORDER BY event_id;
ROLLBACK;

-- but DDL that needs the log closed (ALTER TABLE, TRUNCATE) cannot run
-- inside the INSERT, as for any table a statement has open
CREATE FUNCTION pg_temp.alter_at(g int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF g = 2 THEN
		ALTER TABLE event_types.events ADD COLUMN note text;
	END IF;
	RETURN 'gym';
END $$;
\set VERBOSITY terse
INSERT INTO event_types.inbox (source, payload)
SELECT pg_temp.alter_at(g), pg_temp.checkin('d1000000-0000-4000-8000-00000000000' || g)
FROM generate_series(1, 3) g;
\set VERBOSITY default
SELECT count(*) FROM event_types.events WHERE event_id LIKE 'd1%';

-- one COPY with the same message twice: accepted, then duplicate
COPY event_types.inbox (source, payload) FROM stdin;
gym	{"entityId": 5, "uuid": "f0000000-0000-4000-8000-000000000001", "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_CHECKIN"}]}
gym	{"entityId": 5, "uuid": "f0000000-0000-4000-8000-000000000001", "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_CHECKIN"}]}
\.
SELECT payload->>'uuid' AS uuid, status FROM event_types.inbox
WHERE payload->>'uuid' LIKE 'f%' ORDER BY id;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;
