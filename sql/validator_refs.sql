--
-- JSON Schema 2020-12 references: $ref, $defs, $anchor, $id, $dynamicRef,
-- and the documents a $ref can reach.
--
-- Nothing is ever fetched over the network.  A $ref to another document
-- resolves only to a built-in document (the 2020-12 meta-schemas, the
-- vendor envelopes, urn:event-types:<source>:<NAME> for each catalogued
-- event type) or to one registered with event_types.register_schema().
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- $ref and $defs within one document
-- ------------------------------------------------------------------
-- a JSON Pointer into the same document
SELECT * FROM validation_errors(
	'{"$defs": {"id": {"type": "string", "minLength": 1}},
	  "properties": {"customer": {"$ref": "#/$defs/id"}, "studio": {"$ref": "#/$defs/id"}}}',
	'{"customer": "", "studio": 7}');
-- pointer tokens are escaped: ~1 is "/", ~0 is "~", and %25 is "%" (URI encoding)
SELECT jsonb_matches_schema(
	'{"$defs": {"a/b": {"type": "integer"}, "c~d": {"type": "string"}, "e%f": {"type": "null"}},
	  "prefixItems": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/c~0d"}, {"$ref": "#/$defs/e%25f"}]}',
	'[1, "x", null]') AS escaped_pointers;
-- a pointer may go through arrays
SELECT jsonb_matches_schema('{"anyOf": [{"type": "integer"}], "not": {"$ref": "#/anyOf/0"}}', '1');
-- "#" is the whole document: a recursive schema
SELECT v AS instance, jsonb_matches_schema(
	'{"type": "object", "properties": {"name": {"type": "string"},
	  "children": {"type": "array", "items": {"$ref": "#"}}}}', v) AS matches
FROM (VALUES ('{"name": "root", "children": [{"name": "a", "children": [{"name": "b"}]}]}'::jsonb),
             ('{"name": "root", "children": [{"name": "a", "children": [{"name": 1}]}]}')) AS c(v);
SELECT * FROM validation_errors(
	'{"type": "object", "properties": {"name": {"type": "string"},
	  "children": {"type": "array", "items": {"$ref": "#"}}}}',
	'{"name": "root", "children": [{"name": "a", "children": [{"name": 1}]}]}');
-- in 2020-12 the keywords beside $ref apply too
SELECT * FROM validation_errors(
	'{"$defs": {"positive": {"minimum": 1}}, "$ref": "#/$defs/positive", "multipleOf": 2}', '-3');
-- a $ref that leads nowhere is an error when the schema is compiled, not a failed validation
SELECT jsonb_matches_schema('{"$ref": "#/$defs/missing"}', '1');
SELECT jsonb_matches_schema('{"$defs": {"n": 5}, "$ref": "#/$defs/n"}', '1');

-- ------------------------------------------------------------------
-- $anchor: a name for a subschema, independent of its location
-- ------------------------------------------------------------------
SELECT jsonb_matches_schema(
	'{"$defs": {"whatever": {"$anchor": "amount", "type": "number", "minimum": 0}},
	  "properties": {"total": {"$ref": "#amount"}}}', v) AS matches
FROM (VALUES ('{"total": 12.5}'::jsonb), ('{"total": -1}')) AS c(v);
SELECT jsonb_matches_schema('{"$ref": "#nowhere"}', '1');

-- ------------------------------------------------------------------
-- $id: a subschema with its own base URI
-- ------------------------------------------------------------------
-- relative references resolve against the nearest $id
SELECT jsonb_matches_schema(
	'{"$id": "https://example.com/schemas/order.json",
	  "properties": {"customer": {"$ref": "customer.json"}},
	  "$defs": {"customer": {"$id": "customer.json", "type": "object", "required": ["id"]}}}', v) AS matches
FROM (VALUES ('{"customer": {"id": 1}}'::jsonb), ('{"customer": {}}')) AS c(v);
-- ... also inside an embedded resource: there "item.json" means lists/item.json
SELECT * FROM validation_errors(
	'{"$id": "https://example.com/schemas/root.json",
	  "$defs": {"list": {"$id": "lists/list.json", "type": "array", "items": {"$ref": "item.json"}},
	            "item": {"$id": "https://example.com/schemas/lists/item.json", "type": "integer"}},
	  "$ref": "lists/list.json"}',
	'[1, "2"]');
