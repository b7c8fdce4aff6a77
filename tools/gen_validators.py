#!/usr/bin/env python3
"""Generate src/validator/generated_validators.c: the catalogue's event
schemas compiled to C, for a verdict only.

  gen_validators.py SCHEMAS_DIR -> C source on stdout

The general evaluator (evaluate.c) walks a compiled node graph and tests,
for each node, every keyword group that might be present.  The built-in
event schemas are known when the extension is built, so for them the same
decision can be written out as straight-line C: one walk over each object's
keys with the property names as string compares, the types, lengths,
patterns and formats tested inline, every "$ref", "$dynamicRef" and "allOf"
resolved here.  evaluate.c keeps the final word: it produces every error
message, and validation_errors() never runs generated code.

Input is exactly what the extension embeds: gen_catalog.py's catalogue and
bundle() (one source of truth).  For each event type this emits a function
for the schema itself and for each of its top-level "$defs" (the part a bare
message validates, see builtin_schemas.c).

Only a subset of 2020-12 is generated -- what the built-in schemas use.  An
entry whose schema needs anything else (another keyword, a const or enum
value that is not an ASCII string, a non-ASCII property name, a relative or
unknown reference, recursion or an in-place reference cycle, a custom
dialect) is left out with a comment, and evaluate.c validates it as
before.  Format names are read from format.c's own table.  tests: test/generated_validators.sql compares every generated
verdict with evaluate.c's on the fixtures and their mutations.

Standard library only: it runs at build time on a fresh Debian machine.
"""

import json
import os
import re
import sys
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_catalog  # noqa: E402

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# keywords that never change a verdict
IGNORED = {"$schema", "$id", "$anchor", "$dynamicAnchor", "$defs", "$comment",
           "title", "description", "examples", "default", "deprecated",
           "readOnly", "writeOnly", "contentEncoding", "contentMediaType",
           "contentSchema"}
GENERATED = {"type", "const", "enum", "minLength", "maxLength", "pattern",
             "format", "required", "properties", "additionalProperties",
             "minProperties", "maxProperties", "items", "minItems", "maxItems",
             "$ref", "$dynamicRef", "allOf", "not", "if", "then", "else"}

TYPE_BITS = {"null": "ET_T_NULL", "boolean": "ET_T_BOOLEAN", "object": "ET_T_OBJECT",
             "array": "ET_T_ARRAY", "number": "ET_T_NUMBER", "string": "ET_T_STRING",
             "integer": "ET_T_INTEGER"}
ALL_TYPES = frozenset(TYPE_BITS)


def read_formats(path):
    """The format names evaluate.c asserts, from format.c's own table
    (format_names[], which EtFormatLookup reads): name -> EtFormat constant."""
    try:
        with open(path, encoding="utf-8") as f:
            src = f.read()
    except OSError as e:
        gen_catalog.fail("%s: %s" % (path, e))
    table = re.search(r"format_names\[\] = \{(.*?)\n\};", src, re.S)
    if table is None:
        gen_catalog.fail("%s: format_names[] not found" % path)
    pairs = re.findall(r'\{"([^"]+)", (ET_FORMAT_[A-Z0-9_]+)\}', table.group(1))
    if not pairs or len(pairs) != table.group(1).count('{"'):
        gen_catalog.fail("%s: an entry of format_names[] is not {\"name\", ET_FORMAT_...}" % path)
    names = dict(pairs)
    names.pop("unknown", None)
    return names


FORMATS = read_formats(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                    "src", "validator", "format.c"))


# patterns decide_strings() may evaluate with Python's re: anchors, ASCII
# letters, digits, "_", "-" and escaped punctuation, classes of those, and
# the quantifiers * + ? {n} {n,} {n,m}
SIMPLE_PATTERN = re.compile(r"^\^?(?:(?:[A-Za-z0-9_-]|\\[.\-/]|\[(?:[A-Za-z0-9_]|\\[.\-/]|[A-Za-z0-9]-[A-Za-z0-9])+\])"
                            r"(?:[*+?]|\{[0-9]+(?:,[0-9]*)?\})?)*\$?$")


