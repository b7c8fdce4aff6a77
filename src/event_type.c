/*-------------------------------------------------------------------------
 *
 * event_type.c
 *	  The event_type base type: text and binary I/O, comparison and hashing
 *	  support for the btree and hash operator classes, casts to and from
 *	  text, and the source() / name() accessors.
 *
 * An event_type value is the persistent int4 code of a catalogued event
 * type (see catalog.h), stored by value.  Its text form is "source.NAME",
 * e.g. "gym.CUSTOMER_CREATED".  Input rules (ParseEventTypeName):
 *
 *	- leading and trailing whitespace is ignored, as int4in does;
 *	- "source.NAME" must match a catalogued type exactly: names are
 *	  case-sensitive (sources lower case, names upper case, as the vendors
 *	  spell them), and a near miss gets a "did you mean" hint;
 *	- an unqualified "NAME" is accepted when exactly one source has it.
 *
 * Values sort by (source, name), not by code: see EtSortRank().
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <limits.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"
#include "utils/varlena.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"				/* VARDATA_ANY: no longer in postgres.h */
#endif

#include "catalog.h"
#include "event_types.h"

/*
 * Before PG 16 there are no soft errors: input functions always throw.
 * This gives ParseEventTypeName() one spelling for all versions.
 */
#if PG_VERSION_NUM < 160000
#define ereturn(context, dummy_value, ...) \
	do { \
		(void) (context); \
		ereport(ERROR, __VA_ARGS__); \
		return dummy_value; \
	} while (0)
#endif

/* First byte of the binary form: the layout of what follows */
#define ET_BINARY_VERSION 1

/* Longest input for which a "did you mean" hint is computed */
#define ET_MAX_SUGGEST_INPUT 128

/* At most this many equally close names are suggested */
#define ET_MAX_SUGGESTIONS 3

static bool ParseEventTypeName(const char *str, int len, Node *escontext,
							   int32 *result);
static char *SuggestEventTypes(const char *key, int keylen);
static char *ListSources(void);
static int	CompareDefsByRank(const void *a, const void *b);
static int	CompareEventTypes(int32 a, int32 b);

/*
 * Parse the text form of an event_type (str, len bytes, need not be
 * NUL-terminated) into its code.  Shared by event_type_in, event_type_recv
 * and the cast from text, so all three accept exactly the same values.
 *
 * Returns false after reporting a soft error through escontext (PG 16+,
 * when the caller passed one); otherwise errors are thrown.
 */
static bool
ParseEventTypeName(const char *str, int len, Node *escontext, int32 *result)
{
	const char *key = str;
	int			keylen = len;
	const char *dot;
	const EtEventTypeDef *found = NULL;
	char	   *input;
	char	   *hint;

	/* trim whitespace on both sides, like int4in */
	while (keylen > 0 && isspace((unsigned char) key[0]))
	{
		key++;
		keylen--;
	}
	while (keylen > 0 && isspace((unsigned char) key[keylen - 1]))
		keylen--;

	if (keylen == 0)
		ereturn(escontext, false,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"event_type", pnstrdup(str, len)),
				 errdetail("An event type is written source.NAME, for example gym.CUSTOMER_CREATED.")));

	/* text and cstring cannot hold NUL, but the binary form could */
	if (memchr(key, '\0', keylen) != NULL)
		ereturn(escontext, false,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s",
						"event_type"),
				 errdetail("The value contains a NUL byte.")));

	dot = memchr(key, '.', keylen);
	if (dot != NULL)
	{
		int			srclen = dot - key;
		EtSource	source = EtSourceLookup(key, srclen);

		if (source == ET_SOURCE_NONE)
		{
			input = pnstrdup(key, keylen);
			hint = SuggestEventTypes(key, keylen);
			ereturn(escontext, false,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("unknown source \"%s\" in event type \"%s\"",
							pnstrdup(key, srclen), input),
					 errdetail("The known sources are %s.", ListSources()),
					 hint ? errhint("%s", hint) : 0));
		}
		found = EtLookupByName(source, dot + 1, keylen - srclen - 1);
	}
	else
	{
		const EtEventTypeDef *candidates[ET_SOURCE_COUNT];
		int			ncandidates = 0;
		int			s;

		for (s = 1; s <= ET_SOURCE_COUNT; s++)
		{
			const EtEventTypeDef *def = EtLookupByName((EtSource) s, key, keylen);

			if (def != NULL)
				candidates[ncandidates++] = def;
		}
		if (ncandidates > 1)
		{
			StringInfoData list;
			int			i;

			/* list them in sort order, as everywhere else */
			qsort(candidates, ncandidates, sizeof(EtEventTypeDef *),
				  CompareDefsByRank);
			initStringInfo(&list);
			for (i = 0; i < ncandidates; i++)
				appendStringInfo(&list, "%s\"%s\"",
								 i == 0 ? "" : (i == ncandidates - 1 ? " and " : ", "),
								 candidates[i]->qualified_name);
			ereturn(escontext, false,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("event type \"%s\" is ambiguous",
							pnstrdup(key, keylen)),
					 errdetail("Candidates are %s.", list.data),
					 errhint("Qualify the name with its source.")));
		}
		if (ncandidates == 1)
			found = candidates[0];
	}

	if (found == NULL)
	{
		input = pnstrdup(key, keylen);
		hint = SuggestEventTypes(key, keylen);
		ereturn(escontext, false,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unknown event type \"%s\"", input),
				 hint ? errhint("%s", hint) : 0));
	}

	*result = found->code;
	return true;
}

