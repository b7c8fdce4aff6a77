/*-------------------------------------------------------------------------
 *
 * flatten.c
 *	  Verdict plans: "allOf" subschemas and "$ref" targets folded into the
 *	  node that holds them.
 *
 * Vendor schemas are built by composition.  A court-booking body is
 * {"allOf": [{"allOf": [{..."properties": {...}}, {"required": [...]}]}]},
 * a gym item {"allOf": [envelope, {"required": [...], "properties":
 * {...}}]}.  Evaluated as written, the instance is walked once per
 * subschema (an item of three keys twice, its "content" twice more), and a
 * name "required" by one subschema but listed in "properties" by another
 * is looked up by binary search.
 *
 * When only a verdict is wanted, "allOf" is a plain conjunction, and most
 * keywords constrain the instance without reading their siblings, so the
 * subschemas' keywords can be merged into one node: one walk over the
 * object, one schema per key, every "required" name counted during the
 * walk.  A property or "items" schema present on both sides becomes the
 * conjunction of the two, itself flattened, so {"type": "string",
 * "pattern": ...} and {"const": "X"} end up as a single leaf.
 *
 * The merged node is stored in EtNode.verdict and evaluate.c uses it only
 * when no errors are collected: error reports keep walking the schema as
 * written, so each error still comes from the keyword that found it.  The
 * fuzz harness (test/fuzz) checks on every case that both walks agree.
 *
 * The target of a "$ref" is an in-place subschema too, and is folded the
 * same way: the built-in event schemas are {"$ref": envelope, ...} with
 * the envelope's keywords and the type's own walking the same object.
 *
 * A subschema is folded only if nothing it contains could tell the
 * difference:
 *	- it is not a boolean, and belongs to the same document (same
 *	  "format" vocabulary);
 *	- it belongs to the same schema resource, or else all the subschemas
 *	  it holds belong to its resource: evaluating them enters that
 *	  resource first, so the dynamic scope ($dynamicRef) they see is the
 *	  same as when the subschema itself entered it (one holding a
 *	  subschema of yet another resource would leave its own out);
 *	- neither it nor the parent has a keyword that reads its siblings in
 *	  a way merging would change: patternProperties (which properties are
 *	  "additional"), prefixItems (where "items" starts), contains (with
 *	  min/maxContains), unevaluated* (annotations of the node);
 *	- additionalProperties, which reads the "properties" beside it, on
 *	  one side at most, and the other side lists no property name it
 *	  does not (ticketing: the envelope part names only "metadata", which
 *	  the closed body part lists too), so the same names stay additional;
 *	- it has no $ref or $dynamicRef of its own (left where they are, so
 *	  $ref cycles are still caught by evaluate.c's depth limit);
 *	- no keyword would be present twice with different values that
 *	  cannot be combined (two patterns, two "if"s, two "const"s, ...):
 *	  such a subschema stays in the merged node's "allOf", as written.
 * Numeric and length bounds combine to the stricter one, "type" to the
 * intersection, "required" to the union, a "const" with an "enum" that
 * lists it to the "const".
 *
 * A merged node checks its keywords in its own order, and a verdict stops
 * at the first failure.  Where some keyword would raise an ERROR (an
 * in-place $ref cycle, an instance nested too deep) and another fails,
 * the merged node may answer false where the schema as written raised the
 * ERROR, or the other way round; JSON Schema gives keywords no order, and
 * the ERROR only ever means the schema or instance is beyond the
 * validator's limits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/hsearch.h"

#include "jsonb_access.h"
#include "schema.h"

/*
 * Flattening one program.  A property or "items" schema on both sides of a
 * fold becomes the conjunction of its two schemas, itself flattened; with
 * recursive schemas ({"properties": {"a": {"$ref": "#"}}} on both sides)
 * that conjunction holds the same pair again, so each pair gets one node,
 * remembered before it is flattened: the second time round the pair is
 * answered by the node under construction, evaluated as written.  The
 * depth and the number of conjunctions are bounded too (past the bounds,
 * nodes are evaluated as written: slower, never wrong).
 */
typedef struct ConjKey
{
	EtNode	   *a;
	EtNode	   *b;
	EtResource *resource;		/* of the node they are merged into */
	bool		format_assert;
} ConjKey;

typedef struct ConjEntry
{
	ConjKey		key;
	EtNode	   *node;
} ConjEntry;

