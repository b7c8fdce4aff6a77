-- The validator's fast paths against the general ones they stand in for:
-- the bit-parallel matcher for simple patterns (src/validator/regex_simple.c)
-- against PostgreSQL's regex engine, host-name checks on ASCII names, plain
-- ASCII email addresses (EmailAsciiValid) against the full check, the
-- display-scale test for "integer", the leaf verdicts, the "required"
-- count and the folded "allOf" plans of boolean validation against error
-- collection.  Each would fail if its fast path answered differently from
-- the slow one.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;
\i test/generated/fixtures.sql

SELECT plan(24);

-- ------------------------------------------------------------------
-- Simple patterns: differential test against the ~ operator.  For ASCII
-- subjects without line breaks, ECMA-262 and PostgreSQL's ARE agree on
-- this subset (literals, ., classes, \d \w \s, quantifiers, ^ $).
-- ------------------------------------------------------------------
SELECT setseed(0.42);
CREATE TEMP TABLE atoms (a text);
INSERT INTO atoms VALUES ('a'), ('b'), ('x'), ('[a-c]'), ('[^b]'), ('[ab1]'),
	('\d'), ('\w'), ('\s'), ('.'), ('[A-Z0-9_]'), ('\.'), ('-');
CREATE TEMP TABLE quants (q text);
INSERT INTO quants VALUES (''), (''), (''), ('*'), ('+'), ('?'), ('{2}'),
	('{1,3}'), ('{2,}'), ('{0,2}'), ('*?'), ('+?');
CREATE TEMP TABLE patterns AS
SELECT i, 'random' AS shape,
	   (CASE WHEN random() < 0.5 THEN '^' ELSE '' END) ||
	   (SELECT string_agg(a || q, '')
		  FROM generate_series(1, 1 + (random() * 4)::int + i * 0) g,
			   LATERAL (SELECT a FROM atoms ORDER BY random() + g * 0 LIMIT 1) x,
			   LATERAL (SELECT q FROM quants ORDER BY random() + g * 0 LIMIT 1) y) ||
	   (CASE WHEN random() < 0.5 THEN '$' ELSE '' END) AS p
FROM generate_series(1, 300) i;
CREATE TEMP TABLE subjects AS
SELECT j, (SELECT string_agg(substr('abcx1 .-_A', 1 + (random() * 9)::int, 1), '')
			 FROM generate_series(0, (random() * 7)::int + j * 0)) AS s
FROM generate_series(1, 40) j;
UPDATE subjects SET s = '' WHERE j = 1;
-- and patterns of the shape regex_simple.c matches without its automaton
-- (see below)
INSERT INTO patterns
SELECT 300 + i, 'prefix-loop', '^' ||
	   (SELECT coalesce(string_agg(a, ''), '')
		  FROM generate_series(1, (random() * 3)::int + i * 0) g,
			   LATERAL (SELECT a FROM atoms ORDER BY random() + g * 0 LIMIT 1) x) ||
	   (SELECT a FROM atoms ORDER BY random() + i * 0 LIMIT 1) ||
	   (SELECT q FROM (VALUES ('*'), ('+'), ('{2,}'), ('*?')) v(q) ORDER BY random() + i * 0 LIMIT 1) ||
	   '$'
FROM generate_series(1, 150) i;

CREATE TEMP TABLE verdicts AS
SELECT shape, p, coalesce(s, '') AS s,
	   event_types.jsonb_matches_schema(jsonb_build_object('pattern', p),
										to_jsonb(coalesce(s, ''))) AS ours,
	   coalesce(s, '') ~ p AS are
FROM patterns, subjects;

SELECT is((SELECT count(*) FROM verdicts WHERE shape = 'random' AND ours IS DISTINCT FROM are), 0::bigint,
		  '12,000 random simple patterns x subjects: same verdict as PostgreSQL''s regex engine');
SELECT ok((SELECT count(*) FILTER (WHERE ours) > 1000 AND count(*) FILTER (WHERE NOT ours) > 1000
		   FROM verdicts WHERE shape = 'random'),
		  'the differential test sees plenty of matches and of non-matches');

-- Non-ASCII subjects leave the decision to the full engine, with ECMA's
-- sets (\w and \d are ASCII only; . and [^...] match any character).
SELECT is(array_agg(event_types.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(s)) ORDER BY n),
		  ARRAY[true, false, true, true, false, true, false, true],
		  'non-ASCII subjects: ECMA semantics through the fallback')
