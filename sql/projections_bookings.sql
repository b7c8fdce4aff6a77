--
-- The bookings projection: gym class and appointment bookings, court
-- bookings, ticketing reservations and orders (SPEC "Projection effects",
-- src/projections/bookings.c), one minimal message per effect, and late
-- (older) events arriving after newer ones.
--
SET search_path = public, event_types;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;

--
-- gym class bookings (entityId is the booking; the vendor sends no times)
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4001, "uuid": "e1000000-0000-4000-8000-000000000001",
	  "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CLASS_BOOKING_CREATED"}]}')
RETURNING status;
SELECT booking_id, kind, customer_id, status, created_at, updated_at, cancelled_at,
	   last_event_at, last_event_type
FROM event_types.bookings WHERE booking_id = '4001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4001, "uuid": "e1000000-0000-4000-8000-000000000002",
	  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CLASS_BOOKING_UPDATED"}]}')
RETURNING status;
SELECT booking_id, kind, status, created_at, updated_at, cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '4001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4001, "uuid": "e1000000-0000-4000-8000-000000000003",
	  "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CLASS_BOOKING_CANCELLED"}]}')
RETURNING status;
SELECT booking_id, kind, status, created_at, updated_at, cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '4001';

--
-- gym appointment bookings, arriving cancellation first
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4002, "uuid": "e1000000-0000-4000-8000-000000000012",
	  "timestamp": "2024-06-05T09:00:00Z", "type": "APPOINTMENT_BOOKING_CANCELLED"}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4002, "uuid": "e1000000-0000-4000-8000-000000000011",
	  "timestamp": "2024-06-03T09:00:00Z", "type": "APPOINTMENT_BOOKING_CREATED"}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 4002, "uuid": "e1000000-0000-4000-8000-000000000013",
	  "timestamp": "2024-06-04T09:00:00Z", "type": "APPOINTMENT_BOOKING_UPDATED"}')
RETURNING status;
SELECT booking_id, kind, status, created_at, updated_at, cancelled_at, last_event_at, last_event_type
FROM event_types.bookings WHERE booking_id = '4002';

--
-- court bookings: times, court, facility, price, players, owner; kind court
--
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-1", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z",
	                "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2",
	                "totalPrice": "540.00"},
	    "players": [{"customerId": "CUST204411", "isCustomer": true},
	                {"email": "erik.s@example.se", "isCustomer": false}],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT booking_id, kind, customer_id, status, starts_at, ends_at, resource_id, resource_name,
	   facility_id, facility_name, total_price, player_count, created_at, updated_at,
	   cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '1239981';
-- moved: new times and court, status unchanged
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-2", "detail-type": "BookingMovedV1", "timestamp": "2024-07-02T10:15:00Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1239981", "startTime": "2024-07-05T18:30:00Z",
	                "endTime": "2024-07-05T20:00:00Z", "courtId": "C003", "courtName": "Padel 1",
	                "totalPrice": "540.00"},
	    "originalBooking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z",
	                        "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2"},
	    "players": [{"customerId": "CUST204411", "isCustomer": true}],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT booking_id, status, starts_at, ends_at, resource_id, resource_name, player_count,
	   created_at, updated_at, last_event_type
FROM event_types.bookings WHERE booking_id = '1239981';
-- the creation, delivered again after the move: a duplicate, nothing changes
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-1", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-01T09:00:02Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1239981", "startTime": "2024-07-05T17:00:00Z",
	                "endTime": "2024-07-05T18:30:00Z", "courtId": "C004", "courtName": "Padel 2",
	                "totalPrice": "540.00"},
	    "players": [{"customerId": "CUST204411", "isCustomer": true},
	                {"email": "erik.s@example.se", "isCustomer": false}],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
