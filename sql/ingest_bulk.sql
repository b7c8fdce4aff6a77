--
-- Bulk ingestion: COPY event_types.inbox FROM STDIN and a multi-row
-- INSERT ... SELECT give the same statuses, errors, events and projections
-- as one INSERT per message; rebuild_projections() gives the live tables.
-- The same 20 messages (duplicates, a conflict, unknown, rejected and an
-- unknown source among them) go in by each path, in the same order.
--
SET search_path = public, event_types;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;

CREATE TEMP TABLE msgs (n serial, source text, payload jsonb, tenant text);
COPY msgs (source, payload, tenant) FROM STDIN;
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000001", "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CUSTOMER_CREATED"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000003", "payload": [{"timestamp": "2024-06-03T11:00:00Z", "type": "CUSTOMER_CHECKOUT"}, {"timestamp": 1717412400000, "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:05:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000004", "payload": [{"timestamp": "2024-06-03T09:30:00Z", "type": "CONTRACT_CREATED", "content": {"contractId": 8001}}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000005", "payload": [{"timestamp": "2024-06-04T09:30:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED", "content": {"contractId": 8001, "idlePeriodId": 91}}]}	t1
gym	{"entityId": 1210000006, "uuid": "f1000000-0000-4000-8000-000000000006", "payload": [{"timestamp": "2024-06-03T23:59:00Z", "type": "AUTOMATIC_CUSTOMER_CHECKOUT", "content": {"checkouts": [{"customerId": 5001, "checkoutTime": "2024-06-03T22:00:00Z"}, {"customerId": 5002, "checkoutTime": "2024-06-03T22:00:00Z"}]}}]}	t1
gym	{"entityId": 5002, "uuid": "f1000000-0000-4000-8000-000000000007", "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CUSTOMER_DELETED"}]}	t1
gym	{"entityId": 5002, "uuid": "f1000000-0000-4000-8000-000000000008", "payload": [{"timestamp": "2024-06-02T09:00:00Z", "type": "CUSTOMER_UPDATED"}]}	t1
gym	{"entityId": 5003, "uuid": "f1000000-0000-4000-8000-000000000009", "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "LOCKER_OPENED"}]}	\N
gym	{"entityId": 5003, "uuid": "f1000000-0000-4000-8000-00000000000a", "payload": [{"type": "CUSTOMER_UPDATED"}]}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-02T09:12:45Z", "version": "1.0", "tenant": "1337", "type": "CUSTOMER"}, "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "100234", "firstName": "Erika", "lastName": "Mustermann", "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 1234567"}], "addresses": [{"addressType": "BILLING", "city": "Köln", "country": "DE"}], "advertisingConsent": {"emailConsent": true}}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000002", "occurredAt": "2024-12-11T14:42:55Z", "version": "1.0", "tenant": "1337", "type": "RESERVATION"}, "reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:erika", "currency": "EUR", "price": 240.22, "singleTickets": [{"positionId": "POS1"}]}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000003", "occurredAt": "2024-12-20T09:00:00Z", "version": "1.0", "tenant": "1337", "type": "RESERVATION_CANCELLATION"}, "reservationId": "87654321", "cancelDateTime": "2024-12-20T08:59:58Z"}	\N
court_booking	{"id": "f3-1", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z", "detail": {"owner": {"customerId": "CUST204411", "firstName": "Anna"}, "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2", "totalPrice": "540.00"}, "players": [], "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}	club-1
court_booking	{"id": "f3-2", "detail-type": "BookingCancelledV2", "timestamp": "2024-07-04T07:12:40Z", "data": {"owner": {"customerId": "CUST204411"}, "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:30:00Z"}, "players": [], "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}, "bookingType": "COURT"}}	club-1
court_booking	{"id": "f3-3", "detail-type": "CustomerDeletedV1", "timestamp": "2024-08-01T00:00:12Z", "detail": {"customer": {"customerId": "CUST204411"}, "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}	club-1
crm	{"id": 1}	\N
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000003", "payload": [{"timestamp": "2024-06-03T11:00:00Z", "type": "CUSTOMER_CHECKOUT"}, {"timestamp": 1717412400000, "type": "CUSTOMER_CHECKIN"}]}	t1
\.

-- what one path produced: statuses and errors by message number, events
-- (with the message number instead of the inbox id), the three projections
CREATE TEMP TABLE got_inbox AS
	SELECT ''::text AS path, 0 AS n, status, errors FROM event_types.inbox WHERE false;
CREATE TEMP TABLE got_events AS
	SELECT ''::text AS path, 0 AS n, source, event_id, event_type, tenant, entity_id, occurred_at, content
	FROM event_types.events WHERE false;
CREATE TEMP TABLE got_customers AS SELECT ''::text AS path, * FROM event_types.customers WHERE false;
CREATE TEMP TABLE got_contracts AS SELECT ''::text AS path, * FROM event_types.contracts WHERE false;
CREATE TEMP TABLE got_bookings AS SELECT ''::text AS path, * FROM event_types.bookings WHERE false;
CREATE FUNCTION pg_temp.capture(p text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO got_inbox
		SELECT p, row_number() OVER (ORDER BY id), status, errors FROM event_types.inbox;
	INSERT INTO got_events
		SELECT p, i.n, e.source, e.event_id, e.event_type, e.tenant, e.entity_id, e.occurred_at, e.content
		FROM event_types.events AS e
			 JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM event_types.inbox) AS i
			 ON i.id = e.inbox_id;
	INSERT INTO got_customers SELECT p, * FROM event_types.customers;
	INSERT INTO got_contracts SELECT p, * FROM event_types.contracts;
	INSERT INTO got_bookings SELECT p, * FROM event_types.bookings;
	TRUNCATE event_types.inbox, event_types.events, event_types.customers,
		event_types.contracts, event_types.bookings;
$$;

--
-- one INSERT per message
--
DO $$
DECLARE
	m record;
BEGIN
	FOR m IN SELECT * FROM msgs ORDER BY n LOOP
		INSERT INTO event_types.inbox (source, payload, tenant) VALUES (m.source, m.payload, m.tenant);
	END LOOP;
END
$$;
SELECT status, count(*) FROM event_types.inbox GROUP BY status ORDER BY status;
SELECT (SELECT count(*) FROM event_types.events) AS events,
	   (SELECT count(*) FROM event_types.customers) AS customers,
	   (SELECT count(*) FROM event_types.contracts) AS contracts,
	   (SELECT count(*) FROM event_types.bookings) AS bookings;
SELECT pg_temp.capture('single');

--
-- COPY, the same lines
--
COPY event_types.inbox (source, payload, tenant) FROM STDIN;
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000001", "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CUSTOMER_CREATED"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000003", "payload": [{"timestamp": "2024-06-03T11:00:00Z", "type": "CUSTOMER_CHECKOUT"}, {"timestamp": 1717412400000, "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000002", "payload": [{"timestamp": "2024-06-03T10:05:00Z", "type": "CUSTOMER_CHECKIN"}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000004", "payload": [{"timestamp": "2024-06-03T09:30:00Z", "type": "CONTRACT_CREATED", "content": {"contractId": 8001}}]}	t1
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000005", "payload": [{"timestamp": "2024-06-04T09:30:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED", "content": {"contractId": 8001, "idlePeriodId": 91}}]}	t1
gym	{"entityId": 1210000006, "uuid": "f1000000-0000-4000-8000-000000000006", "payload": [{"timestamp": "2024-06-03T23:59:00Z", "type": "AUTOMATIC_CUSTOMER_CHECKOUT", "content": {"checkouts": [{"customerId": 5001, "checkoutTime": "2024-06-03T22:00:00Z"}, {"customerId": 5002, "checkoutTime": "2024-06-03T22:00:00Z"}]}}]}	t1
gym	{"entityId": 5002, "uuid": "f1000000-0000-4000-8000-000000000007", "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CUSTOMER_DELETED"}]}	t1
gym	{"entityId": 5002, "uuid": "f1000000-0000-4000-8000-000000000008", "payload": [{"timestamp": "2024-06-02T09:00:00Z", "type": "CUSTOMER_UPDATED"}]}	t1
gym	{"entityId": 5003, "uuid": "f1000000-0000-4000-8000-000000000009", "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "LOCKER_OPENED"}]}	\N
gym	{"entityId": 5003, "uuid": "f1000000-0000-4000-8000-00000000000a", "payload": [{"type": "CUSTOMER_UPDATED"}]}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-02T09:12:45Z", "version": "1.0", "tenant": "1337", "type": "CUSTOMER"}, "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "100234", "firstName": "Erika", "lastName": "Mustermann", "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 1234567"}], "addresses": [{"addressType": "BILLING", "city": "Köln", "country": "DE"}], "advertisingConsent": {"emailConsent": true}}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000002", "occurredAt": "2024-12-11T14:42:55Z", "version": "1.0", "tenant": "1337", "type": "RESERVATION"}, "reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:erika", "currency": "EUR", "price": 240.22, "singleTickets": [{"positionId": "POS1"}]}	\N
ticketing	{"metadata": {"traceId": "f2000000-0000-4000-8000-000000000003", "occurredAt": "2024-12-20T09:00:00Z", "version": "1.0", "tenant": "1337", "type": "RESERVATION_CANCELLATION"}, "reservationId": "87654321", "cancelDateTime": "2024-12-20T08:59:58Z"}	\N
court_booking	{"id": "f3-1", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z", "detail": {"owner": {"customerId": "CUST204411", "firstName": "Anna"}, "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2", "totalPrice": "540.00"}, "players": [], "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}	club-1
court_booking	{"id": "f3-2", "detail-type": "BookingCancelledV2", "timestamp": "2024-07-04T07:12:40Z", "data": {"owner": {"customerId": "CUST204411"}, "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z", "endTime": "2024-07-05T18:30:00Z"}, "players": [], "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}, "bookingType": "COURT"}}	club-1
court_booking	{"id": "f3-3", "detail-type": "CustomerDeletedV1", "timestamp": "2024-08-01T00:00:12Z", "detail": {"customer": {"customerId": "CUST204411"}, "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}	club-1
crm	{"id": 1}	\N
gym	{"entityId": 5001, "uuid": "f1000000-0000-4000-8000-000000000003", "payload": [{"timestamp": "2024-06-03T11:00:00Z", "type": "CUSTOMER_CHECKOUT"}, {"timestamp": 1717412400000, "type": "CUSTOMER_CHECKIN"}]}	t1
\.
SELECT pg_temp.capture('copy');

--
-- one multi-row INSERT ... SELECT
--
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, payload, tenant FROM msgs ORDER BY n;

-- the live projections equal a rebuild from the event log
CREATE TEMP TABLE live_customers AS SELECT * FROM event_types.customers;
CREATE TEMP TABLE live_contracts AS SELECT * FROM event_types.contracts;
CREATE TEMP TABLE live_bookings AS SELECT * FROM event_types.bookings;
SELECT event_types.rebuild_projections() AS events_replayed;
SELECT x.* FROM (
	(SELECT 'customers' AS tbl, 'live' AS only_in, to_jsonb(t) AS row_data FROM live_customers AS t
	 EXCEPT ALL SELECT 'customers', 'live', to_jsonb(t) FROM event_types.customers AS t)
	UNION ALL
	(SELECT 'customers', 'rebuilt', to_jsonb(t) FROM event_types.customers AS t
	 EXCEPT ALL SELECT 'customers', 'rebuilt', to_jsonb(t) FROM live_customers AS t)
	UNION ALL
	(SELECT 'contracts', 'live', to_jsonb(t) FROM live_contracts AS t
	 EXCEPT ALL SELECT 'contracts', 'live', to_jsonb(t) FROM event_types.contracts AS t)
	UNION ALL
	(SELECT 'contracts', 'rebuilt', to_jsonb(t) FROM event_types.contracts AS t
	 EXCEPT ALL SELECT 'contracts', 'rebuilt', to_jsonb(t) FROM live_contracts AS t)
	UNION ALL
	(SELECT 'bookings', 'live', to_jsonb(t) FROM live_bookings AS t
	 EXCEPT ALL SELECT 'bookings', 'live', to_jsonb(t) FROM event_types.bookings AS t)
	UNION ALL
	(SELECT 'bookings', 'rebuilt', to_jsonb(t) FROM event_types.bookings AS t
	 EXCEPT ALL SELECT 'bookings', 'rebuilt', to_jsonb(t) FROM live_bookings AS t)) AS x;
SELECT pg_temp.capture('insert_select');

-- rows per path and table: the same counts everywhere
SELECT 'inbox' AS tbl, path, count(*) FROM got_inbox GROUP BY path
UNION ALL SELECT 'events', path, count(*) FROM got_events GROUP BY path
UNION ALL SELECT 'customers', path, count(*) FROM got_customers GROUP BY path
UNION ALL SELECT 'contracts', path, count(*) FROM got_contracts GROUP BY path
UNION ALL SELECT 'bookings', path, count(*) FROM got_bookings GROUP BY path
ORDER BY 1, 2;

-- every path equals one INSERT per message: the rows that differ (none)
CREATE FUNCTION pg_temp.differences(tbl text, other text)
RETURNS TABLE (only_in text, row_data jsonb) LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format(
		'(SELECT ''single'', to_jsonb(t) - ''path'' FROM %1$I AS t WHERE path = ''single''
		  EXCEPT ALL
		  SELECT ''single'', to_jsonb(t) - ''path'' FROM %1$I AS t WHERE path = $1)
		 UNION ALL
		 (SELECT $1, to_jsonb(t) - ''path'' FROM %1$I AS t WHERE path = $1
		  EXCEPT ALL
		  SELECT $1, to_jsonb(t) - ''path'' FROM %1$I AS t WHERE path = ''single'')', tbl)
	USING other;
END
$$;
SELECT t.tbl, d.*
FROM (VALUES ('got_inbox'), ('got_events'), ('got_customers'), ('got_contracts'),
			 ('got_bookings')) AS t(tbl),
	 (VALUES ('copy'), ('insert_select')) AS p(path),
	 pg_temp.differences(t.tbl, p.path) AS d;

-- The keys every message's work goes through: the id first and the source
-- last (a B-tree comparison stops at the first column that differs), ids
-- COLLATE "C" (a comparison is a memcmp, whatever the database's locale).
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'event_types' AND tablename IN ('events', 'customers', 'contracts', 'bookings')
ORDER BY tablename, indexname;
SELECT attrelid::regclass AS tbl, attname, attcollation::regcollation AS collation
FROM pg_attribute
WHERE attrelid IN ('event_types.events'::regclass, 'event_types.customers'::regclass)
  AND attname IN ('source', 'tenant', 'event_id', 'entity_id', 'customer_id')
ORDER BY attrelid, attnum;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;
