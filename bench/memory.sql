-- Backend memory across one big INSERT ... SELECT into the inbox, in a
-- fresh session (run.sh calls it twice: 10% of the rows, then all of them).
-- run.sh samples the backend's private memory (RssAnon: shared buffers
-- excluded, since touching more of them is not a leak) while it runs; if
-- memory grew per row, the peak would grow with the row count.
\set ON_ERROR_STOP on
CREATE OR REPLACE FUNCTION pg_temp.proc_kb(field text) RETURNS bigint LANGUAGE sql AS $$
	SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'),
	                     field || ':\s+(\d+) kB'))[1]::bigint $$;
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings;
SELECT pg_temp.proc_kb('RssAnon') AS anon0,
	(SELECT sum(total_bytes) FROM pg_backend_memory_contexts) AS ctx0 \gset
-- tell run.sh which backend to watch
SELECT pg_backend_pid() AS pid \gset
\o :pidfile
\qecho :pid
\o
SELECT pg_sleep(0.5) \g /dev/null
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT 'gym', jsonb_build_object(
		'entityId', 1210000000 + i % 50000,
		'uuid', md5('mem' || i)::uuid,
		'payload', jsonb_build_array(jsonb_build_object(
			'timestamp', 1735689600000 + i * 1000,
			'type', CASE i % 3 WHEN 0 THEN 'CUSTOMER_CHECKIN' WHEN 1 THEN 'CUSTOMER_CHECKOUT'
			                   ELSE 'CUSTOMER_UPDATED' END))),
	'mem'
FROM generate_series(1, :rows) i;
SELECT pg_sleep(0.5) \g /dev/null
INSERT INTO bench_result
SELECT 'memory', 'INSERT ... SELECT', 'event_types.inbox', :rows,
	NULL, format('private memory (RssAnon) %s kB before, peak %s kB during; memory contexts %s kB before, %s kB after',
		:anon0, pg_read_file(:'peakfile')::bigint, round(:ctx0 / 1024),
		round((SELECT sum(total_bytes) FROM pg_backend_memory_contexts) / 1024));
