/*-------------------------------------------------------------------------
 *
 * evaluate.c
 *	  Evaluate a compiled JSON Schema against a JSONB instance.
 *
 * The instance is read in place through jsonb_access.h: no text round
 * trip, no JsonbIterator, no copies of keys or values.  Two modes share one
 * walk:
 *
 *	- boolean (EtValidate): stop at the first failing keyword;
 *	- collecting (EtValidateCollect): keep going and record every violation
 *	  with a JSON Pointer to the failing value.
 *
 * Subschemas whose failure is not itself an error (anyOf/oneOf branches,
 * "not", "if", "contains") are always evaluated silently.
 *
 * Annotations: only unevaluatedProperties / unevaluatedItems need to know
 * which properties and items other keywords evaluated.  A node that has
 * one of them evaluates its in-place applicators with a bitmap (Annot) of
 * the instance's keys or items; every other evaluation passes NULL and
 * pays nothing.  Successful in-place subschemas merge their bitmaps
 * upward, as the 2020-12 annotation rules say.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"

#include "event_types.h"
#include "jsonb_access.h"
#include "generated.h"
#include "schema.h"
#include "value_check.h"

/*
 * Subschemas evaluated in place (no descent into the instance) one inside
 * the other before we call it a $ref loop.  Real schemas stay far below;
 * the bound must be reached well before check_stack_depth() fires, or a
 * cycle would report a bare "stack depth limit exceeded" instead.
 */
#define ET_MAX_EVAL_DEPTH	ET_MAX_NESTING_DEPTH

typedef struct PathSeg
{
	const char *key;			/* NULL: array index */
	int			keylen;
	int			index;
	int			saved_depth;	/* EvalState.depth of the parent location */
} PathSeg;

/* Which keys / items of the current instance some keyword evaluated */
typedef struct Annot
{
	int			count;
	uint8	   *bits;
} Annot;

typedef struct EvalState
{
	bool		collect;		/* record errors, do not stop at the first */
	EtErrorList *errors;
	const char *path_prefix;
	int			pathlen;
	int			pathcap;
	PathSeg    *path;
	int			scopelen;		/* dynamic scope: resources entered */
	int			scopecap;
	EtResource **scope;
	int			depth;			/* in-place nesting at the current location */
	int			nesting;		/* EvalNode frames on the C stack */
	bool		format_assert;	/* assert every format (program or GUC) */
} EvalState;

static bool EvalNode(EvalState *st, EtNode *node, const JsonbValue *inst, Annot *ann);

/* ----------------------------------------------------------------
 * Paths and errors
 * ----------------------------------------------------------------
 */
static inline void
PushKey(EvalState *st, const char *key, int len)
{
	if (st->pathlen >= st->pathcap)
	{
		PathSeg    *bigger = palloc(sizeof(PathSeg) * st->pathcap * 2);

		/* the first buffer lives on the C stack (Run): copy, never repalloc */
		memcpy(bigger, st->path, sizeof(PathSeg) * st->pathlen);
		st->path = bigger;
		st->pathcap *= 2;
	}
	if (st->pathlen >= ET_MAX_NESTING_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("JSON document nested deeper than %d levels",
						ET_MAX_NESTING_DEPTH),
				 errdetail("The validator does not descend further than %d levels of objects and arrays.",
						   ET_MAX_NESTING_DEPTH)));
	st->path[st->pathlen].key = key;
	st->path[st->pathlen].keylen = len;
	/* a descent: in-place nesting starts again from zero (see EvalNode) */
	st->path[st->pathlen].saved_depth = st->depth;
	st->depth = 0;
	st->pathlen++;
}

static inline void
PushIndex(EvalState *st, int index)
{
	PushKey(st, NULL, 0);
	st->path[st->pathlen - 1].index = index;
}

static inline void
PopPath(EvalState *st)
{
	st->pathlen--;
	st->depth = st->path[st->pathlen].saved_depth;
}

/* Render the current instance location as an RFC 6901 JSON Pointer */
static char *
CurrentPointer(EvalState *st)
{
	StringInfoData s;
	int			i,
				j;

	initStringInfo(&s);
	if (st->path_prefix)
		appendStringInfoString(&s, st->path_prefix);
	for (i = 0; i < st->pathlen; i++)
	{
		PathSeg    *seg = &st->path[i];

		appendStringInfoChar(&s, '/');
		if (seg->key == NULL)
		{
			appendStringInfo(&s, "%d", seg->index);
			continue;
		}
		for (j = 0; j < seg->keylen; j++)
		{
			if (seg->key[j] == '~')
				appendStringInfoString(&s, "~0");
			else if (seg->key[j] == '/')
				appendStringInfoString(&s, "~1");
			else
				appendStringInfoChar(&s, seg->key[j]);
		}
	}
	return s.data;
}

/*
 * Append one violation to an error list.  'path' is copied; 'keyword' must
 * be a constant; 'message' is taken over.
 */