FROM (VALUES (1, '^.$', 'é'), (2, '^\w+$', 'café'), (3, '^[^a]+$', 'ÿü'),
			 (4, '^[A-Z]*', 'Ämter'), (5, '^[a-z]+$', 'naïve'),
			 (6, 'b', 'äbc'), (7, '^\d+$', '١٢٣'), (8, '\s', 'a b')) v(n, p, s);

-- "." does not match line terminators in ECMA (it does in ARE)
SELECT is(array_agg(event_types.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(s)) ORDER BY n),
		  ARRAY[false, false, true, true],
		  '"." excludes \n and \r; \s includes them')
FROM (VALUES (1, '^a.b$', E'a\nb'), (2, '^a.b$', E'a\rb'), (3, '^a\sb$', E'a\nb'),
			 (4, '^a.b$', E'a\tb')) v(n, p, s);

-- Patterns outside the subset still work (groups, alternation, \b)
SELECT is(array_agg(event_types.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(s)) ORDER BY n),
		  ARRAY[true, false, true, false],
		  'groups, alternation and word boundaries go to the full engine')
FROM (VALUES (1, '^(ab)+$', 'abab'), (2, '^(ab)+$', 'aba'),
			 (3, '^(cat|dog)s?$', 'dogs'), (4, '\bcat\b', 'concatenate')) v(n, p, s);

-- "^", fixed items, one repeated item, "$" (identifier patterns such as
-- ^[A-Z][A-Z0-9_]*$) are matched byte by byte against each item's class,
-- without the automaton: the same differential test on that shape only.
SELECT is((SELECT count(*) FROM verdicts WHERE shape = 'prefix-loop' AND ours IS DISTINCT FROM are), 0::bigint,
		  '6,000 anchored prefix-and-loop patterns x subjects: same verdict as PostgreSQL''s regex engine');
SELECT ok((SELECT count(*) FILTER (WHERE ours) > 100 AND count(*) FILTER (WHERE NOT ours) > 1000
		   FROM verdicts WHERE shape = 'prefix-loop'),
		  'the prefix-and-loop test sees matches and non-matches');
SELECT is(array_agg(event_types.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(s)) ORDER BY n),
		  ARRAY[true, false, true, false, true, false],
		  'prefix-and-loop patterns: non-ASCII bytes go to the full engine, an empty tail only for *')
FROM (VALUES (1, '^[A-Z][^a]*$', 'AÄb'), (2, '^[A-Z]\w*$', 'Aé'), (3, '^[A-Z][A-Z0-9_]*$', 'A'),
			 (4, '^[A-Z][A-Z0-9_]+$', 'A'), (5, '^.+$', 'ÿ'), (6, '^[A-Z]x*$', 'é')) v(n, p, s);

-- ------------------------------------------------------------------
-- Host names: ASCII names through the general check, against the rules
-- ------------------------------------------------------------------
SELECT is(array_agg(event_types.jsonb_matches_schema('{"format": "hostname"}', to_jsonb(h)) ORDER BY n),
		  ARRAY[true, true, false, false, false, false, true, false, true, false],
		  'format hostname: LDH labels, 63/253 limits, hyphens, empty labels')
FROM (VALUES (1, 'example.com'), (2, 'a-b.c'), (3, '-ab.com'), (4, 'ab-.com'),
			 (5, 'a..b'), (6, 'example.com.'), (7, repeat('a', 63) || '.com'),
			 (8, repeat('a', 64) || '.com'), (9, 'xn--bcher-kva.example'),
			 (10, rtrim(repeat('abcdefghi.', 26), '.'))) v(n, h);

SELECT is(array_agg(event_types.jsonb_matches_schema('{"format": "idn-hostname"}', to_jsonb(h)) ORDER BY n),
		  ARRAY[true, false, true, false],
		  'format idn-hostname: "--" in positions 3-4 is reserved; A-labels are decoded')
FROM (VALUES (1, 'example.com'), (2, 'ab--cd.com'), (3, 'xn--bcher-kva.example'),
			 (4, 'xn--a.example')) v(n, h);

SELECT is(array_agg(event_types.jsonb_matches_schema('{"format": "email"}', to_jsonb(e)) ORDER BY n),
		  ARRAY[true, false, false, true],
		  'format email: the domain goes through the same host-name rules')
FROM (VALUES (1, 'anna@example.se'), (2, 'anna@-example.se'), (3, 'anna@example..se'),
			 (4, 'anna@[127.0.0.1]')) v(n, e);

