#!/usr/bin/env python3
"""Seeded fuzz cases for the validator and the inbox (standard library only).

  fuzz.py --seed S --cases N > cases.sql

Emits COPY data for two temp tables:
  fuzz_schema(id, schema, instance)   schemas with instances
  fuzz_message(id, source, payload)   vendor messages, inserted in id order

Half of the cases are schema cases, drawn from five families:
  suite      a JSON-Schema-Test-Suite schema with one of its own test
             instances, sometimes gently mutated (a leaf nudged, a property
             added or dropped, an element repeated): verdicts either way;
  tweaked    a suite schema with well-formed edits (keyword values swapped
             for other legal ones, keywords added from the generator,
             wrapped in allOf / anyOf / not-not / a $defs + $ref, or made
             a recursive tree merged with itself);
  generated  a random well-formed schema ($defs and $ref, $anchor,
             $dynamicRef, combinators, if/then/else, unevaluated*, formats,
             patterns) with an instance built to match it, then maybe
             nudged: mostly valid, often just not;
  malformed  the above after random destructive mutations (type swaps,
             keyword values of the wrong shape, cyclic and dangling $ref,
             invalid regexes, deletions and insertions): clean errors;
  limits     deep nesting, long strings and arrays, unicode edge cases,
             numeric extremes.
The other half are messages: fixtures (test/fixtures) with fresh event
ids, edits that keep them valid (gym ids as numbers or strings, epoch
milliseconds or ISO times, several items per delivery, the flattened form,
"detail" or "data", equivalent numbers), retries of earlier messages
(duplicates) and of earlier ids with other content (conflicts), unknown
types, near-misses from test/fixtures/invalid, and destructive mutations.
Every case must end as a boolean, an inbox status, or a clean ERROR with an
expected SQLSTATE -- never a crash (see test/fuzz.sql, scripts/fuzz.sh).
Deterministic for a given seed.
"""

import copy as _copy
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

UNICODE = ["é", "日本", "\u200b", "\u2028", "\ufeff", "😀", "\U0010ffff", "\u00a0",
           "a\u0301", "\ud7ff", "ﬀ", "İ", "ß", "\\", "\"", "/", "~", "~1", "%25"]
NUMBERS = [0, -0.0, 1, -1, 1.0, 1.5, 1e308, -1e308, 1e-308, 2**63, -2**63 - 1,
           10**40, 0.1, 1e15, 123456789012345678901234567890]
KEYWORDS = ["type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "multipleOf",
            "minLength", "maxLength", "pattern", "format", "items", "prefixItems", "contains",
            "minContains", "maxContains", "uniqueItems", "properties", "patternProperties",
            "additionalProperties", "propertyNames", "required", "dependentRequired",
            "dependentSchemas", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
            "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$id",
            "unevaluatedProperties", "unevaluatedItems", "minProperties", "maxProperties"]
FORMATS = ["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6",
           "uri", "uuid", "regex", "json-pointer", "unknown-format"]
MAX_LINE = 4 * 1024 * 1024          # keep single cases under a few MB
BAD_REGEX = ["(", "[a-", "a{2,1}", "\\", "(?<n>a)\\k<m>", "*a", "a**", "[z-a]", "(?P<x>a)",
             "\\p{NotAProperty}", "x{99999999999}", "(((((((((a)))))))))" * 20]
# legal ECMA-262 patterns, some of them awkward
GOOD_REGEX = ["^[a-z]+$", "\\d{3}", "^\\p{L}+$", "^\\p{Lu}", "a|b|", "^(?:ab)*$", "(?=a)a",
              "(?!b).", "^\\w+@\\w+$", "[^\\s]", "^.{2,4}$", "\\bfoo\\b", "^[\\u0041-\\u005A]$",
              "(a)\\1", "(?<y>x)\\k<y>", "^$", "[😀-😂]", "^\\S*$", "\\.json$", "x*?y", "^[-+]?\\d+$",
              "^\\$", "(a|ab)(c|bcd)(d*)", "^(([a-z])+.)+[A-Z]([a-z])+$"]