void
EtErrorListAdd(EtErrorList *list, const char *path, const char *keyword,
			   char *message)
{
	EtError    *e;

	if (list->count >= list->capacity)
	{
		list->capacity = list->capacity ? list->capacity * 2 : 8;
		if (list->items)
			list->items = repalloc(list->items, sizeof(EtError) * list->capacity);
		else
			list->items = palloc(sizeof(EtError) * list->capacity);
	}
	e = &list->items[list->count++];
	e->path = pstrdup(path);
	e->keyword = keyword;
	e->message = message;
}

/* qsort_arg comparator: error indexes by (path, keyword, message, index) */
static int
CompareErrorIndexes(const void *a, const void *b, void *arg)
{
	const EtError *items = arg;
	int			x = *(const int *) a;
	int			y = *(const int *) b;
	int			c;

	if ((c = strcmp(items[x].path, items[y].path)) != 0 ||
		(c = strcmp(items[x].keyword, items[y].keyword)) != 0 ||
		(c = strcmp(items[x].message, items[y].message)) != 0)
		return c;
	return x - y;
}

/*
 * Drop exact repeats among the errors from index 'from' on.  The same
 * constraint can fail along two paths -- a type schema and the envelope it
 * $refs may both require the same property (ticketing metadata), a mixed
 * gym delivery checks the item base twice, "allOf" may name one $ref twice
 * -- and (path, keyword, message) does not tell the two apart, so the
 * second says nothing new.  The first of each set of repeats stays, in its
 * place.
 *
 * Sort indexes rather than compare every pair: a delivery of 40,000 broken
 * items has 80,000 errors, and the pairwise loop took 14 seconds on that
 * (a 320 kB payload) without ever checking for interrupts.
 */
void
EtErrorListDedupe(EtErrorList *errors, int from)
{
	int			count = errors->count - from;
	EtError    *items = errors->items + from;
	int		   *order;
	bool	   *dup;
	int			i,
				n = 0;

	if (count < 2)
		return;
	order = palloc(sizeof(int) * count);
	dup = palloc0(sizeof(bool) * count);
	for (i = 0; i < count; i++)
		order[i] = i;
	qsort_arg(order, count, sizeof(int), CompareErrorIndexes, items);
	/* in each run of equal errors the first has the lowest index: keep it */
	for (i = 1; i < count; i++)
	{
		const EtError *prev = &items[order[i - 1]];
		const EtError *e = &items[order[i]];

		dup[order[i]] = strcmp(prev->path, e->path) == 0 &&
			strcmp(prev->keyword, e->keyword) == 0 &&
			strcmp(prev->message, e->message) == 0;
	}
	for (i = 0; i < count; i++)
		if (!dup[i])
			items[n++] = items[i];
	errors->count = from + n;
	pfree(order);
	pfree(dup);
}

static void AddError(EvalState *st, const char *keyword, const char *fmt,...) pg_attribute_printf(3, 4);

static void
AddError(EvalState *st, const char *keyword, const char *fmt,...)
{
	StringInfoData msg;

	initStringInfo(&msg);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&msg, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&msg, needed);
	}
	EtErrorListAdd(st->errors, CurrentPointer(st), keyword, msg.data);
}

/* Report only when collecting: message formatting costs nothing otherwise */
#define REPORT(st, kw, ...) \
	do { if ((st)->collect) AddError((st), (kw), __VA_ARGS__); } while (0)

/* Short display text of a JSON value for messages */
static char *
ValueText(const JsonbValue *v)
{
	char	   *s;

	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvBool:
			return v->val.boolean ? "true" : "false";
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvString:
			{
				StringInfoData buf;

				/*
				 * Cut at a character boundary, not at byte 60: half a
				 * multibyte character would make the message invalid text.
				 */
				int			cut = pg_mbcliplen(v->val.string.val, v->val.string.len, 60);
				char	   *raw = pnstrdup(v->val.string.val, cut);

				initStringInfo(&buf);
				escape_json(&buf, raw);
				if (v->val.string.len > cut)
					appendStringInfoString(&buf, "...");
				return buf.data;
			}
		default:
			s = JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
			if (strlen(s) > 80)		/* as above, cut between characters */
				s = psprintf("%.*s...", pg_mbcliplen(s, strlen(s), 77), s);
			return s;
	}
}

static const char *
TypeName(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvBool:
			return "boolean";
		case jbvNumeric:
			return "number";
		case jbvString:
			return "string";
		default:
			return JbIsObject(v) ? "object" : "array";
	}
}

static char *
TypeListText(uint8 types)
{
	static const char *const names[] = {
		"null", "boolean", "object", "array", "number", "string", "integer"
	};
	StringInfoData s;
	int			i,
				n = 0;

	initStringInfo(&s);
	for (i = 0; i < lengthof(names); i++)
	{
		if (types & (1 << i))
		{
			if (n++)
				appendStringInfoString(&s, " or ");
			appendStringInfoString(&s, names[i]);
		}
	}
	return n ? s.data : "no type at all";
}

/* ----------------------------------------------------------------
 * Values
 * ----------------------------------------------------------------
 */