-- Plain ASCII addresses are decided on their bytes (EmailAsciiValid);
-- everything else goes to the general check.  Differential test: for ASCII
-- input, "idn-email" always takes the general path and differs from
-- "email" only on "--" in positions 3-4 of a label, which no domain below
-- has outside an A-label.
CREATE TEMP TABLE email_cases AS
SELECT l || '@' || d AS e
FROM unnest(ARRAY['anna', 'a.b', '.a', 'a.', 'a..b', 'x+tag', 'o''neil', '"q r"',
				  'a b', 'a,b', '', repeat('a', 64), repeat('a', 65), 'A-Z_09',
				  '{x}|~', 'a@b']) l,
	 unnest(ARRAY['example.se', 'EXAMPLE.se', '-ex.se', 'ex-.se', 'e-x.se', 'ex..se',
				  'ex.se.', '.ex.se', '', 'xn--bcher-kva.example', 'XN--bcher-kva.ex',
				  'xn--a.ex', '[127.0.0.1]', '[IPv6:::1]', 'a_b.se', 'a',
				  repeat('a', 63) || '.se', repeat('a', 64) || '.se',
				  repeat('abcdefghi.', 25) || 'abc', repeat('abcdefghi.', 25) || 'abcd',
				  'ex!ample.se', '1.2', 'ex ample.se']) d
UNION ALL
VALUES ('anna'), ('@example.se'), ('anna@'), ('');
CREATE TEMP TABLE email_verdicts AS
SELECT e,
	   event_types.jsonb_matches_schema('{"format": "email"}', to_jsonb(e)) AS fast,
	   event_types.jsonb_matches_schema('{"format": "idn-email"}', to_jsonb(e)) AS general
FROM email_cases;
SELECT is((SELECT count(*) FROM email_verdicts WHERE fast IS DISTINCT FROM general), 0::bigint,
		  'format email: 372 ASCII addresses, same verdict as the general check (idn-email)');
SELECT ok((SELECT count(*) FILTER (WHERE fast) >= 50 AND count(*) FILTER (WHERE NOT fast) >= 200
		   FROM email_verdicts),
		  'the email cases hold valid and invalid addresses, and A-labels, literals and quoted parts');

-- ------------------------------------------------------------------
-- "date-time": "YYYY-MM-DDTHH:MM:SSZ" is read at fixed positions; the same
-- instant written with "+00:00" (or a lower-case "z") takes the general
-- parser.  Random strings of that shape, valid and not, leap seconds
-- included: both spellings must get the same verdict.
-- ------------------------------------------------------------------
SELECT setseed(0.3);
CREATE TEMP TABLE zoned AS
SELECT lpad((random() * 2100)::int::text, 4, '0') || '-' || lpad((random() * 13)::int::text, 2, '0') || '-' ||
	   lpad((random() * 32)::int::text, 2, '0') || 'T' || lpad((random() * 25)::int::text, 2, '0') || ':' ||
	   lpad((random() * 61)::int::text, 2, '0') || ':' || lpad((random() * 61)::int::text, 2, '0') AS t
FROM generate_series(1, 3000);
INSERT INTO zoned VALUES ('2024-02-29T23:59:60'), ('2023-02-29T12:00:00'), ('2024-12-31T23:59:60'),
	('2024-06-30T12:59:60'), ('2x24-01-01T00:00:00'), ('2024-01-01T00:00:0a'), ('2024-01-01 00:00:00');
CREATE TEMP TABLE zoned_verdicts AS
SELECT t, event_types.jsonb_matches_schema('{"format": "date-time"}', to_jsonb(t || 'Z')) AS z,
	   event_types.jsonb_matches_schema('{"format": "date-time"}', to_jsonb(t || '+00:00')) AS plus,
	   event_types.jsonb_matches_schema('{"format": "date-time"}', to_jsonb(t || 'z')) AS lower_z
FROM zoned;
SELECT is((SELECT count(*) FROM zoned_verdicts WHERE z <> plus OR z <> lower_z), 0::bigint,
		  'date-time: 3,007 times end in Z, +00:00 and z alike (fixed-position reader against the general parser)');
SELECT ok((SELECT count(*) FILTER (WHERE z) > 500 AND count(*) FILTER (WHERE NOT z) > 500 FROM zoned_verdicts)
		  AND (SELECT z FROM zoned_verdicts WHERE t = '2024-12-31T23:59:60'),
		  'the date-time comparison sees valid and invalid times, and a valid leap second');