NAMES = ["a", "b", "c", "foo", "é", "", "~/", "a/b", "0", "$ref"]
TYPES = ["null", "boolean", "object", "array", "number", "string", "integer"]
STRINGS = ["", "a", "abc", "foo", "é", "日本語", "😀", "1", "-1", "true", "null", "a@b.c",
           "2024-02-29T10:00:00Z", "2024-02-30T10:00:00Z", "2024-06-03", "23:59:60Z",
           "P1Y2M3DT4H", "PT1S", "192.168.0.1", "::ffff:1.2.3.4", "256.1.1.1",
           "550e8400-e29b-41d4-a716-446655440000", "urn:x:y", "http://example.com/a?b#c",
           "example.com", "-bad-.com", "x" * 64, "~0~1", "%25", "a\u0301"]


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------
def scalar(rng):
    r = rng.random()
    if r < 0.2:
        return rng.choice(NUMBERS)
    if r < 0.4:
        return "".join(rng.choice(UNICODE) for _ in range(rng.randint(0, 5)))
    if r < 0.5:
        return rng.choice([True, False, None])
    if r < 0.55:
        return "x" * rng.choice([0, 1, 255, 4096, 70000])
    if r < 0.75:
        return rng.choice(STRINGS)
    return rng.choice(["2024-02-30T10:00:00Z", "2024-07-04T10:00:00+02:00", "not a date",
                       "550e8400-e29b-41d4-a716-446655440000", "a@b.c", "::1", "256.1.1.1",
                       "P1Y2M", "#/$defs/x", "http://localhost:1234/nope.json"])


def deep(rng, depth):
    v = scalar(rng)
    for _ in range(depth):
        v = [v] if rng.random() < 0.5 else {"k": v}
    return v


def random_value(rng, depth=0):
    r = rng.random()
    if depth > 4 or r < 0.5:
        return scalar(rng)
    if r < 0.7:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "b", "é", "", "~/", "payload", "type"]): random_value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def mutate(rng, v, depth=0):
    """Apply one random (destructive) mutation somewhere inside v."""
    if depth > 30:
        return v
    if isinstance(v, dict) and v and rng.random() < 0.7:
        k = rng.choice(list(v))
        v = dict(v)
        op = rng.random()
        if op < 0.2:
            del v[k]
        elif op < 0.3:
            v[rng.choice(KEYWORDS + ["x-extra", "payload", "metadata"])] = random_value(rng)
        else:
            v[k] = mutate(rng, v[k], depth + 1)
        return v
    if isinstance(v, list) and v and rng.random() < 0.7:
        v = list(v)
        i = rng.randrange(len(v))
        op = rng.random()
        if op < 0.2:
            del v[i]
        elif op < 0.3 and len(dump(v)) < 2000:
            v = v * rng.choice([2, 100, 3000])
        else:
            v[i] = mutate(rng, v[i], depth + 1)
        return v
    r = rng.random()
    if r < 0.1:
        return deep(rng, rng.choice([10, 100, 600, 2000]))
    if r < 0.2:
        return [rng.choice(NUMBERS + ["a", "é", None, True])] * rng.choice([10, 1000, 50000])
    return random_value(rng)


def nudge(rng, v, depth=0):
    """A small, type-aware change somewhere inside v: the kind of edit that
    moves an instance across a schema's boundary (or not)."""
    if isinstance(v, dict) and v and rng.random() < 0.6:
        k = rng.choice(list(v))
        v = dict(v)
        r = rng.random()
        if r < 0.1:
            del v[k]
        elif r < 0.2:
            v[rng.choice(NAMES)] = small_value(rng)
        else:
            v[k] = nudge(rng, v[k], depth + 1)
        return v
    if isinstance(v, list) and v and rng.random() < 0.6:
        v = list(v)
        i = rng.randrange(len(v))
        r = rng.random()
        if r < 0.15:
            del v[i]
        elif r < 0.3:
            v.insert(i, _copy.deepcopy(v[i]))           # uniqueItems, contains counts
        elif r < 0.4:
            v.append(small_value(rng))
        else:
            v[i] = nudge(rng, v[i], depth + 1)
        return v
    if isinstance(v, bool) or v is None:
        return rng.choice([True, False, None, 0, 1, "true"])
    if isinstance(v, (int, float)):
        return rng.choice([v + 1, v - 1, -v, v * 2, v / 2, float(v) if abs(v) < 1e300 else v,
                           v + 0.5, 0, 1e308, str(v)])
    if isinstance(v, str):
        return rng.choice([v + rng.choice(UNICODE), v[:-1], "", v.upper(), v * 2,
                           rng.choice(STRINGS), 1, None])
    if isinstance(v, list):
        return [small_value(rng)]
    if isinstance(v, dict):
        return {rng.choice(NAMES): small_value(rng)}
    return v


