/*-------------------------------------------------------------------------
 *
 * compile.c
 *	  Compile a JSON Schema (draft 2020-12) document into an EtProgram.
 *
 * Two passes over each document that becomes part of a program:
 *
 *	1. ScanSchema() walks the subschema positions that the 2020-12
 *	   vocabularies define (never into const/enum/unknown keywords, whose
 *	   "$id" is just data) and records every schema resource ($id), every
 *	   $anchor / $dynamicAnchor and, per subschema, its resource and
 *	   location.
 *	2. CompileNode() turns a subschema into an EtNode, checking each
 *	   keyword's shape (a malformed schema is an ERROR with SQLSTATE 22023
 *	   naming the keyword's location) and resolving $ref / $dynamicRef to
 *	   node pointers.  Nodes are memoised by their JSONB address, so
 *	   recursive schemas become cyclic graphs instead of infinite loops.
 *
 * References to other documents load them on demand from the built-in set
 * (2020-12 meta-schemas, event envelopes) or from the user registry; there
 * is no network access.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "event_types.h"
#include "jsonb_access.h"
#include "schema.h"
#include "uri.h"

#define DIALECT_2020_12 "https://json-schema.org/draft/2020-12/schema"
#define VOCAB_PREFIX "https://json-schema.org/draft/2020-12/vocab/"

typedef struct DocInfo DocInfo;
typedef struct ResInfo ResInfo;

/* A document taking part in the program */
struct DocInfo
{
	char	   *uri;			/* retrieval URI, "" for the anonymous root */
	Jsonb	   *jb;				/* private copy, in the program context */
	uint32		vocab;			/* ET_VOCAB_* from its meta-schema */
	bool		legacy_ids;		/* draft-06/07: "$id": "#name" is an anchor */
	ResInfo    *root_res;		/* the resource of the document root */
	DocInfo    *next;
};

typedef struct AnchorInfo
{
	char	   *name;
	JsonbValue	target;
	char	   *pointer;
	bool		dynamic;
} AnchorInfo;

/* Compile-time view of a resource */
struct ResInfo
{
	EtResource *res;			/* runtime part, in the program */
	DocInfo    *doc;
	JsonbValue	root;
	char	   *pointer;		/* location of the resource root in doc */
	List	   *aliases;		/* extra URIs naming this resource */
	List	   *anchors;		/* AnchorInfo * */
	bool		dynamic_done;
	ResInfo    *next;
};

/* Per-subschema facts found by the scan, keyed by container address */
typedef struct SubschemaEntry
{
	JsonbContainer *addr;		/* hash key */
	ResInfo    *res;
	char	   *pointer;
	EtNode	   *node;			/* compiled node, once compiled */
} SubschemaEntry;

typedef struct CompileState
{
	EtProgram  *prog;
	MemoryContext prog_cxt;
	DocInfo    *docs;
	ResInfo    *resources;
	HTAB	   *subschemas;
	EtNode	   *true_node;
	EtNode	   *false_node;
	bool		lenient;		/* unresolvable documents are not an error */
} CompileState;

/* Keywords whose value is a subschema / array of them / map of them */
static const char *const single_keywords[] = {
	"not", "if", "then", "else", "additionalProperties", "propertyNames",
	"unevaluatedProperties", "unevaluatedItems", "contains", "items",
	"contentSchema", "additionalItems"
};
static const char *const array_keywords[] = {
	"allOf", "anyOf", "oneOf", "prefixItems", "items"
};
static const char *const map_keywords[] = {
	"$defs", "definitions", "properties", "patternProperties",
	"dependentSchemas", "dependencies"
};

static void ScanSchema(CompileState *cs, DocInfo *doc, const JsonbValue *v,
					   ResInfo *res, const char *pointer, int depth);
static EtNode *CompileNode(CompileState *cs, const JsonbValue *v,
						   ResInfo *res, const char *pointer);

/* ----------------------------------------------------------------
 * Errors
 * ----------------------------------------------------------------
 */
static char *
SchemaLocation(ResInfo *res, const char *pointer, const char *keyword)
{
	const char *doc = (res && res->doc->uri[0]) ? res->doc->uri : "";

	if (keyword)
		return psprintf("%s#%s/%s", doc, pointer, keyword);
	return psprintf("%s#%s", doc, pointer);
}

static pg_noreturn void
MalformedSchema(ResInfo *res, const char *pointer, const char *keyword,
				const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid JSON Schema at \"%s\"",
					SchemaLocation(res, pointer, keyword)),
			 errdetail("%s", detail)));
}

/* ----------------------------------------------------------------
 * Small JSONB helpers
 * ----------------------------------------------------------------
 */
static bool
GetKey(const JsonbValue *obj, const char *key, JsonbValue *out)
{
	return JbObjectGet(obj, key, strlen(key), out);
}

static bool
IsSchemaValue(const JsonbValue *v)
{
	return v->type == jbvBool || JbIsObject(v);
}