-- ------------------------------------------------------------------
-- "integer": display scale 0 is decided from the header, the rest by value
-- ------------------------------------------------------------------
SELECT is(array_agg(event_types.jsonb_matches_schema('{"type": "integer"}', v) ORDER BY n),
		  ARRAY[true, true, true, true, false, false, true, true],
		  'integer: 1, -0, 1.0, 1e2, 1.5, 0.001, a 40-digit integer, -7.000')
FROM (VALUES (1, '1'::jsonb), (2, '-0'), (3, '1.0'), (4, '1e2'), (5, '1.5'),
			 (6, '0.001'), (7, '1234567890123456789012345678901234567890'),
			 (8, '-7.000')) v(n, v);

-- ------------------------------------------------------------------
-- Boolean validation (leaves, required counted in the key walk) against
-- error collection, on schemas built to hit those paths
-- ------------------------------------------------------------------
CREATE TEMP TABLE cases (n int, s jsonb, d jsonb);
INSERT INTO cases VALUES
	(1, '{"required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {}}}', '{"a": "x", "b": 1}'),
	(2, '{"required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {}}}', '{"a": "x"}'),
	(3, '{"required": ["a", "a"], "properties": {"a": {"type": "string"}}}', '{"a": "x"}'),
	(4, '{"required": ["a", "z"], "properties": {"a": {"type": "string"}}}', '{"a": "x"}'),
	(5, '{"required": ["a", "z"], "properties": {"a": {"type": "string"}}}', '{"a": "x", "z": null}'),
	(6, '{"required": ["a"], "properties": {"a": {"type": "string"}}}', '{}'),
	(7, '{"properties": {"t": {"const": "X"}}}', '{"t": "X"}'),
	(8, '{"properties": {"t": {"const": "X"}}}', '{"t": "Y"}'),
	(9, '{"properties": {"t": {"enum": [1, "a", null]}}}', '{"t": 1.0}'),
	(10, '{"properties": {"t": {"enum": [1, "a", null]}}}', '{"t": "b"}'),
	(11, '{"items": {"type": "string", "maxLength": 2}}', '["ab", "c"]'),
	(12, '{"items": {"type": "string", "maxLength": 2}}', '["ab", "cde"]'),
	(13, '{"properties": {"n": {"allOf": [{"type": "integer", "minimum": 3}]}}}', '{"n": 3}'),
	(14, '{"properties": {"n": {"allOf": [{"type": "integer", "minimum": 3}]}}}', '{"n": 2}'),
	(15, '{"properties": {"n": {"allOf": [false]}}}', '{"n": 2}'),
	(16, '{"properties": {"n": {"allOf": [{"$ref": "#/$defs/p"}]}}, "$defs": {"p": {"type": "string", "pattern": "^[a-z]+$"}}}', '{"n": "abc"}'),
	(17, '{"properties": {"n": {"allOf": [{"$ref": "#/$defs/p"}]}}, "$defs": {"p": {"type": "string", "pattern": "^[a-z]+$"}}}', '{"n": "ab1"}'),
	(18, '{"properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": false}', '{"a": "x", "b": 1}');

SELECT is(array_agg(event_types.jsonb_matches_schema(s, d) ORDER BY n),
		  ARRAY[true, false, true, false, true, false, true, false, true, false,
				true, false, true, false, false, true, false, false],
		  'boolean verdicts on leaf, required, const/enum and allOf-wrapper cases')
FROM cases;

SELECT is((SELECT count(*) FROM cases
		   WHERE event_types.jsonb_matches_schema(s, d) <>
				 NOT EXISTS (SELECT FROM event_types.validation_errors(s, d))),
		  0::bigint, 'boolean validation agrees with error collection on every case');

SELECT is((SELECT array_agg(keyword || ' ' || path ORDER BY keyword, path)
		   FROM cases, LATERAL event_types.validation_errors(s, d)
		   WHERE n = 2), ARRAY['required '],
		  'a missing required property is still reported by name and place');

SELECT is((SELECT array_agg(keyword ORDER BY keyword)
		   FROM cases, LATERAL event_types.validation_errors(s, d)
		   WHERE n = 15), ARRAY['allOf'],
		  'a false schema under a one-element allOf still names allOf');