/*
 * The "did you mean" hint for an unknown input, or NULL when no catalogued
 * name is close.  Closeness is the Levenshtein distance after folding to
 * upper case, to the qualified or the unqualified name, whichever is
 * closer (a qualified input's name part found in another source counts as
 * one edit away); a name is close when the distance is at most a quarter of
 * its length, plus one.  All equally close names are suggested (up to
 * ET_MAX_SUGGESTIONS), always in the qualified form, which is never
 * ambiguous.  Runs only on the error path.
 */
static char *
SuggestEventTypes(const char *key, int keylen)
{
	const EtEventTypeDef **best;
	int			nbest = 0;
	int			bestdist = INT_MAX;
	char	   *ukey;
	char	   *uname;
	char	   *uform;
	int			i;
	StringInfoData hint;

	if (keylen > ET_MAX_SUGGEST_INPUT)
		return NULL;
	ukey = pnstrdup(key, keylen);
	for (i = 0; i < keylen; i++)
		ukey[i] = pg_toupper((unsigned char) ukey[i]);
	/* the name part of a qualified input, to find it in another source */
	uname = memchr(ukey, '.', keylen);
	if (uname != NULL)
		uname++;
	best = palloc(sizeof(EtEventTypeDef *) * et_event_type_count);

	for (i = 0; i < et_event_type_count; i++)
	{
		const EtEventTypeDef *def = &et_event_types[i];
		int			dist = INT_MAX;
		int			f;

		/*
		 * Forms compared: the whole input against the qualified name and
		 * against the unqualified name, and the input's name part against
		 * the unqualified name, one edit added for the wrong source.
		 */
		for (f = 0; f < 3; f++)
		{
			const char *form = (f == 0) ? def->qualified_name : def->name;
			const char *probe = (f == 2) ? uname : ukey;
			int			formlen = strlen(form);
			int			d;
			char	   *p;

			if (probe == NULL)
				continue;
			uform = pstrdup(form);
			for (p = uform; *p; p++)
				*p = pg_toupper((unsigned char) *p);
			d = varstr_levenshtein(probe, keylen - (probe - ukey),
								   uform, formlen, 1, 1, 1, true);
			if (f == 2)
				d++;
			if (d <= 1 + formlen / 4)
				dist = Min(dist, d);
			pfree(uform);
		}
		if (dist == INT_MAX || dist > bestdist)
			continue;
		if (dist < bestdist)
		{
			bestdist = dist;
			nbest = 0;
		}
		best[nbest++] = def;
	}
	pfree(ukey);

	if (nbest == 0)
		return NULL;

	/* list ties in sort order (et_event_types is in code order) */
	qsort(best, nbest, sizeof(EtEventTypeDef *), CompareDefsByRank);

	initStringInfo(&hint);
	appendStringInfoString(&hint, "Did you mean ");
	for (i = 0; i < Min(nbest, ET_MAX_SUGGESTIONS); i++)
		appendStringInfo(&hint, "%s\"%s\"",
						 i == 0 ? "" : (i == Min(nbest, ET_MAX_SUGGESTIONS) - 1 ? " or " : ", "),
						 best[i]->qualified_name);
	appendStringInfoChar(&hint, '?');
	if (bestdist == 0)
		appendStringInfoString(&hint, " Sources are written in lower case and event type names in upper case.");
	pfree(best);
	return hint.data;
}