SCAN_SINGLE = {"not", "if", "then", "else", "additionalProperties", "propertyNames",
               "unevaluatedProperties", "unevaluatedItems", "contains", "items",
               "contentSchema", "additionalItems"}
SCAN_ARRAY = {"allOf", "anyOf", "oneOf", "prefixItems", "items"}
SCAN_MAP = {"$defs", "definitions", "properties", "patternProperties",
            "dependentSchemas", "dependencies"}
INT32_MAX = 2147483647


def push(scope, res):
    """evaluate.c pushes a resource unless it is the innermost one.  Only the
    first occurrence of each resource (DynamicTarget: outermost wins) and the
    innermost one matter, so the scope is kept in that finite canonical
    form: a cycle through several resources repeats a key and is declined."""
    if scope and scope[-1] == res:
        return scope
    full = scope + (res,)
    firsts = tuple(r for i, r in enumerate(full) if r not in full[:i])
    return firsts if firsts[-1] == res else firsts + (res,)


class Unsupported(Exception):
    pass


def type_set(t):
    names = [t] if isinstance(t, str) else t
    out = set()
    for n in names:
        if n not in TYPE_BITS:
            raise Unsupported("type %r" % n)
        out.add(n)
        if n == "number":
            out.add("integer")      # every integer is a number
    return frozenset(out)


def type_test(types, v):
    """C condition: value *v has one of 'types' (evaluate.c's TypeMatches)."""
    bits = set(types)
    if "number" in bits:
        bits.discard("integer")
    return "EtTypeMatches(%s, %s)" % (" | ".join(TYPE_BITS[b] for b in sorted(bits)), v)


def ascii_only(s, what):
    """Names and constants are compared as bytes; the instance's bytes are
    in the server encoding, the generated ones in UTF-8, and the two agree
    on ASCII only (every server encoding is an ASCII superset)."""
    if not s.isascii():
        raise Unsupported("non-ASCII %s %r" % (what, s))
    return s


def c_bytes(s):
    return gen_catalog.c_string(s), len(s.encode("utf-8"))


def count_value(x):
    """A non-negative integer keyword as compile.c's NonNegativeInt reads it:
    integral numbers only, clamped to INT32_MAX."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0 or \
            (isinstance(x, float) and x != float("inf") and not x.is_integer()):
        raise Unsupported("bound %r" % x)
    return INT32_MAX if x >= INT32_MAX else int(x)


def bounds(nodes, low, high):
    """The strictest of each bound over a conjunction: (largest low, smallest high)."""
    lo = max([count_value(n[low]) for n in nodes if low in n], default=None)
    hi = min([count_value(n[high]) for n in nodes if high in n], default=None)
    return lo, hi


def count_bounds(w, lo, hi):
    """C tests of a container's element count against the bounds."""
    if lo is not None:
        w("\t\tif (JbCount(v) < %d)\n\t\t\treturn false;\n" % lo)
    if hi is not None and hi < INT32_MAX:
        w("\t\tif (JbCount(v) > %d)\n\t\t\treturn false;\n" % hi)