def small_value(rng, depth=0):
    r = rng.random()
    if depth > 2 or r < 0.6:
        return rng.choice([0, 1, -1, 2.5, 1e-5, 10**20, True, False, None] + STRINGS[:14])
    if r < 0.8:
        return [small_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(NAMES): small_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


# ---------------------------------------------------------------------------
# well-formed schemas and instances that (mostly) match them
# ---------------------------------------------------------------------------
class SchemaGen:
    def __init__(self, rng):
        self.rng = rng
        self.defs = []          # names in the root's $defs
        self.anchors = []

    def root(self):
        rng = self.rng
        self.defs = ["d%d" % i for i in range(rng.randint(0, 3))]
        self.anchors = []
        s = self.schema(0)
        if not isinstance(s, dict):
            s = {"allOf": [s]}
        if self.defs:
            s["$defs"] = {d: self.schema(1) for d in self.defs}
        if self.anchors and rng.random() < 0.5:
            s.setdefault("$defs", {})["anch"] = {"$anchor": self.anchors[0], "type": "string"}
        if rng.random() < 0.15:
            s["$dynamicAnchor"] = "node"
            s.setdefault("$defs", {})["dyn"] = {"$dynamicRef": "#node"}
        if rng.random() < 0.1:
            s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return s

    def schema(self, depth):
        rng = self.rng
        if rng.random() < 0.08:
            return rng.random() < 0.8
        s = {}
        n = rng.randint(1, 4 if depth < 3 else 2)
        for _ in range(n):
            self.keyword(s, depth)
        return s

    def sub(self, depth):
        return self.schema(depth + 1) if depth < 4 else {"type": self.rng.choice(TYPES)}

    def keyword(self, s, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.14:
            s["type"] = rng.choice(TYPES) if rng.random() < 0.7 else \
                rng.sample(TYPES, rng.randint(1, 3))
        elif r < 0.20:
            s["enum"] = [small_value(rng) for _ in range(rng.randint(1, 4))]
        elif r < 0.23:
            s["const"] = small_value(rng)
        elif r < 0.30:
            k = rng.choice(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"])
            s[k] = rng.choice([0, 1, 2, 3, 0.5, 0.01, 1e-8, 10, 2**40, 1.5]) if k == "multipleOf" \
                else rng.choice([0, 1, -1, 2.5, 100, 1e15, -1e-9, 2**53 + 1])
        elif r < 0.36:
            s[rng.choice(["minLength", "maxLength"])] = rng.choice([0, 1, 2, 3, 5, 64])
            s.setdefault("type", "string")
        elif r < 0.40:
            s["pattern"] = rng.choice(GOOD_REGEX)
        elif r < 0.45:
            s["format"] = rng.choice(FORMATS)
        elif r < 0.57:
            s["properties"] = {rng.choice(NAMES): self.sub(depth) for _ in range(rng.randint(1, 3))}
            if rng.random() < 0.5:
                s["required"] = sorted(set(rng.choice(list(s["properties"]) + NAMES)
                                           for _ in range(rng.randint(1, 2))))
            if rng.random() < 0.3:
                s["additionalProperties"] = self.sub(depth) if rng.random() < 0.5 else False
        elif r < 0.60:
            s["patternProperties"] = {rng.choice(GOOD_REGEX[:8]): self.sub(depth)}
        elif r < 0.62:
            s["propertyNames"] = {"maxLength": rng.randint(0, 3)} if rng.random() < 0.5 \
                else {"pattern": rng.choice(GOOD_REGEX[:6])}
        elif r < 0.64:
            s["dependentRequired"] = {rng.choice(NAMES): [rng.choice(NAMES)]}
        elif r < 0.66:
            s["dependentSchemas"] = {rng.choice(NAMES): self.sub(depth)}
        elif r < 0.68:
            s[rng.choice(["minProperties", "maxProperties"])] = rng.randint(0, 3)
        elif r < 0.73:
            s["items"] = self.sub(depth)
            if rng.random() < 0.4:
                s["prefixItems"] = [self.sub(depth) for _ in range(rng.randint(1, 3))]
        elif r < 0.76:
            s["contains"] = self.sub(depth)
            if rng.random() < 0.5:
                s["minContains"] = rng.randint(0, 2)
            if rng.random() < 0.3:
                s["maxContains"] = rng.randint(1, 3)
        elif r < 0.79:
            k = rng.choice(["minItems", "maxItems", "uniqueItems"])
            s[k] = rng.random() < 0.7 if k == "uniqueItems" else rng.randint(0, 3)
        elif r < 0.86:
            k = rng.choice(["allOf", "anyOf", "oneOf"])
            s[k] = [self.sub(depth) for _ in range(rng.randint(1, 3))]
        elif r < 0.88:
            s["not"] = self.sub(depth)
        elif r < 0.91:
            s["if"] = self.sub(depth)
            if rng.random() < 0.8:
                s["then"] = self.sub(depth)
            if rng.random() < 0.6:
                s["else"] = self.sub(depth)
        elif r < 0.95:
            if self.defs and rng.random() < 0.7:
                s["$ref"] = "#/$defs/" + rng.choice(self.defs)
            elif rng.random() < 0.5:
                a = "a%d" % rng.randrange(3)
                self.anchors.append(a)
                s["$ref"] = "#" + a
            else:
                s["$ref"] = "#"
        elif r < 0.98:
            k = rng.choice(["unevaluatedProperties", "unevaluatedItems"])
            s[k] = rng.choice([False, True, {"type": rng.choice(TYPES)}])
        else:
            s["$comment"] = "x"


def instance_for(rng, s):
    """An instance built to satisfy schema s (best effort; any value for a
    schema too broken to read)."""
    try:
        return build_instance(rng, s, 0)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError,
            RecursionError):
        return small_value(rng)


def build_instance(rng, s, depth):
    if depth > 6:
        return None
    if s is True or s is False or not isinstance(s, dict):
        return small_value(rng)
    if "const" in s:
        return _copy.deepcopy(s["const"])
    if "enum" in s and isinstance(s["enum"], list) and s["enum"]:
        return _copy.deepcopy(rng.choice(s["enum"]))
    for k in ("allOf", "anyOf", "oneOf"):
        if isinstance(s.get(k), list) and s[k] and rng.random() < 0.5:
            return build_instance(rng, rng.choice(s[k]), depth + 1)
    t = s.get("type")
    if isinstance(t, list) and t:
        t = rng.choice(t)
    if not isinstance(t, str):
        if any(k in s for k in ("properties", "required", "patternProperties",
                                "additionalProperties", "dependentRequired")):
            t = "object"
        elif any(k in s for k in ("items", "prefixItems", "contains", "minItems")):
            t = "array"
        elif any(k in s for k in ("minLength", "maxLength", "pattern", "format")):
            t = "string"
        elif any(k in s for k in ("minimum", "maximum", "multipleOf", "exclusiveMinimum")):
            t = "number"
        else:
            t = rng.choice(TYPES)
    if t == "null":
        return None
    if t == "boolean":
        return rng.random() < 0.5
    if t in ("number", "integer"):
        lo = s.get("minimum", s.get("exclusiveMinimum", 0))
        lo = lo if isinstance(lo, (int, float)) else 0
        m = s.get("multipleOf")
        if isinstance(m, (int, float)) and m > 0 and abs(lo) < 1e15:
            return (int(lo / m) + 1) * m if t == "number" else int(m) * rng.randint(1, 3)
        v = lo + rng.choice([0, 1, 2]) if abs(lo) < 1e15 else lo
        return int(v) if t == "integer" and abs(v) < 1e18 else v
    if t == "string":
        f = s.get("format")
        fs = {"date-time": "2024-06-03T10:00:00Z", "date": "2024-06-03", "time": "10:00:00Z",
              "duration": "P1D", "email": "a@example.com", "hostname": "example.com",
              "ipv4": "10.0.0.1", "ipv6": "::1", "uri": "https://example.com/x",
              "uuid": "550e8400-e29b-41d4-a716-446655440000", "regex": "^a+$",
              "json-pointer": "/a/0"}
        if isinstance(f, str) and f in fs:
            return fs[f]
        n = s.get("minLength", 1)
        n = n if isinstance(n, int) and 0 <= n < 100 else 1
        return rng.choice(["a", "é", "😀", "ab"]) * max(n, 1)
    if t == "array":
        out = [build_instance(rng, p, depth + 1) for p in s.get("prefixItems", [])
               if isinstance(s.get("prefixItems"), list)]
        items = s.get("items", {})
        for _ in range(rng.randint(0, 3)):
            out.append(build_instance(rng, items, depth + 1))
        if "contains" in s:
            out.append(build_instance(rng, s["contains"], depth + 1))
        return out
    obj = {}
    props = s.get("properties") if isinstance(s.get("properties"), dict) else {}
    for k, sub in props.items():
        if rng.random() < 0.8:
            obj[k] = build_instance(rng, sub, depth + 1)
    for k in s.get("required", []) if isinstance(s.get("required"), list) else []:
        if isinstance(k, str) and k not in obj:
            obj[k] = build_instance(rng, props.get(k, {}), depth + 1)
    return obj


def tweak_schema(rng, s, gen):
    """A well-formed edit of schema s (a dict or boolean)."""
    if not isinstance(s, dict):
        return gen.schema(1)
    s = dict(s)
    r = rng.random()
    if r < 0.25 and s:
        k = rng.choice(list(s))
        v = s[k]
        if isinstance(v, bool):
            s[k] = not v
        elif isinstance(v, int) and k.startswith(("min", "max")):
            s[k] = max(0, v + rng.choice([-1, 1, 2]))
        elif isinstance(v, (int, float)):
            s[k] = rng.choice([v + 1, v - 1, v / 2 if v else 1, -v])
        elif isinstance(v, dict) and k not in ("properties", "$defs", "patternProperties",
                                               "dependentSchemas", "dependentRequired"):
            s[k] = tweak_schema(rng, v, gen)
        elif isinstance(v, dict) and v:
            kk = rng.choice(list(v))
            v = dict(v)
            v[kk] = tweak_schema(rng, v[kk], gen) if k != "dependentRequired" else [rng.choice(NAMES)]
            s[k] = v
        elif isinstance(v, list) and v and all(isinstance(x, (dict, bool)) for x in v):
            v = list(v)
            i = rng.randrange(len(v))
            v[i] = tweak_schema(rng, v[i], gen)
            s[k] = v
        else:
            del s[k]
    elif r < 0.55:
        gen.keyword(s, 2)
    elif r < 0.65 and s:
        del s[rng.choice(list(s))]
    elif r < 0.8 or "$ref" in dump(s) or "$id" in s or "$dynamicRef" in dump(s):
        k = rng.choice(["allOf", "anyOf", "oneOf"])
        s = {k: [s] + [gen.schema(2) for _ in range(rng.randint(0, 1))]}
        if k == "oneOf" and len(s[k]) == 1:
            s = {"not": {"not": s[k][0]}}
    elif r < 0.9:
        s = {"$defs": {"w": s}, "$ref": "#/$defs/w"}
    else:
        # a recursive tree merged with itself: the same property and items
        # schemas meet again at every level (see src/validator/flatten.c)
        t = dict(s)
        t["properties"] = dict(t.get("properties") or {}, n={"$ref": "#/$defs/r"})
        t.setdefault("items", {"$ref": "#/$defs/r"})
        s = {"$defs": {"r": t},
             "allOf": [{"$ref": "#/$defs/r"},
                       {"$ref": "#/$defs/r", "properties": {"n": {"$ref": "#/$defs/r"}}}]}
    return s


def schema_case(rng, groups):
    gen = SchemaGen(rng)
    r = rng.random()
    if r < 0.30:                                    # suite
        g = rng.choice(groups)
        s = g["schema"]
        inst = rng.choice(g["tests"])["data"] if g["tests"] else small_value(rng)
        if rng.random() < 0.4:
            inst = nudge(rng, inst)
    elif r < 0.45:                                  # tweaked
        g = rng.choice(groups)
        s = g["schema"]
        for _ in range(rng.randint(1, 2)):
            s = tweak_schema(rng, s, gen)
        inst = rng.choice(g["tests"])["data"] if g["tests"] and rng.random() < 0.6 \
            else instance_for(rng, s)
        if rng.random() < 0.3:
            inst = nudge(rng, inst)
    elif r < 0.70:                                  # generated
        s = gen.root()
        inst = instance_for(rng, s)
        if rng.random() < 0.35:
            inst = nudge(rng, inst)
    elif r < 0.92:                                  # malformed
        s = rng.choice(groups)["schema"] if rng.random() < 0.6 else gen.root()
        r = rng.random()
        if r < 0.1:
            s = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
        elif r < 0.15:
            s = {"$ref": rng.choice(["#/$defs/missing", "http://localhost:1234/none.json",
                                     "#nope", "urn:event-types:gym:NOPE", "#/%ZZ"])}
        elif r < 0.2:
            s = {"pattern": rng.choice(BAD_REGEX)}
        elif r < 0.25:
            s = {"format": rng.choice(FORMATS)}
        elif r < 0.3:
            s = {rng.choice(KEYWORDS): random_value(rng)}
        elif r < 0.35:
            s = {"patternProperties": {rng.choice(BAD_REGEX): True}}
        for _ in range(rng.randint(0 if r < 0.35 else 1, 3)):
            s = bounded(mutate(rng, s), s)
        inst = random_value(rng) if rng.random() < 0.5 else instance_for(rng, s)
    else:                                           # limits
        s = rng.choice(groups)["schema"] if rng.random() < 0.5 else gen.root()
        inst = instance_for(rng, s)
        r = rng.random()
        if r < 0.3:
            s = bounded(deep_schema(rng, rng.choice([50, 300, 1000, 3000])), s)
        elif r < 0.6:
            inst = bounded(deep(rng, rng.choice([50, 300, 1000, 3000])), inst)
        else:
            inst = bounded(mutate(rng, inst), inst)
    return s, inst


# same-length swaps: a schema of the same size as the one before it
TWINS = [('"string"', '"number"'), ('"number"', '"object"'), ('"object"', '"string"'),
         ('"integer"', '"boolean"'), ('"boolean"', '"integer"'), ('"minimum"', '"maximum"'),
         ('"maximum"', '"minimum"'), ('"minLength"', '"maxLength"'), ('"anyOf"', '"oneOf"'),
         ('"oneOf"', '"allOf"'), ('true', 'null')]


def twin(rng, s, inst):
    """The previous case's schema with one keyword or type name swapped for
    another of the same length, and the same instance: the next call at a
    call site often finds its schema argument at the very address of the
    last one, which is what a cache that trusts pointers gets wrong."""
    text = dump(s)
    swaps = [(a, b) for a, b in TWINS if a in text]
    if swaps:
        a, b = rng.choice(swaps)
        try:
            return json.loads(text.replace(a, b, 1)), inst
        except ValueError:
            pass
    return s, inst


def deep_schema(rng, depth):
    s = {"type": rng.choice(TYPES)}
    for _ in range(depth):
        k = rng.choice(["items", "not", "allOf", "properties"])
        s = {"allOf": [s]} if k == "allOf" else {"properties": {"k": s}} if k == "properties" \
            else {k: s}
    return s


# ---------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------
def new_uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) % 4],
                                  h[17:20], h[20:32])