struct EtFlattenState
{
	MemoryContext cxt;			/* the program's: merged nodes live there */
	HTAB	   *conjunctions;	/* ConjKey -> ConjEntry */
	int			nconjunctions;
	int			depth;			/* Flatten() frames on the C stack */
};

#define FLATTEN_MAX_DEPTH			32
#define FLATTEN_MAX_CONJUNCTIONS	10000

static EtNode *Flatten(EtFlattenState *fs, EtNode *node);

/* What evaluates in place of 'n' for a verdict, as far as known yet */
static inline EtNode *
Planned(EtNode *n)
{
	return n->verdict ? n->verdict : n;
}

#define HAS_VALUE(n)	((n)->has_const || (n)->nenum >= 0)
#define HAS_NUMBER(n)	((n)->minimum || (n)->maximum || (n)->exclusive_minimum || \
						 (n)->exclusive_maximum || (n)->multiple_of)

/*
 * Keywords whose meaning depends on other keywords of the same node, in a
 * way that merging would change (additionalProperties: see CanFold)
 */
static bool
ReadsSiblings(const EtNode *n)
{
	return n->has_unevaluated || n->npattern_properties ||
		n->nprefix_items || n->contains;
}

/* Every "properties" name of 'a' is also one of 'b' (both sorted) */
static bool
PropertyNamesWithin(const EtNode *a, const EtNode *b)
{
	int			j = 0;
	int			i;

	for (i = 0; i < a->nproperties; i++)
	{
		int			cmp = 1;

		while (j < b->nproperties &&
			   (cmp = JbKeyCompare(b->properties[j].key, b->properties[j].keylen,
								   a->properties[i].key, a->properties[i].keylen)) < 0)
			j++;
		if (j == b->nproperties || cmp != 0)
			return false;
	}
	return true;
}

/* const only, no enum (and the other way round) */
#define CONST_ONLY(n)	((n)->has_const && (n)->nenum < 0)
#define ENUM_ONLY(n)	(!(n)->has_const && (n)->nenum >= 0)

/* 'e' has an enum (only) that lists the const of 'k' (only) */
static bool
EnumListsConst(const EtNode *e, const EtNode *k)
{
	int			i;

	if (!ENUM_ONLY(e) || !CONST_ONLY(k))
		return false;
	for (i = 0; i < e->nenum; i++)
		if (EtJsonbEqual(&e->enum_values[i], &k->const_value))
			return true;
	return false;
}

/* "type" of a value that must satisfy both masks; 0 if none can */
static uint8
TypeIntersection(uint8 a, uint8 b)
{
	const uint8 num = ET_T_NUMBER | ET_T_INTEGER;
	uint8		t;

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	t = a & b & ~num;
	if ((a & ET_T_NUMBER) && (b & ET_T_NUMBER))
		t |= ET_T_NUMBER;
	else if ((a & num) && (b & num))
		t |= ET_T_INTEGER;		/* a number and an integer: an integer */
	return t;
}

/* The stricter of two upper bounds, -1 meaning none */
static int32
MinLimit(int32 a, int32 b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return Min(a, b);
}

static inline bool
InResource(const EtNode *child, const EtResource *r)
{
	return child == NULL || child->is_boolean || child->resource == r;
}

/* Every subschema 'c' holds belongs to c's own resource */
static bool
ChildrenInResource(const EtNode *c)
{
	const EtResource *r = c->resource;
	int			i;

	for (i = 0; i < c->nproperties; i++)
		if (!InResource(c->properties[i].node, r))
			return false;
	for (i = 0; i < c->ndependent_schemas; i++)
		if (!InResource(c->dependent_schemas[i].node, r))
			return false;
	for (i = 0; i < c->nall_of; i++)
		if (!InResource(c->all_of[i], r))
			return false;
	for (i = 0; i < c->nany_of; i++)
		if (!InResource(c->any_of[i], r))
			return false;
	for (i = 0; i < c->none_of; i++)
		if (!InResource(c->one_of[i], r))
			return false;
	/* patternProperties, prefixItems, contains, unevaluated*: not folded */
	return InResource(c->additional_properties, r) &&
		InResource(c->property_names, r) && InResource(c->items, r) &&
		InResource(c->not, r) && InResource(c->if_, r) &&
		InResource(c->then_, r) && InResource(c->else_, r);
}

