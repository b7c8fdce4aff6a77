#!/usr/bin/env python3
"""Generate src/catalog_data.c from the schema files under schemas/.

The schema files are the single source of truth for the event catalogue: this
script embeds them into the extension so that the event_type codes, the
catalog view, event_types.schema() and the validator all read the same bytes.

  gen_catalog.py c SCHEMAS_DIR        -> C source on stdout
  gen_catalog.py markdown SCHEMAS_DIR -> README table: one row per event type

It also checks the catalogue's invariants (unique persistent codes, names that
match file names, superseded_by targets that exist) and fails loudly otherwise.
Standard library only: it runs at build time on a fresh Debian machine.
"""

import json
import os
import sys
from urllib.parse import urldefrag

SOURCES = [("gym", 1), ("ticketing", 2), ("court_booking", 3)]
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def fail(msg):
    sys.stderr.write("gen_catalog: %s\n" % msg)
    sys.exit(1)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))


def refs_of(node, out):
    """Collect the absolute (fragment-less) URIs that a document $refs."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("$ref", "$dynamicRef") and isinstance(v, str):
                base, _ = urldefrag(v)
                if base:
                    out.add(base)
            elif k not in ("const", "enum", "examples", "default", "x-event-type"):
                refs_of(v, out)
    elif isinstance(node, list):
        for v in node:
            refs_of(v, out)


def read_catalogue(root):
    shared = {}          # uri -> document (envelopes, common parts)
    types = []
    for source, source_id in SOURCES:
        folder = os.path.join(root, source)
        if not os.path.isdir(folder):
            fail("missing folder %s" % folder)
        for fname in sorted(os.listdir(folder)):
            if not fname.endswith(".json"):
                continue
            path = os.path.join(folder, fname)
            doc = load(path)
            if doc.get("$schema") != SCHEMA_DIALECT:
                fail("%s: $schema must be %s" % (path, SCHEMA_DIALECT))
            if fname.startswith("_"):
                uri = doc.get("$id")
                if uri != "urn:event-types:%s:%s" % (source, fname[1:-5]):
                    fail("%s: unexpected $id %r" % (path, uri))
                shared[uri] = doc
                continue
            name = fname[:-5]
            if doc.get("$id") != "urn:event-types:%s:%s" % (source, name):
                fail("%s: $id must be urn:event-types:%s:%s" % (path, source, name))
            meta = doc.get("x-event-type")
            if not isinstance(meta, dict):
                fail("%s: missing x-event-type" % path)
            code = meta.get("code")
            if not isinstance(code, int) or not (source_id * 1000 < code < (source_id + 1) * 1000):
                fail("%s: code %r outside the %s range" % (path, code, source))
            for key in ("entity_kind", "projection", "effect"):
                if key not in meta:
                    fail("%s: x-event-type.%s missing" % (path, key))
            if meta["projection"] not in (None, "customers", "contracts", "bookings"):
                fail("%s: unknown projection %r" % (path, meta["projection"]))
            if source == "court_booking" and not meta.get("vendor_name"):
                fail("%s: court_booking types need x-event-type.vendor_name" % path)
            if bool(doc.get("deprecated")) != bool(meta.get("superseded_by")) and meta.get("superseded_by"):
                fail("%s: superseded_by set on a type that is not deprecated" % path)
            if not doc.get("description"):
                fail("%s: description missing" % path)
            types.append(dict(source=source, source_id=source_id, name=name, doc=doc,
                              meta=meta, path=path))
    codes = {}
    names = {"%s.%s" % (t["source"], t["name"]) for t in types}
    for t in types:
        c = t["meta"]["code"]
        if c in codes:
            fail("code %d used by %s and %s" % (c, codes[c], t["path"]))
        codes[c] = t["path"]
        sup = t["meta"].get("superseded_by")
        if sup and sup not in names:
            fail("%s: superseded_by %r is not a catalogued type" % (t["path"], sup))
    types.sort(key=lambda t: t["meta"]["code"])
    return shared, types


def bundle(doc, shared):
    """Embed every shared document the schema references (transitively) into
    its $defs, keyed by URI and keeping its $id: a standard 2020-12 compound
    document, so schema(t) is self-contained."""
    out = json.loads(json.dumps(doc))
    need, seen = set(), set()
    refs_of(doc, need)
    while need - seen:
        uri = sorted(need - seen)[0]
        seen.add(uri)
        if uri == doc["$id"] or uri.startswith("https://json-schema.org/"):
            continue
        if uri not in shared:
            fail("%s references unknown document %s" % (doc["$id"], uri))
        refs_of(shared[uri], need)
    defs = out.setdefault("$defs", {})
    for uri in sorted(seen):
        if uri in shared and uri != doc["$id"]:
            defs[uri] = shared[uri]
    return out


def c_string(s):
    out = ['"']
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 32 <= ch < 127 and c != "?":       # '?' escaped: no trigraphs
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    out.append('"')
    return "".join(out)


def c_str_or_null(v):
    return "NULL" if v is None else c_string(v)


def minify(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def emit_c(root):
    shared, types = read_catalogue(root)
    meta_root = os.path.join(root, "meta")
    metas = []
    for dirpath, _, files in sorted(os.walk(meta_root)):
        for f in sorted(files):
            if f.endswith(".json"):
                d = load(os.path.join(dirpath, f))
                metas.append((d["$id"], d))
    w = sys.stdout.write
    w("/*\n * catalog_data.c\n *\t\tGENERATED by tools/gen_catalog.py from schemas/ -- do not edit.\n"
      " *\n * The built-in documents (2020-12 meta-schemas, source envelopes) and one\n"
      " * entry per catalogued event type, ordered by persistent code.\n */\n")
    w('#include "postgres.h"\n\n#include "catalog.h"\n\n')
    w("const EtBuiltinDocument et_builtin_documents[] = {\n")
    docs = metas + sorted(shared.items())
    for uri, d in docs:
        w("\t{%s,\n\t %s},\n" % (c_string(uri), c_string(minify(d))))
    w("};\n\nconst int\tet_builtin_document_count = %d;\n\n" % len(docs))
    w("const EtEventTypeDef et_event_types[] = {\n")
    for t in types:
        m, d = t["meta"], t["doc"]
        w("\t{\n")
        w("\t\t.code = %d,\n" % m["code"])
        w("\t\t.source = %d,\n" % t["source_id"])
        w("\t\t.source_name = %s,\n" % c_string(t["source"]))
        w("\t\t.name = %s,\n" % c_string(t["name"]))
        w("\t\t.qualified_name = %s,\n" % c_string("%s.%s" % (t["source"], t["name"])))
        w("\t\t.description = %s,\n" % c_string(d["description"]))
        w("\t\t.entity_kind = %s,\n" % c_str_or_null(m.get("entity_kind")))
        w("\t\t.entity_id_pointer = %s,\n" % c_str_or_null(m.get("entity_id")))
        w("\t\t.projection = %s,\n" % c_str_or_null(m.get("projection")))
        w("\t\t.deprecated = %s,\n" % ("true" if d.get("deprecated") else "false"))
        w("\t\t.superseded_by = %s,\n" % c_str_or_null(m.get("superseded_by")))
        w("\t\t.vendor_name = %s,\n" % c_str_or_null(m.get("vendor_name")))
        w("\t\t.schema_uri = %s,\n" % c_string(d["$id"]))
        w("\t\t.schema_json = %s\n" % c_string(minify(bundle(d, shared))))
        w("\t},\n")
    w("};\n\nconst int\tet_event_type_count = %d;\n" % len(types))


def emit_markdown(root):
    _, types = read_catalogue(root)
    print("| event_type | entity id is | effect on the projections |")
    print("|---|---|---|")
    for t in sorted(types, key=lambda t: (t["source"], t["name"])):
        m = t["meta"]
        name = "`%s.%s`" % (t["source"], t["name"])
        if t["doc"].get("deprecated"):
            name += " (deprecated" + (", superseded by `%s`" % m["superseded_by"]
                                      if m.get("superseded_by") else "") + ")"
        print("| %s | %s | %s |" % (name, m["entity_kind"], m["effect"]))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("c", "markdown"):
        fail("usage: gen_catalog.py c|markdown SCHEMAS_DIR")
    (emit_c if sys.argv[1] == "c" else emit_markdown)(sys.argv[2])
