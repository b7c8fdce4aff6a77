--
-- The contracts projection (gym contracts and additional modules): what each
-- CONTRACT_* event type does (SPEC "Projection effects",
-- src/projections/contracts.c), out-of-order arrival, and CUSTOMER_DELETED
-- leaving contracts alone.  The vendor's entityId is the customer.
--
SET search_path = public, event_types;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;

--
-- a main contract: created, updated, cancelled
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000001",
	  "payload": [{"timestamp": "2024-06-03T09:00:00Z", "type": "CONTRACT_CREATED",
	               "content": {"contractId": 7001}}]}')
RETURNING status;
SELECT contract_id, customer_id, main_contract_id, kind, status, idle_periods,
	   created_at, updated_at, cancelled_at, last_event_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000002",
	  "payload": [{"timestamp": "2024-06-04T09:00:00Z", "type": "CONTRACT_UPDATED",
	               "content": {"contractId": "7001"}}]}')
RETURNING status;
SELECT contract_id, kind, status, created_at, updated_at, cancelled_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';

--
-- idle periods: idle while one is open, back to active when all are
-- cancelled; idle_periods counts the open ones (by idlePeriodId)
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000003",
	  "payload": [{"timestamp": "2024-06-05T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
	               "content": {"contractId": 7001, "idlePeriodId": 51, "idlePeriodAmount": 1}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, updated_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000004",
	  "payload": [{"timestamp": "2024-06-06T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
	               "content": {"contractId": 7001, "idlePeriodId": 52}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods FROM event_types.contracts WHERE contract_id = '7001';
-- an update of an idle period changes updated_at only
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000005",
	  "payload": [{"timestamp": "2024-06-07T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_UPDATED",
	               "content": {"contractId": 7001, "idlePeriodId": 52, "usedFreeTermsInDays": 14}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, updated_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000006",
	  "payload": [{"timestamp": "2024-06-08T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CANCELLED",
	               "content": {"contractId": 7001, "idlePeriodId": 51}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, idle_opened, idle_closed FROM event_types.contracts WHERE contract_id = '7001';
-- the creation of period 52 re-sent under a new delivery uuid counts once
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000007",
	  "payload": [{"timestamp": "2024-06-06T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
	               "content": {"contractId": 7001, "idlePeriodId": 52}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, idle_opened, idle_closed FROM event_types.contracts WHERE contract_id = '7001';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000008",
	  "payload": [{"timestamp": "2024-06-09T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CANCELLED",
	               "content": {"contractId": 7001, "idlePeriodId": 52}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, updated_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';
-- a cancellation whose creation never arrived does not make the count negative
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3002, "uuid": "d1000000-0000-4000-8000-000000000009",
	  "payload": [{"timestamp": "2024-06-09T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CANCELLED",
	               "content": {"contractId": 7002, "idlePeriodId": 60}}]}')
RETURNING status;
SELECT contract_id, customer_id, kind, status, idle_periods, created_at
FROM event_types.contracts WHERE contract_id = '7002';
-- cancelled beats idle
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3002, "uuid": "d1000000-0000-4000-8000-00000000000a",
	  "payload": [{"timestamp": "2024-06-10T09:00:00Z", "type": "CONTRACT_IDLE_PERIOD_CREATED",
	               "content": {"contractId": 7002, "idlePeriodId": 61}}]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3002, "uuid": "d1000000-0000-4000-8000-00000000000b",
	  "payload": [{"timestamp": "2024-06-11T09:00:00Z", "type": "CONTRACT_CANCELLED",
	               "content": {"contractId": 7002}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, cancelled_at FROM event_types.contracts WHERE contract_id = '7002';

--
-- cancellation: status cancelled, cancelled_at = event time
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000011",
	  "payload": [{"timestamp": "2024-07-01T09:00:00Z", "type": "CONTRACT_CANCELLED",
	               "content": {"contractId": 7001}}]}')
RETURNING status;
SELECT contract_id, status, idle_periods, created_at, updated_at, cancelled_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';
-- an older update arriving late changes neither status nor last_event_*
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000012",
	  "payload": [{"timestamp": "2024-06-20T09:00:00Z", "type": "CONTRACT_UPDATED",
	               "content": {"contractId": 7001}}]}')
RETURNING status;
SELECT contract_id, status, created_at, updated_at, cancelled_at, last_event_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7001';

--
-- additional modules: a row of kind module with main_contract_id
--
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000021",
	  "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_CREATED",
	               "content": {"contractId": 7001, "moduleContractId": 7101}}]}')
RETURNING status;
SELECT contract_id, customer_id, main_contract_id, kind, status, created_at, updated_at,
	   cancelled_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7101';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000022",
	  "payload": [{"timestamp": "2024-06-04T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_UPDATED",
	               "content": {"contractId": 7001, "moduleContractId": 7101}}]}')
RETURNING status;
SELECT contract_id, main_contract_id, kind, status, updated_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7101';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000023",
	  "payload": [{"timestamp": "2024-06-05T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_CANCELLED",
	               "content": {"contractId": 7001, "moduleContractId": 7101}}]}')
RETURNING status;
SELECT contract_id, main_contract_id, kind, status, updated_at, cancelled_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7101';
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000024",
	  "payload": [{"timestamp": "2024-06-06T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_DELETED",
	               "content": {"contractId": 7001, "moduleContractId": 7101}}]}')
RETURNING status;
SELECT contract_id, main_contract_id, kind, status, updated_at, cancelled_at, last_event_type
FROM event_types.contracts WHERE contract_id = '7101';
-- a module whose events arrive newest first ends the same
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000026",
	  "payload": [{"timestamp": "2024-06-06T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_DELETED",
	               "content": {"contractId": 7001, "moduleContractId": 7102}}]}')
RETURNING status;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000025",
	  "payload": [{"timestamp": "2024-06-03T10:00:00Z", "type": "CONTRACT_ADDITIONAL_MODULE_CREATED",
	               "content": {"contractId": 7001, "moduleContractId": 7102}}]}')
RETURNING status;
SELECT contract_id, main_contract_id, kind, status, created_at, updated_at, last_event_type
FROM event_types.contracts WHERE contract_id IN ('7101', '7102') ORDER BY contract_id;

--
-- CUSTOMER_DELETED marks the customer deleted and leaves its contracts alone
--
CREATE TEMP TABLE contracts_before AS SELECT * FROM event_types.contracts;
INSERT INTO event_types.inbox (source, payload) VALUES ('gym',
	'{"entityId": 3001, "uuid": "d1000000-0000-4000-8000-000000000031",
	  "payload": [{"timestamp": "2024-08-01T09:00:00Z", "type": "CUSTOMER_DELETED"}]}')
RETURNING status;
SELECT customer_id, status, deleted_at FROM event_types.customers WHERE customer_id = '3001';
SELECT count(*) AS changed_contracts FROM (
	(SELECT * FROM contracts_before EXCEPT ALL SELECT * FROM event_types.contracts)
	UNION ALL
	(SELECT * FROM event_types.contracts EXCEPT ALL SELECT * FROM contracts_before)) AS d;

--
-- the live table equals a rebuild from the event log
--
CREATE TEMP TABLE live AS SELECT * FROM event_types.contracts;
SELECT event_types.rebuild_projections() AS events_replayed;
SELECT count(*) AS differences FROM (
	(SELECT * FROM live EXCEPT ALL SELECT * FROM event_types.contracts)
	UNION ALL
	(SELECT * FROM event_types.contracts EXCEPT ALL SELECT * FROM live)) AS d;

TRUNCATE event_types.inbox, event_types.events, event_types.customers,
	event_types.contracts, event_types.bookings RESTART IDENTITY;
