--
-- Erasing a customer's personal data: erase_customer(source, tenant,
-- customer_id) replaces the personal values of every JSON object naming the
-- customer (customerId) with null -- in inbox payloads (any status) and
-- event log contents -- empties the personal columns of the customers row,
-- and records the erasure.  Ids, times, prices and array lengths stay, so
-- rebuild_projections() gives the same projections, and a retry of an
-- erased message is still recognised as a duplicate.
--
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings, event_types.erasures RESTART IDENTITY;

-- Erika Mustermann is customer CUST7 of the court-booking club club-1 and
-- customer c-7 of the ticketing tenant 1337.
-- 1: she books court B7 (a friend who is no customer plays too)
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000007", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-07-01T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST7", "userId": "7c1e4b9a-3f2d-4e8a-9b6c-0d5f2a1e8c37",
	                       "firstName": "Erika", "lastName": "Mustermann", "email": "erika@example.de",
	                       "cellphone": "+49 170 1234567", "city": "Köln", "country": "DE",
	                       "dateOfBirth": "1985-04-12", "gender": "female",
	                       "registrationDate": "2022-03-14T08:21:00Z"},
	             "booking": {"bookingId": "B7", "startTime": "2024-07-05T17:00:00Z",
	                         "endTime": "2024-07-05T18:30:00Z", "courtId": "C4",
	                         "courtName": "Padel 2", "totalPrice": "40.00"},
	             "players": [{"customerId": "CUST7", "isCustomer": true, "firstName": "Erika",
	                          "lastName": "Mustermann", "email": "erika@example.de"},
	                         {"isCustomer": false, "firstName": "Max", "email": "max@example.de"}],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1');
-- 2: Bob (CUST8) books court B8 and she plays
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000008", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-07-02T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST8", "firstName": "Bob", "lastName": "Baumann"},
	             "booking": {"bookingId": "B8", "startTime": "2024-07-06T17:00:00Z",
	                         "endTime": "2024-07-06T18:30:00Z", "courtId": "C4", "courtName": "Padel 2"},
	             "players": [{"customerId": "CUST8", "isCustomer": true, "firstName": "Bob"},
	                         {"customerId": "CUST7", "isCustomer": true, "firstName": "Erika",
	                          "lastName": "Mustermann"}],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1');
-- 3: the webhook retry of 1: a duplicate (its payload holds her data too)
INSERT INTO event_types.inbox (source, payload, tenant)
SELECT source, payload, tenant FROM event_types.inbox WHERE id = 1;
-- 4: a message rejected because of her e-mail address, which its error quotes
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000009", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-07-03T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST7", "firstName": "Erika", "email": "erika(at)example.de"},
	             "booking": {"bookingId": "B9", "startTime": "2024-07-07T17:00:00Z",
	                         "endTime": "2024-07-07T18:30:00Z", "courtId": "C4", "courtName": "Padel 2"},
	             "players": [],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1');
-- 5: her ticketing customer record, 6: a ticket she bought for her son
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-02T09:12:45Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
	  "customerId": "c-7", "customerNumber": "100234", "salutation": "MRS", "title": "Dr.",
	  "firstName": "Erika", "lastName": "Mustermann", "email": "erika@example.de",
	  "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 1234567"}],
	  "addresses": [{"addressType": "BILLING", "street": "Heidestraße 17", "city": "Köln",
	                 "postalCode": "51147", "country": "DE"}],
	  "advertisingConsent": {"emailConsent": true}, "customerGroups": ["Newsletter"]}'),
	('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000002", "occurredAt": "2025-01-15T19:21:09Z",
	               "version": "1.0", "tenant": "1337", "type": "TICKET"},
	  "ticketId": "T1", "orderId": "O1",
	  "ticketBuyer": {"salutation": "MRS", "firstName": "Erika", "lastName": "Mustermann", "customerId": "c-7"},
	  "ticketHolder": {"salutation": "MR", "firstName": "Max", "lastName": "Mustermann"}}');
SELECT id, source, tenant, status, errors FROM event_types.inbox ORDER BY id;
SELECT source, tenant, customer_id, status, first_name, last_name, email, phone, city, country,
	   date_of_birth, created_at, personal_at
