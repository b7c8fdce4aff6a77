--
-- The customers projection: what each event type does to a customer row
-- (SPEC "Projection effects", src/projections/customers.c), one minimal
-- message per effect, and late (older) events arriving after newer ones.
--
SET search_path = public, event_types;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;

--
-- gym: status, created_at / updated_at, last_event_*
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000001",
	  "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CUSTOMER_CREATED"}]}')
RETURNING status;
SELECT customer_id, status, created_at, updated_at, checkin_count, checked_in,
	   last_event_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000002",
	  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CUSTOMER_ACCESS_DISABLED"}]}')
RETURNING status;
SELECT customer_id, status, created_at, updated_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000003",
	  "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CUSTOMER_UPDATED"}]}')
RETURNING status;
SELECT customer_id, status, created_at, updated_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
-- home studio = content.targetStudioId
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000004",
	  "payload": [{"timestamp": "2024-06-06T09:00:00Z", "type": "CUSTOMER_HOME_STUDIO_UPDATED",
	               "content": {"sourceStudioId": 1210000001, "targetStudioId": 1210000002}}]}')
RETURNING status;
SELECT customer_id, home_studio_id, updated_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
-- an older home studio change arriving late does not override the newer one
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000005",
	  "payload": [{"timestamp": "2024-06-05T12:00:00Z", "type": "CUSTOMER_HOME_STUDIO_UPDATED",
	               "content": {"targetStudioId": 1210000009}}]}')
RETURNING status;
SELECT customer_id, home_studio_id, updated_at, last_event_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
-- a type without its own effect moves last_event_* only
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000006",
	  "payload": [{"timestamp": "2024-06-07T09:00:00Z", "type": "CUSTOMER_ACCESS_MEDIUM_CREATED"}]}')
RETURNING status;
SELECT customer_id, status, updated_at, last_event_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';
-- and so do the customer's contract events (entityId is the customer)
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000007",
	  "payload": [{"timestamp": "2024-06-08T09:00:00Z", "type": "CONTRACT_CREATED",
	               "content": {"contractId": 7001}}]}')
RETURNING status;
SELECT customer_id, status, updated_at, last_event_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';

--
-- gym: check-in and check-out
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2002, "uuid": "c1000000-0000-4000-8000-000000000011",
	  "payload": [{"timestamp": "2024-06-03T08:00:00Z", "type": "CUSTOMER_CHECKIN"}]}')
RETURNING status;
SELECT customer_id, status, last_checkin_at, last_checkout_at, checkin_count, checked_in
FROM event_types.customers WHERE customer_id = '2002';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2002, "uuid": "c1000000-0000-4000-8000-000000000012",
	  "payload": [{"timestamp": "2024-06-03T09:30:00Z", "type": "CUSTOMER_CHECKOUT"}]}')
RETURNING status;
SELECT customer_id, last_checkin_at, last_checkout_at, checkin_count, checked_in
FROM event_types.customers WHERE customer_id = '2002';
-- a second visit: the count grows, checked in again
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2002, "uuid": "c1000000-0000-4000-8000-000000000013",
	  "payload": [{"timestamp": "2024-06-04T17:00:00Z", "type": "CUSTOMER_CHECKIN"}]}')
RETURNING status;
SELECT customer_id, last_checkin_at, last_checkout_at, checkin_count, checked_in
FROM event_types.customers WHERE customer_id = '2002';
-- the first visit's check-out, re-sent late under a new delivery uuid, is
-- older than the second check-in: the customer stays checked in
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2002, "uuid": "c1000000-0000-4000-8000-000000000014",
	  "payload": [{"timestamp": "2024-06-03T09:30:00Z", "type": "CUSTOMER_CHECKOUT"}]}')
RETURNING status;
SELECT customer_id, last_checkin_at, last_checkout_at, checkin_count, checked_in
FROM event_types.customers WHERE customer_id = '2002';