static inline int
NumCmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* JSON Schema equality: 1 == 1.0, objects ignore key order. */
static bool
JbEqual(const JsonbValue *a, const JsonbValue *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvNull:
			return true;
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return NumCmp(a->val.numeric, b->val.numeric) == 0;
		default:
			{
				JbIter		ia,
							ib;
				JsonbValue	ka,
							va,
							kb,
							vb;

				check_stack_depth();
				if (JbIsObject(a) != JbIsObject(b) || JbCount(a) != JbCount(b))
					return false;
				JbIterInit(&ia, a);
				JbIterInit(&ib, b);
				if (JbIsObject(a))
				{
					/* keys are sorted the same way in both: compare pairwise */
					while (JbObjectNext(&ia, &ka, &va) && JbObjectNext(&ib, &kb, &vb))
						if (!JbEqual(&ka, &kb) || !JbEqual(&va, &vb))
							return false;
				}
				else
				{
					while (JbArrayNext(&ia, &va) && JbArrayNext(&ib, &vb))
						if (!JbEqual(&va, &vb))
							return false;
				}
				return true;
			}
	}
}

/* JbEqual for flatten.c, which merges const and enum */
bool
EtJsonbEqual(const JsonbValue *a, const JsonbValue *b)
{
	return JbEqual(a, b);
}

/* A hash consistent with JbEqual (hash_numeric ignores trailing zeros). */
static uint32
JbHash(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return 0x9e3779b9;
		case jbvBool:
			return v->val.boolean ? 0x1234567 : 0x7654321;
		case jbvString:
			return hash_bytes((const unsigned char *) v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetUInt32(DirectFunctionCall1(hash_numeric,
													  NumericGetDatum(v->val.numeric)));
		default:
			{
				JbIter		it;
				JsonbValue	k,
							e;
				uint32		h = JbIsObject(v) ? 0xabcdef : 0xfedcba;

				check_stack_depth();
				JbIterInit(&it, v);
				if (JbIsObject(v))
					while (JbObjectNext(&it, &k, &e))
						h = hash_combine(hash_combine(h, JbHash(&k)), JbHash(&e));
				else
					while (JbArrayNext(&it, &e))
						h = hash_combine(h, JbHash(&e));
				return h;
			}
	}
}

typedef struct HashedItem
{
	uint32		hash;
	int			index;
	JsonbValue	value;
} HashedItem;

static int
CompareHashedItems(const void *a, const void *b)
{
	const HashedItem *x = a;
	const HashedItem *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index - y->index;
}

/* Find two equal items; O(n log n) by hashing once arrays get long. */
static bool
FindDuplicate(const JsonbValue *arr, int *first, int *second)
{
	int			n = JbCount(arr);
	HashedItem *items = palloc(sizeof(HashedItem) * Max(n, 1));
	JbIter		it;
	int			i,
				j;

	JbIterInit(&it, arr);
	for (i = 0; JbArrayNext(&it, &items[i].value); i++)
		items[i].index = i;
	if (n <= 16)
	{
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (JbEqual(&items[i].value, &items[j].value))
				{
					*first = i;
					*second = j;
					return true;
				}
		return false;
	}
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		items[i].hash = JbHash(&items[i].value);
	}
	qsort(items, n, sizeof(HashedItem), CompareHashedItems);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && items[j].hash == items[i].hash; j++)
			if (JbEqual(&items[i].value, &items[j].value))
			{
				*first = Min(items[i].index, items[j].index);
				*second = Max(items[i].index, items[j].index);
				return true;
			}
	return false;
}

/* ----------------------------------------------------------------
 * Annotations
 * ----------------------------------------------------------------
 */
static inline void
AnnotInit(Annot *a, const JsonbValue *inst)
{
	a->count = (inst->type == jbvBinary) ? JbCount(inst) : 0;
	a->bits = a->count ? palloc0((a->count + 7) / 8) : NULL;
}

static inline void
AnnotSet(Annot *a, int i)
{
	if (a && a->bits)
		a->bits[i / 8] |= (1 << (i % 8));
}

static inline bool
AnnotGet(const Annot *a, int i)
{
	return (a->bits[i / 8] & (1 << (i % 8))) != 0;
}

static inline void
AnnotMerge(Annot *into, const Annot *from)
{
	int			i;

	if (into && into->bits && from->bits)
		for (i = 0; i < (into->count + 7) / 8; i++)
			into->bits[i] |= from->bits[i];
}

static inline void
AnnotSetAll(Annot *a)
{
	if (a && a->bits)
		memset(a->bits, 0xff, (a->count + 7) / 8);
}

/* ----------------------------------------------------------------
 * Keyword groups
 * ----------------------------------------------------------------
 */

/*
 * Evaluate a child schema under 'keyword'.  A "false" child gets a message
 * naming what was not allowed instead of a bare "false schema".
 */
static inline bool
EvalChild(EvalState *st, EtNode *child, const JsonbValue *inst, Annot *ann,
		  const char *keyword, const char *what)
{
	if (child->is_boolean)
	{
		if (child->boolean_value)
			return true;
		REPORT(st, keyword, "%s is not allowed", what);
		return false;
	}
	return EvalNode(st, child, inst, ann);
}