-- an anchor belongs to its resource: "#amount" from the root does not see it ...
SELECT jsonb_matches_schema(
	'{"$id": "https://example.com/root.json",
	  "$defs": {"money": {"$id": "money.json", "$defs": {"a": {"$anchor": "amount", "type": "number"}}}},
	  "$ref": "#amount"}', '1');
-- ... "money.json#amount" does
SELECT jsonb_matches_schema(
	'{"$id": "https://example.com/root.json",
	  "$defs": {"money": {"$id": "money.json", "$defs": {"a": {"$anchor": "amount", "type": "number"}}}},
	  "$ref": "money.json#amount"}', '"1"');
-- "$id" inside const or enum is data, not an identifier
SELECT jsonb_matches_schema(
	'{"const": {"$id": "https://example.com/data"}}', '{"$id": "https://example.com/data"}');

-- ------------------------------------------------------------------
-- $dynamicRef / $dynamicAnchor: the extensible tree
-- ------------------------------------------------------------------
-- "tree" accepts any node; "strict-tree" extends it by re-declaring the
-- dynamic anchor "node", so children are checked against strict-tree too
SELECT v AS instance,
       jsonb_matches_schema($$
{"$id": "https://example.com/tree", "$dynamicAnchor": "node", "type": "object",
 "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}
$$, v) AS tree,
       jsonb_matches_schema($$
{"$id": "https://example.com/strict-tree", "$dynamicAnchor": "node",
 "$ref": "tree", "unevaluatedProperties": false,
 "$defs": {"tree": {"$id": "https://example.com/tree", "$dynamicAnchor": "node", "type": "object",
   "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}}
$$, v) AS strict_tree
FROM (VALUES ('{"data": 1, "children": [{"data": 2}]}'::jsonb),
             ('{"data": 1, "children": [{"daat": 2}]}'),
             ('{"daat": 1}')) AS c(v);
-- the error is reported where the misspelt property is
SELECT * FROM validation_errors($$
{"$id": "https://example.com/strict-tree", "$dynamicAnchor": "node",
 "$ref": "tree", "unevaluatedProperties": false,
 "$defs": {"tree": {"$id": "https://example.com/tree", "$dynamicAnchor": "node", "type": "object",
   "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}}
$$, '{"children": [{"data": 1}, {"children": [{"daat": 2}]}]}');

-- ------------------------------------------------------------------
-- Built-in documents
-- ------------------------------------------------------------------
-- the 2020-12 meta-schema validates schemas
SELECT s AS schema,
       jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', s) AS is_a_valid_schema
FROM (VALUES ('{"type": "string", "minLength": 1}'::jsonb), ('true'),
             ('{"type": "strnig"}'), ('{"minLength": -1}'), ('{"properties": {"a": {"required": "a"}}}'),
             ('"not a schema"')) AS c(s);
SELECT * FROM validation_errors('{"$ref": "https://json-schema.org/draft/2020-12/schema"}',
	'{"properties": {"id": {"type": "strnig", "minLength": -1}}}');
-- each vocabulary's meta-schema can be used on its own
SELECT jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/meta/validation"}', '{"maxItems": 1.5}');
-- the event schemas are reachable as urn:event-types:<source>:<NAME> ...
SELECT * FROM validation_errors('{"$ref": "urn:event-types:gym:CUSTOMER_HOME_STUDIO_UPDATED"}',
	'{"entityId": 1210004544, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	  "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {}}]}');
-- ... and their parts by JSON Pointer, like the envelopes' shared definitions
SELECT v AS gym_id, jsonb_matches_schema('{"$ref": "urn:event-types:gym:envelope#/$defs/id"}', v) AS matches
FROM (VALUES ('1210004544'::jsonb), ('"1210004544"'), ('""'), ('1.5'), ('true')) AS c(v);
-- an unknown name in that namespace is an error
SELECT jsonb_matches_schema('{"$ref": "urn:event-types:gym:NO_SUCH_TYPE"}', '{}');

-- ------------------------------------------------------------------
-- Other documents: never fetched, only registered
-- ------------------------------------------------------------------
-- an unknown URI is an error with a hint
SELECT jsonb_matches_schema('{"$ref": "https://example.com/validator_refs/customer.json"}', '{}');
-- register a document ...
SELECT register_schema('https://example.com/validator_refs/customer.json',
	'{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}');
SELECT uri, schema FROM registered_schemas WHERE uri LIKE 'https://example.com/validator_refs/%' ORDER BY uri COLLATE "C";
-- ... and refer to it, by absolute URI or relative to an $id
SELECT * FROM validation_errors('{"$ref": "https://example.com/validator_refs/customer.json"}', '{"id": 1}');
SELECT * FROM validation_errors(
	'{"$id": "https://example.com/validator_refs/order.json",
	  "properties": {"customer": {"$ref": "customer.json"}}}',
	'{"customer": {}}');
-- a pointer into a registered document
SELECT jsonb_matches_schema('{"$ref": "https://example.com/validator_refs/customer.json#/properties/id"}', '7');
-- re-registering replaces the document: schemas compiled earlier in this
-- session see the new version at once
SELECT register_schema('https://example.com/validator_refs/customer.json',
	'{"type": "object", "required": ["id"], "properties": {"id": {"type": ["string", "integer"]}}}');
SELECT * FROM validation_errors('{"$ref": "https://example.com/validator_refs/customer.json"}', '{"id": 1}');
-- a registered document may refer to one not registered yet ...
SELECT register_schema('https://example.com/validator_refs/order.json',
	'{"properties": {"customer": {"$ref": "customer.json"}, "lines": {"items": {"$ref": "line.json"}}}}');
-- ... but using it fails until that one is registered too
SELECT jsonb_matches_schema('{"$ref": "https://example.com/validator_refs/order.json"}', '{}');
SELECT register_schema('https://example.com/validator_refs/line.json', '{"required": ["sku"]}');
SELECT * FROM validation_errors('{"$ref": "https://example.com/validator_refs/order.json"}',
	'{"customer": {"id": "c1"}, "lines": [{"sku": "a"}, {}]}');
-- a registered document may be a meta-schema: this one leaves out the validation vocabulary
SELECT register_schema('https://example.com/validator_refs/meta-no-validation',
	'{"$id": "https://example.com/validator_refs/meta-no-validation",
	  "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
	                  "https://json-schema.org/draft/2020-12/vocab/applicator": true}}');
SELECT jsonb_matches_schema(
	'{"$schema": "https://example.com/validator_refs/meta-no-validation",
	  "type": "string", "properties": {"a": false}}', v) AS matches
FROM (VALUES ('1'::jsonb), ('{"a": 1}')) AS c(v);
-- an unknown meta-schema is an error
SELECT jsonb_matches_schema('{"$schema": "https://example.com/validator_refs/no-such-meta"}', '1');

-- register_schema checks what it is given
SELECT register_schema('https://example.com/validator_refs/bad.json', '{"minLength": -1}');
SELECT register_schema('customer.json', '{}');
SELECT register_schema('https://example.com/validator_refs/x.json#part', '{}');
-- the built-in documents and the whole urn:event-types: namespace are reserved
SELECT register_schema('https://json-schema.org/draft/2020-12/schema', '{}');
SELECT register_schema('urn:event-types:gym:CUSTOMER_CREATED', '{}');
SELECT register_schema('urn:event-types:shop:ORDER', '{}');
-- a reference to an unknown urn:event-types: URI can never be satisfied,
-- so registration refuses it at once
SELECT register_schema('https://example.com/validator_refs/uses-unknown-type.json',
	'{"$ref": "urn:event-types:gym:NO_SUCH_TYPE"}');

-- unregister: later uses get the clear "cannot resolve" error again
SELECT unregister_schema('https://example.com/validator_refs/customer.json');
SELECT jsonb_matches_schema('{"$ref": "https://example.com/validator_refs/customer.json"}', '{"id": "c1"}');
SELECT jsonb_matches_schema('{"$ref": "https://example.com/validator_refs/order.json"}', '{}');
-- unregistering what is not there returns false
SELECT unregister_schema('https://example.com/validator_refs/customer.json');

-- ------------------------------------------------------------------
-- Relative references resolved as RFC 3986 section 5 says: every example
-- of its sections 5.4.1 and 5.4.2 (base "http://a/b/c/d;p?q"), read back
-- from the "cannot resolve" error, which names the document it looked for
-- (the fragment, if any, is not part of the document's URI).  "#s" and ""
-- stay in the base document: an anchor it lacks, and a schema that is
-- nothing but a reference to itself.
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.resolved(base text, ref text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	PERFORM event_types.jsonb_matches_schema(jsonb_build_object('$id', base, '$ref', ref), 'null');
	RETURN 'valid';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN coalesce(substring(detail FROM 'has the URI "(.*)"\.$'), SQLSTATE || ': ' || SQLERRM);
END $$;
CREATE TEMP TABLE rfc3986 (n int, ref text, target text);
INSERT INTO rfc3986 VALUES
	(1, 'g:h', 'g:h'),
	(2, 'g', 'http://a/b/c/g'),
	(3, './g', 'http://a/b/c/g'),
	(4, 'g/', 'http://a/b/c/g/'),
	(5, '/g', 'http://a/g'),
	(6, '//g', 'http://g'),
	(7, '?y', 'http://a/b/c/d;p?y'),
	(8, 'g?y', 'http://a/b/c/g?y'),
	(9, '#s', 'http://a/b/c/d;p?q#s'),
	(10, 'g#s', 'http://a/b/c/g#s'),
	(11, 'g?y#s', 'http://a/b/c/g?y#s'),
	(12, ';x', 'http://a/b/c/;x'),
	(13, 'g;x', 'http://a/b/c/g;x'),
	(14, 'g;x?y#s', 'http://a/b/c/g;x?y#s'),
	(15, '', 'http://a/b/c/d;p?q'),
	(16, '.', 'http://a/b/c/'),
	(17, './', 'http://a/b/c/'),
	(18, '..', 'http://a/b/'),
	(19, '../', 'http://a/b/'),
	(20, '../g', 'http://a/b/g'),
	(21, '../..', 'http://a/'),
	(22, '../../', 'http://a/'),
	(23, '../../g', 'http://a/g'),
	(24, '../../../g', 'http://a/g'),
	(25, '../../../../g', 'http://a/g'),
	(26, '/./g', 'http://a/g'),
	(27, '/../g', 'http://a/g'),
	(28, 'g.', 'http://a/b/c/g.'),
	(29, '.g', 'http://a/b/c/.g'),
	(30, 'g..', 'http://a/b/c/g..'),
	(31, '..g', 'http://a/b/c/..g'),
	(32, './../g', 'http://a/b/g'),
	(33, './g/.', 'http://a/b/c/g/'),
	(34, 'g/./h', 'http://a/b/c/g/h'),
	(35, 'g/../h', 'http://a/b/c/h'),
	(36, 'g;x=1/./y', 'http://a/b/c/g;x=1/y'),
	(37, 'g;x=1/../y', 'http://a/b/c/y'),
	(38, 'g?y/./x', 'http://a/b/c/g?y/./x'),
	(39, 'g?y/../x', 'http://a/b/c/g?y/../x'),
	(40, 'g#s/./x', 'http://a/b/c/g#s/./x'),
	(41, 'g#s/../x', 'http://a/b/c/g#s/../x'),
	(42, 'http:g', 'http:g');
SELECT n, ref, target, ours, ours = split_part(target, '#', 1) AS agrees
FROM (SELECT *, pg_temp.resolved('http://a/b/c/d;p?q', ref) AS ours FROM rfc3986) r
ORDER BY n;

SELECT unregister_schema(uri) FROM registered_schemas
WHERE uri LIKE 'https://example.com/validator_refs/%' ORDER BY uri COLLATE "C";
SELECT count(*) AS left_over FROM registered_schemas WHERE uri LIKE 'https://example.com/validator_refs/%';