--
-- gym: AUTOMATIC_CUSTOMER_CHECKOUT checks out every listed customer
-- (entityId is the studio); last_checkout_at = that customer's checkoutTime
-- (the latest, when a customer is listed twice)
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2003, "uuid": "c1000000-0000-4000-8000-000000000021",
	  "payload": [{"timestamp": "2024-06-03T18:00:00Z", "type": "CUSTOMER_CHECKIN"}]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 1210000006, "uuid": "c1000000-0000-4000-8000-000000000022",
	  "payload": [{"timestamp": "2024-06-04T23:59:00Z", "type": "AUTOMATIC_CUSTOMER_CHECKOUT",
	               "content": {"checkouts": [
	                   {"customerId": 2003, "checkoutTime": "2024-06-03T22:00:00Z"},
	                   {"customerId": "2004", "checkoutTime": "2024-06-04T22:00:00Z"},
	                   {"customerId": 2002, "checkoutTime": "2024-06-04T23:00:00Z"},
	                   {"customerId": 2003, "checkoutTime": "2024-06-03T23:00:00Z"}]}}]}')
RETURNING status;
SELECT customer_id, last_checkin_at, last_checkout_at, checkin_count, checked_in,
	   last_event_at, last_event_type
FROM event_types.customers WHERE customer_id IN ('2002', '2003', '2004') ORDER BY customer_id;
-- the studio itself is no customer
SELECT count(*) AS studio_rows FROM event_types.customers WHERE customer_id = '1210000006';

--
-- gym: CUSTOMER_DELETED, and an older update arriving after it
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000031",
	  "payload": [{"timestamp": "2024-06-10T09:00:00Z", "type": "CUSTOMER_DELETED"}]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 2001, "uuid": "c1000000-0000-4000-8000-000000000032",
	  "payload": [{"timestamp": "2024-06-09T09:00:00Z", "type": "CUSTOMER_UPDATED"}]}')
RETURNING status;
SELECT customer_id, status, home_studio_id, created_at, updated_at, deleted_at,
	   last_event_at, last_event_type
FROM event_types.customers WHERE customer_id = '2001';

--
-- ticketing CUSTOMER: personal fields from the first BILLING address and
-- the first telephone number; tenant from metadata.tenant
--
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "c2000000-0000-4000-8000-000000000001", "occurredAt": "2024-11-02T09:12:45Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
	  "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "100234",
	  "firstName": "Erika", "lastName": "Mustermann", "email": "erika@example.de",
	  "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 1234567"},
	                       {"type": "HOME", "number": "+49 221 555"}],
	  "addresses": [{"addressType": "DELIVERY", "city": "Bonn", "country": "DE"},
	                {"addressType": "BILLING", "city": "Köln", "country": "DE"},
	                {"addressType": "BILLING", "city": "Wien", "country": "AT"}],
	  "advertisingConsent": {"emailConsent": true}}')
RETURNING status;
SELECT source, tenant, customer_id, status, first_name, last_name, email, phone, city, country,
	   created_at, updated_at, last_event_type
FROM event_types.customers WHERE source = 'ticketing';
-- a newer CUSTOMER replaces the personal fields as one snapshot
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "c2000000-0000-4000-8000-000000000002", "occurredAt": "2024-11-05T10:00:00Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
	  "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "100234",
	  "firstName": "Erika", "lastName": "Musterfrau",
	  "advertisingConsent": {"emailConsent": false}}')
RETURNING status;
SELECT customer_id, status, first_name, last_name, email, phone, city, country,
	   created_at, updated_at
FROM event_types.customers WHERE source = 'ticketing';
-- CUSTOMER_DELETED: deleted, personal fields erased
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "c2000000-0000-4000-8000-000000000003", "occurredAt": "2024-11-20T08:00:31Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER_DELETED"},
	  "customerId": "rxrn:cx:1337:customer:erika"}')
RETURNING status;
-- an older CUSTOMER arriving late: still deleted and erased
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "c2000000-0000-4000-8000-000000000004", "occurredAt": "2024-11-10T10:00:00Z",
	               "version": "1.0", "tenant": "1337", "type": "CUSTOMER"},
	  "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "100234",
	  "firstName": "Erika", "lastName": "Late", "email": "late@example.de",
	  "advertisingConsent": {"emailConsent": true}}')