/* const and enum, for a verdict only */
static inline bool
ValueAllowed(EtNode *node, const JsonbValue *inst)
{
	int			i;

	if (node->has_const && !JbEqual(&node->const_value, inst))
		return false;
	if (node->nenum < 0)
		return true;
	for (i = 0; i < node->nenum; i++)
		if (JbEqual(&node->enum_values[i], inst))
			return true;
	return false;
}

static bool EvalString(EvalState *st, EtNode *node, const JsonbValue *inst);
static bool EvalNumber(EvalState *st, EtNode *node, const JsonbValue *inst);

/*
 * Most subschemas of an event schema are leaves such as {"type": "string",
 * "format": "date-time"}.  When only a verdict is wanted, a leaf needs no
 * node visit, no instance path and no dynamic scope: decide it here.
 * Returns false if 'node' is not such a leaf.
 */
static pg_attribute_always_inline bool
LeafVerdict(EvalState *st, EtNode *node, const JsonbValue *inst, bool *ok)
{
	node = node->verdict;
	if (node->is_boolean || !node->leaf)
		return false;
	if (node->types && !EtTypeMatches(node->types, inst))
		*ok = false;
	else if (node->kw_value && !ValueAllowed(node, inst))
		*ok = false;
	else if (inst->type == jbvString && node->kw_string)
		*ok = EvalString(st, node, inst);
	else if (inst->type == jbvNumeric && node->kw_number)
		*ok = EvalNumber(st, node, inst);
	else
		*ok = true;
	return true;
}

/*
 * Evaluate the value of property 'key' under 'child'.  The instance path
 * grows only when there is something to evaluate: most keys of a document
 * meet a trivial or no schema at all.
 */
static pg_attribute_always_inline bool
EvalProperty(EvalState *st, EtNode *child, const JsonbValue *key,
			 const JsonbValue *val, const char *keyword, const char *what)
{
	bool		ok;

	if (child->trivial)
		return true;
	if (!st->collect && LeafVerdict(st, child, val, &ok))
		return ok;
	PushKey(st, key->val.string.val, key->val.string.len);
	ok = EvalChild(st, child, val, NULL, keyword, what);
	PopPath(st);
	return ok;
}

/* The same for array item 'index' */
static inline bool
EvalItem(EvalState *st, EtNode *child, int index, const JsonbValue *elem,
		 const char *keyword)
{
	bool		ok;

	if (child->trivial)
		return true;
	if (!st->collect && LeafVerdict(st, child, elem, &ok))
		return ok;
	PushIndex(st, index);
	ok = EvalChild(st, child, elem, NULL, keyword, "this item");
	PopPath(st);
	return ok;
}

/*
 * EvalChild's "what" for a property: formatted only when it can be
 * reported, so boolean validation does not psprintf once per property.
 */
static inline const char *
PropertyWhat(EvalState *st, const JsonbValue *key)
{
	if (!st->collect)
		return "";
	return psprintf("property \"%.*s\"", key->val.string.len, key->val.string.val);
}

static bool
EvalString(EvalState *st, EtNode *node, const JsonbValue *inst)
{
	const char *s = inst->val.string.val;
	int			len = inst->val.string.len;
	bool		valid = true;

	if (node->min_length >= 0 || node->max_length >= 0)
	{
		int			chars = EtStringLength(s, len);

		if (node->min_length >= 0 && chars < node->min_length)
		{
			REPORT(st, "minLength", "string is shorter than %d characters (%d)",
				   node->min_length, chars);
			valid = false;
			if (!st->collect)
				return false;
		}
		if (node->max_length >= 0 && chars > node->max_length)
		{
			REPORT(st, "maxLength", "string is longer than %d characters (%d)",
				   node->max_length, chars);
			valid = false;
			if (!st->collect)
				return false;
		}
	}
	if (node->pattern && !EtRegexMatch(node->pattern, s, len))
	{
		REPORT(st, "pattern", "string %s does not match pattern \"%s\"",
			   ValueText(inst), node->pattern_source);
		valid = false;
		if (!st->collect)
			return false;
	}
	if (node->format != ET_FORMAT_UNKNOWN &&
		(node->format_assert || st->format_assert) &&
		!EtFormatCheck(node->format, s, len))
	{
		REPORT(st, "format", "%s is not a valid \"%s\"", ValueText(inst),
			   EtFormatName(node->format));
		valid = false;
	}
	return valid;
}

