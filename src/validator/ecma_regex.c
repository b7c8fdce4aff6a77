/*-------------------------------------------------------------------------
 *
 * ecma_regex.c
 *	  ECMA-262 regular expressions for the JSON Schema validator ("pattern",
 *	  "patternProperties" and format "regex"), implemented by translating
 *	  the ECMA pattern into a PostgreSQL ARE and running it with
 *	  pg_regcomp/pg_regexec.
 *
 * The translation is a single left-to-right pass over the pattern (as code
 * points) that both checks ECMA syntax and writes the equivalent ARE.  The
 * dialect accepted is ECMA-262 with the "u" flag (Unicode code points,
 * \u{...}, \p{...}, strict escapes: "\a" is an error), which is what JSON
 * Schema 2020-12 asks for, plus these Annex B leniencies that real-world
 * schemas rely on: a "{" that does not start a quantifier and a lone "]"
 * or "}" are literals, any non-alphanumeric character may be escaped
 * ("\_", "\-" outside a class), and "-" next to a class escape inside a
 * class ("[\w-.]") is a literal.
 *
 * What is translated how:
 *	- \d \D \w \W \s \S and "." become explicit bracket expressions with the
 *	  exact ECMA sets (ASCII digits / word characters; WhiteSpace plus
 *	  LineTerminator for \s; "." excludes \n \r U+2028 U+2029), both inside
 *	  and outside classes.  Classes are computed as code point range sets
 *	  here (union, complement), so "[^\d\s]" and "[\D]" are exact.
 *	- \b \B become \y \Y.  We compile with the "C" collation, which makes
 *	  ARE's word characters exactly ASCII [A-Za-z0-9_], as in ECMA.
 *	- ^ and $ anchor at the start/end of the input only (no multiline flag
 *	  exists in JSON Schema; ARE without REG_NEWLINE does exactly that, and
 *	  "$" does not match before a trailing newline).
 *	- test() needs captures only for back-references, so only groups that
 *	  some back-reference points at become ARE capturing groups (renumbered
 *	  densely); all other groups, named or not, become (?:...).  \k<name>
 *	  and \N become ARE numbered back-references.  Lazy quantifiers are
 *	  made greedy: whether some match exists does not depend on
 *	  greediness, and it avoids ARE's mixed-greediness rules.
 *	- Patterns that are a plain literal, optionally anchored ("^abc",
 *	  "\\.json$", "^v1$"), are matched by byte comparison without the
 *	  regex engine.
 *	- \p{...} / \P{...}: General_Category values by short name, long name
 *	  or alias (L, Letter, Lu, Nd, digit, punct, ...), "gc=" /
 *	  "General_Category=" forms, and the binary properties Any, ASCII and
 *	  Assigned.  The tables (ucd.c) come from Unicode 14.
 *	- Quantifier bounds above ARE's limit of 255 are rewritten into
 *	  repeated copies ("x{300}" = "(?:x){255}(?:x){45}") when the atom
 *	  contains no back-referenced group.
 *
 * Known gaps (documented, rare in schemas):
 *	- Script / Script_Extensions properties (\p{Script=Greek}) and binary
 *	  properties other than Any/ASCII/Assigned (Alphabetic, Emoji, ...) are
 *	  rejected as unsupported.
 *	- ARE makes groups inside lookaround non-capturing and forbids
 *	  back-references inside lookaround; a back-reference that involves a
 *	  lookaround is rejected as unsupported.
 *	- A back-reference to a group that did not participate in the match
 *	  (e.g. "(a)?b\1" against "b") fails in ARE but matches the empty
 *	  string in ECMA.  References to groups that are not yet closed at that
 *	  point of the pattern (forward and self references) always match the
 *	  empty string in ECMA and are translated that way.
 *	- ECMA's empty-iteration check and capture reset per iteration only
 *	  matter through back-references, same caveat as above.
 *	- Quantifier bounds above 255 on an atom containing a back-referenced
 *	  group, and any bound above 100000, are rejected; large bounds may
 *	  also exceed ARE's size limit and are then reported as "too complex".
 *	- Modifiers "(?i:...)" (ES2025) and flags are not supported (JSON
 *	  Schema has no way to pass flags); duplicate group names are rejected.
 *	- The \u escapes and property tables are Unicode code points; they are
 *	  only meaningful when the server encoding is UTF-8 (literal characters
 *	  in the pattern work in any server encoding).
 *	- Input strings cannot contain NUL or lone surrogates (jsonb text), so
 *	  "\0" and surrogate escapes are translated into never-matching atoms.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/memutils.h"

#include "ecma_regex.h"
#include "regex_simple.h"
#include "ucd.h"

#define MAX_CP			0x10FFFF
#define ARE_DUPMAX		255		/* ARE's limit for {m,n} bounds */
#define MAX_BOUND		100000	/* larger bounds are rejected */
#define MATCH_STACK_WCHARS 256	/* strings up to this many bytes use a stack
								 * buffer in EtRegexMatch */

/* How a compiled regex is matched. */
typedef enum EtRegexKind
{
	ET_RE_ARE,					/* run the ARE */
	ET_RE_LITERAL				/* plain substring / prefix / suffix / equality */
} EtRegexKind;

struct EtRegex
{
	EtRegexKind kind;
	/* ET_RE_LITERAL: the literal in server encoding, and its anchoring */
	char	   *literal;
	int			literal_len;
	bool		anchor_start;
	bool		anchor_end;
	/* ET_RE_ARE */
	regex_t		re;
	EtSimpleRegex *simple;		/* decides ASCII input without the ARE, or NULL */
#if PG_VERSION_NUM < 160000
	MemoryContextCallback free_cb;	/* pg_regfree when mcxt goes away */
#endif
};

/* A set of code point ranges, used to build bracket expressions. */
typedef struct CpRange
{
	pg_wchar	lo;
	pg_wchar	hi;
} CpRange;

typedef struct RangeSet
{
	CpRange    *r;
	int			n;
	int			cap;
} RangeSet;

/* Kinds of open groups */
typedef enum GroupKind
{
	G_CAPTURE,
	G_NONCAPTURE,
	G_LOOKAHEAD,
	G_LOOKBEHIND
} GroupKind;

typedef struct GroupFrame
{
	GroupKind	kind;
	int			out_start;		/* output position of the "(" */
	int			pat_offset;		/* pattern position of the "(" */
	int			are_groups;		/* ARE capture count before the group */
	int			ecma_group;		/* ECMA group number if G_CAPTURE */
	bool		in_lookaround;	/* this or an enclosing group is lookaround */
} GroupFrame;

/* What the pre-scan learns about each ECMA capturing group (1-based). */
typedef struct GroupInfo
{
	int			name_start;		/* offset of the name in the pattern, or -1 */
	int			name_len;
	int			are_number;		/* ARE group number; 0 = emitted as (?:...) */
	bool		in_lookaround;	/* inside a lookaround assertion */
	bool		referenced;		/* target of some back-reference */
	bool		closed;			/* set during translation */
} GroupInfo;