/* Whether subschema 'c' can be folded into 'm' (see the file header) */
static bool
CanFold(const EtNode *m, const EtNode *c)
{
	if (c->is_boolean || c->format_assert != m->format_assert)
		return false;
	if (c->resource != m->resource && !ChildrenInResource(c))
		return false;
	if (ReadsSiblings(c) || c->ref || c->dynamic_ref)
		return false;
	if (m->additional_properties && c->additional_properties)
		return false;
	if (m->additional_properties && !PropertyNamesWithin(c, m))
		return false;
	if (c->additional_properties && !PropertyNamesWithin(m, c))
		return false;
	if (m->types && c->types && TypeIntersection(m->types, c->types) == 0)
		return false;
	if (HAS_VALUE(m) && HAS_VALUE(c) &&
		!EnumListsConst(m, c) && !EnumListsConst(c, m))
		return false;
	if (m->pattern && c->pattern)
		return false;
	if (m->format != ET_FORMAT_UNKNOWN && c->format != ET_FORMAT_UNKNOWN &&
		m->format != c->format)
		return false;
	if (HAS_NUMBER(m) && HAS_NUMBER(c))
		return false;
	if ((m->property_names && c->property_names) ||
		(m->ndependent_required && c->ndependent_required) ||
		(m->ndependent_schemas && c->ndependent_schemas))
		return false;
	if ((m->nany_of && c->nany_of) || (m->none_of && c->none_of) ||
		(m->not && c->not) || (m->if_ && c->if_))
		return false;
	return true;
}

/*
 * A node for "both a and b" inside 'm', flattened: one per pair (see
 * EtFlattenState).  It lives in m's resource, as the two schemas it holds
 * did (each still enters its own when evaluated).
 */
static EtNode *
Conjunction(EtFlattenState *fs, const EtNode *m, EtNode *a, EtNode *b)
{
	ConjKey		key;
	ConjEntry  *entry;
	bool		found;
	EtNode	   *s;

	if (a == b)
		return a;
	memset(&key, 0, sizeof(key));	/* the padding is hashed too */
	key.a = a;
	key.b = b;
	key.resource = m->resource;
	key.format_assert = m->format_assert;
	entry = hash_search(fs->conjunctions, &key, HASH_ENTER, &found);
	if (found)
		return entry->node;

	s = MemoryContextAlloc(fs->cxt, sizeof(EtNode));
	EtInitNode(s, m->resource, m->format_assert);
	s->nall_of = 2;
	s->all_of = MemoryContextAlloc(fs->cxt, sizeof(EtNode *) * 2);
	s->all_of[0] = a;
	s->all_of[1] = b;
	EtSummariseNode(fs->cxt, s);
	entry->node = s;			/* before flattening: see EtFlattenState */
	if (++fs->nconjunctions <= FLATTEN_MAX_CONJUNCTIONS)
		(void) Flatten(fs, s);
	if (s->verdict == NULL)
		s->verdict = s;			/* bounds reached: as written */
	return s;
}

/*
 * "properties" of both, in JSONB key order (both tables already are); a
 * name on both sides gets the conjunction of its two schemas.  The
 * "required" marks are cleared: EtSummariseNode sets them again.
 */
static void
MergeProperties(EtFlattenState *fs, EtNode *m, const EtNode *c)
{
	EtPropEntry *out = MemoryContextAlloc(fs->cxt, sizeof(EtPropEntry) *
										  Max(m->nproperties + c->nproperties, 1));
	int			i = 0,
				j = 0,
				n = 0;

	while (i < m->nproperties || j < c->nproperties)
	{
		int			cmp;

		if (i == m->nproperties)
			cmp = 1;
		else if (j == c->nproperties)
			cmp = -1;
		else
			cmp = JbKeyCompare(m->properties[i].key, m->properties[i].keylen,
							   c->properties[j].key, c->properties[j].keylen);
		if (cmp < 0)
			out[n] = m->properties[i++];
		else if (cmp > 0)
			out[n] = c->properties[j++];
		else
		{
			out[n] = m->properties[i];
			out[n].node = Conjunction(fs, m, m->properties[i].node,
									  c->properties[j].node);
			i++, j++;
		}
		out[n++].required = false;
	}
	m->properties = out;
	m->nproperties = n;
}