-- cancelled (V1): cancelled_at = event time
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-3", "detail-type": "BookingCancelledV1", "timestamp": "2024-07-03T16:20:11Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1239981", "startTime": "2024-07-05T18:30:00Z",
	                "endTime": "2024-07-05T20:00:00Z", "courtId": "C003", "courtName": "Padel 1",
	                "totalPrice": "540.00"},
	    "players": [{"customerId": "CUST204411", "isCustomer": true}],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT booking_id, kind, customer_id, status, starts_at, ends_at, resource_id, total_price,
	   player_count, created_at, updated_at, cancelled_at, last_event_at, last_event_type
FROM event_types.bookings WHERE booking_id = '1239981';
-- V2 (body in "data", an activity booking without court): cancelled; an
-- older move arriving after it leaves it cancelled with the V2 snapshot
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-4", "detail-type": "BookingCancelledV2", "timestamp": "2024-07-05T12:00:00+02:00",
	  "data": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1240107", "startTime": "2024-07-06T09:00:00+02:00",
	                "endTime": "2024-07-06T11:00:00+02:00", "totalPrice": "250.00"},
	    "players": [{"customerId": "CUST204411", "isCustomer": true}],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"},
	    "bookingType": "ACTIVITY", "entityId": "88231",
	    "activityDetail": {"activityId": "88231", "activityName": "Padel Americano Saturday"}}}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('court_booking',
	'{"id": "cb-b-5", "detail-type": "BookingMovedV1", "timestamp": "2024-07-04T08:00:00Z",
	  "detail": {
	    "owner": {"customerId": "CUST204411"},
	    "booking": {"bookingId": "1240107", "startTime": "2024-07-06T08:00:00Z",
	                "endTime": "2024-07-06T10:00:00Z", "courtId": "C009", "courtName": "Padel 9"},
	    "originalBooking": {"bookingId": "1240107", "startTime": "2024-07-06T07:00:00Z",
	                        "endTime": "2024-07-06T09:00:00Z", "courtId": "C009", "courtName": "Padel 9"},
	    "players": [],
	    "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}')
RETURNING status;
SELECT booking_id, kind, customer_id, status, starts_at, ends_at, resource_id, total_price,
	   player_count, created_at, updated_at, cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '1240107';

--
-- ticketing RESERVATION: kind reservation, booked, customer, total_price =
-- price, player_count = ticket positions (single, season, subscriptions)
--
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000001", "occurredAt": "2024-12-11T14:42:55Z",
	               "version": "1.0", "tenant": "1337", "type": "RESERVATION"},
	  "reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:erika",
	  "currency": "EUR", "price": 240.22, "reservationDateTime": "2024-12-11T14:42:50Z",
	  "singleTickets": [{"positionId": "POS1", "price": 70.22}],
	  "seasonTickets": [{"positionId": "POS2", "price": 170.0}]}')
RETURNING status;
SELECT tenant, booking_id, kind, customer_id, status, total_price, currency, player_count,
	   created_at, updated_at, cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '87654321';
-- modified: a newer RESERVATION replaces the details
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000002", "occurredAt": "2024-12-12T10:00:00Z",
	               "version": "1.0", "tenant": "1337", "type": "RESERVATION"},
	  "reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:erika",
	  "currency": "EUR", "price": 331, "reservationDateTime": "2024-12-11T14:42:50Z",
	  "singleTickets": [{"positionId": "POS1"}],
	  "subscriptions": [{"positionId": "4711", "tickets": [{"positionId": "1"}, {"positionId": "2"}]}]}')
RETURNING status;
SELECT booking_id, status, total_price, player_count, created_at, updated_at, last_event_type
FROM event_types.bookings WHERE booking_id = '87654321';
-- RESERVATION_CANCELLATION: cancelled_at = cancelDateTime
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000003", "occurredAt": "2024-12-20T09:00:00Z",
	               "version": "1.0", "tenant": "1337", "type": "RESERVATION_CANCELLATION"},
	  "reservationId": "87654321", "cancelDateTime": "2024-12-20T08:59:58Z"}')
