-- Cost per event as the event log and projections grow: time a fixed batch
-- of new events at each table size; fill between the steps untimed.
\set ON_ERROR_STOP on
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings;
CREATE OR REPLACE FUNCTION pg_temp.ingest(first bigint, n bigint) RETURNS void LANGUAGE sql AS $$
	INSERT INTO event_types.inbox (source, payload, tenant)
	SELECT 'gym', jsonb_build_object(
			'entityId', 1210000000 + i % 200000,
			'uuid', md5('grow' || i)::uuid,
			'payload', jsonb_build_array(jsonb_build_object(
				'timestamp', 1735689600000 + i * 1000,
				'type', CASE i % 4 WHEN 0 THEN 'CUSTOMER_CHECKIN' WHEN 1 THEN 'CUSTOMER_CHECKOUT'
				                   WHEN 2 THEN 'CUSTOMER_UPDATED' ELSE 'CLASS_BOOKING_CREATED' END))),
		'grow'
	FROM generate_series(first, first + n - 1) i $$;
CREATE OR REPLACE FUNCTION pg_temp.growth(sizes bigint[], batch int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	done bigint := 0;
	size bigint;
	t0 timestamptz;
BEGIN
	FOREACH size IN ARRAY sizes LOOP
		IF size > done THEN
			PERFORM pg_temp.ingest(done, size - done);
			done := size;
		END IF;
		EXECUTE 'ANALYZE event_types.events';
		t0 := clock_timestamp();
		PERFORM pg_temp.ingest(done, batch);
		INSERT INTO bench_result VALUES ('growth', 'events table', size::text, batch,
			extract(epoch FROM clock_timestamp() - t0), NULL);
		done := done + batch;
	END LOOP;
END $$;
SELECT pg_temp.growth(:'sizes'::bigint[], :batch);