/* "required" of both, each name once */
static void
MergeRequired(EtFlattenState *fs, EtNode *m, const EtNode *c)
{
	JsonbValue *out;
	int			n = m->nrequired;
	int			j;

	if (c->nrequired == 0)
		return;
	out = MemoryContextAlloc(fs->cxt, sizeof(JsonbValue) * (m->nrequired + c->nrequired));
	if (m->nrequired > 0)
		memcpy(out, m->required, sizeof(JsonbValue) * m->nrequired);
	for (j = 0; j < c->nrequired; j++)
	{
		const JsonbValue *r = &c->required[j];
		int			i;

		for (i = 0; i < n; i++)
			if (JbKeyCompare(out[i].val.string.val, out[i].val.string.len,
							 r->val.string.val, r->val.string.len) == 0)
				break;
		if (i == n)
			out[n++] = *r;
	}
	m->required = out;
	m->nrequired = n;
}

/* Add 'c' to the keywords of 'm'; CanFold(m, c) holds */
static void
Fold(EtFlattenState *fs, EtNode *m, const EtNode *c)
{
	m->types = TypeIntersection(m->types, c->types);
	/* with values on both sides, one is a const the other's enum lists */
	if (HAS_VALUE(c) && !(HAS_VALUE(m) && CONST_ONLY(m)))
	{
		m->has_const = c->has_const;
		m->const_value = c->const_value;
		m->nenum = c->nenum;
		m->enum_values = c->enum_values;
	}

	m->min_length = Max(m->min_length, c->min_length);
	m->max_length = MinLimit(m->max_length, c->max_length);
	if (c->pattern)
	{
		m->pattern = c->pattern;
		m->pattern_source = c->pattern_source;
	}
	if (c->format != ET_FORMAT_UNKNOWN)
		m->format = c->format;

	if (HAS_NUMBER(c))
	{
		m->minimum = c->minimum;
		m->maximum = c->maximum;
		m->exclusive_minimum = c->exclusive_minimum;
		m->exclusive_maximum = c->exclusive_maximum;
		m->multiple_of = c->multiple_of;
	}

	if (c->nproperties)
		MergeProperties(fs, m, c);
	if (c->additional_properties)
		m->additional_properties = c->additional_properties;
	MergeRequired(fs, m, c);
	m->min_properties = Max(m->min_properties, c->min_properties);
	m->max_properties = MinLimit(m->max_properties, c->max_properties);
	if (c->property_names)
		m->property_names = c->property_names;
	if (c->ndependent_required)
	{
		m->ndependent_required = c->ndependent_required;
		m->dependent_required = c->dependent_required;
	}
	if (c->ndependent_schemas)
	{
		m->ndependent_schemas = c->ndependent_schemas;
		m->dependent_schemas = c->dependent_schemas;
	}

	if (c->items)
		m->items = m->items ? Conjunction(fs, m, m->items, c->items) : c->items;
	m->min_items = Max(m->min_items, c->min_items);
	m->max_items = MinLimit(m->max_items, c->max_items);
	m->unique_items |= c->unique_items;

	if (c->nany_of)
	{
		m->nany_of = c->nany_of;
		m->any_of = c->any_of;
	}
	if (c->none_of)
	{
		m->none_of = c->none_of;
		m->one_of = c->one_of;
	}
	if (c->not)
		m->not = c->not;
	if (c->if_)
	{
		m->if_ = c->if_;
		m->then_ = c->then_;
		m->else_ = c->else_;
	}
}

/*
 * The verdict plan of 'node' (see the file header), memoised in
 * node->verdict: the node itself, its alias's plan or a merged node.  Near
 * the depth bound a plan may be a node still to be planned, which then
 * evaluates as written (evaluate.c follows one verdict link): slower,
 * never wrong.
 */
