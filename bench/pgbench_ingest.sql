-- pgbench script: one gym webhook per transaction; 2,000 customers shared by
-- every writer, so concurrent writers update the same projection rows.
\set cust random(1, 2000)
\set kind random(1, 4)
INSERT INTO event_types.inbox (source, payload, tenant)
VALUES ('gym', jsonb_build_object(
	'entityId', 1210000000 + :cust,
	'uuid', gen_random_uuid(),
	'payload', jsonb_build_array(jsonb_build_object(
		'timestamp', (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
		'type', (ARRAY['CUSTOMER_CHECKIN', 'CUSTOMER_CHECKOUT', 'CUSTOMER_UPDATED', 'CUSTOMER_HOME_STUDIO_UPDATED'])[:kind],
		'content', jsonb_build_object('targetStudioId', :kind)))),
	'concurrency');
