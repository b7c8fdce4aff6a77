/*-------------------------------------------------------------------------
 *
 * jsonb_access.h
 *	  Zero-copy access to the JSONB binary format for the validator.
 *
 * JsonbIteratorNext() allocates an iterator per container and walks every
 * token; the validator instead needs random access to keys and elements
 * with no allocation at all.  These helpers decode JEntry headers exactly
 * as jsonb_util.c's fillJsonbValue() does (the on-disk format is stable:
 * pg_upgrade relies on it), keeping a running offset while iterating so
 * each step is O(1).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_JSONB_ACCESS_H
#define ET_JSONB_ACCESS_H

#include "port/pg_bswap.h"
#include "utils/jsonb.h"

/*
 * Fill *v from child 'index' of 'jc', whose data starts at base + offset
 * and ends at base + end (iterators know both from their running offsets,
 * which spares getJsonbLength() its walk back to the last stored offset).
 */
static pg_attribute_always_inline void
JbFill(JsonbContainer *jc, int index, char *base, uint32 offset, uint32 end,
	   JsonbValue *v)
{
	JEntry		entry = jc->children[index];

	if (JBE_ISSTRING(entry))
	{
		v->type = jbvString;
		v->val.string.val = base + offset;
		v->val.string.len = end - offset;
	}
	else if (JBE_ISNUMERIC(entry))
	{
		v->type = jbvNumeric;
		v->val.numeric = (Numeric) (base + INTALIGN(offset));
	}
	else if (JBE_ISCONTAINER(entry))
	{
		v->type = jbvBinary;
		v->val.binary.data = (JsonbContainer *) (base + INTALIGN(offset));
		v->val.binary.len = end - INTALIGN(offset);
	}
	else if (JBE_ISNULL(entry))
		v->type = jbvNull;
	else
	{
		v->type = jbvBool;
		v->val.boolean = JBE_ISBOOL_TRUE(entry);
	}
}

/* Advance a running offset past child 'index' (cf. JBE_ADVANCE_OFFSET). */
static inline uint32
JbAdvance(JsonbContainer *jc, int index, uint32 offset)
{
	JEntry		entry = jc->children[index];

	if (JBE_HAS_OFF(entry))
		return JBE_OFFLENFLD(entry);
	return offset + JBE_OFFLENFLD(entry);
}

/*
 * The value at the root of a jsonb datum.  A root scalar is stored as a
 * one-element array flagged JB_FSCALAR; unwrap it so callers see the scalar.
 */
static inline void
JbRootValue(Jsonb *jb, JsonbValue *v)
{
	JsonbContainer *jc = &jb->root;

	if (JsonContainerIsScalar(jc))
		JbFill(jc, 0, (char *) &jc->children[1], 0, getJsonbLength(jc, 0), v);
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = jc;
		v->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
}

static inline bool
JbIsObject(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

static inline bool
JbIsArray(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

static inline int
JbCount(const JsonbValue *v)
{
	return JsonContainerSize(v->val.binary.data);
}

/*
 * Sequential iteration over an object's pairs or an array's elements.
 * Keys of an object come out in JSONB order: shorter first, then bytewise.
 */
typedef struct JbIter
{
	JsonbContainer *jc;
	int			count;
	int			i;
	char	   *base;
	uint32		koff;			/* running offset of the next key */
	uint32		voff;			/* running offset of the next value */
} JbIter;

static inline void
JbIterInit(JbIter *it, const JsonbValue *container)
{
	JsonbContainer *jc = container->val.binary.data;

	it->jc = jc;
	it->count = JsonContainerSize(jc);
	it->i = 0;
	it->koff = 0;
	if (JsonContainerIsObject(jc))
	{
		it->base = (char *) &jc->children[it->count * 2];
		it->voff = it->count > 0 ? getJsonbOffset(jc, it->count) : 0;
	}
	else
	{
		it->base = (char *) &jc->children[it->count];
		it->voff = 0;
	}
}

static pg_attribute_always_inline bool
JbObjectNext(JbIter *it, JsonbValue *key, JsonbValue *val)
{
	int			i = it->i;
	uint32		kend,
				vend;

	if (i >= it->count)
		return false;
	kend = JbAdvance(it->jc, i, it->koff);
	vend = JbAdvance(it->jc, it->count + i, it->voff);
	/* object keys are always strings */
	key->type = jbvString;
	key->val.string.val = it->base + it->koff;
	key->val.string.len = kend - it->koff;
	JbFill(it->jc, it->count + i, it->base, it->voff, vend, val);
	it->koff = kend;
	it->voff = vend;
	it->i++;
	return true;
}

static pg_attribute_always_inline bool
JbArrayNext(JbIter *it, JsonbValue *elem)
{
	int			i = it->i;
	uint32		end;

	if (i >= it->count)
		return false;
	end = JbAdvance(it->jc, i, it->voff);
	JbFill(it->jc, i, it->base, it->voff, end, elem);
	it->voff = end;
	it->i++;
	return true;
}

/* Look a key up in an object value (binary search, no allocation). */
static inline bool
JbObjectGet(const JsonbValue *obj, const char *key, int keylen, JsonbValue *out)
{
	return getKeyJsonValueFromContainer(obj->val.binary.data, key, keylen,
										out) != NULL;
}

/* Big-endian loads: comparing them compares the bytes as memcmp does */
static pg_attribute_always_inline uint64
JbLoad8(const char *p)
{
	uint64		x;

	memcpy(&x, p, 8);
#ifndef WORDS_BIGENDIAN
	x = pg_bswap64(x);
#endif
	return x;
}

static pg_attribute_always_inline uint32
JbLoad4(const char *p)
{
	uint32		x;

	memcpy(&x, p, 4);
#ifndef WORDS_BIGENDIAN
	x = pg_bswap32(x);
#endif
	return x;
}

#define JB_CMP_WORDS(x, y) \
	do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/*
 * JSONB's object key order: length first, then bytes (lengthCompareJsonbString).
 *
 * Keys are short and usually equal, so they are compared a word at a time
 * and the tail is one more word that overlaps the bytes already found
 * equal, not a byte loop: "eventGroupTitle" (15 bytes) takes two 8-byte
 * compares.  Words are loaded big-endian, so the first differing byte
 * decides the order.
 */
static inline int
JbKeyCompare(const char *a, int alen, const char *b, int blen)
{
	int			i;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen >= 8)
	{
		for (i = 0; i + 8 < alen; i += 8)
			JB_CMP_WORDS(JbLoad8(a + i), JbLoad8(b + i));
		JB_CMP_WORDS(JbLoad8(a + alen - 8), JbLoad8(b + alen - 8));
	}
	else if (alen >= 4)
	{
		JB_CMP_WORDS(JbLoad4(a), JbLoad4(b));
		JB_CMP_WORDS(JbLoad4(a + alen - 4), JbLoad4(b + alen - 4));
	}
	else
	{
		for (i = 0; i < alen; i++)
			JB_CMP_WORDS((unsigned char) a[i], (unsigned char) b[i]);
	}
	return 0;
}

#undef JB_CMP_WORDS

#endif							/* ET_JSONB_ACCESS_H */