static bool
EvalNumber(EvalState *st, EtNode *node, const JsonbValue *inst)
{
	Numeric		n = inst->val.numeric;
	bool		valid = true;

#define NUMCHECK(cond, kw, fmt, limit) \
	do { \
		if (cond) \
		{ \
			REPORT(st, kw, fmt, ValueText(inst), \
				   DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(limit)))); \
			valid = false; \
			if (!st->collect) \
				return false; \
		} \
	} while (0)

	if (node->minimum)
		NUMCHECK(NumCmp(n, node->minimum) < 0, "minimum", "%s is less than the minimum of %s", node->minimum);
	if (node->maximum)
		NUMCHECK(NumCmp(n, node->maximum) > 0, "maximum", "%s is greater than the maximum of %s", node->maximum);
	if (node->exclusive_minimum)
		NUMCHECK(NumCmp(n, node->exclusive_minimum) <= 0, "exclusiveMinimum", "%s is not greater than %s", node->exclusive_minimum);
	if (node->exclusive_maximum)
		NUMCHECK(NumCmp(n, node->exclusive_maximum) >= 0, "exclusiveMaximum", "%s is not less than %s", node->exclusive_maximum);
	if (node->multiple_of)
	{
		Datum		rem = DirectFunctionCall2(numeric_mod, NumericGetDatum(n),
											  NumericGetDatum(node->multiple_of));

		NUMCHECK(EtNumericSign(DatumGetNumeric(rem)) != 0,
				 "multipleOf", "%s is not a multiple of %s", node->multiple_of);
	}
#undef NUMCHECK
	return valid;
}

static bool
EvalObject(EvalState *st, EtNode *node, const JsonbValue *inst, Annot *ann)
{
	bool		valid = true;
	int			count = JbCount(inst);
	int			i;
	JsonbValue	v;

#define FAIL() do { valid = false; if (!st->collect) return false; } while (0)

	if (node->min_properties >= 0 && count < node->min_properties)
	{
		REPORT(st, "minProperties", "object has fewer than %d properties (%d)",
			   node->min_properties, count);
		FAIL();
	}
	if (node->max_properties >= 0 && count > node->max_properties)
	{
		REPORT(st, "maxProperties", "object has more than %d properties (%d)",
			   node->max_properties, count);
		FAIL();
	}
	/*
	 * "required": when errors are collected, every name is looked up here,
	 * so they are reported first and in schema order.  For a bare verdict,
	 * names that "properties" also lists are counted during the key walk
	 * below instead, and only the others are looked up.
	 */
	if (st->collect)
		for (i = 0; i < node->nrequired; i++)
		{
			JsonbValue *r = &node->required[i];

			if (!JbObjectGet(inst, r->val.string.val, r->val.string.len, &v))
			{
				REPORT(st, "required", "missing required property \"%.*s\"",
					   r->val.string.len, r->val.string.val);
				FAIL();
			}
		}
	else
		for (i = 0; i < node->nrequired_rest; i++)
		{
			JsonbValue *r = &node->required_rest[i];

			if (!JbObjectGet(inst, r->val.string.val, r->val.string.len, &v))
				return false;
		}
	for (i = 0; i < node->ndependent_required; i++)
	{
		EtDependentRequired *d = &node->dependent_required[i];
		int			j;

		if (!JbObjectGet(inst, d->key, d->keylen, &v))
			continue;
		for (j = 0; j < d->nrequired; j++)
		{
			JsonbValue *r = &d->required[j];

			if (!JbObjectGet(inst, r->val.string.val, r->val.string.len, &v))
			{
				REPORT(st, "dependentRequired",
					   "property \"%.*s\" is required when \"%.*s\" is present",
					   r->val.string.len, r->val.string.val, d->keylen, d->key);
				FAIL();
			}
		}
	}

	/* One pass over the instance's keys serves every per-property keyword */
	if (node->nproperties || node->npattern_properties ||
		node->additional_properties || node->property_names)
	{
		/*
		 * The keywords in locals: the calls below take a non-const node, so
		 * the compiler would otherwise load each field again for every key.
		 */
		const EtPropEntry *props = node->properties;
		const int	nprops = node->nproperties;
		const int	npatterns = node->npattern_properties;
		EtNode	   *const additional = node->additional_properties;
		EtNode	   *const names = node->property_names;
		JbIter		it;
		JsonbValue	key,
					val;
		int			pi = 0;
		int			required_seen = 0;

		JbIterInit(&it, inst);
		while (JbObjectNext(&it, &key, &val))
		{
			bool		matched = false;
			int			k = it.i - 1;
			int			p;
			int			cmp = 1;

			/* merge join: both sides are in JSONB key order */
			while (pi < nprops &&
				   (cmp = JbKeyCompare(props[pi].key, props[pi].keylen,
									   key.val.string.val, key.val.string.len)) < 0)
				pi++;
			if (pi < nprops && cmp == 0)
			{
				matched = true;
				required_seen += props[pi].required;
				AnnotSet(ann, k);
				if (!EvalProperty(st, props[pi].node, &key, &val,
								  "properties", "this property"))
					FAIL();
			}
			for (p = 0; p < npatterns; p++)
			{
				EtPatternEntry *pe = &node->pattern_properties[p];

				if (!EtRegexMatch(pe->re, key.val.string.val, key.val.string.len))
					continue;
				matched = true;
				AnnotSet(ann, k);
				if (!EvalProperty(st, pe->node, &key, &val, "patternProperties",
								  "this property"))
					FAIL();
			}
			if (!matched && additional)
			{
				AnnotSet(ann, k);
				if (!EvalProperty(st, additional, &key, &val,
								  "additionalProperties", PropertyWhat(st, &key)))
					FAIL();
			}
			if (names)
			{
				bool		ok;

				PushKey(st, key.val.string.val, key.val.string.len);
				ok = EvalChild(st, names, &key, NULL, "propertyNames",
							   "this property name");
				PopPath(st);
				if (!ok)
					FAIL();
			}
		}
		if (!st->collect && required_seen < node->nrequired_in_props)
			return false;
	}
	for (i = 0; i < node->ndependent_schemas; i++)
	{
		EtPropEntry *d = &node->dependent_schemas[i];

		if (JbObjectGet(inst, d->key, d->keylen, &v) &&
			!EvalChild(st, d->node, inst, ann, "dependentSchemas",
					   st->collect ? psprintf("an object with \"%.*s\"", d->keylen, d->key) : ""))
			FAIL();
	}
#undef FAIL
	return valid;
}