/* qsort comparator: pointers to definitions, in sort rank order */
static int
CompareDefsByRank(const void *a, const void *b)
{
	int			ra = EtSortRank(*(const EtEventTypeDef *const *) a);
	int			rb = EtSortRank(*(const EtEventTypeDef *const *) b);

	return (ra > rb) - (ra < rb);
}

/* "court_booking, gym and ticketing": the known sources, sorted */
static char *
ListSources(void)
{
	const char *names[ET_SOURCE_COUNT];
	StringInfoData buf;
	int			i,
				j;

	for (i = 0; i < ET_SOURCE_COUNT; i++)
	{
		/* insertion sort: three elements */
		const char *name = EtSourceName((EtSource) (i + 1));

		for (j = i; j > 0 && strcmp(names[j - 1], name) > 0; j--)
			names[j] = names[j - 1];
		names[j] = name;
	}
	initStringInfo(&buf);
	for (i = 0; i < ET_SOURCE_COUNT; i++)
		appendStringInfo(&buf, "%s%s",
						 i == 0 ? "" : (i == ET_SOURCE_COUNT - 1 ? " and " : ", "),
						 names[i]);
	return buf.data;
}

/*
 * Text input.  On PG 16+ errors are soft when the caller asks (so that
 * pg_input_is_valid() works).
 */
ET_FUNCTION_INFO(event_type_in);
Datum
event_type_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int32		code;

	if (!ParseEventTypeName(str, strlen(str), fcinfo->context, &code))
		PG_RETURN_NULL();
	PG_RETURN_INT32(code);
}

/* Text output: the canonical "source.NAME" */
ET_FUNCTION_INFO(event_type_out);
Datum
event_type_out(PG_FUNCTION_ARGS)
{
	const EtEventTypeDef *def = EtLookupByCodeOrError(PG_GETARG_INT32(0));

	PG_RETURN_CSTRING(pstrdup(def->qualified_name));
}

/*
 * Binary input: a version byte, then the name as text.  The name goes
 * through the same parser as text input.  The code is not sent, so a
 * client never depends on the numbering.
 */
ET_FUNCTION_INFO(event_type_recv);
Datum
event_type_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *str;
	int			nbytes;
	int32		code;

	if (version != ET_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type %s",
						version, "event_type"),
				 errdetail("This version of event_types reads binary format version %d.",
						   ET_BINARY_VERSION)));
	str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	(void) ParseEventTypeName(str, nbytes, NULL, &code);
	pfree(str);
	PG_RETURN_INT32(code);
}

/* Binary output: version byte ET_BINARY_VERSION, then the canonical name */
ET_FUNCTION_INFO(event_type_send);
Datum
event_type_send(PG_FUNCTION_ARGS)
{
	const EtEventTypeDef *def = EtLookupByCodeOrError(PG_GETARG_INT32(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, ET_BINARY_VERSION);
	pq_sendtext(&buf, def->qualified_name, strlen(def->qualified_name));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Three-way comparison in (source, name) order.  Equal codes are equal
 * without a lookup; otherwise both codes must be known (an unknown code is
 * an error rather than an arbitrary position).
 */
static int
CompareEventTypes(int32 a, int32 b)
{
	if (a == b)
		return 0;
	return EtSortRank(EtLookupByCodeOrError(a)) <
		EtSortRank(EtLookupByCodeOrError(b)) ? -1 : 1;
}

/*
 * The operators' functions.  "=" and "<>" compare codes directly (one code
 * per type), so they need no catalogue lookup and cannot fail.
 */
ET_FUNCTION_INFO(event_type_eq);
Datum
event_type_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_INT32(0) == PG_GETARG_INT32(1));
}

