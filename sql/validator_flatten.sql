--
-- Composed schemas: "allOf" subschemas folded into one node.
--
-- For a yes/no answer (jsonb_matches_schema, CHECK constraints, the
-- inbox) the validator merges the keywords of "allOf" subschemas into the
-- node that holds them, so a composed schema walks the instance once
-- (src/validator/flatten.c).  validation_errors() walks the schema as
-- written.  Each case below shows both: the verdict, and the errors, which
-- must be empty exactly when the verdict is true.  The cases are the ones
-- where merging could go wrong: keywords that read their siblings, bounds
-- and types that combine, keywords present on both sides.
--
SET search_path = public, event_types;
CREATE TEMP TABLE composed (n int, note text, s jsonb, i jsonb);
INSERT INTO composed VALUES
	-- additionalProperties sees only its own subschema's "properties"
	(1, 'additionalProperties stays in its subschema',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"b": {}}}]}', '{"a": 1}'),
	(2, 'additionalProperties stays in its subschema',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"b": {}}}]}', '{"a": 1, "b": 2}'),
	-- "type" combines to the intersection
	(3, 'number and integer', '{"allOf": [{"type": "number"}, {"type": "integer"}]}', '2'),
	(4, 'number and integer', '{"allOf": [{"type": "number"}, {"type": "integer"}]}', '2.5'),
	(5, '[integer, string] and string', '{"allOf": [{"type": ["integer", "string"]}, {"type": "string"}]}', '5'),
	(6, '[integer, string] and string', '{"allOf": [{"type": ["integer", "string"]}, {"type": "string"}]}', '"s"'),
	(7, 'string and integer: nothing', '{"allOf": [{"type": "string"}, {"type": "integer"}]}', '"s"'),
	-- two patterns both apply
	(8, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"ab"'),
	(9, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"a"'),
	(10, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"b"'),
	-- length bounds combine to the stricter
	(11, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"ab"'),
	(12, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"abc"'),
	(13, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"abcde"'),
	-- "required" in one subschema, "properties" in another
	(14, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{}'),
	(15, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{"x": 1}'),
	(16, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{"x": "s"}'),
	-- one property in both subschemas: both of its schemas apply
	(17, 'a property twice', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"properties": {"x": {"const": "k"}}}]}', '{"x": "k"}'),
	(18, 'a property twice', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"properties": {"x": {"const": "k"}}}]}', '{"x": "j"}'),
	-- "items" in both
	(19, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1, 2]'),
	(20, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1, -1]'),
	(21, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1.5]'),
	-- "items" of one subschema starts at 0, whatever prefixItems the other has
	(22, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '["a"]'),
	(23, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '[1]'),
	(24, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '[]'),
	-- two if/then pairs
	(25, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1, "b": 1}'),
	(26, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1, "b": 1, "c": 1}'),
	(27, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1}'),
	-- properties evaluated by a merged node still count for unevaluatedProperties
	(28, 'annotations through a merged node',
	 '{"properties": {"a": {}}, "anyOf": [{"allOf": [{"properties": {"b": {}}}, {"properties": {"c": {}}}]}], "unevaluatedProperties": false}',
	 '{"a": 1, "b": 1, "c": 1}'),
	(29, 'annotations through a merged node',
	 '{"properties": {"a": {}}, "anyOf": [{"allOf": [{"properties": {"b": {}}}, {"properties": {"c": {}}}]}], "unevaluatedProperties": false}',
	 '{"a": 1, "d": 1}'),
	-- $ref and booleans stay as written; another resource is folded only
	-- when it cannot change the dynamic scope (it never does here)
	(30, '$ref beside a bound', '{"$defs": {"s": {"type": "string"}}, "allOf": [{"$ref": "#/$defs/s"}, {"minLength": 2}]}', '"a"'),
	(31, '$ref beside a bound', '{"$defs": {"s": {"type": "string"}}, "allOf": [{"$ref": "#/$defs/s"}, {"minLength": 2}]}', '"ab"'),
	(32, 'true and false', '{"allOf": [true, false]}', '"x"'),
	(33, 'true and {}', '{"allOf": [true, {}]}', '"x"'),
	(34, 'another resource', '{"allOf": [{"$id": "https://example.com/inner", "type": "string"}, {"maxLength": 2}]}', '"abc"'),
	(35, 'another resource', '{"allOf": [{"$id": "https://example.com/inner", "type": "string"}, {"maxLength": 2}]}', '"ab"'),
	-- enum and const, numeric bounds, object and array bounds
	(36, 'enum and const', '{"allOf": [{"enum": [1, 2]}, {"const": 2}]}', '2'),
	(37, 'enum and const', '{"allOf": [{"enum": [1, 2]}, {"const": 2}]}', '1'),
	(38, 'enum and another const', '{"allOf": [{"enum": [1, 2]}, {"const": 3}]}', '3'),
	(39, 'minimum and maximum', '{"allOf": [{"minimum": 0}, {"maximum": 10}]}', '11'),
	(40, 'minimum and maximum', '{"allOf": [{"minimum": 0}, {"maximum": 10}]}', '-1'),
	(41, 'min- and maxProperties', '{"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}', '{"a": 1, "b": 2, "c": 3}'),
	(42, 'min- and maxProperties', '{"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}', '{}'),
	(43, 'uniqueItems and maxItems', '{"allOf": [{"uniqueItems": true}, {"maxItems": 2}]}', '[1, 1]'),
	(44, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '1'),
	(45, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '1.5'),
	(46, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '"s"'),
	(47, 'contains beside items', '{"allOf": [{"contains": {"const": 1}}, {"items": {"type": "integer"}}]}', '[2]'),
	(48, 'two dependentRequired', '{"allOf": [{"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"b": ["c"]}}]}', '{"a": 1, "b": 1}'),
	(49, 'two dependentRequired', '{"allOf": [{"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"b": ["c"]}}]}', '{"a": 1}'),
	-- three levels, as the vendor schemas nest them
	(50, 'nested composition',
	 '{"allOf": [{"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x", "y"]}]}, {"properties": {"y": {"allOf": [{"type": "string"}, {"maxLength": 1}]}}}]}',
	 '{"x": 1, "y": "a"}'),
	(51, 'nested composition',
	 '{"allOf": [{"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x", "y"]}]}, {"properties": {"y": {"allOf": [{"type": "string"}, {"maxLength": 1}]}}}]}',
	 '{"x": 1, "y": "ab"}'),
	(52, 'nested composition',
	 '{"allOf": [{"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x", "y"]}]}, {"properties": {"y": {"allOf": [{"type": "string"}, {"maxLength": 1}]}}}]}',
	 '{"x": 1}');

SELECT n, note, i AS instance, jsonb_matches_schema(s, i) AS verdict,
	   (SELECT string_agg(keyword || ' at "' || path || '"', ', ' ORDER BY path, keyword)
		FROM validation_errors(s, i)) AS errors
FROM composed ORDER BY n;

-- the verdict and the error list never disagree
SELECT count(*) AS disagreements FROM composed
WHERE jsonb_matches_schema(s, i) = EXISTS (SELECT FROM validation_errors(s, i));

-- two formats on one value, when formats are asserted
SET event_types.format_assertion = on;
SELECT jsonb_matches_schema('{"allOf": [{"format": "date"}, {"format": "date-time"}]}', '"2025-01-01"') AS "date and date-time",
	   jsonb_matches_schema('{"allOf": [{"format": "date"}, {"format": "date"}]}', '"2025-01-01"') AS "date twice",
	   jsonb_matches_schema('{"allOf": [{"format": "date"}, {"maxLength": 5}]}', '"2025-01-01"') AS "date, at most 5";
RESET event_types.format_assertion;
