--
-- Generated validators: the built-in event schemas compiled to C at build
-- time (tools/gen_validators.py).  They decide verdicts only -- the inbox,
-- validate_event() and jsonb_matches_schema(schema(t), ...) -- and the
-- general evaluator reports the errors.  The setting
-- event_types.generated_validators turns them off or makes both decide
-- ("verify"); the verdicts are the same in every mode.
--
SET search_path = public, event_types;
SET event_types.generated_validators = on;

-- schema(t) as it is: generated; any other schema, even one keyword away: not
SELECT uses_generated_validator(schema('gym.CONTRACT_CREATED')) AS built_in,
	   uses_generated_validator(schema('gym.CONTRACT_CREATED') - 'title') AS without_title,
	   uses_generated_validator('{"$id": "urn:event-types:gym:CONTRACT_CREATED"}') AS borrowed_id,
	   uses_generated_validator('{"type": "object"}') AS other;

-- the same verdicts with generated code, without it, and with both (verify)
CREATE TEMP TABLE deliveries (label text, doc jsonb);
INSERT INTO deliveries VALUES
	('valid, ids as numbers',
	 '{"entityId": 1210004527, "uuid": "5f4e4581-5c00-43d2-968c-20053f91ed95",
	   "payload": [{"timestamp": 1717408800123, "type": "CONTRACT_CREATED", "content": {"contractId": 1210001201}}]}'),
	('valid, flattened single event',
	 '{"entityId": "1210004529", "uuid": "d2e06b36-b9ea-43d4-86f4-f14cc599fac7",
	   "timestamp": "2024-06-05T18:45:10Z", "type": "CONTRACT_CREATED", "content": {"contractId": "1210001203"}}'),
	('uuid not a UUID',
	 '{"entityId": 1210004527, "uuid": "5f4e4581",
	   "payload": [{"timestamp": 1717408800123, "type": "CONTRACT_CREATED", "content": {"contractId": 1210001201}}]}'),
	('contractId missing',
	 '{"entityId": 1210004527, "uuid": "5f4e4581-5c00-43d2-968c-20053f91ed95",
	   "payload": [{"timestamp": 1717408800123, "type": "CONTRACT_CREATED", "content": {}}]}'),
	('another type in the item',
	 '{"entityId": 1210004527, "uuid": "5f4e4581-5c00-43d2-968c-20053f91ed95",
	   "payload": [{"timestamp": 1717408800123, "type": "CONTRACT_CANCELLED", "content": {"contractId": 1210001201}}]}'),
	('empty payload',
	 '{"entityId": 1210004527, "uuid": "5f4e4581-5c00-43d2-968c-20053f91ed95", "payload": []}'),
	('timestamp not a date-time',
	 '{"entityId": 1210004527, "uuid": "5f4e4581-5c00-43d2-968c-20053f91ed95",
	   "payload": [{"timestamp": "2024-06-31T18:45:10Z", "type": "CONTRACT_CREATED", "content": {"contractId": 1}}]}');

CREATE FUNCTION pg_temp.verdict(mode text, doc jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('event_types.generated_validators', mode, true);
	RETURN jsonb_matches_schema(schema('gym.CONTRACT_CREATED'), doc);
END $$;

BEGIN;
SELECT label,
	   pg_temp.verdict('on', doc) AS generated,
	   pg_temp.verdict('off', doc) AS evaluated,
	   pg_temp.verdict('verify', doc) AS verified
  FROM deliveries;
COMMIT;

-- errors always come from the general evaluator
SELECT path, keyword, message
  FROM deliveries, validation_errors(schema('gym.CONTRACT_CREATED'), doc)
 WHERE label = 'contractId missing';

-- off: nothing is generated; a bad value names the choices
SET event_types.generated_validators = off;
SELECT uses_generated_validator(schema('gym.CONTRACT_CREATED')) AS built_in;
SET event_types.generated_validators = sometimes;
RESET event_types.generated_validators;