FROM event_types.customers ORDER BY source, tenant, customer_id;

-- the documents that hold her data, by table
CREATE FUNCTION pg_temp.holding(pattern text)
RETURNS TABLE (stored_in text, documents bigint)
LANGUAGE sql AS $$
	SELECT 'inbox.payload', count(*) FROM event_types.inbox WHERE payload::text ILIKE pattern
	UNION ALL SELECT 'inbox.errors', count(*) FROM event_types.inbox WHERE errors::text ILIKE pattern
	UNION ALL SELECT 'events.content', count(*) FROM event_types.events WHERE content::text ILIKE pattern
	UNION ALL SELECT 'customers', count(*) FROM event_types.customers t WHERE t::text ILIKE pattern
	UNION ALL SELECT 'bookings', count(*) FROM event_types.bookings t WHERE t::text ILIKE pattern
$$;
SELECT * FROM pg_temp.holding('%erika%');

-- the projections as they are, to compare with a rebuild after the erasure
CREATE TEMP TABLE live_bookings AS SELECT * FROM event_types.bookings;

--
-- Erase her, in both sources: the number of documents rewritten
--
SELECT event_types.erase_customer('court_booking', 'club-1', 'CUST7') AS documents;
SELECT event_types.erase_customer('ticketing', '1337', 'c-7') AS documents;
SELECT id, source, tenant, customer_id, documents, erased_by = current_user AS by_me
FROM event_types.erasures ORDER BY id;

-- no trace of her left
SELECT * FROM pg_temp.holding('%erika%');
SELECT * FROM pg_temp.holding('%1985-04-12%');
SELECT * FROM pg_temp.holding('%Heidestra%');
-- other people stay: Bob (CUST8); Max, who plays without a customer id
-- (max@example.de, in message 1 and its retry); her son Max Mustermann,
-- the ticket holder, named without a customer id
SELECT * FROM pg_temp.holding('%Bob%');
SELECT * FROM pg_temp.holding('%max@example.de%');
SELECT * FROM pg_temp.holding('%mustermann%');

-- an erased document: personal values are null, the keys, ids and times stay
SELECT jsonb_pretty(content) FROM event_types.events
WHERE event_id = 'e1000000-0000-4000-8000-000000000007';
SELECT payload -> 'ticketBuyer' AS buyer, payload -> 'ticketHolder' AS holder
FROM event_types.inbox WHERE id = 6;
SELECT payload - 'metadata' AS customer FROM event_types.inbox WHERE id = 5;

-- the inbox rows keep their status; errors note the erasure, and an error
-- that quoted her address lost its message (path and keyword stay)
SELECT id, status, errors FROM event_types.inbox ORDER BY id;

-- her customer rows keep ids, status, times and the personal register's key
SELECT source, tenant, customer_id, status, first_name, last_name, email, phone, city, country,
	   date_of_birth, created_at, personal_at, personal_event_id
FROM event_types.customers ORDER BY source, tenant, customer_id;
-- the bookings did not change (player count included)
SELECT count(*) AS changed_bookings FROM
	((TABLE live_bookings EXCEPT TABLE event_types.bookings)
	 UNION ALL (TABLE event_types.bookings EXCEPT TABLE live_bookings)) d;

--
-- Replay: rebuild_projections() from the erased event log gives the same
-- projections
--
CREATE TEMP TABLE erased_customers AS SELECT * FROM event_types.customers;
CREATE TEMP TABLE erased_bookings AS SELECT * FROM event_types.bookings;
SELECT event_types.rebuild_projections() AS replayed;
SELECT (SELECT count(*) FROM
			((TABLE erased_customers EXCEPT TABLE event_types.customers)
			 UNION ALL (TABLE event_types.customers EXCEPT TABLE erased_customers)) d) AS customers_differ,
	   (SELECT count(*) FROM
			((TABLE erased_bookings EXCEPT TABLE event_types.bookings)
			 UNION ALL (TABLE event_types.bookings EXCEPT TABLE erased_bookings)) d) AS bookings_differ;

