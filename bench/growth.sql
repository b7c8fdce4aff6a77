-- Cost per event as the event log and projections grow: time a fixed batch
-- of new events at each table size; fill between the steps untimed.
--
-- Every batch does the same kind of work whatever the size: half its
-- events are about new customers (the customers table grows with the log:
-- ~400,000 rows at 1e6 events), half about customers picked at random
-- among all those that exist (updates spread over the whole table, not
-- only its recent end).  Event ids are random uuids, as the vendors' are.
\set ON_ERROR_STOP on
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings;
CREATE OR REPLACE FUNCTION pg_temp.ingest(first bigint, n bigint) RETURNS void LANGUAGE sql AS $$
	INSERT INTO event_types.inbox (source, payload, tenant)
	SELECT 'gym', jsonb_build_object(
			'entityId', 1210000000 + CASE WHEN i % 2 = 0 THEN i / 2   -- a new customer
				ELSE (hashint8(i) & 2147483647) % greatest(first / 2, 1) END,  -- an existing one
			'uuid', md5('grow' || i)::uuid,
			'payload', jsonb_build_array(jsonb_build_object(
				'timestamp', 1735689600000 + i * 1000,
				'type', CASE (i / 2) % 4 WHEN 0 THEN 'CUSTOMER_CHECKIN' WHEN 1 THEN 'CUSTOMER_CHECKOUT'
				                         WHEN 2 THEN 'CUSTOMER_UPDATED' ELSE 'CLASS_BOOKING_CREATED' END))),
		'grow'
	FROM generate_series(first, first + n - 1) i $$;
-- Sequential scans of the extension's tables counted by this backend and
-- not yet reported (pg_stat_xact_*): read before and after a batch.
CREATE OR REPLACE FUNCTION pg_temp.seq_scans() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(sum(seq_scan), 0)::bigint FROM pg_stat_xact_user_tables
	WHERE schemaname = 'event_types' $$;
-- At each size: a CHECKPOINT, the untimed fill up to that size, then three
-- timed batches of new events, each a transaction of its own; the best
-- counts (noise only adds time).  The checkpoint first makes every size
-- meet the same WAL state: the fill pays the full-page images, and no
-- checkpoint's burst lands in one size's batches only (the note column
-- says how many checkpoints ran during the timed batches, and how many
-- sequential scans of the extension's tables they made: none, if every
-- step is an index look-up).
CREATE PROCEDURE pg_temp.growth(sizes bigint[], batch int)
LANGUAGE plpgsql AS $$
DECLARE
	done bigint := 0;
	size bigint;
	t0 timestamptz;
	t1 timestamptz;
	t2 timestamptz;
	best float8;
	ckpt0 bigint;
	seqscans bigint;
	seq0 bigint;
BEGIN
	FOREACH size IN ARRAY sizes LOOP
		CHECKPOINT;
		IF size > done THEN
			PERFORM pg_temp.ingest(done, size - done);
			done := size;
		END IF;
		ANALYZE event_types.events;
		COMMIT;
		best := NULL;
		seqscans := 0;
		SELECT checkpoints_timed + checkpoints_req INTO ckpt0 FROM pg_stat_bgwriter;
		FOR r IN 1..3 LOOP
			seq0 := pg_temp.seq_scans();	-- off the clock, as below
			t0 := clock_timestamp();
			PERFORM pg_temp.ingest(done, batch);
			t1 := clock_timestamp();
			seqscans := seqscans + pg_temp.seq_scans() - seq0;
			t2 := clock_timestamp();
			COMMIT;
			best := least(best, extract(epoch FROM (t1 - t0) + (clock_timestamp() - t2))::float8);
			done := done + batch;
		END LOOP;
		INSERT INTO bench_result VALUES ('growth', 'events table', size::text, batch, best,
			(SELECT (checkpoints_timed + checkpoints_req - ckpt0) || ' checkpoints, '
				|| seqscans || ' sequential scans of event_types tables during the timed batches'
			 FROM pg_stat_bgwriter));
		COMMIT;
	END LOOP;
END $$;
CALL pg_temp.growth(:'sizes'::bigint[], :batch);