typedef struct Xlat
{
	const pg_wchar *p;			/* pattern */
	int			len;
	int			pos;
	pg_wchar   *out;			/* translated ARE */
	int			olen;
	int			ocap;
	char	   *err;			/* first error, palloc'd */
	int			ngroups;		/* ECMA capturing groups */
	int			next_group;		/* ECMA groups opened so far */
	GroupInfo  *groups;			/* [ngroups + 1] */
	int			are_groups;		/* ARE capturing groups emitted so far */
	GroupFrame *stack;
	int			depth;
	int			stack_cap;
	/* literal fast path detection */
	bool		is_literal;		/* only plain characters so far */
	bool		anchor_start;
	bool		anchor_end;
} Xlat;

static const CpRange digit_ranges[] = {{'0', '9'}};
static const CpRange word_ranges[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
static const CpRange space_ranges[] = {
	{0x09, 0x0D}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680},
	{0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
	{0x3000, 0x3000}, {0xFEFF, 0xFEFF}
};
static const CpRange dot_excluded[] = {{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}};


/* ---------------------------------------------------------------------
 * Errors and output
 * ---------------------------------------------------------------------
 */
static bool
Fail(Xlat *x, int offset, const char *msg)
{
	if (x->err == NULL)
		x->err = psprintf("%s at offset %d", msg, offset);
	return false;
}

static void
Emit(Xlat *x, pg_wchar c)
{
	if (x->olen >= x->ocap)
	{
		x->ocap *= 2;
		x->out = repalloc(x->out, sizeof(pg_wchar) * x->ocap);
	}
	x->out[x->olen++] = c;
}

static void
EmitAscii(Xlat *x, const char *s)
{
	while (*s)
		Emit(x, (unsigned char) *s++);
}

static void
EmitNumber(Xlat *x, int n)
{
	char		buf[16];

	snprintf(buf, sizeof(buf), "%d", n);
	EmitAscii(x, buf);
}

/* An atom that cannot match any jsonb string (NUL, lone surrogates, []). */
static void
EmitNever(Xlat *x)
{
	EmitAscii(x, "(?:(?=a)b)");
}

/* A literal character outside brackets. */
static void
EmitLiteral(Xlat *x, pg_wchar c)
{
	if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
	{
		EmitNever(x);
		return;
	}
	if (c < 128 && strchr("^$.[]()|*+?{}\\", (int) c) != NULL)
		Emit(x, '\\');
	Emit(x, c);
}

/* A character inside a bracket expression. */
static void
EmitBracketChar(Xlat *x, pg_wchar c)
{
	if (c == ']' || c == '\\' || c == '[' || c == '-' || c == '^')
		Emit(x, '\\');
	Emit(x, c);
}

/* ---------------------------------------------------------------------
 * Code point range sets
 * ---------------------------------------------------------------------
 */
static void
RsInit(RangeSet *rs)
{
	rs->cap = 16;
	rs->n = 0;
	rs->r = palloc(sizeof(CpRange) * rs->cap);
}

static void
RsAdd(RangeSet *rs, pg_wchar lo, pg_wchar hi)
{
	if (rs->n >= rs->cap)
	{
		rs->cap *= 2;
		rs->r = repalloc(rs->r, sizeof(CpRange) * rs->cap);
	}
	rs->r[rs->n].lo = lo;
	rs->r[rs->n].hi = hi;
	rs->n++;
}

static void
RsAddCallback(void *arg, pg_wchar lo, pg_wchar hi)
{
	RsAdd((RangeSet *) arg, lo, hi);
}

static int
CpRangeCmp(const void *a, const void *b)
{
	const CpRange *ra = a;
	const CpRange *rb = b;

	if (ra->lo != rb->lo)
		return ra->lo < rb->lo ? -1 : 1;
	return 0;
}

/* Sort and merge overlapping/adjacent ranges. */
static void
RsNormalize(RangeSet *rs)
{
	int			i;
	int			n = 0;

	if (rs->n <= 1)
		return;
	qsort(rs->r, rs->n, sizeof(CpRange), CpRangeCmp);
	for (i = 1; i < rs->n; i++)
	{
		if (rs->r[i].lo <= rs->r[n].hi + 1)
		{
			if (rs->r[i].hi > rs->r[n].hi)
				rs->r[n].hi = rs->r[i].hi;
		}
		else
			rs->r[++n] = rs->r[i];
	}
	rs->n = n + 1;
}

/* Complement within [0, MAX_CP]; rs must be normalized. */
static void
RsInvert(RangeSet *rs)
{
	RangeSet	out;
	pg_wchar	next = 0;
	int			i;

	RsInit(&out);
	for (i = 0; i < rs->n; i++)
	{
		if (rs->r[i].lo > next)
			RsAdd(&out, next, rs->r[i].lo - 1);
		next = rs->r[i].hi + 1;
	}
	if (next <= MAX_CP)
		RsAdd(&out, next, MAX_CP);
	pfree(rs->r);
	*rs = out;
}

/* Add a constant set, or its complement. */
static void
RsAddConst(RangeSet *rs, const CpRange *r, int n, bool negate)
{
	int			i;

	if (!negate)
	{
		for (i = 0; i < n; i++)
			RsAdd(rs, r[i].lo, r[i].hi);
	}
	else
	{
		RangeSet	tmp;

		RsInit(&tmp);
		for (i = 0; i < n; i++)
			RsAdd(&tmp, r[i].lo, r[i].hi);
		RsNormalize(&tmp);
		RsInvert(&tmp);
		for (i = 0; i < tmp.n; i++)
			RsAdd(rs, tmp.r[i].lo, tmp.r[i].hi);
		pfree(tmp.r);
	}
}

static void
RsAddSet(RangeSet *rs, const RangeSet *other)
{
	int			i;

	for (i = 0; i < other->n; i++)
		RsAdd(rs, other->r[i].lo, other->r[i].hi);
}

/*
 * Remove code points no jsonb string can contain (NUL, surrogates) from a
 * normalized set, so the emitted bracket stays small and valid.
 */
static void
RsRemoveImpossible(RangeSet *rs)
{
	RangeSet	out;
	int			i;

	RsInit(&out);
	for (i = 0; i < rs->n; i++)
	{
		pg_wchar	lo = rs->r[i].lo;
		pg_wchar	hi = rs->r[i].hi;

		if (lo == 0)
			lo = 1;
		if (lo > hi)
			continue;
		if (hi < 0xD800 || lo > 0xDFFF)
			RsAdd(&out, lo, hi);
		else
		{
			if (lo < 0xD800)
				RsAdd(&out, lo, 0xD7FF);
			if (hi > 0xDFFF)
				RsAdd(&out, 0xE000, hi);
		}
	}
	pfree(rs->r);
	*rs = out;
}

static void
EmitRanges(Xlat *x, const RangeSet *rs)
{
	int			i;

	for (i = 0; i < rs->n; i++)
	{
		EmitBracketChar(x, rs->r[i].lo);
		if (rs->r[i].hi > rs->r[i].lo)
		{
			if (rs->r[i].hi > rs->r[i].lo + 1)
				Emit(x, '-');
			EmitBracketChar(x, rs->r[i].hi);
		}
	}
}

/*
 * Emit a set as one ARE atom: a literal, ".", a never-matching atom, or a
 * bracket expression, choosing the shorter of the set and its complement.
 * Consumes (frees) the set.
 */
static void
EmitSet(Xlat *x, RangeSet *rs)
{
	RangeSet	comp;

	RsNormalize(rs);
	RsRemoveImpossible(rs);
	if (rs->n == 0)
		EmitNever(x);
	else if (rs->n == 1 && rs->r[0].lo == rs->r[0].hi)
		EmitLiteral(x, rs->r[0].lo);
	else
	{
		/* complement over the possible code points */
		comp.cap = rs->n + 2;
		comp.n = rs->n;
		comp.r = palloc(sizeof(CpRange) * comp.cap);
		memcpy(comp.r, rs->r, sizeof(CpRange) * rs->n);
		RsInvert(&comp);
		RsRemoveImpossible(&comp);
		if (comp.n == 0)
			Emit(x, '.');		/* ARE "." matches any character */
		else if (comp.n < rs->n)
		{
			EmitAscii(x, "[^");
			EmitRanges(x, &comp);
			Emit(x, ']');
		}
		else
		{
			Emit(x, '[');
			EmitRanges(x, rs);
			Emit(x, ']');
		}
		pfree(comp.r);
	}
	pfree(rs->r);
	rs->r = NULL;
}

static void
EmitConstSet(Xlat *x, const CpRange *r, int n, bool negate)
{
	RangeSet	rs;

	RsInit(&rs);
	RsAddConst(&rs, r, n, negate);
	EmitSet(x, &rs);
}

/* ---------------------------------------------------------------------
 * Unicode property escapes
 * ---------------------------------------------------------------------
 */
typedef struct GcName
{
	const char *name;
	uint32		mask;
} GcName;

#define M(gc) ET_UCD_MASK(ET_UCD_##gc)
#define GC_L	(M(Lu) | M(Ll) | M(Lt) | M(Lm) | M(Lo))
#define GC_M	(M(Mn) | M(Mc) | M(Me))
#define GC_N	(M(Nd) | M(Nl) | M(No))
#define GC_P	(M(Pc) | M(Pd) | M(Ps) | M(Pe) | M(Pi) | M(Pf) | M(Po))
#define GC_S	(M(Sm) | M(Sc) | M(Sk) | M(So))
#define GC_Z	(M(Zs) | M(Zl) | M(Zp))
#define GC_C	(M(Cc) | M(Cf) | M(Cs) | M(Co) | M(Cn))

/* PropertyValueAliases.txt, gc section (ECMA matches these case-sensitively) */
static const GcName gc_names[] = {
	{"C", GC_C}, {"Other", GC_C},
	{"Cc", M(Cc)}, {"Control", M(Cc)}, {"cntrl", M(Cc)},
	{"Cf", M(Cf)}, {"Format", M(Cf)},
	{"Cn", M(Cn)}, {"Unassigned", M(Cn)},
	{"Co", M(Co)}, {"Private_Use", M(Co)},
	{"Cs", M(Cs)}, {"Surrogate", M(Cs)},
	{"L", GC_L}, {"Letter", GC_L},
	{"LC", M(Lu) | M(Ll) | M(Lt)}, {"Cased_Letter", M(Lu) | M(Ll) | M(Lt)},
	{"Ll", M(Ll)}, {"Lowercase_Letter", M(Ll)},
	{"Lm", M(Lm)}, {"Modifier_Letter", M(Lm)},
	{"Lo", M(Lo)}, {"Other_Letter", M(Lo)},
	{"Lt", M(Lt)}, {"Titlecase_Letter", M(Lt)},
	{"Lu", M(Lu)}, {"Uppercase_Letter", M(Lu)},
	{"M", GC_M}, {"Mark", GC_M}, {"Combining_Mark", GC_M},
	{"Mc", M(Mc)}, {"Spacing_Mark", M(Mc)},
	{"Me", M(Me)}, {"Enclosing_Mark", M(Me)},
	{"Mn", M(Mn)}, {"Nonspacing_Mark", M(Mn)},
	{"N", GC_N}, {"Number", GC_N},
	{"Nd", M(Nd)}, {"Decimal_Number", M(Nd)}, {"digit", M(Nd)},
	{"Nl", M(Nl)}, {"Letter_Number", M(Nl)},
	{"No", M(No)}, {"Other_Number", M(No)},
	{"P", GC_P}, {"Punctuation", GC_P}, {"punct", GC_P},
	{"Pc", M(Pc)}, {"Connector_Punctuation", M(Pc)},
	{"Pd", M(Pd)}, {"Dash_Punctuation", M(Pd)},
	{"Pe", M(Pe)}, {"Close_Punctuation", M(Pe)},
	{"Pf", M(Pf)}, {"Final_Punctuation", M(Pf)},
	{"Pi", M(Pi)}, {"Initial_Punctuation", M(Pi)},
	{"Po", M(Po)}, {"Other_Punctuation", M(Po)},
	{"Ps", M(Ps)}, {"Open_Punctuation", M(Ps)},
	{"S", GC_S}, {"Symbol", GC_S},
	{"Sc", M(Sc)}, {"Currency_Symbol", M(Sc)},
	{"Sk", M(Sk)}, {"Modifier_Symbol", M(Sk)},
	{"Sm", M(Sm)}, {"Math_Symbol", M(Sm)},
	{"So", M(So)}, {"Other_Symbol", M(So)},
	{"Z", GC_Z}, {"Separator", GC_Z},
	{"Zl", M(Zl)}, {"Line_Separator", M(Zl)},
	{"Zp", M(Zp)}, {"Paragraph_Separator", M(Zp)},
	{"Zs", M(Zs)}, {"Space_Separator", M(Zs)},
	{NULL, 0}
};

/* Does the pattern slice [start, start+len) equal the ASCII string s? */
static bool
SliceEquals(const pg_wchar *p, int start, int len, const char *s)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '\0' || p[start + i] != (unsigned char) s[i])
			return false;
	}
	return s[len] == '\0';
}