def iso_variant(rng, ms):
    """An RFC 3339 time for epoch milliseconds ms, in one of its spellings."""
    import datetime as dt
    t = dt.datetime.fromtimestamp(ms / 1000.0, dt.timezone.utc)
    r = rng.random()
    if r < 0.3:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if r < 0.5:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)
    if r < 0.7:
        return (t + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S") + "+02:00"
    if r < 0.8:
        return t.strftime("%Y-%m-%dt%H:%M:%Sz")          # RFC 3339 allows lower case
    if r < 0.9:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    return (t - dt.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S") + "-05:30"


def id_variant(rng, v):
    """The same id as a JSON number or string, or an equivalent number."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return rng.choice([str(v), v, float(v) if abs(v) < 2**53 else v])
    if isinstance(v, str) and v.isdigit() and len(v) < 16:
        return rng.choice([int(v), v])
    return v


def base_ms(rng):
    return 1717408800000 + rng.randrange(0, 30 * 86400 * 1000)


def freshen(rng, source, m):
    """New event ids (so the message can be accepted), other times and
    entity ids from a small pool (so projections see several events per
    entity, out of order)."""
    m = _copy.deepcopy(m)
    if not isinstance(m, dict):
        return m
    if source == "gym":
        m["uuid"] = new_uuid(rng)
        if "entityId" in m and rng.random() < 0.7:
            m["entityId"] = rng.choice([1210004542, 1210004543, 1210004544, "1210004545"])
        items = m.get("payload") if isinstance(m.get("payload"), list) else [m]
        for it in items:
            if isinstance(it, dict) and "timestamp" in it and rng.random() < 0.7:
                it["timestamp"] = base_ms(rng)
    elif source == "ticketing":
        md = m.get("metadata")
        if isinstance(md, dict):
            md["traceId"] = new_uuid(rng)
            if rng.random() < 0.7:
                md["occurredAt"] = iso_variant(rng, base_ms(rng))
    elif source == "court_booking":
        if "id" in m:
            m["id"] = new_uuid(rng)
        if "timestamp" in m and rng.random() < 0.7:
            m["timestamp"] = iso_variant(rng, base_ms(rng))
    return m


def keep_valid(rng, source, m, pool):
    """An edit that should keep the message valid."""
    if not isinstance(m, dict):
        return m
    m = _copy.deepcopy(m)
    r = rng.random()
    if source == "gym":
        items = m.get("payload")
        if r < 0.2 and "entityId" in m:
            m["entityId"] = id_variant(rng, m["entityId"])
        elif r < 0.4 and isinstance(items, list) and items:
            it = rng.choice(items)
            if isinstance(it, dict) and isinstance(it.get("timestamp"), int):
                it["timestamp"] = rng.choice([iso_variant(rng, it["timestamp"]),
                                              float(it["timestamp"])])
        elif r < 0.6 and isinstance(items, list):
            # several items in one delivery, maybe of other types
            other = rng.choice(pool["gym"])
            if isinstance(other.get("payload"), list):
                items.extend(_copy.deepcopy(other["payload"][:rng.randint(1, 2)]))
            if rng.random() < 0.3 and items:
                items.append(_copy.deepcopy(items[0]))
        elif r < 0.7 and isinstance(items, list) and len(items) == 1 and isinstance(items[0], dict):
            flat = {"entityId": m.get("entityId"), "uuid": m.get("uuid")}
            flat.update(items[0])
            m = flat
        elif isinstance(items, list) and items:
            it = rng.choice(items)
            c = it.get("content") if isinstance(it, dict) else None
            if isinstance(c, dict) and c:
                k = rng.choice(list(c))
                if k.endswith("Id") or k.endswith("id"):
                    c[k] = id_variant(rng, c[k])
    elif source == "ticketing":
        md = m.get("metadata")
        if r < 0.4 and isinstance(md, dict) and isinstance(md.get("occurredAt"), str):
            md["occurredAt"] = iso_variant(rng, base_ms(rng))
        elif r < 0.6 and isinstance(md, dict):
            md["tenant"] = rng.choice(["1337", "42", "tenant-é", ""])
        else:
            rename_leaf(rng, m)
    elif source == "court_booking":
        if r < 0.3 and ("detail" in m or "data" in m):
            body = m.pop("detail", None) if "detail" in m else m.pop("data", None)
            m[rng.choice(["detail", "data"])] = body
        elif r < 0.6 and isinstance(m.get("timestamp"), str):
            m["timestamp"] = iso_variant(rng, base_ms(rng))
        else:
            rename_leaf(rng, m)
    return m


def rename_leaf(rng, m):
    """Replace a name-like string leaf (not an id, type, time or email) by
    another plausible name, unicode included."""
    path = []
    v = m
    for _ in range(6):
        if isinstance(v, dict) and v:
            k = rng.choice(list(v))
            path.append(k)
            if isinstance(v[k], (dict, list)):
                v = v[k]
                continue
            low = k.lower()
            if isinstance(v[k], str) and ("name" in low or low in ("city", "street", "title")):
                v[k] = rng.choice(["Zoë", "日本", "O'Brien", "Ann-\u00e9", "😀 Club", "x" * 200, ""])
            return
        if isinstance(v, list) and v:
            v = rng.choice(v)
            continue
        return


def set_type(source, m, name):
    if not isinstance(m, dict):
        return m
    m = _copy.deepcopy(m)
    if source == "gym":
        items = m.get("payload") if isinstance(m.get("payload"), list) else [m]
        for it in items[:1]:
            if isinstance(it, dict):
                it["type"] = name
    elif source == "ticketing" and isinstance(m.get("metadata"), dict):
        m["metadata"]["type"] = name
    elif source == "court_booking":
        m["detail-type"] = name
    return m


def message_case(rng, pool, near_misses, history):
    r = rng.random()
    if history and r < 0.08:
        return rng.choice(history)                       # webhook retry: duplicate
    if history and r < 0.13:
        source, m = rng.choice(history)                  # same ids, other content
        m = keep_valid(rng, source, m, pool)
        if rng.random() < 0.5 and isinstance(m, dict):
            m = bounded(nudge(rng, m), m)
        return source, m
    if near_misses and r < 0.20:
        source, m = rng.choice(near_misses)
        return source, freshen(rng, source, m)
    source = rng.choice(list(pool))
    m = rng.choice(pool[source])
    if rng.random() < 0.9:
        m = freshen(rng, source, m)
    for _ in range(rng.randint(0, 3)):
        m = keep_valid(rng, source, m, pool)
    r = rng.random()
    if r < 0.06:
        m = set_type(source, m, rng.choice(["NOT_A_TYPE", "CUSTOMER_CREATED_V9", "BookingNukedV1",
                                            "", "customer_created", "é"]))
    elif r < 0.18:
        m = bounded(nudge(rng, m), m)
    elif r < 0.42:
        for _ in range(rng.randint(1, 3)):
            m = bounded(mutate(rng, m), m)
    if rng.random() < 0.04:
        source = rng.choice(["gym", "ticketing", "court_booking", "unknown", ""])
    return source, m


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------
def bounded(new, old):
    """Keep a mutation only if the case stays under MAX_LINE (and is JSON:
    no NaN or Infinity)."""
    try:
        return new if len(dump(new)) <= MAX_LINE // 2 else old
    except ValueError:
        return old


def copy(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def dump(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def load_groups():
    groups = []
    suite = os.path.join(ROOT, "test", "vendor", "json-schema-test-suite", "draft2020-12")
    for sub in ("", "optional", os.path.join("optional", "format")):
        d = os.path.join(suite, sub)
        for f in sorted(os.listdir(d)):
            if f.endswith(".json"):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    groups += json.load(fh)
    return groups


def load_messages():
    pool = {}
    valid = os.path.join(ROOT, "test", "fixtures", "valid")
    for source in sorted(os.listdir(valid)):
        for f in sorted(os.listdir(os.path.join(valid, source))):
            with open(os.path.join(valid, source, f), encoding="utf-8") as fh:
                pool.setdefault(source, []).extend(json.load(fh))
    near = []
    invalid = os.path.join(ROOT, "test", "fixtures", "invalid")
    if os.path.isdir(invalid):
        for f in sorted(os.listdir(invalid)):
            if f.endswith(".json"):
                with open(os.path.join(invalid, f), encoding="utf-8") as fh:
                    near += [(f[:-5], c["message"]) for c in json.load(fh) if "message" in c]
    return pool, near


def main():
    args = sys.argv[1:]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    cases = int(args[args.index("--cases") + 1]) if "--cases" in args else 1000
    rng = random.Random(seed)
    sys.setrecursionlimit(20000)        # deep-nesting cases

    groups = load_groups()
    pool, near = load_messages()

    out = sys.stdout
    out.write("CREATE TEMP TABLE fuzz_schema (id int, schema jsonb, instance jsonb);\n")
    out.write("COPY fuzz_schema FROM stdin;\n")
    n_schema = cases // 2
    prev = None
    run = []
    for i in range(n_schema):
        r = rng.random()
        if not run and r < 0.01:
            # a run of same-size schemas with flipping verdicts
            inst = rng.choice(["a", 1, {}, 2.5, "é"])
            run = [({"type": rng.choice(["string", "number", "object"])}, inst)
                   for _ in range(rng.randint(3, 8))]
        if run:
            s, inst = run.pop()
        elif prev and r < 0.05:
            s, inst = twin(rng, *prev)
        else:
            s, inst = schema_case(rng, groups)
        prev = (s, inst)
        try:
            line = "%d\t%s\t%s" % (i, copy(dump(s)), copy(dump(inst)))
        except ValueError:              # NaN / Infinity: not JSON
            continue
        if "\\u0000" in line or len(line) > MAX_LINE:
            continue
        out.write(line + "\n")
    out.write("\\.\n")
    out.write("CREATE TEMP TABLE fuzz_message (id int, source text, payload jsonb);\n")
    out.write("COPY fuzz_message FROM stdin;\n")
    history = []
    for i in range(cases - n_schema):
        source, m = message_case(rng, pool, near, history)
        try:
            line = "%d\t%s\t%s" % (i, copy(source), copy(dump(m)))
        except ValueError:
            continue
        if "\\u0000" in line or len(line) > MAX_LINE:
            continue
        if len(line) < 20000:
            history = (history + [(source, m)])[-200:]
        out.write(line + "\n")
    out.write("\\.\n")


if __name__ == "__main__":
    main()