--
-- Retries after the erasure.  The vendor still has the original message and
-- may send it again: it is recognised as a duplicate of the erased event
-- (the erased customers are erased from it before comparing), changes
-- nothing, and is stored without her data.
--
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000007", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-07-01T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST7", "userId": "7c1e4b9a-3f2d-4e8a-9b6c-0d5f2a1e8c37",
	                       "firstName": "Erika", "lastName": "Mustermann", "email": "erika@example.de",
	                       "cellphone": "+49 170 1234567", "city": "Köln", "country": "DE",
	                       "dateOfBirth": "1985-04-12", "gender": "female",
	                       "registrationDate": "2022-03-14T08:21:00Z"},
	             "booking": {"bookingId": "B7", "startTime": "2024-07-05T17:00:00Z",
	                         "endTime": "2024-07-05T18:30:00Z", "courtId": "C4",
	                         "courtName": "Padel 2", "totalPrice": "40.00"},
	             "players": [{"customerId": "CUST7", "isCustomer": true, "firstName": "Erika",
	                          "lastName": "Mustermann", "email": "erika@example.de"},
	                         {"isCustomer": false, "firstName": "Max", "email": "max@example.de"}],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1')
RETURNING id, status, payload -> 'detail' -> 'owner' ->> 'firstName' AS first_name, errors;
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000002", "occurredAt": "2025-01-15T19:21:09Z",
	               "version": "1.0", "tenant": "1337", "type": "TICKET"},
	  "ticketId": "T1", "orderId": "O1",
	  "ticketBuyer": {"salutation": "MRS", "firstName": "Erika", "lastName": "Mustermann", "customerId": "c-7"},
	  "ticketHolder": {"salutation": "MR", "firstName": "Max", "lastName": "Mustermann"}}')
RETURNING id, status, payload -> 'ticketBuyer' AS buyer;
SELECT * FROM pg_temp.holding('%erika%');
-- a "retry" that differs in more than her personal data is a conflict, as before
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000007", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-07-01T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST7", "firstName": "Erika"},
	             "booking": {"bookingId": "B7", "startTime": "2024-07-05T17:00:00Z",
	                         "endTime": "2024-07-05T18:30:00Z", "courtId": "C5",
	                         "courtName": "Padel 3", "totalPrice": "40.00"},
	             "players": [],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1')
RETURNING id, status, errors;
-- (a conflicting message is kept as received; erasing again covers it)

--
-- A new message naming her after the erasure is new data: applied as usual
-- (erasure is of what is stored, not a block list); erasing again covers it
-- and the conflict above, and is recorded again
--
INSERT INTO event_types.inbox (source, payload, tenant) VALUES ('court_booking',
	'{"id": "e1000000-0000-4000-8000-000000000010", "detail-type": "BookingCreatedV1",
	  "timestamp": "2024-08-01T09:00:00Z",
	  "detail": {"owner": {"customerId": "CUST7", "firstName": "Erika", "lastName": "Mustermann"},
	             "booking": {"bookingId": "B10", "startTime": "2024-08-05T17:00:00Z",
	                         "endTime": "2024-08-05T18:30:00Z", "courtId": "C4", "courtName": "Padel 2"},
	             "players": [],
	             "facility": {"facilityId": "F1", "facilityName": "Club"}}}', 'club-1')
RETURNING id, status;
SELECT customer_id, first_name, last_name, personal_at FROM event_types.customers
WHERE source = 'court_booking' AND customer_id = 'CUST7';
SELECT event_types.erase_customer('court_booking', 'club-1', 'CUST7') AS documents;
SELECT event_types.erase_customer('court_booking', 'club-1', 'CUST7') AS documents_the_second_time;
SELECT id, customer_id, documents FROM event_types.erasures ORDER BY id;
SELECT * FROM pg_temp.holding('%erika%');

--
-- Errors
--
SELECT event_types.erase_customer('crm', '', '1');
SELECT event_types.erase_customer('gym', '', '');
SELECT event_types.erase_customer('gym', NULL, '1') IS NULL AS strict;
-- outside an erasure the inbox stays append-only, payload included
UPDATE event_types.inbox SET payload = '{}' WHERE id = 1;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings, event_types.erasures RESTART IDENTITY;
