--
-- The "format" keyword.
--
-- JSON Schema 2020-12 treats "format" as an annotation unless the
-- format-assertion vocabulary is in use.  event_types asserts it by
-- default (event_types.format_assertion = on): vendor timestamps, ids and
-- addresses are part of the contract.  SET event_types.format_assertion =
-- off makes it an annotation again.  Unknown formats are always
-- annotations.  The built-in event schemas assert formats whatever the
-- setting says.
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- One valid and one invalid example per format
-- ------------------------------------------------------------------
SELECT f AS format, v AS instance, jsonb_matches_schema(jsonb_build_object('format', f), v) AS valid
FROM (VALUES
	('date-time', '"2024-06-03T11:15:00+02:00"'::jsonb),
	('date-time', '"2024-06-03 11:15:00"'),			-- RFC 3339 needs the "T" and an offset
	('date', '"2024-02-29"'),
	('date', '"2023-02-29"'),						-- not a leap year
	('time', '"23:59:59.5Z"'),
	('time', '"24:00:00Z"'),
	('duration', '"P1DT2H30M"'),
	('duration', '"PT"'),							-- a duration needs at least one part
	('email', '"john.doe@example.com"'),
	('email', '"john.doe.example.com"'),
	('hostname', '"api.example-1.com"'),
	('hostname', '"-leading-hyphen.example.com"'),
	('ipv4', '"192.168.0.1"'),
	('ipv4', '"256.1.1.1"'),
	('ipv6', '"2001:db8::ff00:42:8329"'),
	('ipv6', '"2001:db8:::1"'),
	('uri', '"https://example.com/path?q=1#frag"'),
	('uri', '"/relative/path"'),					-- a uri is absolute; relative is uri-reference
	('uuid', '"6f7fa45f-ba52-4ff4-ac57-47ba38c91278"'),
	('uuid', '"6f7fa45f-ba52-4ff4-ac57-47ba38c9127"'),
	('regex', '"^[A-Z][A-Z0-9_]*$"'),
	('regex', '"(unclosed"')
	) AS c(f, v);
-- that is the default (SHOW works once a call has loaded the library)
SHOW event_types.format_assertion;
-- the error names the format
SELECT * FROM validation_errors('{"format": "date-time"}', '"yesterday"');
SELECT * FROM validation_errors(
	'{"properties": {"occurredAt": {"format": "date-time"}, "traceId": {"format": "uuid"}}}',
	'{"occurredAt": "2024-13-01T00:00:00Z", "traceId": "not-a-uuid"}');
-- formats apply to strings only
SELECT jsonb_matches_schema('{"format": "date-time"}', '1717405200000') AS number,
       jsonb_matches_schema('{"format": "ipv4"}', 'null') AS "null";
-- an unknown format is only an annotation
SELECT jsonb_matches_schema('{"format": "x-vendor-reference"}', '"anything"');

-- ------------------------------------------------------------------
-- format_assertion = off: format is an annotation
-- ------------------------------------------------------------------
SET event_types.format_assertion = off;
SELECT jsonb_matches_schema('{"format": "date"}', '"2023-02-29"') AS date,
       jsonb_matches_schema('{"format": "email"}', '"nobody"') AS email;
SELECT count(*) AS errors FROM validation_errors('{"format": "uuid"}', '"not-a-uuid"');
-- the built-in event schemas still assert formats (occurredAt is not a date-time here)
SELECT * FROM validate_event('ticketing',
	'{"metadata": {"traceId": "19bebc7b-a2f6-4ca7-9b2e-912edc26d6d6", "occurredAt": "11.12.2024 14:42",
	               "version": "1.0", "tenant": "1337", "type": "EVENT"},
	  "eventId": "542381", "eventGroupId": "873920", "eventGroupTitle": "G", "title": "T",
	  "startDateTime": "2024-12-22T18:30:00Z"}');
-- ... so does a schema that asks for the format-assertion vocabulary in its meta-schema
SELECT register_schema('https://example.com/validator_formats/meta-format-assertion',
	'{"$id": "https://example.com/validator_formats/meta-format-assertion",
	  "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
	                  "https://json-schema.org/draft/2020-12/vocab/validation": true,
	                  "https://json-schema.org/draft/2020-12/vocab/format-assertion": true}}');
SELECT jsonb_matches_schema(
	'{"$schema": "https://example.com/validator_formats/meta-format-assertion", "format": "date"}',
	'"2023-02-29"') AS asserted_by_meta_schema;
SELECT unregister_schema('https://example.com/validator_formats/meta-format-assertion');
RESET event_types.format_assertion;

-- back on: the same schema, compiled before, asserts again
SELECT jsonb_matches_schema('{"format": "date"}', '"2023-02-29"') AS date;
-- the setting is checked like any boolean
SET event_types.format_assertion = maybe;