-- ------------------------------------------------------------------
-- Composed schemas: for a verdict, "allOf" subschemas are folded into one
-- node (flatten.c); error collection walks the schema as written.  Random
-- compositions of keywords that fold, that combine (bounds, types) and
-- that must not be folded (additionalProperties, prefixItems, contains,
-- unevaluatedProperties, $ref), on varied instances: the two must agree.
-- ------------------------------------------------------------------
CREATE TEMP TABLE fragments (f jsonb);
INSERT INTO fragments VALUES
	('{"type": "number"}'), ('{"type": "integer"}'), ('{"type": ["integer", "string"]}'),
	('{"type": "object"}'), ('{"type": "array"}'), ('{"pattern": "^a"}'), ('{"pattern": "b$"}'),
	('{"minLength": 2}'), ('{"maxLength": 3}'), ('{"format": "date"}'),
	('{"properties": {"x": {"type": "string"}}}'), ('{"properties": {"x": {"const": "k"}}}'),
	('{"properties": {"x": {"allOf": [{"maxLength": 1}, {"type": "string"}]}, "a": {"type": "integer"}}}'),
	('{"required": ["x"]}'), ('{"required": ["a", "b"]}'),
	('{"properties": {"a": {}}, "additionalProperties": false}'),
	('{"properties": {"a": {}, "b": {}, "x": {"maxLength": 2}}, "additionalProperties": false}'),
	('{"properties": {"a": {}, "x": {}}, "additionalProperties": {"type": "integer"}}'),
	('{"properties": {"a": {}}, "additionalProperties": {"minimum": 5}}'),
	('{"properties": {"a": {}, "c": {}}, "additionalProperties": false}'), ('{"properties": {"b": {}}}'),
	('{"patternProperties": {"^x": {"type": "string"}}}'),
	('{"items": {"type": "integer"}}'), ('{"items": {"minimum": 0}}'), ('{"prefixItems": [{"type": "string"}]}'),
	('{"contains": {"const": 1}}'), ('{"uniqueItems": true}'), ('{"maxItems": 1}'),
	('{"if": {"required": ["a"]}, "then": {"required": ["b"]}}'),
	('{"if": {"required": ["b"]}, "then": {"required": ["x"]}, "else": {"maxProperties": 1}}'),
	('{"not": {"type": "string"}}'), ('{"not": {"required": ["b"]}}'),
	('{"anyOf": [{"type": "integer"}, {"minLength": 2}]}'), ('{"anyOf": [{"type": "string"}, {"required": ["a"]}]}'),
	('{"oneOf": [{"type": "number"}, {"minimum": 1}]}'), ('{"oneOf": [{"type": "object"}, {"maxLength": 1}]}'),
	('{"enum": [1, 2, "ab", {"x": "k"}]}'), ('{"const": 2}'), ('{"const": "zz"}'), ('{"enum": ["k", "ab", 2]}'), ('{"minimum": 0}'), ('{"maximum": 10}'),
	('{"minProperties": 1}'), ('{"maxProperties": 2}'), ('{"dependentRequired": {"a": ["b"]}}'),
	('{"dependentRequired": {"b": ["x"]}}'), ('{"dependentSchemas": {"b": {"required": ["x"]}}}'),
	('{"dependentSchemas": {"a": {"maxProperties": 1}}}'),
	('{"propertyNames": {"maxLength": 1}}'), ('{"propertyNames": {"enum": ["a", "b"]}}'),
	('{"$ref": "#/$defs/s"}'), ('{"$ref": "#/$defs/o"}'), ('{"$ref": "#/$defs/f", "allOf": [{"maxLength": 5}]}'),
	('{"$ref": "#/$defs/f", "maxLength": 5}'), ('{"$ref": "#/$defs/t"}'), ('{"$ref": "#/$defs/u"}'),
	('{"properties": {"a": {"$ref": "#/$defs/u"}}, "items": {"$ref": "#/$defs/t"}}'), ('{"$ref": "#/$defs/o", "required": ["x"]}'),
	('{"$id": "https://example.com/inner2", "properties": {"x": {"type": "string"}, "a": {"maximum": 1}}}'), ('{"unevaluatedProperties": false, "properties": {"a": {}}}'),
	('{"$id": "https://example.com/inner", "type": "string"}'), ('true'), ('false'), ('{}');
CREATE TEMP TABLE instances (d jsonb);
INSERT INTO instances VALUES ('2'), ('2.5'), ('-1'), ('"ab"'), ('"a"'), ('"b"'), ('"abcd"'),
	('"2025-01-01"'), ('{}'), ('{"x": "k"}'), ('{"x": 1}'), ('{"a": 1}'), ('{"a": 1, "b": 1}'),
	('{"a": 1, "b": 1, "x": "j"}'), ('{"a": 1, "z": "x"}'), ('{"b": 1}'),
	('{"a": {"a": {"b": 2}}}'), ('[[{"b": 1}], [{"a": {"b": 0}}]]'), ('{"x": "k", "a": 1}'), ('[1, 2]'), ('[1, 1]'), ('["a"]'), ('[-1]'),
	('[]'), ('null'), ('true');