static char *
StringValue(const JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Append a reference token to a JSON Pointer, escaping ~ and / */
static char *
PointerAppend(const char *pointer, const char *token, int len)
{
	StringInfoData s;
	int			i;

	initStringInfo(&s);
	appendStringInfoString(&s, pointer);
	appendStringInfoChar(&s, '/');
	for (i = 0; i < len; i++)
	{
		if (token[i] == '~')
			appendStringInfoString(&s, "~0");
		else if (token[i] == '/')
			appendStringInfoString(&s, "~1");
		else
			appendStringInfoChar(&s, token[i]);
	}
	return s.data;
}

static char *
PointerAppendIndex(const char *pointer, int i)
{
	return psprintf("%s/%d", pointer, i);
}

/* Read a non-negative integer keyword (minLength, maxItems, ...) */
static int32
NonNegativeInt(const JsonbValue *v, ResInfo *res, const char *pointer,
			   const char *keyword)
{
	Datum		d;
	int32		val;
	bool		have_error = false;

	if (v->type != jbvNumeric)
		MalformedSchema(res, pointer, keyword, "The value must be a non-negative integer.");
	d = NumericGetDatum(v->val.numeric);
	if (DatumGetInt32(DirectFunctionCall1(numeric_min_scale, d)) != 0)
		MalformedSchema(res, pointer, keyword, "The value must be a non-negative integer.");
	if (EtNumericSign(v->val.numeric) < 0)
		MalformedSchema(res, pointer, keyword, "The value must be a non-negative integer.");
	/* Values beyond int32 mean "no limit" in practice: clamp them */
	val = numeric_int4_opt_error(v->val.numeric, &have_error);
	if (have_error)
		return PG_INT32_MAX;
	return val;
}

static Numeric
NumberKeyword(const JsonbValue *v, ResInfo *res, const char *pointer,
			  const char *keyword)
{
	if (v->type != jbvNumeric)
		MalformedSchema(res, pointer, keyword, "The value must be a number.");
	return v->val.numeric;
}

/* ----------------------------------------------------------------
 * Documents and resources
 * ----------------------------------------------------------------
 */
static ResInfo *
FindResource(CompileState *cs, const char *uri)
{
	ResInfo    *r;
	ListCell   *lc;

	for (r = cs->resources; r; r = r->next)
	{
		if (strcmp(r->res->uri, uri) == 0)
			return r;
		foreach(lc, r->aliases)
		{
			if (strcmp((char *) lfirst(lc), uri) == 0)
				return r;
		}
	}
	return NULL;
}

static ResInfo *
NewResource(CompileState *cs, DocInfo *doc, const char *uri,
			const JsonbValue *root, const char *pointer)
{
	ResInfo    *r = palloc0(sizeof(ResInfo));

	/* the runtime part outlives compilation: program context */
	r->res = MemoryContextAllocZero(cs->prog_cxt, sizeof(EtResource));
	r->res->uri = MemoryContextStrdup(cs->prog_cxt, uri);
	r->res->next = cs->prog->resources;
	cs->prog->resources = r->res;
	r->doc = doc;
	r->root = *root;
	r->pointer = pstrdup(pointer);
	r->next = cs->resources;
	cs->resources = r;
	return r;
}

static bool
IsOfficialDialect(const char *uri)
{
	static const char *const known[] = {
		DIALECT_2020_12, DIALECT_2020_12 "#",
		"https://json-schema.org/draft/2019-09/schema",
		"https://json-schema.org/draft/2019-09/schema#",
		"http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-07/schema#",
		"http://json-schema.org/draft-06/schema", "http://json-schema.org/draft-06/schema#",
		"http://json-schema.org/draft-04/schema", "http://json-schema.org/draft-04/schema#",
	};
	int			i;

	for (i = 0; i < lengthof(known); i++)
		if (strcmp(uri, known[i]) == 0)
			return true;
	return false;
}

/*
 * Work out the vocabularies a document uses from its "$schema".  The
 * official dialect URIs use the standard 2020-12 set (older drafts are
 * validated with 2020-12 semantics); a custom meta-schema's $vocabulary
 * decides otherwise, and one that requires a vocabulary we do not know
 * cannot be honoured, so it is an error.
 */
static uint32
DocumentVocabulary(CompileState *cs, DocInfo *doc, const JsonbValue *root)
{
	JsonbValue	v,
				vocab,
				key,
				val;
	char	   *uri;
	Jsonb	   *meta;
	JsonbValue	metaroot;
	bool		registered;
	JbIter		it;
	uint32		flags = 0;

	if (!JbIsObject(root) || !GetKey(root, "$schema", &v))
		return ET_VOCAB_DEFAULT;
	if (v.type != jbvString)
		MalformedSchema(NULL, "", "$schema", "The value must be a URI string.");
	uri = StringValue(&v);
	if (IsOfficialDialect(uri))
	{
		doc->legacy_ids = strstr(uri, "draft-0") != NULL;
		return ET_VOCAB_DEFAULT;
	}
	meta = EtFindDocument(uri, &registered);
	if (meta == NULL && cs->lenient)
		return ET_VOCAB_DEFAULT;
	if (meta == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown meta-schema \"%s\" in \"$schema\"", uri),
				 errhint("Register it with event_types.register_schema(); documents are never fetched over the network.")));
	if (registered)
		cs->prog->uses_registry = true;
	JbRootValue(meta, &metaroot);
	if (!JbIsObject(&metaroot) || !GetKey(&metaroot, "$vocabulary", &vocab) ||
		!JbIsObject(&vocab))
		return ET_VOCAB_DEFAULT;

	JbIterInit(&it, &vocab);
	while (JbObjectNext(&it, &key, &val))
	{
		char	   *name = pnstrdup(key.val.string.val, key.val.string.len);
		bool		required = (val.type == jbvBool && val.val.boolean);

		if (strncmp(name, VOCAB_PREFIX, strlen(VOCAB_PREFIX)) == 0)
		{
			const char *v2 = name + strlen(VOCAB_PREFIX);

			if (strcmp(v2, "applicator") == 0)
				flags |= ET_VOCAB_APPLICATOR;
			else if (strcmp(v2, "validation") == 0)
				flags |= ET_VOCAB_VALIDATION;
			else if (strcmp(v2, "unevaluated") == 0)
				flags |= ET_VOCAB_UNEVALUATED;
			else if (strcmp(v2, "format-assertion") == 0)
				flags |= ET_VOCAB_FORMAT_ASSERTION;
			else if (strcmp(v2, "core") == 0 || strcmp(v2, "meta-data") == 0 ||
					 strcmp(v2, "format-annotation") == 0 ||
					 strcmp(v2, "content") == 0)
				 /* annotation-only vocabularies */ ;
			else if (required)
				goto unknown;
		}
		else if (required)
			goto unknown;
		continue;
unknown:
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("meta-schema \"%s\" requires unsupported vocabulary \"%s\"",
						uri, name)));
	}
	return flags;
}

/* Add a document to the program: copy it, work out its vocabulary, scan it. */
static DocInfo *
AddDocument(CompileState *cs, Jsonb *jb, const char *uri)
{
	DocInfo    *doc;
	JsonbValue	root;
	ResInfo    *res;
	MemoryContext old = MemoryContextSwitchTo(cs->prog_cxt);

	doc = palloc0(sizeof(DocInfo));
	doc->uri = pstrdup(uri);
	doc->jb = (Jsonb *) palloc(VARSIZE(jb));
	memcpy(doc->jb, jb, VARSIZE(jb));
	MemoryContextSwitchTo(old);
	doc->next = cs->docs;
	cs->docs = doc;

	JbRootValue(doc->jb, &root);
	doc->vocab = DocumentVocabulary(cs, doc, &root);
	res = NewResource(cs, doc, uri, &root, "");
	doc->root_res = res;
	ScanSchema(cs, doc, &root, res, "", 0);
	return doc;
}

static SubschemaEntry *
LookupSubschema(CompileState *cs, JsonbContainer *addr, bool *found)
{
	return (SubschemaEntry *) hash_search(cs->subschemas, &addr,
										  found ? HASH_ENTER : HASH_FIND, found);
}

