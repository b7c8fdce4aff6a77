--
-- validate_event(source, payload [, event_type]): a raw vendor message
-- against the built-in schemas, exactly as the inbox trigger checks it.
--
-- Same result columns as validation_errors(); no rows means valid.  Paths
-- point into the payload as received, so an error in the second item of a
-- gym delivery is at /payload/1/....  A type the catalogue does not know
-- is reported with keyword "event_type" (the inbox keeps such messages as
-- unknown_type rather than rejecting them).
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- gym: a delivery {entityId, uuid, payload: [{timestamp, type, content}]}
-- ------------------------------------------------------------------
-- a valid delivery
SELECT * FROM validate_event('gym',
	'{"entityId": 1210004544, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED",
	               "content": {"sourceStudioId": 1210000001, "targetStudioId": 1210000002}}]}');
-- a single flattened event is accepted too; ids may be strings, the timestamp ISO 8601
SELECT * FROM validate_event('gym',
	'{"entityId": "1210004545", "uuid": "31643087-af6f-4ad0-9f20-c770621477ba",
	  "timestamp": "2024-06-03T11:15:00+02:00", "type": "CUSTOMER_HOME_STUDIO_UPDATED",
	  "content": {"targetStudioId": "1210000003"}}');
-- several items: an error in the second one is at /payload/1/...
SELECT * FROM validate_event('gym',
	'{"entityId": 1210004544, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"targetStudioId": 1}},
	              {"timestamp": 1717405260000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"targetStudioId": true}}]}');
-- items of different types are each checked against their own schema
SELECT * FROM validate_event('gym',
	'{"entityId": 1210004544, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_CHECKIN", "content": {}},
	              {"timestamp": 1717405260000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"sourceStudioId": 1}}]}');
-- an error found by both the envelope and the item's own schema is listed once
SELECT * FROM validate_event('gym',
	'{"entityId": 1210004544, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_CHECKIN", "content": {}},
	              {"type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"targetStudioId": 1}}]}');
-- the same error in a flattened event is at the top level
SELECT * FROM validate_event('gym',
	'{"entityId": 1210004545, "uuid": "31643087-af6f-4ad0-9f20-c770621477ba",
	  "timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {}}');
-- envelope errors: every one is listed
SELECT * FROM validate_event('gym', '{"entityId": "", "payload": []}');
SELECT * FROM validate_event('gym',
	'{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278", "payload": [{"type": 7}]}');
SELECT * FROM validate_event('gym', '[1, 2]');
-- a type the catalogue does not know: keyword event_type, at the type
SELECT * FROM validate_event('gym',
	'{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_TELEPORTED", "content": {}}]}');
SELECT * FROM validate_event('gym',
	'{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "timestamp": 1717405200000, "type": "CUSTOMER_TELEPORTED"}');
-- ... the known items of the same delivery are still checked
SELECT * FROM validate_event('gym',
	'{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_TELEPORTED", "content": {}},
	              {"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {}}]}');

-- a big broken delivery is reported quickly: 40,000 items, two errors each
SET statement_timeout = '5s';
SELECT count(*) AS errors, count(DISTINCT path) AS items
FROM validate_event('gym', jsonb_build_object('entityId', 1, 'uuid', '6f7fa45f-ba52-4ff4-ac57-47ba38c91278',
	'payload', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 40000))));
RESET statement_timeout;

-- ------------------------------------------------------------------
-- ticketing: {metadata: {traceId, occurredAt, version, tenant, type}, ...body}
-- ------------------------------------------------------------------
-- the EVENT example from the vendor's documentation
SELECT * FROM validate_event('ticketing',
	'{"metadata": {"traceId": "19bebc7b-a2f6-4ca7-9b2e-912edc26d6d6", "occurredAt": "2024-12-11T14:42:55Z",
	               "version": "1.0", "tenant": "1337", "type": "EVENT"},
	  "eventId": "542381", "eventNumber": "20240301-123456789", "eventGroupId": "873920",
	  "eventGroupTitle": "Große Oper: Der Wanderer", "priceProfileId": "12345",
	  "title": "Eine Aufführung von Ludwig Abendroth",
	  "description": "Tauchen Sie ein in die magische Welt der Oper mit einer bewegenden Inszenierung.",
	  "startDateTime": "2024-12-22T18:30:00Z",
	  "venue": {"id": "15742", "name": "Theater am Lindenpark",
	            "address": {"country": "DE", "locality": "Friedenburg", "postalCode": "12345", "street": "Am Theaterplatz 12"},
	            "location": {"id": "30985", "name": "Großer Bühnensaal"}},
	  "genres": ["Theater", "Oper"]}');
-- body errors: missing, mistyped and unexpected properties
SELECT * FROM validate_event('ticketing',
	'{"metadata": {"traceId": "19bebc7b-a2f6-4ca7-9b2e-912edc26d6d6", "occurredAt": "2024-12-11T14:42:55Z",
	               "version": "1.0", "tenant": "1337", "type": "EVENT"},
	  "eventId": 542381, "eventGroupId": "873920", "eventGroupTitle": "G",
	  "startDateTime": "2024-12-22T18:30:00Z", "genres": ["Oper", 7], "sponsor": "x"}');
-- envelope errors
SELECT * FROM validate_event('ticketing',
	'{"metadata": {"traceId": "19bebc7b-a2f6-4ca7-9b2e-912edc26d6d6", "version": "v1",
	               "tenant": "1337", "type": "EVENT", "source": "x"},
	  "eventId": "1", "eventGroupId": "2", "eventGroupTitle": "G", "title": "T",
	  "startDateTime": "2024-12-22T18:30:00Z"}');
