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
	-- additionalProperties sees only its own subschema's "properties" ...
	(1, 'additionalProperties stays in its subschema',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"b": {}}}]}', '{"a": 1}'),
	(2, 'additionalProperties stays in its subschema',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"b": {}}}]}', '{"a": 1, "b": 2}'),
	-- ... unless the other side names only properties it lists too
	(3, 'a closed part and a part within it',
	 '{"allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"a": {}, "b": {}}, "additionalProperties": false}]}', '{"a": 1, "b": 2}'),
	(4, 'a closed part and a part within it',
	 '{"allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"a": {}, "b": {}}, "additionalProperties": false}]}', '{"a": "x"}'),
	(5, 'a closed part and a part within it',
	 '{"allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"a": {}, "b": {}}, "additionalProperties": false}]}', '{"a": 1, "c": 3}'),
	(6, 'two closed parts',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"a": {}, "b": {}}, "additionalProperties": false}]}', '{"a": 1, "b": 2}'),
	(7, 'two closed parts, the same names',
	 '{"allOf": [{"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}, {"properties": {"a": {}}, "additionalProperties": {"minimum": 5}}]}', '{"a": 1, "z": "x"}'),
	(8, 'a closed part and a name it lacks',
	 '{"allOf": [{"properties": {"b": {}}}, {"properties": {"a": {}, "c": {}}, "additionalProperties": false}]}', '{"b": 1}'),
	-- "type" combines to the intersection
	(9, 'number and integer', '{"allOf": [{"type": "number"}, {"type": "integer"}]}', '2'),
	(10, 'number and integer', '{"allOf": [{"type": "number"}, {"type": "integer"}]}', '2.5'),
	(11, '[integer, string] and string', '{"allOf": [{"type": ["integer", "string"]}, {"type": "string"}]}', '5'),
	(12, '[integer, string] and string', '{"allOf": [{"type": ["integer", "string"]}, {"type": "string"}]}', '"s"'),
	(13, 'string and integer: nothing', '{"allOf": [{"type": "string"}, {"type": "integer"}]}', '"s"'),
	-- two patterns both apply
	(14, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"ab"'),
	(15, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"a"'),
	(16, 'two patterns', '{"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}', '"b"'),
	-- length bounds combine to the stricter
	(17, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"ab"'),
	(18, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"abc"'),
	(19, 'lengths 2-5 and 3-4', '{"allOf": [{"minLength": 2, "maxLength": 5}, {"minLength": 3, "maxLength": 4}]}', '"abcde"'),
	-- "required" in one subschema, "properties" in another
	(20, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{}'),
	(21, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{"x": 1}'),
	(22, 'required elsewhere', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"required": ["x"]}]}', '{"x": "s"}'),
	-- one property in both subschemas: both of its schemas apply
	(23, 'a property twice', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"properties": {"x": {"const": "k"}}}]}', '{"x": "k"}'),
	(24, 'a property twice', '{"allOf": [{"properties": {"x": {"type": "string"}}}, {"properties": {"x": {"const": "k"}}}]}', '{"x": "j"}'),
	-- "items" in both
	(25, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1, 2]'),
	(26, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1, -1]'),
	(27, 'items twice', '{"allOf": [{"items": {"type": "integer"}}, {"items": {"minimum": 0}}]}', '[1.5]'),
	-- "items" of one subschema starts at 0, whatever prefixItems the other has
	(28, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '["a"]'),
	(29, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '[1]'),
	(30, 'prefixItems and items apart', '{"allOf": [{"prefixItems": [{"type": "string"}]}, {"items": {"type": "integer"}}]}', '[]'),
	-- two if/then pairs
	(31, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1, "b": 1}'),
	(32, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1, "b": 1, "c": 1}'),
	(33, 'two ifs', '{"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["b"]}, "then": {"required": ["c"]}}]}', '{"a": 1}'),
	-- properties evaluated by a merged node still count for unevaluatedProperties
	(34, 'annotations through a merged node',
	 '{"properties": {"a": {}}, "anyOf": [{"allOf": [{"properties": {"b": {}}}, {"properties": {"c": {}}}]}], "unevaluatedProperties": false}',
	 '{"a": 1, "b": 1, "c": 1}'),
	(35, 'annotations through a merged node',
	 '{"properties": {"a": {}}, "anyOf": [{"allOf": [{"properties": {"b": {}}}, {"properties": {"c": {}}}]}], "unevaluatedProperties": false}',
	 '{"a": 1, "d": 1}'),
	-- $ref and booleans stay as written; another resource is folded only
	-- when it cannot change the dynamic scope (it never does here)
	(36, '$ref beside a bound', '{"$defs": {"s": {"type": "string"}}, "allOf": [{"$ref": "#/$defs/s"}, {"minLength": 2}]}', '"a"'),
	(37, '$ref beside a bound', '{"$defs": {"s": {"type": "string"}}, "allOf": [{"$ref": "#/$defs/s"}, {"minLength": 2}]}', '"ab"'),
	(38, 'true and false', '{"allOf": [true, false]}', '"x"'),
	(39, 'true and {}', '{"allOf": [true, {}]}', '"x"'),
	(40, 'another resource', '{"allOf": [{"$id": "https://example.com/inner", "type": "string"}, {"maxLength": 2}]}', '"abc"'),
	(41, 'another resource', '{"allOf": [{"$id": "https://example.com/inner", "type": "string"}, {"maxLength": 2}]}', '"ab"'),
	-- enum and const, numeric bounds, object and array bounds
	(42, 'enum and const', '{"allOf": [{"enum": [1, 2]}, {"const": 2}]}', '2'),
	(43, 'enum and const', '{"allOf": [{"enum": [1, 2]}, {"const": 2}]}', '1'),
	(44, 'enum and another const', '{"allOf": [{"enum": [1, 2]}, {"const": 3}]}', '3'),
	(45, 'an enum and a const it lists', '{"allOf": [{"enum": ["A", "B"]}, {"const": "B"}, {"type": "string"}]}', '"B"'),
	(46, 'an enum and a const it lists', '{"allOf": [{"const": "B"}, {"enum": ["A", "B"]}]}', '"A"'),
	(47, 'minimum and maximum', '{"allOf": [{"minimum": 0}, {"maximum": 10}]}', '11'),
	(48, 'minimum and maximum', '{"allOf": [{"minimum": 0}, {"maximum": 10}]}', '-1'),
	(49, 'min- and maxProperties', '{"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}', '{"a": 1, "b": 2, "c": 3}'),
	(50, 'min- and maxProperties', '{"allOf": [{"minProperties": 1}, {"maxProperties": 2}]}', '{}'),
	(51, 'uniqueItems and maxItems', '{"allOf": [{"uniqueItems": true}, {"maxItems": 2}]}', '[1, 1]'),
	(52, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '1'),
	(53, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '1.5'),
	(54, 'two nots', '{"allOf": [{"not": {"type": "string"}}, {"not": {"type": "integer"}}]}', '"s"'),
	(55, 'contains beside items', '{"allOf": [{"contains": {"const": 1}}, {"items": {"type": "integer"}}]}', '[2]'),
	(56, 'two dependentRequired', '{"allOf": [{"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"b": ["c"]}}]}', '{"a": 1, "b": 1}'),
	(57, 'two dependentRequired', '{"allOf": [{"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"b": ["c"]}}]}', '{"a": 1}'),
	-- a $ref target is folded like an allOf entry
	(58, '$ref and properties beside it',
	 '{"$defs": {"t": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}}, "$ref": "#/$defs/t", "properties": {"a": {"minimum": 5}}}',
	 '{"a": 7}'),
	(59, '$ref and properties beside it',
	 '{"$defs": {"t": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}}, "$ref": "#/$defs/t", "properties": {"a": {"minimum": 5}}}',
	 '{"a": 3}'),
	(60, '$ref and properties beside it',
	 '{"$defs": {"t": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}}, "$ref": "#/$defs/t", "properties": {"a": {"minimum": 5}}}',
	 '{}'),
	-- a $ref that cannot be folded stays, beside what was folded, and keeps
	-- a subschema holding it from being folded
	(61, 'a $ref to false beside a fold', '{"$defs": {"f": false}, "$ref": "#/$defs/f", "allOf": [{"maxLength": 3}]}', '"ab"'),
	(62, 'a $ref to false in a subschema', '{"$defs": {"f": false}, "type": "string", "allOf": [{"$ref": "#/$defs/f", "maxLength": 5}]}', '"ab"'),
	-- a subschema of another resource holding one of a third: folding it
	-- would leave its resource out of the dynamic scope, and "#meta" would
	-- resolve to the third's anchor (integer) instead of its own (string)
	(63, 'dynamic scope through another resource',
	 '{"$id": "https://example.com/root", "allOf": [{"$id": "https://example.com/r2", "$defs": {"m": {"$dynamicAnchor": "meta", "type": "string"}}, "properties": {"x": {"$id": "https://example.com/r3", "$dynamicRef": "#meta", "$defs": {"m": {"$dynamicAnchor": "meta", "type": "integer"}}}}}]}',
	 '{"x": "s"}'),
	(64, 'dynamic scope through another resource',
	 '{"$id": "https://example.com/root", "allOf": [{"$id": "https://example.com/r2", "$defs": {"m": {"$dynamicAnchor": "meta", "type": "string"}}, "properties": {"x": {"$id": "https://example.com/r3", "$dynamicRef": "#meta", "$defs": {"m": {"$dynamicAnchor": "meta", "type": "integer"}}}}}]}',
	 '{"x": 1}'),
	-- recursive schemas merged with themselves or each other: each pair of
	-- property schemas is merged once, however deep the instance
	(65, 'a recursive schema twice',
	 '{"$defs": {"t": {"properties": {"a": {"$ref": "#/$defs/t"}}}}, "$ref": "#/$defs/t", "properties": {"a": {"$ref": "#/$defs/t"}}}',
	 '{"a": {"a": {"a": 1}}}'),
	(66, 'two recursive schemas',
	 '{"$defs": {"t": {"properties": {"a": {"$ref": "#/$defs/t"}}, "items": {"$ref": "#/$defs/t"}}, "u": {"properties": {"a": {"$ref": "#/$defs/u"}, "b": {"type": "integer"}}, "items": {"$ref": "#/$defs/u"}}}, "allOf": [{"$ref": "#/$defs/t"}, {"$ref": "#/$defs/u"}]}',
	 '{"a": {"a": {"b": 1}}}'),
	(67, 'two recursive schemas',
	 '{"$defs": {"t": {"properties": {"a": {"$ref": "#/$defs/t"}}, "items": {"$ref": "#/$defs/t"}}, "u": {"properties": {"a": {"$ref": "#/$defs/u"}, "b": {"type": "integer"}}, "items": {"$ref": "#/$defs/u"}}}, "allOf": [{"$ref": "#/$defs/t"}, {"$ref": "#/$defs/u"}]}',
	 '{"a": {"a": {"b": "x"}}}'),
	(68, 'two recursive schemas',
	 '{"$defs": {"t": {"properties": {"a": {"$ref": "#/$defs/t"}}, "items": {"$ref": "#/$defs/t"}}, "u": {"properties": {"a": {"$ref": "#/$defs/u"}, "b": {"type": "integer"}}, "items": {"$ref": "#/$defs/u"}}}, "allOf": [{"$ref": "#/$defs/t"}, {"$ref": "#/$defs/u"}]}',
	 '[[{"b": 1}, [{"a": {"b": 1.5}}]]]'),
	-- three levels, as the vendor schemas nest them
	(69, 'nested composition',
	 '{"allOf": [{"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x", "y"]}]}, {"properties": {"y": {"allOf": [{"type": "string"}, {"maxLength": 1}]}}}]}',
	 '{"x": 1, "y": "a"}'),
	(70, 'nested composition',
	 '{"allOf": [{"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x", "y"]}]}, {"properties": {"y": {"allOf": [{"type": "string"}, {"maxLength": 1}]}}}]}',
	 '{"x": 1, "y": "ab"}'),
	(71, 'nested composition',
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