static bool
LookupGc(const pg_wchar *p, int start, int len, uint32 *mask)
{
	const GcName *g;

	for (g = gc_names; g->name; g++)
	{
		if (SliceEquals(p, start, len, g->name))
		{
			*mask = g->mask;
			return true;
		}
	}
	return false;
}

/*
 * Parse "{...}" after \p or \P (x->pos at "{") and add the property's set
 * (complemented when negate) to rs.
 */
static bool
ParseProperty(Xlat *x, RangeSet *rs, bool negate, int esc_offset)
{
	int			start;
	int			end;
	int			eq = -1;
	uint32		mask = 0;
	RangeSet	tmp;

	if (x->pos >= x->len || x->p[x->pos] != '{')
		return Fail(x, esc_offset, "invalid unicode property escape");
	start = ++x->pos;
	while (x->pos < x->len && x->p[x->pos] != '}')
	{
		pg_wchar	c = x->p[x->pos];

		if (c == '=' && eq < 0)
			eq = x->pos;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				   (c >= '0' && c <= '9') || c == '_'))
			return Fail(x, esc_offset, "invalid unicode property escape");
		x->pos++;
	}
	if (x->pos >= x->len)
		return Fail(x, esc_offset, "unterminated unicode property escape");
	end = x->pos++;

	RsInit(&tmp);
	if (eq >= 0)
	{
		if (!SliceEquals(x->p, start, eq - start, "General_Category") &&
			!SliceEquals(x->p, start, eq - start, "gc"))
		{
			pfree(tmp.r);
			if (SliceEquals(x->p, start, eq - start, "Script") ||
				SliceEquals(x->p, start, eq - start, "sc") ||
				SliceEquals(x->p, start, eq - start, "Script_Extensions") ||
				SliceEquals(x->p, start, eq - start, "scx"))
				return Fail(x, esc_offset, "unicode script properties are not supported");
			return Fail(x, esc_offset, "unknown unicode property");
		}
		if (!LookupGc(x->p, eq + 1, end - eq - 1, &mask))
		{
			pfree(tmp.r);
			return Fail(x, esc_offset, "unknown unicode general category");
		}
		EtUcdCategoryRanges(mask, RsAddCallback, &tmp);
	}
	else if (LookupGc(x->p, start, end - start, &mask))
		EtUcdCategoryRanges(mask, RsAddCallback, &tmp);
	else if (SliceEquals(x->p, start, end - start, "Any"))
		RsAdd(&tmp, 0, MAX_CP);
	else if (SliceEquals(x->p, start, end - start, "ASCII"))
		RsAdd(&tmp, 0, 0x7F);
	else if (SliceEquals(x->p, start, end - start, "Assigned"))
		EtUcdCategoryRanges(~M(Cn), RsAddCallback, &tmp);
	else
	{
		pfree(tmp.r);
		return Fail(x, esc_offset, "unknown or unsupported unicode property");
	}

	if (negate)
	{
		RsNormalize(&tmp);
		RsInvert(&tmp);
	}
	RsAddSet(rs, &tmp);
	pfree(tmp.r);
	return true;
}