static bool
ValidAnchorName(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			  (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void
AddAnchor(ResInfo *res, const JsonbValue *name, const JsonbValue *target,
		  const char *pointer, bool dynamic, const char *keyword)
{
	AnchorInfo *a;
	char	   *s;
	ListCell   *lc;

	if (name->type != jbvString)
		MalformedSchema(res, pointer, keyword, "The value must be a string.");
	s = StringValue(name);
	if (!ValidAnchorName(s))
		MalformedSchema(res, pointer, keyword,
						"An anchor name must start with a letter or underscore and contain only letters, digits, \"-\", \"_\" and \".\".");
	foreach(lc, res->anchors)
	{
		a = lfirst(lc);
		if (strcmp(a->name, s) == 0)
		{
			/* $anchor and $dynamicAnchor of one name on one subschema are fine */
			if (a->target.val.binary.data == target->val.binary.data)
			{
				a->dynamic |= dynamic;
				return;
			}
			MalformedSchema(res, pointer, keyword,
							psprintf("The anchor \"%s\" is defined twice in the same resource.", s));
		}
	}
	a = palloc0(sizeof(AnchorInfo));
	a->name = s;
	a->target = *target;
	a->pointer = pstrdup(pointer);
	a->dynamic = dynamic;
	res->anchors = lappend(res->anchors, a);
}

/*
 * Pass 1: find resources and anchors.  Only subschema positions are walked,
 * so an "$id" inside "const", "enum" or an unknown keyword stays data.
 */
static void
ScanSchema(CompileState *cs, DocInfo *doc, const JsonbValue *v, ResInfo *res,
		   const char *pointer, int depth)
{
	JsonbValue	kv,
				sub;
	SubschemaEntry *entry;
	bool		found;
	int			k;

	check_stack_depth();
	if (!JbIsObject(v))
		return;

	entry = LookupSubschema(cs, v->val.binary.data, &found);
	if (found)
		return;					/* already scanned */
	entry->res = res;
	entry->pointer = pstrdup(pointer);
	entry->node = NULL;

	if (GetKey(v, "$id", &kv))
	{
		char	   *id,
				   *absolute,
				   *fragment;

		if (kv.type != jbvString)
			MalformedSchema(res, pointer, "$id", "The value must be a URI-reference string.");
		id = StringValue(&kv);
		absolute = EtUriStripFragment(EtUriResolve(res->res->uri, id), &fragment);
		if (fragment != NULL && fragment[0] != '\0' && doc->legacy_ids && id[0] == '#')
		{
			/* draft-06/07 location-independent identifier: an anchor */
			JsonbValue	name;

			name.type = jbvString;
			name.val.string.val = fragment;
			name.val.string.len = strlen(fragment);
			AddAnchor(res, &name, v, pointer, false, "$id");
			goto anchors;
		}
		if (fragment != NULL && fragment[0] != '\0')
			MalformedSchema(res, pointer, "$id",
							"In draft 2020-12 \"$id\" must not contain a non-empty fragment; use \"$anchor\".");
		if (depth == 0 && pointer[0] == '\0')
		{
			/* the document root: its $id renames the document resource */
			if (strcmp(res->res->uri, absolute) != 0)
			{
				if (res->res->uri[0] != '\0')
					res->aliases = lappend(res->aliases, res->res->uri);
				res->res->uri = MemoryContextStrdup(cs->prog_cxt, absolute);
			}
		}
		else if (FindResource(cs, absolute) == NULL)
		{
			res = NewResource(cs, doc, absolute, v, pointer);
			entry->res = res;
		}
		else
			res = FindResource(cs, absolute);
	}
anchors:
	if (GetKey(v, "$anchor", &kv))
		AddAnchor(res, &kv, v, pointer, false, "$anchor");
	if (GetKey(v, "$dynamicAnchor", &kv))
		AddAnchor(res, &kv, v, pointer, true, "$dynamicAnchor");

	for (k = 0; k < lengthof(single_keywords); k++)
		if (GetKey(v, single_keywords[k], &sub) && JbIsObject(&sub))
			ScanSchema(cs, doc, &sub, res,
					   PointerAppend(pointer, single_keywords[k], strlen(single_keywords[k])),
					   depth + 1);
	for (k = 0; k < lengthof(array_keywords); k++)
	{
		if (GetKey(v, array_keywords[k], &sub) && JbIsArray(&sub))
		{
			JbIter		it;
			JsonbValue	elem;
			char	   *kp = PointerAppend(pointer, array_keywords[k], strlen(array_keywords[k]));

			JbIterInit(&it, &sub);
			while (JbArrayNext(&it, &elem))
				ScanSchema(cs, doc, &elem, res, PointerAppendIndex(kp, it.i - 1), depth + 1);
		}
	}
	for (k = 0; k < lengthof(map_keywords); k++)
	{
		if (GetKey(v, map_keywords[k], &sub) && JbIsObject(&sub))
		{
			JbIter		it;
			JsonbValue	key,
						val;
			char	   *kp = PointerAppend(pointer, map_keywords[k], strlen(map_keywords[k]));

			JbIterInit(&it, &sub);
			while (JbObjectNext(&it, &key, &val))
				ScanSchema(cs, doc, &val, res,
						   PointerAppend(kp, key.val.string.val, key.val.string.len),
						   depth + 1);
		}
	}
}

/* ----------------------------------------------------------------
 * Reference resolution
 * ----------------------------------------------------------------
 */

/* Decode one JSON Pointer token of a URI fragment: %XX first, then ~1 and ~0. */
static char *
DecodePointerToken(const char *start, int len, int *outlen)
{
	char	   *pct = palloc(len + 1);
	char	   *out;
	int			i,
				n = 0,
				w = 0;

	for (i = 0; i < len; i++)
	{
		if (start[i] == '%' && i + 2 < len &&
			isxdigit((unsigned char) start[i + 1]) &&
			isxdigit((unsigned char) start[i + 2]))
		{
			char		hex[3] = {start[i + 1], start[i + 2], '\0'};

			pct[n++] = (char) strtol(hex, NULL, 16);
			i += 2;
		}
		else
			pct[n++] = start[i];
	}
	out = palloc(n + 1);
	for (i = 0; i < n; i++)
	{
		if (pct[i] == '~' && i + 1 < n && (pct[i + 1] == '0' || pct[i + 1] == '1'))
		{
			out[w++] = pct[i + 1] == '1' ? '/' : '~';
			i++;
		}
		else
			out[w++] = pct[i];
	}
	out[w] = '\0';
	*outlen = w;
	return out;
}

/*
 * Follow a JSON Pointer (URI fragment form) from a resource root.  Returns
 * false if it leads nowhere.  *pointer_out gets the document-relative
 * pointer of the target, for diagnostics.
 */
static bool
FollowPointer(ResInfo *res, const char *fragment, JsonbValue *out,
			  char **pointer_out)
{
	JsonbValue	cur = res->root;
	const char *p = fragment;
	char	   *location = pstrdup(res->pointer);

	while (*p == '/')
	{
		const char *start = ++p;
		int			len;
		char	   *token;

		while (*p && *p != '/')
			p++;
		token = DecodePointerToken(start, p - start, &len);
		if (JbIsObject(&cur))
		{
			JsonbValue	next;

			if (!JbObjectGet(&cur, token, len, &next))
				return false;
			cur = next;
		}
		else if (JbIsArray(&cur))
		{
			char	   *end;
			long		idx = strtol(token, &end, 10);
			JsonbValue *elem;

			if (len == 0 || *end != '\0' || idx < 0 || idx >= JbCount(&cur) ||
				(token[0] == '0' && len > 1))
				return false;
			elem = getIthJsonbValueFromContainer(cur.val.binary.data, (uint32) idx);
			if (elem == NULL)
				return false;
			cur = *elem;
		}
		else
			return false;
		location = PointerAppend(location, token, len);
	}
	if (*p != '\0')
		return false;
	*out = cur;
	*pointer_out = location;
	return true;
}

static ResInfo *
LoadResource(CompileState *cs, const char *uri)
{
	ResInfo    *res = FindResource(cs, uri);
	Jsonb	   *jb;
	bool		registered;

	if (res)
		return res;
	jb = EtFindDocument(uri, &registered);
	if (jb == NULL)
		return NULL;
	if (registered)
		cs->prog->uses_registry = true;
	return AddDocument(cs, jb, uri)->root_res;
}

/*
 * Resolve a $ref / $dynamicRef value against the base URI of 'from'.  For
 * anchors, *anchor_out tells whether it was a dynamic anchor.
 */
static EtNode *
ResolveReference(CompileState *cs, ResInfo *from, const char *pointer,
				 const char *keyword, const JsonbValue *refval,
				 const char **plain_anchor, bool *anchor_dynamic)
{
	char	   *ref,
			   *absolute,
			   *docuri,
			   *fragment;
	ResInfo    *target;
	JsonbValue	v;
	char	   *tpointer;

	if (refval->type != jbvString)
		MalformedSchema(from, pointer, keyword, "The value must be a URI-reference string.");
	ref = StringValue(refval);
	absolute = EtUriResolve(from->res->uri, ref);
	docuri = EtUriStripFragment(absolute, &fragment);
	if (plain_anchor)
		*plain_anchor = NULL;
	if (anchor_dynamic)
		*anchor_dynamic = false;

	target = LoadResource(cs, docuri);

	/*
	 * The urn:event-types: namespace cannot be registered, so an unknown URI
	 * in it can never resolve: say so, even in lenient mode, instead of
	 * hinting at register_schema(), which would refuse it.
	 */
	if (target == NULL && EtIsBuiltinUri(docuri))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot resolve %s \"%s\" at \"%s\"", keyword, ref,
						SchemaLocation(from, pointer, keyword)),
				 errdetail("No built-in schema has the URI \"%s\".", docuri),
				 errhint("The urn:event-types: namespace holds only built-in documents, such as urn:event-types:<source>:<NAME> for each type in event_types.catalog.")));
	if (target == NULL && cs->lenient)
		return cs->true_node;
	if (target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot resolve %s \"%s\" at \"%s\"", keyword, ref,
						SchemaLocation(from, pointer, keyword)),
				 errdetail("No built-in or registered schema has the URI \"%s\".",
						   docuri[0] ? docuri : "(empty)"),
				 errhint("Documents are never fetched over the network; register it with event_types.register_schema(uri, schema).")));

	if (fragment == NULL || fragment[0] == '\0')
		return CompileNode(cs, &target->root, target, target->pointer);

	if (fragment[0] == '/')
	{
		SubschemaEntry *se;

		if (!FollowPointer(target, fragment, &v, &tpointer))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot resolve %s \"%s\" at \"%s\"", keyword, ref,
							SchemaLocation(from, pointer, keyword)),
					 errdetail("The JSON Pointer \"%s\" does not point into %s.",
							   fragment,
			/* an anonymous root has no URI: do not print it as "" */
							   docuri[0] ? psprintf("\"%s\"", docuri) : "the schema")));
		if (!IsSchemaValue(&v))
			MalformedSchema(from, pointer, keyword,
							psprintf("The reference \"%s\" points to a value that is not a schema.", ref));
		/* pointer into an embedded resource: use that resource's base */
		if (v.type == jbvBinary &&
			(se = LookupSubschema(cs, v.val.binary.data, NULL)) != NULL)
			return CompileNode(cs, &v, se->res, se->pointer);
		return CompileNode(cs, &v, target, tpointer);
	}
	else
	{
		ListCell   *lc;

		foreach(lc, target->anchors)
		{
			AnchorInfo *a = lfirst(lc);

			if (strcmp(a->name, fragment) == 0)
			{
				if (plain_anchor)
					*plain_anchor = MemoryContextStrdup(cs->prog_cxt, fragment);
				if (anchor_dynamic)
					*anchor_dynamic = a->dynamic;
				return CompileNode(cs, &a->target, target, a->pointer);
			}
		}
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot resolve %s \"%s\" at \"%s\"", keyword, ref,
						SchemaLocation(from, pointer, keyword)),
				 errdetail("No anchor \"%s\" in %s.", fragment,
			/* as above: an anonymous root is "the schema", unquoted */
						   docuri[0] ? psprintf("\"%s\"", docuri) : "the schema")));
	}
	return NULL;				/* keep compiler quiet */
}