class Document:
    """One bundled schema: its resources, anchors and the resource of every node."""

    def __init__(self, doc):
        self.resources = {}         # uri -> root node
        self.anchors = {}           # (uri, name) -> node
        self.dynamic = {}           # uri -> set of $dynamicAnchor names
        self.res_of = {}            # id(node) -> resource uri
        self.keep = []              # keep nodes alive: ids must stay unique
        self.walk(doc, None)

    def walk(self, node, uri):
        if isinstance(node, dict):
            if "$id" in node:
                nid = node["$id"]
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", nid) or "#" in nid:
                    raise Unsupported("relative $id %r" % nid)
                if node.get("$schema", DIALECT) != DIALECT:
                    raise Unsupported("dialect %r" % node["$schema"])
                uri = nid
                self.resources[uri] = node
            if uri is None:
                raise Unsupported("schema without $id")
            self.res_of[id(node)] = uri
            self.keep.append(node)
            for k in ("$anchor", "$dynamicAnchor"):
                if k in node:
                    self.anchors[(uri, node[k])] = node
                    if k == "$dynamicAnchor":
                        self.dynamic.setdefault(uri, set()).add(node[k])
            # exactly the positions compile.c's ScanSchema scans
            for k, v in node.items():
                if k in SCAN_MAP and isinstance(v, dict):
                    for sub in v.values():
                        self.walk(sub, uri)
                elif k in SCAN_ARRAY and isinstance(v, list):
                    for sub in v:
                        self.walk(sub, uri)
                elif k in SCAN_SINGLE and isinstance(v, dict):
                    self.walk(v, uri)

    def resolve(self, ref, base):
        """(node, is_anchor_name) for a reference from resource 'base'."""
        if ref.startswith("#"):
            uri, frag = base, ref[1:]
        elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", ref):
            uri, _, frag = ref.partition("#")
        else:
            raise Unsupported("relative reference %r" % ref)
        if uri not in self.resources:
            raise Unsupported("unknown document %r" % uri)
        node = self.resources[uri]
        if frag == "":
            return node, None
        if frag.startswith("/"):
            for tok in frag[1:].split("/"):
                tok = unquote(tok).replace("~1", "/").replace("~0", "~")
                if isinstance(node, list):
                    node = node[int(tok)]
                elif isinstance(node, dict) and tok in node:
                    node = node[tok]
                else:
                    raise Unsupported("pointer %r" % ref)
            return node, None
        if (uri, frag) not in self.anchors:
            raise Unsupported("anchor %r" % ref)
        return self.anchors[(uri, frag)], frag

    def resource(self, node):
        if id(node) not in self.res_of:
            raise Unsupported("reference into a value that is not a schema")
        return self.res_of[id(node)]


