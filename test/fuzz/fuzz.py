#!/usr/bin/env python3
"""Seeded fuzz cases for the validator and the inbox (standard library only).

  fuzz.py --seed S --cases N [--dir FIXTURES_AND_SUITE_ROOT] > cases.sql

Emits COPY data for two temp tables:
  fuzz_schema(id, schema, instance)   mutated schemas with instances
  fuzz_message(id, source, payload)   mutated vendor messages

Mutations: type swaps, deep nesting, huge strings and arrays, unicode edge
cases, numeric extremes, cyclic and dangling $ref, invalid regexes, keyword
values of the wrong shape, random deletions and insertions.  Every case must
end as a boolean, a rejected/accepted/... inbox row, or a clean ERROR with
an expected SQLSTATE -- never a crash (see test/fuzz.sql).
"""

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


def scalar(rng):
    r = rng.random()
    if r < 0.2:
        return rng.choice(NUMBERS)
    if r < 0.4:
        return "".join(rng.choice(UNICODE) for _ in range(rng.randint(0, 5)))
    if r < 0.5:
        return rng.choice([True, False, None])
    if r < 0.6:
        return "x" * rng.choice([0, 1, 255, 4096, 70000])
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
    """Apply one random mutation somewhere inside v."""
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
    if r < 0.15:
        return deep(rng, rng.choice([10, 100, 600, 2000]))
    if r < 0.3:
        return [rng.choice(NUMBERS + ["a", "é", None, True])] * rng.choice([10, 1000, 50000])
    return random_value(rng)


def schema_case(rng, suite_schemas):
    s = rng.choice(suite_schemas)
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
    for _ in range(rng.randint(0, 3)):
        s = bounded(mutate(rng, s), s)
    return s, random_value(rng) if rng.random() < 0.5 else bounded(mutate(rng, random_value(rng)), None)


def bounded(new, old):
    """Keep a mutation only if the case stays under MAX_LINE."""
    return new if len(dump(new)) <= MAX_LINE // 2 else old


def copy(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def dump(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def main():
    args = sys.argv[1:]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    cases = int(args[args.index("--cases") + 1]) if "--cases" in args else 1000
    rng = random.Random(seed)
    sys.setrecursionlimit(20000)        # deep-nesting cases

    suite_schemas = []
    suite = os.path.join(ROOT, "test", "vendor", "json-schema-test-suite", "draft2020-12")
    for f in sorted(os.listdir(suite)):
        if f.endswith(".json"):
            with open(os.path.join(suite, f), encoding="utf-8") as fh:
                suite_schemas += [g["schema"] for g in json.load(fh)]
    messages = []
    valid = os.path.join(ROOT, "test", "fixtures", "valid")
    for source in sorted(os.listdir(valid)):
        for f in sorted(os.listdir(os.path.join(valid, source))):
            with open(os.path.join(valid, source, f), encoding="utf-8") as fh:
                messages += [(source, m) for m in json.load(fh)]

    out = sys.stdout
    out.write("CREATE TEMP TABLE fuzz_schema (id int, schema jsonb, instance jsonb);\n")
    out.write("COPY fuzz_schema FROM stdin;\n")
    n_schema = cases // 2
    for i in range(n_schema):
        s, inst = schema_case(rng, suite_schemas)
        line = "%d\t%s\t%s" % (i, copy(dump(s)), copy(dump(inst)))
        if "\\u0000" in line or len(line) > MAX_LINE:
            continue
        out.write(line + "\n")
    out.write("\\.\n")
    out.write("CREATE TEMP TABLE fuzz_message (id int, source text, payload jsonb);\n")
    out.write("COPY fuzz_message FROM stdin;\n")
    for i in range(cases - n_schema):
        source, m = rng.choice(messages)
        for _ in range(rng.randint(1, 3)):
            m = bounded(mutate(rng, m), m)
        if rng.random() < 0.05:
            source = rng.choice(["gym", "ticketing", "court_booking", "unknown", ""])
        line = "%d\t%s\t%s" % (i, copy(source), copy(dump(m)))
        if "\\u0000" in line or len(line) > MAX_LINE:
            continue
        out.write(line + "\n")
    out.write("\\.\n")


if __name__ == "__main__":
    main()