/* ----------------------------------------------------------------
 * Pass 2: compile nodes
 * ----------------------------------------------------------------
 */
static uint8
TypeBit(const JsonbValue *v, ResInfo *res, const char *pointer)
{
	static const struct
	{
		const char *name;
		uint8		bit;
	}			names[] = {
		{"null", ET_T_NULL}, {"boolean", ET_T_BOOLEAN}, {"object", ET_T_OBJECT},
		{"array", ET_T_ARRAY}, {"number", ET_T_NUMBER}, {"string", ET_T_STRING},
		{"integer", ET_T_INTEGER}
	};
	int			i;

	if (v->type == jbvString)
		for (i = 0; i < lengthof(names); i++)
			if (v->val.string.len == strlen(names[i].name) &&
				memcmp(v->val.string.val, names[i].name, v->val.string.len) == 0)
				return names[i].bit;
	MalformedSchema(res, pointer, "type",
					"The value must be one of \"null\", \"boolean\", \"object\", \"array\", \"number\", \"string\", \"integer\", or an array of them.");
	return 0;
}

static EtNode *
CompileChild(CompileState *cs, const JsonbValue *v, ResInfo *res,
			 const char *pointer, const char *keyword)
{
	if (!IsSchemaValue(v))
		MalformedSchema(res, pointer, keyword, "The value must be a schema (an object or a boolean).");
	return CompileNode(cs, v, res, PointerAppend(pointer, keyword, strlen(keyword)));
}

static EtNode **
CompileChildArray(CompileState *cs, const JsonbValue *v, ResInfo *res,
				  const char *pointer, const char *keyword, int *count,
				  bool allow_empty)
{
	JbIter		it;
	JsonbValue	elem;
	EtNode	  **nodes;
	char	   *kp = PointerAppend(pointer, keyword, strlen(keyword));

	if (!JbIsArray(v) || (!allow_empty && JbCount(v) == 0))
		MalformedSchema(res, pointer, keyword,
						allow_empty ? "The value must be an array of schemas." :
						"The value must be a non-empty array of schemas.");
	*count = JbCount(v);
	nodes = MemoryContextAllocZero(cs->prog_cxt, sizeof(EtNode *) * Max(*count, 1));
	JbIterInit(&it, v);
	while (JbArrayNext(&it, &elem))
	{
		if (!IsSchemaValue(&elem))
			MalformedSchema(res, pointer, keyword, "Every element must be a schema (an object or a boolean).");
		nodes[it.i - 1] = CompileNode(cs, &elem, res, PointerAppendIndex(kp, it.i - 1));
	}
	return nodes;
}

/*
 * An object whose values are schemas (properties, dependentSchemas) as a
 * table of (key, node).  JSONB keeps keys sorted, so the table comes out in
 * the order evaluate.c's merge join needs.  A bad value is reported at its
 * escaped pointer ("a/b" is a~1b).
 */