static EtNode *
Flatten(EtFlattenState *fs, EtNode *node)
{
	EtNode	  **parts;
	EtNode	   *m;
	EtNode	  **residue;
	int			nparts;
	int			nresidue = 0;
	int			cap;
	bool		folded = false;
	int			i;

	if (node->verdict)
		return node->verdict;
	/* too deep: as written for now; a shallower call will plan it */
	if (fs->depth >= FLATTEN_MAX_DEPTH)
		return node;
	check_stack_depth();

	/* provisional: should a cycle lead back here, it sees the node as is */
	node->verdict = node;
	if (node->alias)
	{
		fs->depth++;
		node->verdict = Planned(Flatten(fs, node->alias));
		fs->depth--;
		return node->verdict;
	}
	if (node->is_boolean || ReadsSiblings(node) ||
		(node->nall_of == 0 && node->ref == NULL))
		return node;
	fs->depth++;

	/*
	 * The subschemas' own plans first, what gets folded is already flat:
	 * the $ref target (if any) first, then the "allOf" entries.
	 */
	nparts = node->nall_of + (node->ref ? 1 : 0);
	parts = palloc(sizeof(EtNode *) * nparts);
	if (node->ref)
		parts[0] = Flatten(fs, node->ref);
	for (i = 0; i < node->nall_of; i++)
		parts[nparts - node->nall_of + i] = Flatten(fs, node->all_of[i]);

	/*
	 * The merged node starts as a copy of this one without its "allOf" and
	 * "$ref", and with the "required" split undone (EtSummariseNode redoes
	 * it once everything is folded in).
	 */
	m = MemoryContextAlloc(fs->cxt, sizeof(EtNode));
	memcpy(m, node, sizeof(EtNode));
	m->alias = NULL;
	m->ref = NULL;
	m->nall_of = 0;
	m->all_of = NULL;
	m->nrequired_in_props = 0;
	m->nrequired_rest = 0;
	m->required_rest = NULL;
	cap = nparts;
	residue = palloc(sizeof(EtNode *) * cap);
	for (i = 0; i < nparts; i++)
	{
		EtNode	   *c = parts[i];
		bool		is_ref = (node->ref != NULL && i == 0);
		int			j;

		if (c->trivial)
		{
			folded = true;		/* true and {} add nothing to a conjunction */
			continue;
		}
		if (!CanFold(m, c))
		{
			if (is_ref)
				m->ref = node->ref; /* the $ref stays as written */
			else
				residue[nresidue++] = c;
			continue;
		}
		Fold(fs, m, c);
		folded = true;
		/* what the subschema could not fold stays, as its own "allOf" */
		if (c->nall_of)
		{
			cap += c->nall_of;
			residue = repalloc(residue, sizeof(EtNode *) * cap);
			for (j = 0; j < c->nall_of; j++)
				residue[nresidue++] = Planned(c->all_of[j]);
		}
	}
	pfree(parts);
	fs->depth--;

	if (!folded)
	{
		/* nothing merged: the node as written is as fast */
		pfree(residue);
		pfree(m);
		return node;
	}
	if (nresidue > 0)
	{
		m->all_of = MemoryContextAlloc(fs->cxt, sizeof(EtNode *) * nresidue);
		memcpy(m->all_of, residue, sizeof(EtNode *) * nresidue);
		m->nall_of = nresidue;
	}
	pfree(residue);

	/*
	 * SplitRequired marks "properties" entries: a table no fold replaced
	 * (MergeProperties builds its own) is still the node's, so copy it.
	 */
	if (m->nproperties && m->properties == node->properties)
	{
		EtPropEntry *props = MemoryContextAlloc(fs->cxt, sizeof(EtPropEntry) * m->nproperties);

		for (i = 0; i < m->nproperties; i++)
		{
			props[i] = node->properties[i];
			props[i].required = false;
		}
		m->properties = props;
	}
	EtSummariseNode(fs->cxt, m);
	m->verdict = m->alias ? Planned(m->alias) : m;
	node->verdict = m->verdict;
	return node->verdict;
}

/*
 * Flattening a program: EtFlattenBegin(), EtFlattenNode() for every node
 * the compiler made, EtFlattenEnd().  Merged nodes go to 'cxt' (the
 * program's context); the bookkeeping to CurrentMemoryContext.
 */
EtFlattenState *
EtFlattenBegin(MemoryContext cxt)
{
	EtFlattenState *fs = palloc0(sizeof(EtFlattenState));
	HASHCTL		ctl;

	fs->cxt = cxt;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ConjKey);
	ctl.entrysize = sizeof(ConjEntry);
	ctl.hcxt = CurrentMemoryContext;
	fs->conjunctions = hash_create("event_types conjunctions", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	return fs;
}

/* Set node->verdict: never NULL afterwards */
void
EtFlattenNode(EtFlattenState *fs, EtNode *node)
{
	Assert(fs->depth == 0);
	(void) Flatten(fs, node);
	Assert(node->verdict != NULL);
}

void
EtFlattenEnd(EtFlattenState *fs)
{
	hash_destroy(fs->conjunctions);
	pfree(fs);
}