RETURNING status;
SELECT customer_id, status, first_name, last_name, email, phone, city, country,
	   created_at, updated_at, deleted_at, last_event_at, last_event_type
FROM event_types.customers WHERE source = 'ticketing';
-- the same customer id in another tenant is another customer
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "c2000000-0000-4000-8000-000000000005", "occurredAt": "2024-11-21T08:00:00Z",
	               "version": "1.0", "tenant": "4242", "type": "CUSTOMER"},
	  "customerId": "rxrn:cx:1337:customer:erika", "customerNumber": "7",
	  "advertisingConsent": {"emailConsent": true}}')
RETURNING status;
SELECT tenant, customer_id, status FROM event_types.customers WHERE source = 'ticketing' ORDER BY tenant;

--
-- court booking: booking owners upsert a customer with their personal fields
-- (phone = cellphone, else telephone; created_at = registrationDate)
--
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-c-1", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z",
	  "detail": {
	    "owner": {"customerId": "CUST123456", "firstName": "John", "lastName": "Doe",
	              "email": "john.doe@example.com", "city": "Anytown", "country": "USA",
	              "cellphone": "+1234567890", "telephone": "+0987654321",
	              "dateOfBirth": "1980-01-01", "registrationDate": "2023-07-04T10:00:00Z"},
	    "booking": {"bookingId": "1234555", "startTime": "2024-07-04T10:00:00Z",
	                "endTime": "2024-07-04T11:00:00Z", "courtId": "C001", "courtName": "Main Court"},
	    "players": [],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-c-2", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-02T09:00:00Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411", "firstName": "Anna", "telephone": "+46 8 123"},
	    "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z",
	                "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2"},
	    "players": [],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT customer_id, status, first_name, last_name, email, phone, city, country, date_of_birth,
	   created_at, updated_at, last_event_type
FROM event_types.customers WHERE source = 'court_booking' ORDER BY customer_id;
-- a date of birth the schema's format "date" admits but the date type does
-- not (year 0000) is left NULL; the message is still accepted
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-c-5", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-02T10:00:00Z",
	  "detail": {
	    "owner": {"customerId": "CUST300001", "firstName": "Zero", "dateOfBirth": "0000-01-01"},
	    "booking": {"bookingId": "1239990", "startTime": "2024-07-05T17:00:00Z",
	                "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2"},
	    "players": [],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT customer_id, first_name, date_of_birth FROM event_types.customers WHERE customer_id = 'CUST300001';
-- CUSTOMER_DELETED_V1: deleted and erased ...
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-c-3", "detail-type": "CustomerDeletedV1", "timestamp": "2024-08-01T00:00:12Z",
	  "detail": {"customer": {"customerId": "CUST123456"},
	             "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
-- ... and stays so when an older booking by the owner arrives late
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-c-4", "detail-type": "BookingCancelledV2", "timestamp": "2024-07-03T16:20:11Z",
	  "detail": {
	    "owner": {"customerId": "CUST123456", "firstName": "John", "lastName": "Doe",
	              "email": "john.doe@example.com"},
	    "booking": {"bookingId": "1234555", "startTime": "2024-07-04T10:00:00Z",
	                "endTime": "2024-07-04T11:00:00Z"},
	    "players": [],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT customer_id, status, first_name, last_name, email, phone, city, country, date_of_birth,
	   created_at, updated_at, deleted_at, last_event_at, last_event_type
FROM event_types.customers WHERE source = 'court_booking' AND customer_id <> 'CUST300001'
ORDER BY customer_id;

--
-- the live table equals a rebuild from the event log
--
CREATE TEMP TABLE live AS SELECT * FROM event_types.customers;
SELECT event_types.rebuild_projections() AS events_replayed;
SELECT count(*) AS differences FROM (
	(SELECT * FROM live EXCEPT ALL SELECT * FROM event_types.customers)
	UNION ALL
	(SELECT * FROM event_types.customers EXCEPT ALL SELECT * FROM live)) AS d;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;