static bool
EvalArray(EvalState *st, EtNode *node, const JsonbValue *inst, Annot *ann)
{
	bool		valid = true;
	int			count = JbCount(inst);
	JbIter		it;
	JsonbValue	elem;

#define FAIL() do { valid = false; if (!st->collect) return false; } while (0)

	if (node->min_items >= 0 && count < node->min_items)
	{
		REPORT(st, "minItems", "array has fewer than %d items (%d)", node->min_items, count);
		FAIL();
	}
	if (node->max_items >= 0 && count > node->max_items)
	{
		REPORT(st, "maxItems", "array has more than %d items (%d)", node->max_items, count);
		FAIL();
	}
	if (node->unique_items && count > 1)
	{
		int			a,
					b;

		if (FindDuplicate(inst, &a, &b))
		{
			REPORT(st, "uniqueItems", "items %d and %d are equal", a, b);
			FAIL();
		}
	}
	if (node->nprefix_items || node->items)
	{
		JbIterInit(&it, inst);
		while (JbArrayNext(&it, &elem))
		{
			int			i = it.i - 1;
			EtNode	   *child;
			const char *kw;

			if (i < node->nprefix_items)
			{
				child = node->prefix_items[i];
				kw = "prefixItems";
			}
			else if (node->items)
			{
				child = node->items;
				kw = "items";
			}
			else
				break;
			AnnotSet(ann, i);
			CHECK_FOR_INTERRUPTS();
			if (!EvalItem(st, child, i, &elem, kw))
				FAIL();
		}
	}
	if (node->contains)
	{
		bool		saved = st->collect;
		int			matches = 0;

		st->collect = false;
		JbIterInit(&it, inst);
		while (JbArrayNext(&it, &elem))
		{
			PushIndex(st, it.i - 1);
			if (EvalChild(st, node->contains, &elem, NULL, "contains", "this item"))
			{
				matches++;
				AnnotSet(ann, it.i - 1);
			}
			PopPath(st);
			/* enough evidence, unless annotations or maxContains need all */
			if (ann == NULL && node->max_contains < 0 && matches >= node->min_contains)
				break;
		}
		st->collect = saved;
		if (matches < node->min_contains)
		{
			if (node->min_contains == 1)
				REPORT(st, "contains", "array does not contain an item matching the \"contains\" schema");
			else
				REPORT(st, "minContains", "array contains %d items matching the \"contains\" schema, fewer than %d",
					   matches, node->min_contains);
			FAIL();
		}
		if (node->max_contains >= 0 && matches > node->max_contains)
		{
			REPORT(st, "maxContains", "array contains %d items matching the \"contains\" schema, more than %d",
				   matches, node->max_contains);
			FAIL();
		}
	}
#undef FAIL
	return valid;
}

/* Resolve a $dynamicRef: the outermost resource in scope with the anchor wins */
static EtNode *
DynamicTarget(EvalState *st, EtNode *node)
{
	int			i,
				j;

	for (i = 0; i < st->scopelen; i++)
	{
		EtResource *r = st->scope[i];

		for (j = 0; j < r->ndynamic; j++)
			if (strcmp(r->dynamic_names[j], node->dynamic_anchor) == 0)
				return r->dynamic_nodes[j];
	}
	return node->dynamic_ref;
}

/* anyOf / oneOf: silent branches; returns the number of passing branches */
static int
EvalBranches(EvalState *st, EtNode **branches, int n, const JsonbValue *inst,
			 Annot *ann, bool stop_at_first, int *first, int *second)
{
	bool		saved = st->collect;
	int			passed = 0;
	int			i;

	st->collect = false;
	for (i = 0; i < n; i++)
	{
		Annot		local;
		bool		ok;

		if (ann)
			AnnotInit(&local, inst);
		ok = EvalChild(st, branches[i], inst, ann ? &local : NULL, "", "");
		if (!ok)
			continue;
		if (ann)
			AnnotMerge(ann, &local);
		if (passed == 0)
			*first = i;
		else if (passed == 1)
			*second = i;
		passed++;
		if (stop_at_first && ann == NULL)
			break;
	}
	st->collect = saved;
	return passed;
}