static EtPropEntry *
CompileSchemaMap(CompileState *cs, const JsonbValue *v, ResInfo *res,
				 const char *pointer, const char *keyword, int *count)
{
	JbIter		it;
	JsonbValue	key = {0};		/* = {0}: gcc cannot see JbObjectNext fill it */
	JsonbValue	val;
	char	   *kp = PointerAppend(pointer, keyword, strlen(keyword));
	EtPropEntry *entries;

	if (!JbIsObject(v))
		MalformedSchema(res, pointer, keyword, "The value must be an object whose values are schemas.");
	*count = JbCount(v);
	entries = MemoryContextAllocZero(cs->prog_cxt, sizeof(EtPropEntry) * Max(*count, 1));
	JbIterInit(&it, v);
	while (JbObjectNext(&it, &key, &val))
	{
		EtPropEntry *e = &entries[it.i - 1];
		char	   *at = PointerAppend(kp, key.val.string.val, key.val.string.len);

		if (!IsSchemaValue(&val))
			MalformedSchema(res, at, NULL, "The value must be a schema (an object or a boolean).");
		e->key = key.val.string.val;
		e->keylen = key.val.string.len;
		e->node = CompileNode(cs, &val, res, at);
	}
	return entries;
}

/* Compile the keywords of the applicator vocabulary */
static void
CompileApplicators(CompileState *cs, EtNode *node, const JsonbValue *obj,
				   ResInfo *res, const char *pointer)
{
	JsonbValue	v;

	if (GetKey(obj, "allOf", &v))
		node->all_of = CompileChildArray(cs, &v, res, pointer, "allOf", &node->nall_of, false);
	if (GetKey(obj, "anyOf", &v))
		node->any_of = CompileChildArray(cs, &v, res, pointer, "anyOf", &node->nany_of, false);
	if (GetKey(obj, "oneOf", &v))
		node->one_of = CompileChildArray(cs, &v, res, pointer, "oneOf", &node->none_of, false);
	if (GetKey(obj, "not", &v))
		node->not = CompileChild(cs, &v, res, pointer, "not");
	if (GetKey(obj, "if", &v))
	{
		node->if_ = CompileChild(cs, &v, res, pointer, "if");
		if (GetKey(obj, "then", &v))
			node->then_ = CompileChild(cs, &v, res, pointer, "then");
		if (GetKey(obj, "else", &v))
			node->else_ = CompileChild(cs, &v, res, pointer, "else");
	}

	/* objects */
	if (GetKey(obj, "properties", &v))
		node->properties = CompileSchemaMap(cs, &v, res, pointer, "properties",
											&node->nproperties);
	if (GetKey(obj, "patternProperties", &v))
	{
		JbIter		it;
		JsonbValue	key,
					val;
		char	   *kp = PointerAppend(pointer, "patternProperties", 17);

		if (!JbIsObject(&v))
			MalformedSchema(res, pointer, "patternProperties", "The value must be an object whose values are schemas.");
		node->npattern_properties = JbCount(&v);
		node->pattern_properties = MemoryContextAllocZero(cs->prog_cxt,
														  sizeof(EtPatternEntry) * Max(node->npattern_properties, 1));
		JbIterInit(&it, &v);
		while (JbObjectNext(&it, &key, &val))
		{
			EtPatternEntry *e = &node->pattern_properties[it.i - 1];
			char	   *errmsg_re = NULL;

			if (!IsSchemaValue(&val))
				MalformedSchema(res, PointerAppend(kp, key.val.string.val, key.val.string.len), NULL,
								"The value must be a schema (an object or a boolean).");
			e->source = MemoryContextStrdup(cs->prog_cxt,
											pnstrdup(key.val.string.val, key.val.string.len));
			e->re = EtRegexCompile(key.val.string.val, key.val.string.len,
								   cs->prog_cxt, &errmsg_re);
			if (e->re == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
						 errmsg("invalid regular expression \"%s\" in \"patternProperties\" at \"%s\"",
								e->source,
				/* name the offending key itself: "#/patternProperties/[a-" */
								SchemaLocation(res, PointerAppend(kp, key.val.string.val,
																  key.val.string.len), NULL)),
						 errdetail("%s", errmsg_re ? errmsg_re : "The pattern is not a valid ECMA-262 regular expression.")));
			cs->prog->nregexes++;
			e->node = CompileNode(cs, &val, res,
								  PointerAppend(kp, key.val.string.val, key.val.string.len));
		}
	}
	if (GetKey(obj, "additionalProperties", &v))
		node->additional_properties = CompileChild(cs, &v, res, pointer, "additionalProperties");
	if (GetKey(obj, "propertyNames", &v))
		node->property_names = CompileChild(cs, &v, res, pointer, "propertyNames");
	if (GetKey(obj, "dependentSchemas", &v))
		node->dependent_schemas = CompileSchemaMap(cs, &v, res, pointer, "dependentSchemas",
												   &node->ndependent_schemas);

	/* arrays */
	if (GetKey(obj, "prefixItems", &v))
		node->prefix_items = CompileChildArray(cs, &v, res, pointer, "prefixItems",
											   &node->nprefix_items, false);
	if (GetKey(obj, "items", &v))
	{
		if (JbIsArray(&v) && node->prefix_items == NULL)
		{
			/*
			 * Draft 2019-09 and earlier tuple form: items: [..] plus
			 * additionalItems.  Accepted for schemas written for older
			 * drafts (vendors still publish draft-07).
			 */
			JsonbValue	ai;

			node->prefix_items = CompileChildArray(cs, &v, res, pointer, "items",
												   &node->nprefix_items, true);
			if (GetKey(obj, "additionalItems", &ai))
				node->items = CompileChild(cs, &ai, res, pointer, "additionalItems");
		}
		else
			node->items = CompileChild(cs, &v, res, pointer, "items");
	}
	if (GetKey(obj, "contains", &v))
		node->contains = CompileChild(cs, &v, res, pointer, "contains");
}