ET_FUNCTION_INFO(event_type_ne);
Datum
event_type_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_INT32(0) != PG_GETARG_INT32(1));
}

ET_FUNCTION_INFO(event_type_lt);
Datum
event_type_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareEventTypes(PG_GETARG_INT32(0), PG_GETARG_INT32(1)) < 0);
}

ET_FUNCTION_INFO(event_type_le);
Datum
event_type_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareEventTypes(PG_GETARG_INT32(0), PG_GETARG_INT32(1)) <= 0);
}

ET_FUNCTION_INFO(event_type_gt);
Datum
event_type_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareEventTypes(PG_GETARG_INT32(0), PG_GETARG_INT32(1)) > 0);
}

ET_FUNCTION_INFO(event_type_ge);
Datum
event_type_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareEventTypes(PG_GETARG_INT32(0), PG_GETARG_INT32(1)) >= 0);
}

/* btree support function 1 */
ET_FUNCTION_INFO(event_type_cmp);
Datum
event_type_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CompareEventTypes(PG_GETARG_INT32(0), PG_GETARG_INT32(1)));
}

/* SortSupport comparator: the same order without the fmgr call overhead */
static int
EventTypeFastCmp(Datum x, Datum y, SortSupport ssup)
{
	return CompareEventTypes(DatumGetInt32(x), DatumGetInt32(y));
}

/* btree support function 2 */
ET_FUNCTION_INFO(event_type_sortsupport);
Datum
event_type_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = EventTypeFastCmp;
	PG_RETURN_VOID();
}

/*
 * Hash support.  Equal values have equal codes, so hashing the code is
 * consistent with "="; codes are never renumbered, so hash indexes also
 * survive upgrades.
 */
ET_FUNCTION_INFO(event_type_hash);
Datum
event_type_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_INT32(0));
}

ET_FUNCTION_INFO(event_type_hash_extended);
Datum
event_type_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_INT32(0),
								PG_GETARG_INT64(1));
}

/* Cast to text: the canonical name */
ET_FUNCTION_INFO(event_type_to_text);
Datum
event_type_to_text(PG_FUNCTION_ARGS)
{
	const EtEventTypeDef *def = EtLookupByCodeOrError(PG_GETARG_INT32(0));

	PG_RETURN_TEXT_P(cstring_to_text(def->qualified_name));
}

/* Cast from text: the same rules as text input */
ET_FUNCTION_INFO(event_type_from_text);
Datum
event_type_from_text(PG_FUNCTION_ARGS)
{
	text	   *txt = PG_GETARG_TEXT_PP(0);
	int32		code;

	(void) ParseEventTypeName(VARDATA_ANY(txt), VARSIZE_ANY_EXHDR(txt),
							  NULL, &code);
	PG_RETURN_INT32(code);
}

/* event_types.source(event_type): "gym" */
ET_FUNCTION_INFO(event_type_source);
Datum
event_type_source(PG_FUNCTION_ARGS)
{
	const EtEventTypeDef *def = EtLookupByCodeOrError(PG_GETARG_INT32(0));

	PG_RETURN_TEXT_P(cstring_to_text(def->source_name));
}

/* event_types.name(event_type): the unqualified name, "CUSTOMER_CREATED" */
ET_FUNCTION_INFO(event_type_name);
Datum
event_type_name(PG_FUNCTION_ARGS)
{
	const EtEventTypeDef *def = EtLookupByCodeOrError(PG_GETARG_INT32(0));

	PG_RETURN_TEXT_P(cstring_to_text(def->name));
}