RETURNING status;
-- the first RESERVATION re-sent late changes nothing
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000004", "occurredAt": "2024-12-11T14:42:55Z",
	               "version": "1.0", "tenant": "1337", "type": "RESERVATION"},
	  "reservationId": "87654321", "customerId": "rxrn:cx:1337:customer:erika",
	  "currency": "EUR", "price": 240.22, "reservationDateTime": "2024-12-11T14:42:50Z",
	  "singleTickets": [{"positionId": "POS1", "price": 70.22}],
	  "seasonTickets": [{"positionId": "POS2", "price": 170.0}]}')
RETURNING status;
SELECT booking_id, kind, status, total_price, player_count, created_at, updated_at,
	   cancelled_at, last_event_at, last_event_type
FROM event_types.bookings WHERE booking_id = '87654321';
-- without cancelDateTime, cancelled_at is the event time
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000005", "occurredAt": "2024-12-26T00:00:05Z",
	               "version": "1.0", "tenant": "1337", "type": "RESERVATION_CANCELLATION"},
	  "reservationId": "87654399"}')
RETURNING status;
SELECT booking_id, kind, status, total_price, player_count, created_at, cancelled_at, last_event_type
FROM event_types.bookings WHERE booking_id = '87654399';

--
-- ticketing ORDER (created_at = orderDateTime) and CANCELLATION: a full
-- cancellation cancels the order, a partial one leaves it booked
--
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000011", "occurredAt": "2025-01-15T19:21:07Z",
	               "version": "1.0", "tenant": "1337", "type": "ORDER"},
	  "orderId": "20250115-4471", "customerId": "rxrn:cx:1337:customer:erika",
	  "currency": "EUR", "price": 140.44, "orderDateTime": "2025-01-15T19:21:03Z",
	  "singleTickets": [{"positionId": "POS124800101"}, {"positionId": "POS124800103"}]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000012", "occurredAt": "2025-01-16T08:02:44Z",
	               "version": "1.0", "tenant": "1337", "type": "ORDER"},
	  "orderId": "20250116-0007", "price": 70.22, "currency": "EUR",
	  "orderDateTime": "2025-01-16T08:02:40Z", "singleTickets": [{"positionId": "POS9"}]}')
RETURNING status;
SELECT booking_id, kind, customer_id, status, total_price, currency, player_count,
	   created_at, updated_at, last_event_type
FROM event_types.bookings WHERE kind = 'order' ORDER BY booking_id;
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000013", "occurredAt": "2025-01-20T11:00:00Z",
	               "version": "1.0", "tenant": "1337", "type": "CANCELLATION"},
	  "orderId": "20250115-4471", "cancellationId": "ST-99812", "refundAmount": -140.44,
	  "cancelDateTime": "2025-01-20T10:59:41Z", "fullCancellation": true,
	  "cancelledTickets": ["POS124800101", "POS124800103"]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('ticketing',
	'{"metadata": {"traceId": "e2000000-0000-4000-8000-000000000014", "occurredAt": "2025-01-21T15:30:00Z",
	               "version": "1.0", "tenant": "1337", "type": "CANCELLATION"},
	  "orderId": "20250116-0007", "cancellationId": "ST-99850", "refundAmount": -70.22,
	  "cancelDateTime": "2025-01-21T15:29:00Z", "fullCancellation": false,
	  "cancelledTickets": ["POS9"]}')
RETURNING status;
SELECT booking_id, kind, status, total_price, player_count, created_at, updated_at,
	   cancelled_at, last_event_at, last_event_type
FROM event_types.bookings WHERE kind = 'order' ORDER BY booking_id;
-- the partial cancellation is in the event log
SELECT event_type, entity_id, content->'cancelledTickets' AS cancelled_tickets
FROM event_types.events WHERE event_id = 'e2000000-0000-4000-8000-000000000014';

--
-- the live table equals a rebuild from the event log
--
CREATE TEMP TABLE live AS SELECT * FROM event_types.bookings;
SELECT event_types.rebuild_projections() AS events_replayed;
SELECT count(*) AS differences FROM (
	(SELECT * FROM live EXCEPT ALL SELECT * FROM event_types.bookings)
	UNION ALL
	(SELECT * FROM event_types.bookings EXCEPT ALL SELECT * FROM live)) AS d;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;