/* ---------------------------------------------------------------------
 * Escapes
 * ---------------------------------------------------------------------
 */
static int
HexVal(pg_wchar c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read exactly n hex digits at x->pos; -1 if not there (pos unchanged). */
static int
ReadHex(Xlat *x, int n)
{
	int			v = 0;
	int			i;

	if (x->pos + n > x->len)
		return -1;
	for (i = 0; i < n; i++)
	{
		int			h = HexVal(x->p[x->pos + i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	x->pos += n;
	return v;
}

/*
 * \u escape, x->pos just after the "u".  Handles \u{...} and surrogate
 * pairs written as two \u escapes (u-mode semantics).
 */
static bool
ParseUnicodeEscape(Xlat *x, pg_wchar *cp, int esc_offset)
{
	int			v;

	if (x->pos < x->len && x->p[x->pos] == '{')
	{
		int			digits = 0;
		pg_wchar	val = 0;

		x->pos++;
		while (x->pos < x->len && HexVal(x->p[x->pos]) >= 0)
		{
			val = val * 16 + HexVal(x->p[x->pos]);
			if (val > MAX_CP)
				return Fail(x, esc_offset, "unicode escape out of range");
			digits++;
			x->pos++;
		}
		if (digits == 0 || x->pos >= x->len || x->p[x->pos] != '}')
			return Fail(x, esc_offset, "invalid unicode escape");
		x->pos++;
		*cp = val;
		return true;
	}
	v = ReadHex(x, 4);
	if (v < 0)
		return Fail(x, esc_offset, "invalid unicode escape");
	if (v >= 0xD800 && v <= 0xDBFF && x->pos + 6 <= x->len &&
		x->p[x->pos] == '\\' && x->p[x->pos + 1] == 'u')
	{
		int			save = x->pos;
		int			lo;

		x->pos += 2;
		lo = ReadHex(x, 4);
		if (lo >= 0xDC00 && lo <= 0xDFFF)
			v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
		else
			x->pos = save;
	}
	*cp = v;
	return true;
}

typedef enum EscKind
{
	ESC_CHAR,					/* *cp holds a character */
	ESC_SET,					/* set added to rs */
	ESC_ERROR
} EscKind;

/*
 * Character escapes and class escapes valid both inside and outside a
 * class.  x->pos is just after the backslash.  Back-references, \b, \B and
 * \k are handled by the callers before calling this.
 */
static EscKind
ParseCommonEscape(Xlat *x, bool in_class, pg_wchar *cp, RangeSet *rs)
{
	int			esc_offset = x->pos - 1;
	pg_wchar	c;

	if (x->pos >= x->len)
	{
		Fail(x, esc_offset, "\\ at end of pattern");
		return ESC_ERROR;
	}
	c = x->p[x->pos++];
	switch (c)
	{
		case 'd':
		case 'D':
			RsAddConst(rs, digit_ranges, lengthof(digit_ranges), c == 'D');
			return ESC_SET;
		case 'w':
		case 'W':
			RsAddConst(rs, word_ranges, lengthof(word_ranges), c == 'W');
			return ESC_SET;
		case 's':
		case 'S':
			RsAddConst(rs, space_ranges, lengthof(space_ranges), c == 'S');
			return ESC_SET;
		case 'p':
		case 'P':
			if (!ParseProperty(x, rs, c == 'P', esc_offset))
				return ESC_ERROR;
			return ESC_SET;
		case 't':
			*cp = '\t';
			return ESC_CHAR;
		case 'n':
			*cp = '\n';
			return ESC_CHAR;
		case 'v':
			*cp = '\v';
			return ESC_CHAR;
		case 'f':
			*cp = '\f';
			return ESC_CHAR;
		case 'r':
			*cp = '\r';
			return ESC_CHAR;
		case 'c':
			if (x->pos < x->len &&
				((x->p[x->pos] >= 'A' && x->p[x->pos] <= 'Z') ||
				 (x->p[x->pos] >= 'a' && x->p[x->pos] <= 'z')))
			{
				*cp = x->p[x->pos++] % 32;
				return ESC_CHAR;
			}
			Fail(x, esc_offset, "invalid control escape");
			return ESC_ERROR;
		case '0':
			if (x->pos < x->len && x->p[x->pos] >= '0' && x->p[x->pos] <= '9')
			{
				Fail(x, esc_offset, "invalid octal escape");
				return ESC_ERROR;
			}
			*cp = 0;
			return ESC_CHAR;
		case 'x':
			{
				int			v = ReadHex(x, 2);

				if (v < 0)
				{
					Fail(x, esc_offset, "invalid hexadecimal escape");
					return ESC_ERROR;
				}
				*cp = v;
				return ESC_CHAR;
			}
		case 'u':
			if (!ParseUnicodeEscape(x, cp, esc_offset))
				return ESC_ERROR;
			return ESC_CHAR;
		default:
			break;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9'))
	{
		Fail(x, esc_offset, in_class ? "invalid escape in character class" : "invalid escape");
		return ESC_ERROR;
	}
	/* identity escape: syntax characters, "/", "-", and (Annex B) others */
	*cp = c;
	return ESC_CHAR;
}

/* ---------------------------------------------------------------------
 * Character classes
 * ---------------------------------------------------------------------
 */

/*
 * One class atom at x->pos.  Returns ESC_CHAR (*cp set), ESC_SET (added
 * to rs) or ESC_ERROR.
 */
static EscKind
ParseClassAtom(Xlat *x, pg_wchar *cp, RangeSet *rs)
{
	pg_wchar	c = x->p[x->pos];

	if (c != '\\')
	{
		x->pos++;
		*cp = c;
		return ESC_CHAR;
	}
	x->pos++;
	if (x->pos < x->len)
	{
		c = x->p[x->pos];
		if (c == 'b')
		{
			x->pos++;
			*cp = 0x08;
			return ESC_CHAR;
		}
		if (c == '-')
		{
			x->pos++;
			*cp = '-';
			return ESC_CHAR;
		}
	}
	return ParseCommonEscape(x, true, cp, rs);
}

/* x->pos at "[" */
static bool
ParseClass(Xlat *x)
{
	int			class_offset = x->pos;
	bool		negate = false;
	RangeSet	rs;

	x->pos++;
	if (x->pos < x->len && x->p[x->pos] == '^')
	{
		negate = true;
		x->pos++;
	}
	RsInit(&rs);
	for (;;)
	{
		pg_wchar	lo;
		pg_wchar	hi;
		int			atom_offset = x->pos;
		EscKind		k1;
		EscKind		k2;

		if (x->pos >= x->len)
		{
			pfree(rs.r);
			return Fail(x, class_offset, "unterminated character class");
		}
		if (x->p[x->pos] == ']')
		{
			x->pos++;
			break;
		}
		k1 = ParseClassAtom(x, &lo, &rs);
		if (k1 == ESC_ERROR)
		{
			pfree(rs.r);
			return false;
		}
		/* a range needs "-" followed by something other than "]" */
		if (x->pos + 1 < x->len && x->p[x->pos] == '-' && x->p[x->pos + 1] != ']')
		{
			x->pos++;
			k2 = ParseClassAtom(x, &hi, &rs);
			if (k2 == ESC_ERROR)
			{
				pfree(rs.r);
				return false;
			}
			if (k1 == ESC_SET || k2 == ESC_SET)
			{
				/* Annex B: "[\w-.]" -- the "-" is a literal */
				if (k1 == ESC_CHAR)
					RsAdd(&rs, lo, lo);
				RsAdd(&rs, '-', '-');
				if (k2 == ESC_CHAR)
					RsAdd(&rs, hi, hi);
				continue;
			}
			if (lo > hi)
			{
				pfree(rs.r);
				return Fail(x, atom_offset, "range out of order in character class");
			}
			RsAdd(&rs, lo, hi);
			continue;
		}
		if (k1 == ESC_CHAR)
			RsAdd(&rs, lo, lo);
	}
	if (negate)
	{
		RsNormalize(&rs);
		RsInvert(&rs);
	}
	x->is_literal = false;
	EmitSet(x, &rs);
	return true;
}

/* ---------------------------------------------------------------------
 * Groups, back-references, quantifiers
 * ---------------------------------------------------------------------
 */

/* Group name (RegExpIdentifierName, without escapes) at x->pos; returns length. */
static int
ScanGroupName(const pg_wchar *p, int len, int pos)
{
	int			start = pos;

	while (pos < len)
	{
		pg_wchar	c = p[pos];
		bool		ok;

		if (c == '$' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			ok = true;
		else if (c >= '0' && c <= '9')
			ok = pos > start;
		else if (c >= 0x80)
		{
			EtUcdCategory gc = EtUcdGetCategory(c);

			if (gc >= ET_UCD_Lu && gc <= ET_UCD_Lo)
				ok = true;
			else if (gc == ET_UCD_Nl)
				ok = true;
			else if (gc == ET_UCD_Mn || gc == ET_UCD_Mc || gc == ET_UCD_Nd ||
					 gc == ET_UCD_Pc || c == 0x200C || c == 0x200D)
				ok = pos > start;
			else
				ok = false;
		}
		else
			ok = false;
		if (!ok)
			break;
		pos++;
	}
	return pos - start;
}

/* Find the ECMA group named p[start, start+len); 0 if none. */
static int
FindGroupByName(Xlat *x, int start, int len)
{
	int			i;

	for (i = 1; i <= x->ngroups; i++)
	{
		GroupInfo  *g = &x->groups[i];

		if (g->name_start >= 0 && g->name_len == len &&
			memcmp(&x->p[g->name_start], &x->p[start], sizeof(pg_wchar) * len) == 0)
			return i;
	}
	return 0;
}

/*
 * Pre-scan: number the capturing groups, record their names, whether they
 * sit inside a lookaround, and whether any back-reference points at them.
 * test() needs captures only for back-references, so only referenced
 * groups become ARE capturing groups (numbered densely); all others are
 * emitted as (?:...), which is cheaper and lifts ARE's restrictions.
 * Syntax errors are left to the main pass; this only has to be right for
 * valid patterns.
 */
static void
PreScan(Xlat *x)
{
	int			pos = 0;
	int			depth = 0;
	int			cap = 16;
	int			ncap = 8;
	bool	   *look = palloc0(sizeof(bool) * cap);	/* per depth: in lookaround */
	int		   *refs = palloc(sizeof(int) * 8);	/* numeric refs, or -(name offset) */
	int		   *ref_lens = palloc(sizeof(int) * 8);
	int			nrefs = 0;
	int			refcap = 8;
	int			are = 0;
	int			i;

	x->groups = palloc0(sizeof(GroupInfo) * (ncap + 1));
	x->ngroups = 0;
	while (pos < x->len)
	{
		pg_wchar	c = x->p[pos];

		if (c == '\\')
		{
			int			ref = 0;
			int			ref_len = 0;

			pos++;
			if (pos < x->len && x->p[pos] >= '1' && x->p[pos] <= '9')
			{
				while (pos < x->len && x->p[pos] >= '0' && x->p[pos] <= '9')
				{
					ref = Min(ref * 10 + (int) (x->p[pos] - '0'), 1000000);
					pos++;
				}
			}
			else if (pos + 1 < x->len && x->p[pos] == 'k' && x->p[pos + 1] == '<')
			{
				ref_len = ScanGroupName(x->p, x->len, pos + 2);
				ref = -(pos + 2);
				pos += 2 + ref_len;
			}
			else
				pos++;
			if (ref != 0)
			{
				if (nrefs >= refcap)
				{
					refcap *= 2;
					refs = repalloc(refs, sizeof(int) * refcap);
					ref_lens = repalloc(ref_lens, sizeof(int) * refcap);
				}
				refs[nrefs] = ref;
				ref_lens[nrefs++] = ref_len;
			}
		}
		else if (c == '[')
		{
			pos++;
			if (pos < x->len && x->p[pos] == '^')
				pos++;
			while (pos < x->len && x->p[pos] != ']')
				pos += (x->p[pos] == '\\') ? 2 : 1;
			pos++;
		}
		else if (c == '(')
		{
			bool		capture = true;
			bool		lookaround = false;
			int			name_start = -1;
			int			name_len = 0;
			bool		outer = depth > 0 && look[depth];

			if (pos + 1 < x->len && x->p[pos + 1] == '?')
			{
				capture = false;
				if (pos + 2 < x->len)
				{
					pg_wchar	c2 = x->p[pos + 2];

					if (c2 == '=' || c2 == '!')
						lookaround = true;
					else if (c2 == '<' && pos + 3 < x->len &&
							 (x->p[pos + 3] == '=' || x->p[pos + 3] == '!'))
						lookaround = true;
					else if (c2 == '<')
					{
						capture = true;
						name_start = pos + 3;
						name_len = ScanGroupName(x->p, x->len, name_start);
					}
				}
			}
			depth++;
			if (depth >= cap)
			{
				look = repalloc(look, sizeof(bool) * cap * 2);
				memset(look + cap, 0, sizeof(bool) * cap);
				cap *= 2;
			}
			look[depth] = outer || lookaround;
			if (capture)
			{
				GroupInfo  *g;

				x->ngroups++;
				if (x->ngroups > ncap)
				{
					x->groups = repalloc(x->groups, sizeof(GroupInfo) * (ncap * 2 + 1));
					ncap *= 2;
				}
				g = &x->groups[x->ngroups];
				memset(g, 0, sizeof(GroupInfo));
				g->name_start = name_start;
				g->name_len = name_len;
				g->in_lookaround = outer;
			}
			pos++;
		}
		else if (c == ')')
		{
			if (depth > 0)
				depth--;
			pos++;
		}
		else
			pos++;
	}

	for (i = 0; i < nrefs; i++)
	{
		int			n = refs[i] > 0 ? refs[i] : FindGroupByName(x, -refs[i], ref_lens[i]);

		if (n > 0 && n <= x->ngroups)
			x->groups[n].referenced = true;
	}
	for (i = 1; i <= x->ngroups; i++)
	{
		if (x->groups[i].referenced && !x->groups[i].in_lookaround)
			x->groups[i].are_number = ++are;
	}
	pfree(look);
	pfree(refs);
	pfree(ref_lens);
}

static bool
InLookaround(Xlat *x)
{
	return x->depth > 0 && x->stack[x->depth - 1].in_lookaround;
}

/* Emit a back-reference to ECMA group n (1-based, valid). */
static bool
EmitBackref(Xlat *x, int n, int offset)
{
	GroupInfo  *g = &x->groups[n];

	x->is_literal = false;
	if (!g->closed)
	{
		/* forward or self reference: always the empty string in ECMA */
		EmitAscii(x, "(?:)");
		return true;
	}
	if (g->in_lookaround || InLookaround(x))
		return Fail(x, offset, "back-references involving lookaround assertions are not supported");
	Assert(g->are_number > 0);
	EmitAscii(x, "(?:\\");
	EmitNumber(x, g->are_number);
	Emit(x, ')');
	return true;
}

static bool
ParseGroupOpen(Xlat *x)
{
	int			offset = x->pos;
	GroupFrame	f;
	bool		outer_look = InLookaround(x);

	f.out_start = x->olen;
	f.pat_offset = offset;
	f.are_groups = x->are_groups;
	f.ecma_group = 0;
	x->pos++;
	if (x->pos < x->len && x->p[x->pos] == '?')
	{
		pg_wchar	c2 = (x->pos + 1 < x->len) ? x->p[x->pos + 1] : 0;

		if (c2 == ':')
		{
			f.kind = G_NONCAPTURE;
			x->pos += 2;
			EmitAscii(x, "(?:");
		}
		else if (c2 == '=' || c2 == '!')
		{
			f.kind = G_LOOKAHEAD;
			x->pos += 2;
			EmitAscii(x, c2 == '=' ? "(?=" : "(?!");
		}
		else if (c2 == '<' && x->pos + 2 < x->len &&
				 (x->p[x->pos + 2] == '=' || x->p[x->pos + 2] == '!'))
		{
			f.kind = G_LOOKBEHIND;
			EmitAscii(x, x->p[x->pos + 2] == '=' ? "(?<=" : "(?<!");
			x->pos += 3;
		}
		else if (c2 == '<')
		{
			int			name_start = x->pos + 2;
			int			name_len = ScanGroupName(x->p, x->len, name_start);

			if (name_len == 0 || name_start + name_len >= x->len ||
				x->p[name_start + name_len] != '>')
				return Fail(x, offset, "invalid group name");
			f.kind = G_CAPTURE;
			if (FindGroupByName(x, name_start, name_len) != x->next_group + 1)
				return Fail(x, offset, "duplicate group name");
			x->pos = name_start + name_len + 1;
		}
		else if (c2 == 'P' || c2 == '#')
			return Fail(x, offset, "invalid group (python syntax is not ECMA-262)");
		else if ((c2 >= 'a' && c2 <= 'z') || c2 == '-')
			return Fail(x, offset, "inline flags and modifiers are not supported");
		else
			return Fail(x, offset, "invalid group");
	}
	else
		f.kind = G_CAPTURE;
	f.in_lookaround = outer_look || f.kind == G_LOOKAHEAD || f.kind == G_LOOKBEHIND;
	if (f.kind == G_CAPTURE)
	{
		/* ECMA numbers capturing groups by the position of their "(" */
		f.ecma_group = ++x->next_group;
		Assert(f.ecma_group <= x->ngroups);
		if (x->groups[f.ecma_group].are_number == 0)
			EmitAscii(x, "(?:");
		else
		{
			Emit(x, '(');
			x->are_groups++;
		}
	}
	if (x->depth >= x->stack_cap)
	{
		x->stack_cap *= 2;
		x->stack = repalloc(x->stack, sizeof(GroupFrame) * x->stack_cap);
	}
	x->stack[x->depth++] = f;
	x->is_literal = false;
	return true;
}

/*
 * Parse "{n}", "{n,}" or "{n,m}" at x->pos.  Returns false (pos unchanged)
 * when the text is not a quantifier; bounds saturate at MAX_BOUND + 1.
 */
static bool
ParseBraces(Xlat *x, int *min, int *max)
{
	int			pos = x->pos + 1;
	int			digits = 0;
	int			v = 0;

	while (pos < x->len && x->p[pos] >= '0' && x->p[pos] <= '9')
	{
		v = Min(v * 10 + (int) (x->p[pos] - '0'), MAX_BOUND + 1);
		pos++;
		digits++;
	}
	if (digits == 0 || pos >= x->len)
		return false;
	*min = v;
	if (x->p[pos] == '}')
	{
		*max = v;
		x->pos = pos + 1;
		return true;
	}
	if (x->p[pos] != ',')
		return false;
	pos++;
	if (pos < x->len && x->p[pos] == '}')
	{
		*max = -1;
		x->pos = pos + 1;
		return true;
	}
	digits = 0;
	v = 0;
	while (pos < x->len && x->p[pos] >= '0' && x->p[pos] <= '9')
	{
		v = Min(v * 10 + (int) (x->p[pos] - '0'), MAX_BOUND + 1);
		pos++;
		digits++;
	}
	if (digits == 0 || pos >= x->len || x->p[pos] != '}')
		return false;
	*max = v;
	x->pos = pos + 1;
	return true;
}

static void
EmitBound(Xlat *x, int min, int max)
{
	if (min == 0 && max < 0)
		Emit(x, '*');
	else if (min == 1 && max < 0)
		Emit(x, '+');
	else if (min == 0 && max == 1)
		Emit(x, '?');
	else
	{
		Emit(x, '{');
		EmitNumber(x, min);
		if (max != min)
		{
			Emit(x, ',');
			if (max >= 0)
				EmitNumber(x, max);
		}
		Emit(x, '}');
	}
}

/* Append "(?:atom)" followed by a bound. */
static void
EmitChunk(Xlat *x, const pg_wchar *atom, int alen, int min, int max)
{
	int			i;

	EmitAscii(x, "(?:");
	for (i = 0; i < alen; i++)
		Emit(x, atom[i]);
	Emit(x, ')');
	EmitBound(x, min, max);
}

/*
 * Apply a quantifier to the atom that starts at output position atom_start.
 * atom_groups is the ARE group count before the atom.
 */
static bool
Quantify(Xlat *x, int atom_start, int atom_groups, int min, int max, int offset)
{
	pg_wchar   *atom;
	int			alen;

	if (max >= 0 && min > max)
		return Fail(x, offset, "numbers out of order in quantifier");
	if (min <= ARE_DUPMAX && max <= ARE_DUPMAX)
	{
		EmitBound(x, min, max);
		return true;
	}
	if (min > MAX_BOUND || max > MAX_BOUND)
		return Fail(x, offset, "quantifier bound is too large");
	if (x->are_groups != atom_groups)
		return Fail(x, offset, "quantifier bounds above 255 on a capturing group are not supported");

	/* rewrite into copies of the atom with bounds ARE accepts */
	alen = x->olen - atom_start;
	atom = palloc(sizeof(pg_wchar) * alen);
	memcpy(atom, &x->out[atom_start], sizeof(pg_wchar) * alen);
	x->olen = atom_start;
	EmitAscii(x, "(?:");
	if (max < 0)
	{
		int			n = min;

		while (n > ARE_DUPMAX)
		{
			EmitChunk(x, atom, alen, ARE_DUPMAX, ARE_DUPMAX);
			n -= ARE_DUPMAX;
		}
		EmitChunk(x, atom, alen, n, -1);
	}
	else
	{
		int			n = min;
		int			opt = max - min;

		while (n > 0)
		{
			int			k = Min(n, ARE_DUPMAX);

			EmitChunk(x, atom, alen, k, k);
			n -= k;
		}
		while (opt > 0)
		{
			int			k = Min(opt, ARE_DUPMAX);

			EmitChunk(x, atom, alen, 0, k);
			opt -= k;
		}
	}
	Emit(x, ')');
	pfree(atom);
	return true;
}

/* ---------------------------------------------------------------------
 * Main translation
 * ---------------------------------------------------------------------
 */
static bool
Translate(Xlat *x)
{
	int			atom_start = -1;	/* output position of the last atom */
	int			atom_groups = 0;
	bool		at_start = true;	/* nothing but "^" emitted so far */

	PreScan(x);
	x->stack_cap = 8;
	x->stack = palloc(sizeof(GroupFrame) * x->stack_cap);
	x->depth = 0;
	x->is_literal = true;

	while (x->pos < x->len)
	{
		int			offset = x->pos;
		pg_wchar	c = x->p[x->pos];
		int			min;
		int			max;
		int			this_start = x->olen;
		int			this_groups = x->are_groups;
		bool		quantifiable = true;

		switch (c)
		{
			case '^':
			case '$':
				if (c == '^' && at_start && x->olen == 0)
					x->anchor_start = true;
				else if (c == '$' && x->pos == x->len - 1 && x->depth == 0)
					x->anchor_end = true;
				else
					x->is_literal = false;
				Emit(x, c);
				x->pos++;
				quantifiable = false;
				break;
			case '|':
				Emit(x, '|');
				x->pos++;
				x->is_literal = false;
				quantifiable = false;
				break;
			case '(':
				if (!ParseGroupOpen(x))
					return false;
				/* the group's atom is known only at ")" */
				atom_start = -1;
				at_start = false;
				continue;
			case ')':
				{
					GroupFrame *f;

					if (x->depth == 0)
						return Fail(x, offset, "unmatched )");
					f = &x->stack[--x->depth];
					Emit(x, ')');
					x->pos++;
					if (f->kind == G_CAPTURE && f->ecma_group > 0)
						x->groups[f->ecma_group].closed = true;
					if (f->kind == G_LOOKAHEAD || f->kind == G_LOOKBEHIND)
						quantifiable = false;
					this_start = f->out_start;
					this_groups = f->are_groups;
					break;
				}
			case '*':
			case '+':
			case '?':
			case '{':
				if (c == '{')
				{
					if (!ParseBraces(x, &min, &max))
					{
						/* Annex B: not a quantifier, a literal "{" */
						x->pos++;
						EmitLiteral(x, c);
						break;
					}
				}
				else
				{
					x->pos++;
					min = (c == '+') ? 1 : 0;
					max = (c == '?') ? 1 : -1;
				}
				if (atom_start < 0)
					return Fail(x, offset, "nothing to repeat");
				/* lazy and greedy are the same for test(), see above */
				if (x->pos < x->len && x->p[x->pos] == '?')
					x->pos++;
				if (!Quantify(x, atom_start, atom_groups, min, max, offset))
					return false;
				x->is_literal = false;
				atom_start = -1;
				at_start = false;
				continue;
			case '.':
				x->pos++;
				x->is_literal = false;
				EmitConstSet(x, dot_excluded, lengthof(dot_excluded), true);
				break;
			case '[':
				if (!ParseClass(x))
					return false;
				break;
			case '\\':
				{
					pg_wchar	c2 = (x->pos + 1 < x->len) ? x->p[x->pos + 1] : 0;
					pg_wchar	cp;
					RangeSet	rs;
					EscKind		k;

					if (c2 == 'b' || c2 == 'B')
					{
						EmitAscii(x, c2 == 'b' ? "\\y" : "\\Y");
						x->pos += 2;
						x->is_literal = false;
						quantifiable = false;
						break;
					}
					if (c2 >= '1' && c2 <= '9')
					{
						int			n = 0;

						x->pos++;
						while (x->pos < x->len && x->p[x->pos] >= '0' && x->p[x->pos] <= '9')
						{
							n = Min(n * 10 + (int) (x->p[x->pos] - '0'), 1000000);
							x->pos++;
						}
						if (n > x->ngroups)
							return Fail(x, offset, "invalid back-reference");
						if (!EmitBackref(x, n, offset))
							return false;
						break;
					}
					if (c2 == 'k')
					{
						int			name_start = x->pos + 3;
						int			name_len;
						int			n;

						if (x->pos + 2 >= x->len || x->p[x->pos + 2] != '<')
							return Fail(x, offset, "invalid named back-reference");
						name_len = ScanGroupName(x->p, x->len, name_start);
						if (name_len == 0 || name_start + name_len >= x->len ||
							x->p[name_start + name_len] != '>')
							return Fail(x, offset, "invalid named back-reference");
						n = FindGroupByName(x, name_start, name_len);
						if (n == 0)
							return Fail(x, offset, "named back-reference to an undefined group");
						x->pos = name_start + name_len + 1;
						if (!EmitBackref(x, n, offset))
							return false;
						break;
					}
					x->pos++;
					RsInit(&rs);
					k = ParseCommonEscape(x, false, &cp, &rs);
					if (k == ESC_ERROR)
					{
						pfree(rs.r);
						return false;
					}
					if (k == ESC_SET)
					{
						x->is_literal = false;
						EmitSet(x, &rs);
					}
					else
					{
						pfree(rs.r);
						if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
							x->is_literal = false;
						EmitLiteral(x, cp);
					}
					break;
				}
			default:
				/* includes Annex B lone "]" and "}" */
				x->pos++;
				EmitLiteral(x, c);
				break;
		}
		at_start = false;
		if (quantifiable)
		{
			atom_start = this_start;
			atom_groups = this_groups;
		}
		else
			atom_start = -1;
	}
	if (x->depth > 0)
		return Fail(x, x->stack[x->depth - 1].pat_offset, "unterminated group");
	return true;
}

/*
 * Convert the pattern to code points and translate it.  Returns false with
 * x->err set on a bad pattern.
 */
static bool
TranslatePattern(Xlat *x, const char *pattern, int len)
{
	pg_wchar   *wpat;
	int			wlen;

	memset(x, 0, sizeof(Xlat));
	wpat = palloc(sizeof(pg_wchar) * (len + 1));
	wlen = pg_mb2wchar_with_len(pattern, wpat, len);
	x->p = wpat;
	x->len = wlen;
	x->ocap = Max(16, wlen * 2);
	x->out = palloc(sizeof(pg_wchar) * x->ocap);
	return Translate(x);
}

static void
XlatFree(Xlat *x)
{
	if (x->p)
		pfree((void *) x->p);
	if (x->out)
		pfree(x->out);
	if (x->groups)
		pfree(x->groups);
	if (x->stack)
		pfree(x->stack);
}

bool
EtRegexIsValid(const char *pattern, int len, char **errmsg)
{
	Xlat		x;
	bool		ok = TranslatePattern(&x, pattern, len);

	if (!ok && errmsg)
		*errmsg = x.err;
	XlatFree(&x);
	return ok;
}

#if PG_VERSION_NUM < 160000
static void
EtRegexFree(void *arg)
{
	EtRegex    *re = (EtRegex *) arg;

	pg_regfree(&re->re);
}
#endif

EtRegex *
EtRegexCompile(const char *pattern, int len, MemoryContext mcxt, char **errmsg)
{
	Xlat		x;
	EtRegex    *re;
	int			cflags = REG_ADVANCED | REG_NOSUB;
	int			rc;

	if (!TranslatePattern(&x, pattern, len))
	{
		*errmsg = x.err;
		XlatFree(&x);
		return NULL;
	}

	re = MemoryContextAllocZero(mcxt, sizeof(EtRegex));

	/*
	 * Plain literals, possibly anchored ("^abc", "\\.json$", "^v1$"), need
	 * no regex engine: compare bytes in the server encoding.
	 */
	if (x.is_literal)
	{
		int			start = x.anchor_start ? 1 : 0;
		int			end = x.olen - (x.anchor_end ? 1 : 0);
		int			i;
		int			n = 0;
		pg_wchar   *lit = palloc(sizeof(pg_wchar) * (end - start + 1));

		/* strip the backslashes EmitLiteral added */
		for (i = start; i < end; i++)
		{
			if (x.out[i] == '\\')
				i++;
			lit[n++] = x.out[i];
		}
		re->kind = ET_RE_LITERAL;
		re->anchor_start = x.anchor_start;
		re->anchor_end = x.anchor_end;
		re->literal = MemoryContextAlloc(mcxt, n * MAX_MULTIBYTE_CHAR_LEN + 1);
		re->literal_len = pg_wchar2mb_with_len(lit, re->literal, n);
		pfree(lit);
		XlatFree(&x);
		return re;
	}

	re->kind = ET_RE_ARE;

	/*
	 * test() wants no captures (REG_NOSUB), but before PG 14 the engine
	 * refuses back-references under REG_NOSUB ("invalid backreference
	 * number"); only back-referenced groups are capturing (are_groups).
	 */
#if PG_VERSION_NUM < 140000
	if (x.are_groups > 0)
		cflags = REG_ADVANCED;
#endif
#if PG_VERSION_NUM >= 160000
	{
		/* regex memory is palloc'd in CurrentMemoryContext since PG 16 */
		MemoryContext re_cxt = AllocSetContextCreate(mcxt, "EtRegex",
													 ALLOCSET_SMALL_SIZES);
		MemoryContext old = MemoryContextSwitchTo(re_cxt);

		rc = pg_regcomp(&re->re, x.out, x.olen, cflags, C_COLLATION_OID);
		MemoryContextSwitchTo(old);
		if (rc != REG_OKAY)
			MemoryContextDelete(re_cxt);
	}
#else
	rc = pg_regcomp(&re->re, x.out, x.olen, cflags, C_COLLATION_OID);
#endif
	XlatFree(&x);
	if (rc == REG_OKAY)
		re->simple = EtSimpleRegexCompile(pattern, len, mcxt);
	if (rc != REG_OKAY)
	{
		char		buf[256];

#ifdef REG_CANCEL				/* from PG 16 the engine checks for interrupts itself */
		if (rc == REG_CANCEL)
			CHECK_FOR_INTERRUPTS();
#endif
		pg_regerror(rc, &re->re, buf, sizeof(buf));
		pfree(re);
		*errmsg = psprintf("pattern cannot be compiled: %s", buf);
		return NULL;
	}
#if PG_VERSION_NUM < 160000
	/* pg_regcomp used malloc: free it together with the owning context */
	re->free_cb.func = EtRegexFree;
	re->free_cb.arg = re;
	MemoryContextRegisterResetCallback(mcxt, &re->free_cb);
#endif
	return re;
}

static bool
LiteralMatch(EtRegex *re, const char *str, int len)
{
	int			n = re->literal_len;
	int			i;

	if (re->anchor_start && re->anchor_end)
		return len == n && memcmp(str, re->literal, n) == 0;
	if (len < n)
		return false;
	if (re->anchor_start)
		return memcmp(str, re->literal, n) == 0;
	if (re->anchor_end)
		return memcmp(str + len - n, re->literal, n) == 0;
	if (n == 0)
		return true;

	/*
	 * Byte search is correct for UTF-8 (and other encodings where a
	 * character's bytes never start inside another character).
	 */
	for (i = 0; i + n <= len; i++)
	{
		if (str[i] == re->literal[0] && memcmp(str + i, re->literal, n) == 0)
			return true;
	}
	return false;
}

bool
EtRegexMatch(EtRegex *re, const char *str, int len)
{
	pg_wchar	stackbuf[MATCH_STACK_WCHARS + 1];
	pg_wchar   *w = stackbuf;
	int			wlen;
	int			rc;

	if (re->kind == ET_RE_LITERAL)
		return LiteralMatch(re, str, len);
	if (re->simple)
	{
		bool		decided;
		bool		matched = EtSimpleRegexMatch(re->simple, str, len, &decided);

		if (decided)
			return matched;
	}

	/* a string of len bytes has at most len characters */
	if (len > MATCH_STACK_WCHARS)
		w = palloc(sizeof(pg_wchar) * (len + 1));
	wlen = pg_mb2wchar_with_len(str, w, len);
	rc = pg_regexec(&re->re, w, wlen, 0, NULL, 0, NULL, 0);
	if (w != stackbuf)
		pfree(w);
	if (rc == REG_OKAY)
		return true;
	if (rc == REG_NOMATCH)
		return false;

	/* runtime failure (cancel, out of memory): not a property of the input */
#ifdef REG_CANCEL				/* from PG 16 the engine checks for interrupts itself */
	if (rc == REG_CANCEL)
		CHECK_FOR_INTERRUPTS();
#endif
	{
		char		buf[256];

		pg_regerror(rc, &re->re, buf, sizeof(buf));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("regular expression failed: %s", buf)));
	}
	return false;				/* keep compiler quiet */
}