class Generator:
    def __init__(self):
        self.functions = []         # C text of every function
        self.memo = {}              # conjunction key -> function name
        self.regexes = {}           # pattern -> static variable name
        self.count = 0

    # -- conjunctions -------------------------------------------------------
    def expand(self, doc, elems):
        """Flatten in-place applicators: the list of (node, scope) that must
        all hold at one instance location.  'scope' is the dynamic scope as
        evaluate.c keeps it: a resource is pushed when a node of another
        resource than the innermost one is entered."""
        out, todo, seen = [], list(elems), set()
        while todo:
            node, scope = todo.pop(0)
            if node is True:
                continue
            if node is False:
                out.append((False, scope))
                continue
            if not isinstance(node, dict):
                raise Unsupported("schema of type %s" % type(node).__name__)
            res = doc.resource(node)
            scope = push(scope, res)
            key = (id(node), scope)
            if key in seen:
                raise Unsupported("schema applied twice in place (cycle?)")
            seen.add(key)
            for k in node:
                if k not in GENERATED and k not in IGNORED and not k.startswith("x-"):
                    raise Unsupported("keyword %r" % k)
            out.append((node, scope))
            if "$ref" in node:
                target, _ = doc.resolve(node["$ref"], res)
                todo.append((target, scope))
            if "$dynamicRef" in node:
                target, anchor = doc.resolve(node["$dynamicRef"], res)
                if anchor is not None and target.get("$dynamicAnchor") == anchor:
                    # evaluate.c's DynamicTarget: outermost resource first
                    for r in scope:
                        if anchor in doc.dynamic.get(r, ()):
                            target = doc.anchors[(r, anchor)]
                            break
                todo.append((target, scope))
            for sub in node.get("allOf", []):
                todo.append((sub, scope))
        return out

    def function(self, doc, elems):
        """Name of a C function deciding the conjunction 'elems', or None if
        it holds for every value."""
        conj = self.expand(doc, elems)
        if not conj:
            return None
        key = tuple((id(n), s) for n, s in conj)
        if key in self.memo:
            if self.memo[key] == "":
                raise Unsupported("recursive schema")
            return self.memo[key]
        self.memo[key] = ""         # in progress: recursion is not generated
        name = "gv_%d" % self.count
        self.count += 1
        body = self.body(doc, conj)
        self.functions.append("static bool\n%s(const JsonbValue *v, bool fa)\n{\n%s\treturn true;\n}\n"
                              % (name, body))
        self.memo[key] = name
        return name

    def call(self, fn, arg):
        return "%s(%s, fa)" % (fn, arg)

    # -- one conjunction ----------------------------------------------------
    def body(self, doc, conj):
        nodes = [n for n, _ in conj]
        out = []
        w = out.append
        if any(n is False for n in nodes):
            return "\treturn false;\n"

        types = ALL_TYPES
        for n in nodes:
            if "type" in n:
                types = types & type_set(n["type"])

        # "const" / "enum": the strings every one of them allows
        allowed = None
        for n in nodes:
            groups = ([[n["const"]]] if "const" in n else []) + ([n["enum"]] if "enum" in n else [])
            for values in groups:
                if not isinstance(values, list) or not all(isinstance(x, str) for x in values):
                    raise Unsupported("const/enum other than strings")
                for x in values:
                    ascii_only(x, "constant")
                allowed = [x for x in (values if allowed is None else allowed) if x in values]
        decided = set()
        if allowed is not None:
            # A value that passes the membership test is one of these strings,
            # so "type" and the length and pattern keywords can be decided
            # here, on the strings themselves (gym items: "type" has both a
            # const and the envelope's pattern)
            allowed, decided = self.decide_strings(nodes, allowed)
            if not allowed or "string" not in types:
                return "\treturn false;\n"
            tests = []
            for x in allowed:
                lit, ln = c_bytes(x)
                tests.append("(v->val.string.len == %d && memcmp(v->val.string.val, %s, %d) == 0)"
                             % (ln, lit, ln))
            w("\tif (v->type != jbvString ||\n\t\t!(%s))\n\t\treturn false;\n"
              % " ||\n\t\t  ".join(tests))
        elif types != ALL_TYPES:
            if not types:
                return "\treturn false;\n"
            w("\tif (!%s)\n\t\treturn false;\n" % type_test(types, "v"))

        self.strings(nodes, w, decided)
        for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
            if any(k in n for n in nodes):
                raise Unsupported(k)

        # "if"/"then"/"else"/"not" that only say "required" (the envelopes'
        # "if": {"required": ["payload"]}) are answered by the object walk's
        # bit mask instead of a lookup each
        presence = []
        for n, scope in conj:
            for k in ("not", "if", "then", "else"):
                if k in n:
                    for name in self.pure_required(doc, [(n[k], scope)]) or []:
                        if name not in presence:
                            presence.append(name)
        bits = self.objects(doc, conj, w, presence)
        self.arrays(doc, conj, w)

        def test(sub, scope):
            """C expression: the value is valid against 'sub'."""
            names = self.pure_required(doc, [(sub, scope)])
            if names:
                mask = sum(1 << bits[x] for x in names)
                return "(!JbIsObject(v) || (seen & UINT64CONST(0x%x)) == UINT64CONST(0x%x))" % (mask, mask)
            fn = self.function(doc, [(sub, scope)])
            return "true" if fn is None else self.call(fn, "v")

        for n, scope in conj:
            if "not" in n:
                w("\tif (%s)\n\t\treturn false;\n" % test(n["not"], scope))
            if "if" in n and ("then" in n or "else" in n):
                c = test(n["if"], scope)
                then = test(n["then"], scope) if "then" in n else "true"
                els = test(n["else"], scope) if "else" in n else "true"
                w("\tif (!(%s ? %s : %s))\n\t\treturn false;\n" % (c, then, els))
        if presence:
            # declared first: C90 wants declarations before statements
            out.insert(0, "\tuint64\t\tseen = 0;\t/* names found by the object walk */\n\n")
        return "".join(out)

    def pure_required(self, doc, elems):
        """The names, if the conjunction says nothing but "required"; else None."""
        names = []
        for n, _ in self.expand(doc, elems):
            if not isinstance(n, dict):
                return None
            for k in n:
                if k not in IGNORED and k != "required" and not k.startswith("x-") \
                        and k not in ("$ref", "$dynamicRef", "allOf"):
                    return None
            for r in n.get("required", []):
                if r not in names:
                    names.append(r)
        return names

    def decide_strings(self, nodes, allowed):
        """Filter the allowed constants by the length and pattern keywords;
        returns them and the keywords so decided for every value.  The
        constants are ASCII (body() declines others), so Python's len()
        counts characters as EtStringLength does in any server encoding."""
        decided = {"minLength", "maxLength"}
        for n in nodes:
            if "minLength" in n:
                allowed = [x for x in allowed if len(x) >= count_value(n["minLength"])]
            if "maxLength" in n:
                allowed = [x for x in allowed if len(x) <= count_value(n["maxLength"])]
        patterns = [n["pattern"] for n in nodes if "pattern" in n]
        # ECMA-262 and Python agree on these patterns for these strings:
        # ASCII literals, classes and quantifiers, no newline for "$" to
        # differ on (Python's "$" also matches before a final newline)
        if all(SIMPLE_PATTERN.match(p) for p in patterns) and \
                not any("\n" in x for x in allowed):
            for p in patterns:
                allowed = [x for x in allowed if re.search(p, x, re.ASCII)]
            decided.add("pattern")
        return allowed, decided

    def strings(self, nodes, w, decided):
        lines = []
        minlen, maxlen = (None, None) if "minLength" in decided else \
            bounds(nodes, "minLength", "maxLength")
        if (minlen is not None and minlen > 0) or (maxlen is not None and maxlen < INT32_MAX):
            # chars <= bytes <= 4 * chars: count characters only when that decides
            if minlen is not None and 4 * minlen <= INT32_MAX:
                lines.append("\t\tif (len < %d || (len < %d && EtStringLength(s, len) < %d))\n\t\t\treturn false;\n"
                             % (minlen, 4 * minlen, minlen))
            elif minlen is not None:
                lines.append("\t\tif (len < %d || EtStringLength(s, len) < %d)\n\t\t\treturn false;\n"
                             % (minlen, minlen))
            if maxlen is not None and maxlen < INT32_MAX:
                lines.append("\t\tif (len > %d && EtStringLength(s, len) > %d)\n\t\t\treturn false;\n"
                             % (maxlen, maxlen))
        for n in nodes:
            if "pattern" in n and "pattern" not in decided:
                p = n["pattern"]
                if p not in self.regexes:
                    self.regexes[p] = "gv_re_%d" % len(self.regexes)
                lit, ln = c_bytes(p)
                lines.append("\t\tif (!EtRegexMatch(GvRegex(&%s, %s, %d), s, len))\n\t\t\treturn false;\n"
                             % (self.regexes[p], lit, ln))
        for n in nodes:
            if "format" in n:
                f = n["format"]
                if f not in FORMATS:
                    continue            # unknown formats are annotations
                lines.append("\t\tif (fa && !EtFormatCheck(%s, s, len))\n\t\t\treturn false;\n" % FORMATS[f])
        if lines:
            w("\tif (v->type == jbvString)\n\t{\n"
              "\t\tconst char *s = v->val.string.val;\n\t\tint\t\t\tlen = v->val.string.len;\n\n")
            w("".join(lines))
            w("\t}\n")

    def objects(self, doc, conj, w, presence):
        """The object keywords; returns the bit of each name in 'seen'."""
        nodes = [n for n, _ in conj]
        if not presence and not any(k in n for n in nodes for k in
                                    ("required", "properties", "additionalProperties",
                                     "minProperties", "maxProperties")):
            return {}
        minp, maxp = bounds(nodes, "minProperties", "maxProperties")
        required = []
        for n in nodes:
            for r in n.get("required", []):
                if r not in required:
                    required.append(r)
        bits = {}
        for name in required + presence:
            bits.setdefault(name, len(bits))
        if len(bits) > 64:
            raise Unsupported("more than 64 required names")
        if maxp == 0:
            # only the empty object can pass: nothing to walk (and gcc's
            # -Warray-bounds would misread a walk of a container known empty)
            if required or (minp or 0) > 0:
                w("\tif (JbIsObject(v))\n\t\treturn false;\n")
            else:
                w("\tif (JbIsObject(v) && JbCount(v) > 0)\n\t\treturn false;\n")
            return bits
        # for each name: what its value must satisfy
        names = list(bits)
        for n in nodes:
            for p in n.get("properties", {}):
                if p not in names:
                    names.append(p)
        for name in names:              # every name the C below compares
            ascii_only(name, "property name")
        closed = [(n, s) for n, s in conj if "additionalProperties" in n]
        cases = []
        for name in names:
            elems = [(n["properties"][name], s) for n, s in conj if name in n.get("properties", {})]
            elems += [(n["additionalProperties"], s) for n, s in closed if name not in n.get("properties", {})]
            fn = self.function(doc, elems)
            cases.append((name, fn, bits.get(name)))
        other = self.function(doc, [(n["additionalProperties"], s) for n, s in closed])
        walk = any(fn for _, fn, _ in cases) or other is not None or presence
        w("\tif (JbIsObject(v))\n\t{\n")
        if walk:
            w("\t\tJbIter\t\tit;\n\t\tJsonbValue\tkey,\n\t\t\t\t\tval = {0};\t/* gcc cannot see JbFill set it */\n")
            if bits and not presence:
                w("\t\tuint64\t\tseen = 0;\n")
            w("\n")
        elif required:
            w("\t\tJsonbValue\tfound;\n\n")
        count_bounds(w, minp, maxp)
        if not walk:
            # only names to look for: a binary search each
            for r in required:
                lit, ln = c_bytes(r)
                w("\t\tif (!JbObjectGet(v, %s, %d, &found))\n\t\t\treturn false;\n" % (lit, ln))
            w("\t}\n")
            return bits
        w("\t\tJbIterInit(&it, v);\n\t\twhile (JbObjectNext(&it, &key, &val))\n\t\t{\n")
        if cases:
            w("\t\t\tconst char *k = key.val.string.val;\n\t\t\tint\t\t\tklen = key.val.string.len;\n\n")
        # by length first: most keys then meet at most one memcmp
        by_len = {}
        for name, fn, bit in cases:
            by_len.setdefault(len(name.encode("utf-8")), []).append((name, fn, bit))
        if cases:
            w("\t\t\tswitch (klen)\n\t\t\t{\n")
        for ln in sorted(by_len):
            w("\t\t\t\tcase %d:\n" % ln)
            for name, fn, bit in by_len[ln]:
                lit, _ = c_bytes(name)
                w("\t\t\t\t\tif (memcmp(k, %s, %d) == 0)\n\t\t\t\t\t{\n" % (lit, ln))
                if bit is not None:
                    w("\t\t\t\t\t\tseen |= UINT64CONST(1) << %d;\n" % bit)
                if fn:
                    w("\t\t\t\t\t\tif (!%s)\n\t\t\t\t\t\t\treturn false;\n" % self.call(fn, "&val"))
                w("\t\t\t\t\t\tcontinue;\n\t\t\t\t\t}\n")
            w("\t\t\t\t\tbreak;\n")
        if cases:
            w("\t\t\t}\n")
        if other:
            w("\t\t\t/* a name no \"properties\" lists */\n")
            w("\t\t\tif (!%s)\n\t\t\t\treturn false;\n" % self.call(other, "&val"))
        w("\t\t}\n")
        if required:
            mask = sum(1 << bits[r] for r in required)
            w("\t\tif ((seen & UINT64CONST(0x%x)) != UINT64CONST(0x%x))\n\t\t\treturn false;\n"
              % (mask, mask))
        w("\t}\n")
        return bits

    def arrays(self, doc, conj, w):
        nodes = [n for n, _ in conj]
        if not any(k in n for n in nodes for k in ("items", "minItems", "maxItems")):
            return
        mini, maxi = bounds(nodes, "minItems", "maxItems")
        # maxItems 0: no element to check (and gcc -Warray-bounds on the loop)
        fn = None if maxi == 0 else \
            self.function(doc, [(n["items"], s) for n, s in conj if "items" in n])
        w("\tif (JbIsArray(v))\n\t{\n")
        if fn:
            w("\t\tJbIter\t\tit;\n\t\tJsonbValue\telem = {0};\t/* gcc cannot see JbFill set it */\n\n")
        count_bounds(w, mini, maxi)
        if fn:
            w("\t\tJbIterInit(&it, v);\n"
              "\t\twhile (JbArrayNext(&it, &elem))\n\t\t{\n\t\t\tCHECK_FOR_INTERRUPTS();\n"
              "\t\t\tif (!%s)\n\t\t\t\treturn false;\n\t\t}\n" % self.call(fn, "&elem"))
        w("\t}\n")