static bool
EvalNode(EvalState *st, EtNode *node, const JsonbValue *inst, Annot *ann)
{
	bool		valid = true;
	bool		pushed = false;
	Annot		local;
	Annot	   *my = ann;
	int			i;

	/* a verdict may take the flattened plan (flatten.c); errors need the schema as written */
	if (!st->collect)
		node = node->verdict;
	else if (node->alias)
		node = node->alias;
	if (node->is_boolean)
	{
		if (!node->boolean_value)
			REPORT(st, "false", "no value is allowed here (the schema is false)");
		return node->boolean_value;
	}
	if (node->trivial)
		return true;

	/*
	 * Count only nesting at this instance location: the old bound (total
	 * depth against 8 * 512 + path length) was never reached before the
	 * stack ran out, so a $ref cycle gave a bare "stack depth limit
	 * exceeded" with a misleading hint to raise max_stack_depth.
	 */
	if (++st->depth > ET_MAX_EVAL_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("JSON Schema evaluation recursed more than %d times without descending into the instance",
						ET_MAX_EVAL_DEPTH),
				 errhint("The schema probably has a $ref cycle that never consumes any part of the instance.")));
	/* every 8th frame is enough: a few kB of stack between checks */
	if ((++st->nesting & 7) == 0)
		check_stack_depth();

	if (node->resource &&
		(st->scopelen == 0 || st->scope[st->scopelen - 1] != node->resource))
	{
		if (st->scopelen >= st->scopecap)
		{
			EtResource **bigger = palloc(sizeof(EtResource *) * st->scopecap * 2);

			memcpy(bigger, st->scope, sizeof(EtResource *) * st->scopelen);
			st->scope = bigger;
			st->scopecap *= 2;
		}
		st->scope[st->scopelen++] = node->resource;
		pushed = true;
	}

	/* unevaluated* see only what this node's own keywords evaluated */
	if (node->has_unevaluated && inst->type == jbvBinary)
	{
		AnnotInit(&local, inst);
		my = &local;
	}

#define FAIL() do { valid = false; if (!st->collect) goto done; } while (0)

	if (node->types && !EtTypeMatches(node->types, inst))
	{
		REPORT(st, "type", "expected %s, got %s", TypeListText(node->types), TypeName(inst));
		FAIL();
	}
	if (node->kw_value && node->has_const && !JbEqual(&node->const_value, inst))
	{
		REPORT(st, "const", "value must be %s", ValueText(&node->const_value));
		FAIL();
	}
	if (node->kw_value && node->nenum >= 0)
	{
		for (i = 0; i < node->nenum; i++)
			if (JbEqual(&node->enum_values[i], inst))
				break;
		if (i == node->nenum)
		{
			if (node->nenum <= 12)
			{
				StringInfoData s;

				initStringInfo(&s);
				if (st->collect)
					for (i = 0; i < node->nenum; i++)
						appendStringInfo(&s, "%s%s", i ? ", " : "",
										 ValueText(&node->enum_values[i]));
				REPORT(st, "enum", "value %s is not one of: %s", ValueText(inst), s.data);
			}
			else
				REPORT(st, "enum", "value %s is not one of the %d allowed values",
					   ValueText(inst), node->nenum);
			FAIL();
		}
	}

	switch (inst->type)
	{
		case jbvString:
			if (node->kw_string && !EvalString(st, node, inst))
				FAIL();
			break;
		case jbvNumeric:
			if (node->kw_number && !EvalNumber(st, node, inst))
				FAIL();
			break;
		case jbvBinary:
			if (JbIsObject(inst))
			{
				if (node->kw_object && !EvalObject(st, node, inst, my))
					FAIL();
			}
			else if (node->kw_array && !EvalArray(st, node, inst, my))
				FAIL();
			break;
		default:
			break;
	}

	if (!node->kw_inplace)
		goto unevaluated;

	/* in-place applicators */
	if (node->ref && !EvalChild(st, node->ref, inst, my, "$ref", "this value"))
		FAIL();
	if (node->dynamic_ref)
	{
		EtNode	   *target = node->dynamic_anchor ? DynamicTarget(st, node) : node->dynamic_ref;

		if (!EvalChild(st, target, inst, my, "$dynamicRef", "this value"))
			FAIL();
	}
	for (i = 0; i < node->nall_of; i++)
		if (!EvalChild(st, node->all_of[i], inst, my, "allOf", "this value"))
			FAIL();
	if (node->nany_of)
	{
		int			first = -1,
					second = -1;

		if (EvalBranches(st, node->any_of, node->nany_of, inst, my, true,
						 &first, &second) == 0)
		{
			REPORT(st, "anyOf", "value does not match any of the %d schemas in \"anyOf\"",
				   node->nany_of);
			FAIL();
		}
	}
	if (node->none_of)
	{
		int			first = -1,
					second = -1;
		int			passed = EvalBranches(st, node->one_of, node->none_of, inst,
										  my, false, &first, &second);

		if (passed == 0)
		{
			REPORT(st, "oneOf", "value does not match any of the %d schemas in \"oneOf\"",
				   node->none_of);
			FAIL();
		}
		else if (passed > 1)
		{
			REPORT(st, "oneOf", "value matches more than one schema in \"oneOf\" (%d and %d)",
				   first, second);
			FAIL();
		}
	}
	if (node->not)
	{
		bool		saved = st->collect;
		bool		ok;

		st->collect = false;
		ok = EvalChild(st, node->not, inst, NULL, "not", "");
		st->collect = saved;
		if (ok)
		{
			REPORT(st, "not", "value must not match the \"not\" schema");
			FAIL();
		}
	}
	if (node->if_)
	{
		bool		saved = st->collect;
		bool		ok;
		Annot		ifann;

		if (my)
			AnnotInit(&ifann, inst);
		st->collect = false;
		ok = EvalChild(st, node->if_, inst, my ? &ifann : NULL, "if", "");
		st->collect = saved;
		if (ok)
		{
			if (my)
				AnnotMerge(my, &ifann);
			if (node->then_ && !EvalChild(st, node->then_, inst, my, "then", "this value"))
				FAIL();
		}
		else if (node->else_ && !EvalChild(st, node->else_, inst, my, "else", "this value"))
			FAIL();
	}

	/* unevaluated*: last, once every other keyword has had its say */