static void
CompileValidation(CompileState *cs, EtNode *node, const JsonbValue *obj,
				  ResInfo *res, const char *pointer)
{
	JsonbValue	v;

	if (GetKey(obj, "type", &v))
	{
		if (v.type == jbvString)
			node->types = TypeBit(&v, res, pointer);
		else if (JbIsArray(&v))
		{
			JbIter		it;
			JsonbValue	elem;

			JbIterInit(&it, &v);
			while (JbArrayNext(&it, &elem))
				node->types |= TypeBit(&elem, res, pointer);
			if (node->types == 0)
				node->types = 0x80; /* "type": [] matches nothing */
		}
		else
			TypeBit(&v, res, pointer);	/* reports the error */
		/* "number" includes "integer" */
		if (node->types & ET_T_NUMBER)
			node->types &= ~ET_T_INTEGER;
	}
	if (GetKey(obj, "const", &v))
	{
		node->has_const = true;
		node->const_value = v;
	}
	if (GetKey(obj, "enum", &v))
	{
		JbIter		it;
		JsonbValue	elem;

		if (!JbIsArray(&v))
			MalformedSchema(res, pointer, "enum", "The value must be an array.");
		node->nenum = JbCount(&v);
		node->enum_values = MemoryContextAlloc(cs->prog_cxt, sizeof(JsonbValue) * Max(node->nenum, 1));
		JbIterInit(&it, &v);
		while (JbArrayNext(&it, &elem))
			node->enum_values[it.i - 1] = elem;
	}

	/* numbers */
	if (GetKey(obj, "minimum", &v))
		node->minimum = NumberKeyword(&v, res, pointer, "minimum");
	if (GetKey(obj, "maximum", &v))
		node->maximum = NumberKeyword(&v, res, pointer, "maximum");
	if (GetKey(obj, "exclusiveMinimum", &v))
		node->exclusive_minimum = NumberKeyword(&v, res, pointer, "exclusiveMinimum");
	if (GetKey(obj, "exclusiveMaximum", &v))
		node->exclusive_maximum = NumberKeyword(&v, res, pointer, "exclusiveMaximum");
	if (GetKey(obj, "multipleOf", &v))
	{
		node->multiple_of = NumberKeyword(&v, res, pointer, "multipleOf");
		if (EtNumericSign(node->multiple_of) <= 0)
			MalformedSchema(res, pointer, "multipleOf", "The value must be a number greater than 0.");
	}

	/* strings */
	if (GetKey(obj, "minLength", &v))
		node->min_length = NonNegativeInt(&v, res, pointer, "minLength");
	if (GetKey(obj, "maxLength", &v))
		node->max_length = NonNegativeInt(&v, res, pointer, "maxLength");
	if (GetKey(obj, "pattern", &v))
	{
		char	   *errmsg_re = NULL;

		if (v.type != jbvString)
			MalformedSchema(res, pointer, "pattern", "The value must be a string holding an ECMA-262 regular expression.");
		node->pattern_source = MemoryContextStrdup(cs->prog_cxt, StringValue(&v));
		node->pattern = EtRegexCompile(v.val.string.val, v.val.string.len,
									   cs->prog_cxt, &errmsg_re);
		if (node->pattern == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("invalid regular expression \"%s\" in \"pattern\" at \"%s\"",
							node->pattern_source, SchemaLocation(res, pointer, "pattern")),
					 errdetail("%s", errmsg_re ? errmsg_re : "The pattern is not a valid ECMA-262 regular expression.")));
		cs->prog->nregexes++;
	}

	/* arrays */
	if (GetKey(obj, "minItems", &v))
		node->min_items = NonNegativeInt(&v, res, pointer, "minItems");
	if (GetKey(obj, "maxItems", &v))
		node->max_items = NonNegativeInt(&v, res, pointer, "maxItems");
	if (GetKey(obj, "uniqueItems", &v))
	{
		if (v.type != jbvBool)
			MalformedSchema(res, pointer, "uniqueItems", "The value must be a boolean.");
		node->unique_items = v.val.boolean;
	}
	if (GetKey(obj, "minContains", &v))
		node->min_contains = NonNegativeInt(&v, res, pointer, "minContains");
	if (GetKey(obj, "maxContains", &v))
		node->max_contains = NonNegativeInt(&v, res, pointer, "maxContains");

	/* objects */
	if (GetKey(obj, "minProperties", &v))
		node->min_properties = NonNegativeInt(&v, res, pointer, "minProperties");
	if (GetKey(obj, "maxProperties", &v))
		node->max_properties = NonNegativeInt(&v, res, pointer, "maxProperties");
	if (GetKey(obj, "required", &v))
	{
		JbIter		it;
		JsonbValue	elem;

		if (!JbIsArray(&v))
			MalformedSchema(res, pointer, "required", "The value must be an array of strings.");
		node->nrequired = JbCount(&v);
		node->required = MemoryContextAlloc(cs->prog_cxt, sizeof(JsonbValue) * Max(node->nrequired, 1));
		JbIterInit(&it, &v);
		while (JbArrayNext(&it, &elem))
		{
			if (elem.type != jbvString)
				MalformedSchema(res, pointer, "required", "The value must be an array of strings.");
			node->required[it.i - 1] = elem;
		}
	}
	if (GetKey(obj, "dependentRequired", &v))
	{
		JbIter		it;
		JsonbValue	key,
					val;

		if (!JbIsObject(&v))
			MalformedSchema(res, pointer, "dependentRequired", "The value must be an object whose values are arrays of strings.");
		node->ndependent_required = JbCount(&v);
		node->dependent_required = MemoryContextAllocZero(cs->prog_cxt,
														  sizeof(EtDependentRequired) * Max(node->ndependent_required, 1));
		JbIterInit(&it, &v);
		while (JbObjectNext(&it, &key, &val))
		{
			EtDependentRequired *d = &node->dependent_required[it.i - 1];
			JbIter		it2;
			JsonbValue	elem;

			if (!JbIsArray(&val))
				MalformedSchema(res, pointer, "dependentRequired", "The value must be an object whose values are arrays of strings.");
			d->key = key.val.string.val;
			d->keylen = key.val.string.len;
			d->nrequired = JbCount(&val);
			d->required = MemoryContextAlloc(cs->prog_cxt, sizeof(JsonbValue) * Max(d->nrequired, 1));
			JbIterInit(&it2, &val);
			while (JbArrayNext(&it2, &elem))
			{
				if (elem.type != jbvString)
					MalformedSchema(res, pointer, "dependentRequired", "The value must be an object whose values are arrays of strings.");
				d->required[it2.i - 1] = elem;
			}
		}
	}
}

/*
 * Draft-07 "dependencies": arrays mean dependentRequired, schemas mean
 * dependentSchemas.  Accepted for schemas written for older drafts.
 */
static void
CompileLegacyDependencies(CompileState *cs, EtNode *node, const JsonbValue *obj,
						  ResInfo *res, const char *pointer)
{
	JsonbValue	v,
				key,
				val;
	JbIter		it;
	int			n,
				nreq = node->ndependent_required,
				nsch = node->ndependent_schemas;
	char	   *kp = PointerAppend(pointer, "dependencies", 12);

	if (!GetKey(obj, "dependencies", &v))
		return;
	if (!JbIsObject(&v))
		MalformedSchema(res, pointer, "dependencies", "The value must be an object.");
	n = JbCount(&v);
	node->dependent_required = node->dependent_required ?
		repalloc(node->dependent_required, sizeof(EtDependentRequired) * (nreq + n)) :
		MemoryContextAllocZero(cs->prog_cxt, sizeof(EtDependentRequired) * Max(n, 1));
	node->dependent_schemas = node->dependent_schemas ?
		repalloc(node->dependent_schemas, sizeof(EtPropEntry) * (nsch + n)) :
		MemoryContextAllocZero(cs->prog_cxt, sizeof(EtPropEntry) * Max(n, 1));
	JbIterInit(&it, &v);
	while (JbObjectNext(&it, &key, &val))
	{
		if (JbIsArray(&val))
		{
			EtDependentRequired *d = &node->dependent_required[node->ndependent_required++];
			JbIter		it2;
			JsonbValue	elem;

			d->key = key.val.string.val;
			d->keylen = key.val.string.len;
			d->nrequired = JbCount(&val);
			d->required = MemoryContextAlloc(cs->prog_cxt, sizeof(JsonbValue) * Max(d->nrequired, 1));
			JbIterInit(&it2, &val);
			while (JbArrayNext(&it2, &elem))
			{
				if (elem.type != jbvString)
					MalformedSchema(res, pointer, "dependencies", "Array values must hold strings.");
				d->required[it2.i - 1] = elem;
			}
		}
		else if (IsSchemaValue(&val))
		{
			EtPropEntry *e = &node->dependent_schemas[node->ndependent_schemas++];

			e->key = key.val.string.val;
			e->keylen = key.val.string.len;
			e->node = CompileNode(cs, &val, res,
								  PointerAppend(kp, key.val.string.val, key.val.string.len));
		}
		else
			MalformedSchema(res, pointer, "dependencies", "Each value must be an array of strings or a schema.");
	}
}