-- every ordered pair of fragments side by side, then random deeper
-- nestings (an allOf inside the allOf, and one under a property)
CREATE TEMP TABLE composed AS
SELECT jsonb_build_object('$defs', '{"s": {"type": "string"}, "o": {"type": "object", "required": ["a"], "properties": {"x": {"maxLength": 1}, "b": {"type": "integer"}}}, "f": false,
						  "t": {"properties": {"a": {"$ref": "#/$defs/t"}}, "items": {"$ref": "#/$defs/t"}},
						  "u": {"properties": {"a": {"$ref": "#/$defs/u"}, "b": {"maximum": 1}}, "items": {"$ref": "#/$defs/u"}}}'::jsonb,
						  'allOf', jsonb_build_array(a.f, b.f)) AS s
FROM fragments a, fragments b;
SELECT setseed(0.7);
CREATE TEMP TABLE picks AS
SELECT i, array_agg(f ORDER BY k) AS p
FROM generate_series(1, 400) i, generate_series(1, 6) k,
	 LATERAL (SELECT f FROM fragments ORDER BY random() + i * 0 + k * 0 LIMIT 1) x
GROUP BY i;
INSERT INTO composed
SELECT jsonb_build_object(
		'$defs', '{"s": {"type": "string"}, "o": {"type": "object", "required": ["a"], "properties": {"x": {"maxLength": 1}, "b": {"type": "integer"}}}, "f": false,
						  "t": {"properties": {"a": {"$ref": "#/$defs/t"}}, "items": {"$ref": "#/$defs/t"}},
						  "u": {"properties": {"a": {"$ref": "#/$defs/u"}, "b": {"maximum": 1}}, "items": {"$ref": "#/$defs/u"}}}'::jsonb,
		'allOf', jsonb_build_array(p[1], jsonb_build_object('allOf', jsonb_build_array(p[2], p[3])), p[4]),
		'properties', jsonb_build_object('x', jsonb_build_object('allOf', jsonb_build_array(p[5], p[6]))))
FROM picks;
CREATE TEMP TABLE composed_verdicts AS
SELECT s, d, event_types.jsonb_matches_schema(s, d) AS verdict,
	   NOT EXISTS (SELECT FROM event_types.validation_errors(s, d)) AS no_errors
FROM composed, instances;
SELECT is((SELECT count(*) FROM composed_verdicts WHERE verdict <> no_errors), 0::bigint,
		  'every pair of fragments and 400 nested compositions x 26 instances: boolean validation agrees with error collection');
SELECT ok((SELECT count(*) FILTER (WHERE verdict) > 500 AND count(*) FILTER (WHERE NOT verdict) > 500
		   FROM composed_verdicts),
		  'the composition test sees both verdicts');

-- The built-in schemas: boolean and collecting validation agree on every
-- valid fixture message and on variants of it with one top-level member
-- removed or replaced by a number or a string.
CREATE TEMP TABLE builtin_cases AS
SELECT event_types.schema((f.source || '.' || f.name)::event_types.event_type) AS s, v.d
FROM fixture_valid f,
	 LATERAL (SELECT f.message
			  UNION ALL SELECT f.message - k FROM jsonb_object_keys(f.message) k
			  UNION ALL SELECT jsonb_set(f.message, ARRAY[k], '12345') FROM jsonb_object_keys(f.message) k
			  UNION ALL SELECT jsonb_set(f.message, ARRAY[k], '"x"') FROM jsonb_object_keys(f.message) k) v(d);

SELECT is((SELECT count(*) FROM builtin_cases
		   WHERE event_types.jsonb_matches_schema(s, d) <>
				 NOT EXISTS (SELECT FROM event_types.validation_errors(s, d))),
		  0::bigint, 'built-in schemas: boolean and collecting validation agree on fixtures and variants');

SELECT ok((SELECT count(*) FILTER (WHERE event_types.jsonb_matches_schema(s, d)) > 100
			  AND count(*) FILTER (WHERE NOT event_types.jsonb_matches_schema(s, d)) > 300
		   FROM builtin_cases),
		  'that comparison covers both verdicts');

SELECT * FROM finish();
ROLLBACK;