unevaluated:
	if (!node->has_unevaluated)
		goto done;
	if (node->unevaluated_properties && JbIsObject(inst))
	{
		JbIter		it;
		JsonbValue	key,
					val;

		JbIterInit(&it, inst);
		while (JbObjectNext(&it, &key, &val))
		{
			int			k = it.i - 1;

			if (AnnotGet(my, k))
				continue;
			PushKey(st, key.val.string.val, key.val.string.len);
			if (!EvalChild(st, node->unevaluated_properties, &val, NULL,
						   "unevaluatedProperties", PropertyWhat(st, &key)))
			{
				PopPath(st);
				FAIL();
				continue;
			}
			PopPath(st);
			AnnotSet(my, k);
		}
	}
	if (node->unevaluated_items && JbIsArray(inst))
	{
		JbIter		it;
		JsonbValue	elem;

		JbIterInit(&it, inst);
		while (JbArrayNext(&it, &elem))
		{
			int			k = it.i - 1;

			if (AnnotGet(my, k))
				continue;
			PushIndex(st, k);
			if (!EvalChild(st, node->unevaluated_items, &elem, NULL,
						   "unevaluatedItems", "this item"))
			{
				PopPath(st);
				FAIL();
				continue;
			}
			PopPath(st);
			AnnotSet(my, k);
		}
	}
#undef FAIL

done:
	if (my == &local && ann != NULL && valid)
		AnnotMerge(ann, &local);
	if (pushed)
		st->scopelen--;
	st->depth--;
	st->nesting--;
	return valid;
}

/*
 * Path and scope stacks start in buffers on the C stack, so a validation
 * allocates nothing unless the document is deep or errors are reported.
 */
#define INITIAL_STACK 32

static bool
Run(EvalState *st, EtNode *entry, const JsonbValue *instance)
{
	PathSeg		path[INITIAL_STACK];
	EtResource *scope[INITIAL_STACK];

	st->path = path;
	st->pathcap = INITIAL_STACK;
	st->scope = scope;
	st->scopecap = INITIAL_STACK;
	return EvalNode(st, entry, instance, NULL);
}

bool
EtValidate(EtProgram *prog, EtNode *entry, const JsonbValue *instance)
{
	EvalState	st = {0};
	EtErrorList none = {0};
	bool		generated = false;
	bool		valid;

	if (entry == NULL)
		entry = prog->root;
	st.collect = false;
	st.errors = &none;
	st.format_assert = prog->assert_formats || et_format_assertion;

	/* a built-in schema compiled to C decides alike, faster (generated.c) */
	if (unlikely(entry->generated != NULL) &&
		et_generated_validators != ET_GENERATED_OFF)
	{
		generated = entry->generated(instance, st.format_assert);
		if (et_generated_validators == ET_GENERATED_ON)
			return generated;
	}
	valid = Run(&st, entry, instance);
	if (entry->generated != NULL &&
		et_generated_validators == ET_GENERATED_VERIFY && valid != generated)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("generated validator and evaluator disagree on %s",
						ValueText(instance)),
				 errdetail("The generated code says %s, evaluate.c says %s.",
						   generated ? "valid" : "invalid", valid ? "valid" : "invalid")));
	return valid;
}

bool
EtValidateCollect(EtProgram *prog, EtNode *entry, const JsonbValue *instance,
				  const char *path_prefix, EtErrorList *errors)
{
	EvalState	st = {0};
	int			before = errors->count;
	bool		valid;

	st.collect = true;
	st.errors = errors;
	st.format_assert = prog->assert_formats || et_format_assertion;
	st.path_prefix = path_prefix;
	valid = Run(&st, entry ? entry : prog->root, instance);
	/* every failure reports at least one error; belt and braces */
	if (!valid && errors->count == before)
		AddError(&st, "false", "value is not valid");
	return valid;
}