SELECT * FROM validate_event('ticketing', '{"eventId": "542381"}');
-- a type the catalogue does not know
SELECT * FROM validate_event('ticketing',
	'{"metadata": {"traceId": "19bebc7b-a2f6-4ca7-9b2e-912edc26d6d6", "occurredAt": "2024-12-11T14:42:55Z",
	               "version": "1.0", "tenant": "1337", "type": "VOUCHER"}}');

-- ------------------------------------------------------------------
-- court_booking: {id, detail-type, timestamp, detail | data}
-- ------------------------------------------------------------------
-- the body under "detail" ...
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2-efd3-4688-822c-66a6aee6e11a", "detail-type": "BookingCancelledV1",
	  "timestamp": "2024-07-03T16:20:11Z",
	  "detail": {"owner": {"customerId": "CUST123456", "firstName": "John"},
	             "booking": {"bookingId": "1234555", "startTime": "2024-07-04T10:00:00Z", "endTime": "2024-07-04T11:00:00Z",
	                         "courtId": "C001", "courtName": "Main Court"},
	             "players": [{"isCustomer": false, "firstName": "John"}],
	             "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}');
-- ... or under "data", as in the vendor's own example
SELECT * FROM validate_event('court_booking',
	'{"id": "1234567890", "detail-type": "BookingCancelledV1", "timestamp": "2024-07-03T16:20:11Z",
	  "data": {"owner": {"customerId": "CUST123456"},
	           "booking": {"bookingId": "1234555", "startTime": "2024-07-04T10:00:00Z", "endTime": "2024-07-04T11:00:00Z",
	                       "courtId": "C001", "courtName": "Main Court"},
	           "players": [],
	           "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}}');
-- body errors are under /detail (or /data)
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2", "detail-type": "BookingCreatedV1", "timestamp": "2024-07-03T16:20:11Z",
	  "detail": {"owner": {}, "booking": {"bookingId": 1234555, "startTime": "2024-07-04T10:00:00Z", "endTime": "2024-07-04T11:00:00Z",
	                                      "courtId": "C001", "courtName": "Main Court"},
	             "players": [{"firstName": "John"}]}}');
-- neither or both of detail and data
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2", "detail-type": "BookingCancelledV1", "timestamp": "2024-07-03T16:20:11Z"}');
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2", "detail-type": "BookingCancelledV1", "timestamp": "2024-07-03T16:20:11Z",
	  "detail": {}, "data": {}}');
-- a type the catalogue does not know
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2", "detail-type": "BookingTeleportedV1", "timestamp": "2024-07-03T16:20:11Z", "detail": {}}');
-- a bare body (no envelope): the caller names the type, in any of its
-- spellings (BOOKING_CREATED_V1 has the same body)
SELECT hint, count(e.path) AS errors FROM (VALUES ('BOOKING_CANCELLED_V1'), ('court_booking.BOOKING_CANCELLED_V1'),
	('BookingCancelledV1'), ('BOOKING_CREATED_V1')) AS h(hint)
	LEFT JOIN LATERAL validate_event('court_booking',
	'{"owner": {"customerId": "CUST123456"},
	  "booking": {"bookingId": "1234555", "startTime": "2024-07-04T10:00:00Z", "endTime": "2024-07-04T11:00:00Z",
	              "courtId": "C001", "courtName": "Main Court"},
	  "players": [{"isCustomer": true}],
	  "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"}}', hint) e ON true
GROUP BY hint ORDER BY hint COLLATE "C";
-- errors in a bare body are at its top level
SELECT * FROM validate_event('court_booking', '{"owner": {}, "players": [{}]}', 'BOOKING_CANCELLED_V1');
-- a hint naming no court_booking type
SELECT * FROM validate_event('court_booking', '{"owner": {}}', 'BOOKING_TELEPORTED_V1');
SELECT * FROM validate_event('court_booking', '{"owner": {}}', 'gym.CUSTOMER_CREATED');
-- without a hint a bare body is read as an envelope, and fails as one
SELECT * FROM validate_event('court_booking', '{"owner": {"customerId": "CUST123456"}}');
-- a message that names its type ignores the hint
SELECT * FROM validate_event('court_booking',
	'{"id": "fad0fde2", "detail-type": "BookingTeleportedV1", "timestamp": "2024-07-03T16:20:11Z", "detail": {}}',
	'BOOKING_CANCELLED_V1');

-- ------------------------------------------------------------------
-- Sources and NULLs
-- ------------------------------------------------------------------
-- an unknown source is one error row naming the known sources
SELECT * FROM validate_event('shop', '{"id": 1}');
SELECT * FROM validate_event('GYM', '{}');
-- validate_event is not STRICT: NULL source or payload is an error, never "no rows" (valid)
SELECT * FROM validate_event(NULL, '{}');
SELECT * FROM validate_event('gym', NULL);
-- a NULL event_type is simply no hint
SELECT count(*) AS errors FROM validate_event('gym',
	'{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"targetStudioId": 2}}]}',
	NULL);