def entries(doc):
    """The entry points builtin_schemas.c compiles: the schema, and each $defs."""
    yield "", doc
    for name, sub in sorted(doc.get("$defs", {}).items()):
        if isinstance(sub, dict) and "$id" not in sub:
            yield "/$defs/" + name.replace("~", "~0").replace("/", "~1"), sub


def main(root):
    shared, types = gen_catalog.read_catalogue(root)
    gen = Generator()
    table, skipped = [], []
    for t in types:
        bundled = gen_catalog.bundle(t["doc"], shared)
        for pointer, sub in entries(bundled):
            label = "%s%s" % (bundled["$id"], pointer and "#" + pointer)
            saved = (list(gen.functions), dict(gen.memo), dict(gen.regexes), gen.count)
            try:
                doc = Document(bundled)
                fn = gen.function(doc, [(sub, ())])
            except Unsupported as e:
                gen.functions, gen.memo, gen.regexes, gen.count = saved
                skipped.append("%s: %s" % (label, e))
                continue
            table.append((bundled["$id"], pointer, fn or "GvAlwaysTrue"))
        # node ids are only unique while the bundle lives: forget them
        gen.memo.clear()

    w = sys.stdout.write
    w("/*\n * generated_validators.c\n *\t\tGENERATED by tools/gen_validators.py from schemas/ -- do not edit.\n *\n"
      " * The built-in event schemas as C, for a verdict only (see the generator).\n")
    if skipped:
        w(" *\n * Left to evaluate.c:\n")
        for s in skipped:
            w(" *\t%s\n" % s.replace("*/", "* /").replace("/*", "/ *"))
    w(" */\n")
    w('#include "postgres.h"\n\n#include "miscadmin.h"\n#include "utils/memutils.h"\n\n'
      '#include "format.h"\n#include "generated.h"\n#include "jsonb_access.h"\n'
      '#include "ecma_regex.h"\n#include "value_check.h"\n\n')
    w("/*\n * gcc 12 reads a walk of an object or array whose count a bound limits as\n"
      " * an access past JsonbContainer's flexible children[] array.\n */\n"
      "#if defined(__GNUC__) && !defined(__clang__)\n"
      "#pragma GCC diagnostic ignored \"-Warray-bounds\"\n#endif\n\n")
    for p, var in sorted(gen.regexes.items(), key=lambda x: x[1]):
        w("static EtRegex *%s = NULL;\t/* %s */\n" % (var, p.replace("*/", "* /").replace("/*", "/ *")))
    w("""
/* A pattern compiled on first use, for the life of the backend */
static EtRegex *
GvRegex(EtRegex **re, const char *pattern, int len)
{
	if (*re == NULL)
	{
		char	   *err = NULL;

		*re = EtRegexCompile(pattern, len, TopMemoryContext, &err);
		if (*re == NULL)
			elog(ERROR, "built-in pattern \\"%s\\" does not compile: %s", pattern, err);
	}
	return *re;
}

""")
    if any(fn == "GvAlwaysTrue" for _, _, fn in table):
        w("static bool\nGvAlwaysTrue(const JsonbValue *v, bool fa)\n{\n\treturn true;\n}\n\n")
    for f in gen.functions:
        w(f + "\n")
    w("const EtGeneratedValidator et_generated_entries[] = {\n")
    for uri, pointer, fn in table:
        w("\t{%s, %s, %s},\n" % (gen_catalog.c_string(uri), gen_catalog.c_string(pointer), fn))
    w("};\n\nconst int\tet_generated_entry_count = %d;\n" % len(table))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        gen_catalog.fail("usage: gen_validators.py SCHEMAS_DIR")
    main(sys.argv[1])