/* A zeroed node with every keyword absent */
void
EtInitNode(EtNode *node, EtResource *resource, bool format_assert)
{
	memset(node, 0, sizeof(EtNode));
	node->resource = resource;
	node->nenum = -1;
	node->min_properties = node->max_properties = -1;
	node->min_items = node->max_items = -1;
	node->min_length = node->max_length = -1;
	node->min_contains = 1;
	node->max_contains = -1;
	node->format = ET_FORMAT_UNKNOWN;
	node->format_assert = format_assert;
}

/*
 * Split "required" into names that "properties" also lists (checked during
 * the one walk over the instance's keys) and the rest (looked up).
 */
static void
SplitRequired(MemoryContext cxt, EtNode *node)
{
	int			i;

	if (node->nrequired == 0)
		return;
	node->required_rest = MemoryContextAlloc(cxt,
											 sizeof(JsonbValue) * node->nrequired);
	for (i = 0; i < node->nrequired; i++)
	{
		const JsonbValue *r = &node->required[i];
		int			lo = 0,
					hi = node->nproperties - 1;
		bool		found = false;

		while (lo <= hi)
		{
			int			mid = (lo + hi) / 2;
			int			cmp = JbKeyCompare(node->properties[mid].key,
										   node->properties[mid].keylen,
										   r->val.string.val, r->val.string.len);

			if (cmp == 0)
			{
				/* a name listed twice counts once */
				if (!node->properties[mid].required)
					node->nrequired_in_props++;
				node->properties[mid].required = true;
				found = true;
				break;
			}
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		if (!found)
			node->required_rest[node->nrequired_rest++] = *r;
	}
}

/*
 * Set the keyword-group flags, "trivial" and "alias" of a complete node
 * (also used by flatten.c for the nodes it builds; 'cxt' is the program's)
 */
void
EtSummariseNode(MemoryContext cxt, EtNode *node)
{
	SplitRequired(cxt, node);
	node->kw_value = node->has_const || node->nenum >= 0;
	node->kw_string = node->min_length >= 0 || node->max_length >= 0 ||
		node->pattern || node->format != ET_FORMAT_UNKNOWN;
	node->kw_number = node->minimum || node->maximum || node->exclusive_minimum ||
		node->exclusive_maximum || node->multiple_of;
	node->kw_object = node->nproperties || node->npattern_properties ||
		node->additional_properties || node->property_names ||
		node->nrequired || node->ndependent_required || node->ndependent_schemas ||
		node->min_properties >= 0 || node->max_properties >= 0;
	node->kw_array = node->nprefix_items || node->items || node->contains ||
		node->min_items >= 0 || node->max_items >= 0 || node->unique_items;
	node->kw_inplace = node->ref || node->dynamic_ref || node->nall_of ||
		node->nany_of || node->none_of || node->not || node->if_;
	node->leaf = !(node->kw_object || node->kw_array ||
				   node->kw_inplace || node->has_unevaluated);
	node->trivial = !(node->types || node->kw_value || node->kw_string ||
					  node->kw_number || node->kw_object || node->kw_array ||
					  node->kw_inplace || node->has_unevaluated);

	/*
	 * {"allOf": [S]} and nothing else: S in the same resource (so the
	 * dynamic scope is the same) and not a boolean (whose error message
	 * names the keyword) can stand in for the node.
	 */
	if (node->nall_of == 1 && !node->types && !node->kw_value &&
		!node->kw_string && !node->kw_number && !node->kw_object &&
		!node->kw_array && !node->has_unevaluated && !node->ref &&
		!node->dynamic_ref && !node->nany_of && !node->none_of &&
		!node->not && !node->if_ &&
		!node->all_of[0]->is_boolean &&
		node->all_of[0]->resource == node->resource)
	{
		EtNode	   *target = node->all_of[0];

		node->alias = target->alias ? target->alias : target;
	}
}

/*
 * Compile one subschema (memoised by address).  'res' and 'pointer' say
 * where it is, used when the scan did not see it (a $ref into an unknown
 * keyword, which 2020-12 allows).
 */
static EtNode *
CompileNode(CompileState *cs, const JsonbValue *v, ResInfo *res,
			const char *pointer)
{
	SubschemaEntry *entry;
	EtNode	   *node;
	JsonbValue	kv;
	MemoryContext old;
	uint32		vocab;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (v->type == jbvBool)
		return v->val.boolean ? cs->true_node : cs->false_node;
	if (!JbIsObject(v))
		MalformedSchema(res, pointer, NULL, "A schema must be an object or a boolean.");

	entry = LookupSubschema(cs, v->val.binary.data, NULL);
	if (entry == NULL)
	{
		ScanSchema(cs, res->doc, v, res, pointer, 1);
		entry = LookupSubschema(cs, v->val.binary.data, NULL);
		Assert(entry != NULL);
	}
	if (entry->node)
		return entry->node;

	res = entry->res;
	pointer = entry->pointer;
	vocab = res->doc->vocab;

	old = MemoryContextSwitchTo(cs->prog_cxt);
	node = palloc(sizeof(EtNode));
	MemoryContextSwitchTo(old);
	entry->node = node;			/* before children: cycles end here */

	EtInitNode(node, res->res, (vocab & ET_VOCAB_FORMAT_ASSERTION) != 0);

	/* core */
	if (GetKey(v, "$ref", &kv))
		node->ref = ResolveReference(cs, res, pointer, "$ref", &kv, NULL, NULL);
	if (GetKey(v, "$dynamicRef", &kv))
	{
		const char *anchor;
		bool		dynamic;

		node->dynamic_ref = ResolveReference(cs, res, pointer, "$dynamicRef", &kv,
											 &anchor, &dynamic);
		/* dynamic only if the initial target itself is a $dynamicAnchor */
		if (anchor && dynamic)
			node->dynamic_anchor = anchor;
	}
	if (GetKey(v, "$defs", &kv))
	{
		JbIter		it;
		JsonbValue	key,
					val;
		char	   *kp = PointerAppend(pointer, "$defs", 5);

		if (!JbIsObject(&kv))
			MalformedSchema(res, pointer, "$defs", "The value must be an object whose values are schemas.");

		/*
		 * Compile every definition, referenced or not: a malformed one makes
		 * the whole schema malformed (22023), as the meta-schema says, rather
		 * than an error that appears only once some $ref starts using it.
		 */
		JbIterInit(&it, &kv);
		while (JbObjectNext(&it, &key, &val))
		{
			if (!IsSchemaValue(&val))
				MalformedSchema(res, PointerAppend(kp, key.val.string.val, key.val.string.len), NULL,
								"The value must be a schema (an object or a boolean).");
			(void) CompileNode(cs, &val, res,
							   PointerAppend(kp, key.val.string.val, key.val.string.len));
		}
	}

	if (vocab & ET_VOCAB_APPLICATOR)
		CompileApplicators(cs, node, v, res, pointer);
	if (vocab & ET_VOCAB_VALIDATION)
		CompileValidation(cs, node, v, res, pointer);
	if ((vocab & ET_VOCAB_VALIDATION) && (vocab & ET_VOCAB_APPLICATOR))
		CompileLegacyDependencies(cs, node, v, res, pointer);
	if (vocab & ET_VOCAB_UNEVALUATED)
	{
		if (GetKey(v, "unevaluatedProperties", &kv))
			node->unevaluated_properties = CompileChild(cs, &kv, res, pointer, "unevaluatedProperties");
		if (GetKey(v, "unevaluatedItems", &kv))
			node->unevaluated_items = CompileChild(cs, &kv, res, pointer, "unevaluatedItems");
	}
	node->has_unevaluated = node->unevaluated_properties || node->unevaluated_items;

	/* format belongs to format-annotation or format-assertion */
	if (GetKey(v, "format", &kv))
	{
		if (kv.type != jbvString)
			MalformedSchema(res, pointer, "format", "The value must be a string.");
		node->format = EtFormatLookup(kv.val.string.val, kv.val.string.len);
	}

	EtSummariseNode(cs->prog_cxt, node);
	return node;
}

/* Compile every $dynamicAnchor of every resource the program reached, so
 * evaluation can jump to them without compiling anything. */
static void
CompileDynamicAnchors(CompileState *cs)
{
	bool		progress = true;

	while (progress)
	{
		ResInfo    *r;

		progress = false;
		for (r = cs->resources; r; r = r->next)
		{
			ListCell   *lc;
			int			n = 0,
						i = 0;

			if (r->dynamic_done)
				continue;
			r->dynamic_done = true;
			progress = true;
			foreach(lc, r->anchors)
				if (((AnchorInfo *) lfirst(lc))->dynamic)
					n++;
			if (n == 0)
				continue;
			r->res->ndynamic = n;
			r->res->dynamic_names = MemoryContextAlloc(cs->prog_cxt, sizeof(char *) * n);
			r->res->dynamic_nodes = MemoryContextAlloc(cs->prog_cxt, sizeof(EtNode *) * n);
			foreach(lc, r->anchors)
			{
				AnchorInfo *a = lfirst(lc);

				if (!a->dynamic)
					continue;
				r->res->dynamic_names[i] = MemoryContextStrdup(cs->prog_cxt, a->name);
				r->res->dynamic_nodes[i] = CompileNode(cs, &a->target, r, a->pointer);
				i++;
			}
			break;				/* the resource list may have grown */
		}
	}
}

/* Every node's verdict plan (flatten.c), now that the graph is complete */
static void
FlattenAll(CompileState *cs)
{
	HASH_SEQ_STATUS seq;
	SubschemaEntry *entry;
	EtFlattenState *fs = EtFlattenBegin(cs->prog_cxt);

	hash_seq_init(&seq, cs->subschemas);
	while ((entry = hash_seq_search(&seq)) != NULL)
		if (entry->node)
			EtFlattenNode(fs, entry->node);
	EtFlattenEnd(fs);
}

static EtNode *
MakeBooleanNode(MemoryContext cxt, bool value)
{
	EtNode	   *n = MemoryContextAlloc(cxt, sizeof(EtNode));

	EtInitNode(n, NULL, false);
	n->is_boolean = true;
	n->boolean_value = value;
	n->trivial = value;
	n->verdict = n;
	return n;
}

/*
 * Compile 'schema' (whose retrieval URI is 'retrieval_uri', "" if none)
 * into a new program context under 'parent'.  'entry_pointers' (may be
 * NULL) names extra subschemas, as JSON Pointers from the document root,
 * whose nodes are returned in 'entries'.
 *
 * The program context is built under CurrentMemoryContext and moved under
 * 'parent' only on success, so an ERROR half way leaks nothing.
 */
static EtProgram *
CompileInternal(Jsonb *schema, const char *retrieval_uri,
				MemoryContext parent, int nentries,
				const char *const *entry_pointers, EtNode **entries,
				bool lenient)
{
	CompileState cs;
	MemoryContext prog_cxt,
				scratch,
				old;
	HASHCTL		ctl;
	DocInfo    *doc;
	JsonbValue	root;
	ResInfo    *rootres;
	int			i;

	prog_cxt = AllocSetContextCreate(CurrentMemoryContext,
									 "event_types compiled schema",
									 ALLOCSET_SMALL_SIZES);
	scratch = AllocSetContextCreate(CurrentMemoryContext,
									"event_types schema compiler",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(scratch);

	memset(&cs, 0, sizeof(cs));
	cs.prog_cxt = prog_cxt;
	cs.lenient = lenient;
	cs.prog = MemoryContextAllocZero(prog_cxt, sizeof(EtProgram));
	cs.prog->mcxt = prog_cxt;
	cs.true_node = MakeBooleanNode(prog_cxt, true);
	cs.false_node = MakeBooleanNode(prog_cxt, false);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(JsonbContainer *);
	ctl.entrysize = sizeof(SubschemaEntry);
	ctl.hcxt = scratch;
	cs.subschemas = hash_create("event_types subschemas", 256, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	doc = AddDocument(&cs, schema, retrieval_uri ? retrieval_uri : "");
	cs.prog->schema = doc->jb;
	JbRootValue(doc->jb, &root);
	rootres = doc->root_res;
	if (!IsSchemaValue(&root))
		MalformedSchema(NULL, "", NULL, "A schema must be an object or a boolean.");
	cs.prog->root = CompileNode(&cs, &root, rootres, "");
	for (i = 0; i < nentries; i++)
	{
		JsonbValue	v;
		char	   *p;

		if (!FollowPointer(rootres, entry_pointers[i], &v, &p) || !IsSchemaValue(&v))
			elog(ERROR, "built-in schema has no subschema at \"%s\"", entry_pointers[i]);
		entries[i] = CompileNode(&cs, &v, rootres, p);
	}
	CompileDynamicAnchors(&cs);
	FlattenAll(&cs);

	MemoryContextSwitchTo(old);
	MemoryContextDelete(scratch);
	MemoryContextSetParent(prog_cxt, parent);
	return cs.prog;
}

EtProgram *
EtCompileSchemaEntries(Jsonb *schema, const char *retrieval_uri,
					   MemoryContext parent, int nentries,
					   const char *const *entry_pointers, EtNode **entries)
{
	return CompileInternal(schema, retrieval_uri, parent, nentries,
						   entry_pointers, entries, false);
}

EtProgram *
EtCompileSchema(Jsonb *schema, const char *retrieval_uri, MemoryContext parent)
{
	return CompileInternal(schema, retrieval_uri, parent, 0, NULL, NULL, false);
}

/*
 * Check that 'schema' is well-formed, as register_schema() needs: the
 * same keyword checks as a real compile, but references to documents not
 * registered yet are allowed (they may be registered next).
 */
void
EtCheckSchema(Jsonb *schema, const char *retrieval_uri)
{
	EtProgram  *prog = CompileInternal(schema, retrieval_uri, CurrentMemoryContext,
									   0, NULL, NULL, true);

	MemoryContextDelete(prog->mcxt);
}
