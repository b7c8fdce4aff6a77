/*-------------------------------------------------------------------------
 *
 * regex_simple.c
 *	  Bit-parallel (Shift-And) matching of simple ECMA-262 patterns.
 *
 * Profiling the validator on real event schemas showed a third of a
 * document's validation time in pg_regexec() for patterns such as
 * "^[A-Z][A-Z0-9_]*$": converting the string to pg_wchar and starting the
 * ARE engine costs far more than the match.  Most "pattern" keywords are a
 * sequence of single-character atoms with quantifiers, which a Glushkov
 * automaton of at most 63 positions recognises with one 64-bit word of
 * state and a handful of instructions per input byte.
 *
 * The subset: an optional leading "^" and trailing "$"; atoms that are an
 * ASCII literal, ".", a class "[...]" / "[^...]" of ASCII characters and
 * ranges, or the escapes \d \D \w \W \s \S \t \n \v \f \r and escaped
 * punctuation; each optionally followed by *, +, ?, {m}, {m,} or {m,n}
 * (lazy or not: whether a match exists does not depend on it).  Anything
 * else -- groups, alternation, back-references, \b, \p, \u, non-ASCII --
 * leaves the pattern to the ARE (regex.c).
 *
 * Only ASCII input is decided here.  For a string with a byte >= 0x80 the
 * matcher gives up unless the answer is already known, because "." and
 * negated classes match non-ASCII characters and \s includes non-ASCII
 * spaces.  Every PostgreSQL server encoding is ASCII-safe (a byte < 0x80 is
 * always an ASCII character), so scanning bytes is exact.
 *
 * State: bit j (1..m) means "the first j items have matched"; bit 0 is the
 * start state.  Per byte c:
 *		D = ((D << 1) | (D & loop)) & accept[c]		(advance or repeat)
 *		D |= 1										(unanchored start)
 *		D = closure(D)								(skip optional items)
 * and the pattern matches when bit m is set (at the end, if "$").
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "regex_simple.h"

#define MAX_ITEMS 63			/* positions 1..63 of one uint64 */

struct EtSimpleRegex
{
	uint64		accept[128];	/* bit j: item j accepts this ASCII byte */
	uint64		loop;			/* items that may repeat */
	uint64		skip;			/* items that may be skipped */
	uint64		final;			/* the bit of the last item (or of state 0) */
	int			skip_run;		/* longest run of consecutive skippable items */
	bool		anchor_start;
	bool		anchor_end;

	/*
	 * "^" fixed items, then one repeated item, then "$" -- the shape of
	 * identifier patterns such as "^[A-Z][A-Z0-9_]*$": matched by checking
	 * each byte against its item's class, with no automaton state.
	 */
	bool		prefix_loop;
	int			nprefix;		/* the fixed items, 1..nprefix */
	uint8		tail[256];		/* per byte: TAIL_NO, TAIL_YES or TAIL_UNDECIDED */
};

#define TAIL_NO			0
#define TAIL_YES		1
#define TAIL_UNDECIDED	2		/* a byte >= 0x80: left to the ARE */

/* A set of ASCII characters */
typedef struct AsciiSet
{
	bool		has[128];
} AsciiSet;

typedef struct Parser
{
	const char *p;
	int			len;
	int			pos;
} Parser;

static void
SetRange(AsciiSet *s, int lo, int hi)
{
	int			c;

	for (c = lo; c <= hi; c++)
		s->has[c] = true;
}

static void
SetInvert(AsciiSet *s)
{
	int			c;

	for (c = 0; c < 128; c++)
		s->has[c] = !s->has[c];
}

/* \d \w \s and their complements, within ASCII */
static bool
ClassEscape(char e, AsciiSet *s)
{
	AsciiSet	t = {{0}};

	switch (e)
	{
		case 'd':
		case 'D':
			SetRange(&t, '0', '9');
			break;
		case 'w':
		case 'W':
			SetRange(&t, '0', '9');
			SetRange(&t, 'A', 'Z');
			SetRange(&t, 'a', 'z');
			t.has['_'] = true;
			break;
		case 's':
		case 'S':
			/* ECMA WhiteSpace and LineTerminator, ASCII part */
			SetRange(&t, '\t', '\r');
			t.has[' '] = true;
			break;
		default:
			return false;
	}
	if (e == 'D' || e == 'W' || e == 'S')
		SetInvert(&t);
	*s = t;
	return true;
}

/* A single-character escape: control escapes and escaped punctuation */
static int
CharEscape(char e)
{
	switch (e)
	{
		case 't':
			return '\t';
		case 'n':
			return '\n';
		case 'v':
			return '\v';
		case 'f':
			return '\f';
		case 'r':
			return '\r';
	}
	if ((e >= 0x21 && e <= 0x2f) || (e >= 0x3a && e <= 0x40) ||
		(e >= 0x5b && e <= 0x60) || (e >= 0x7b && e <= 0x7e))
		return e;
	return -1;					/* \b, \0, \u, \x, \c, \p, \k, \1 ...: not here */
}

/* One class member as a single character, or -1 */
static int
ClassChar(Parser *ps, AsciiSet *shorthand, bool *is_shorthand)
{
	char		c;

	*is_shorthand = false;
	if (ps->pos >= ps->len)
		return -1;
	c = ps->p[ps->pos++];
	if (c != '\\')
		return (unsigned char) c;
	if (ps->pos >= ps->len)
		return -1;
	c = ps->p[ps->pos++];
	if (ClassEscape(c, shorthand))
	{
		*is_shorthand = true;
		return 0;
	}
	return CharEscape(c);
}

static bool
ParseClass(Parser *ps, AsciiSet *set)
{
	bool		negate = false;

	memset(set, 0, sizeof(*set));
	if (ps->pos < ps->len && ps->p[ps->pos] == '^')
	{
		negate = true;
		ps->pos++;
	}
	for (;;)
	{
		AsciiSet	sh;
		bool		is_sh;
		int			lo;

		if (ps->pos >= ps->len)
			return false;
		if (ps->p[ps->pos] == ']')
		{
			ps->pos++;
			break;
		}
		lo = ClassChar(ps, &sh, &is_sh);
		if (lo < 0)
			return false;
		if (is_sh)
		{
			int			c;

			/* "[\w-.]" makes "-" a literal (Annex B): leave it to the ARE */
			if (ps->pos < ps->len && ps->p[ps->pos] == '-' &&
				ps->pos + 1 < ps->len && ps->p[ps->pos + 1] != ']')
				return false;
			for (c = 0; c < 128; c++)
				set->has[c] |= sh.has[c];
			continue;
		}
		if (ps->pos + 1 < ps->len && ps->p[ps->pos] == '-' && ps->p[ps->pos + 1] != ']')
		{
			int			hi;

			ps->pos++;
			hi = ClassChar(ps, &sh, &is_sh);
			if (hi < 0 || is_sh || hi < lo)
				return false;
			SetRange(set, lo, hi);
		}
		else
			set->has[lo] = true;
	}
	if (negate)
		SetInvert(set);
	return true;
}

static bool
ParseAtom(Parser *ps, AsciiSet *set)
{
	char		c = ps->p[ps->pos++];

	memset(set, 0, sizeof(*set));
	switch (c)
	{
		case '.':
			SetRange(set, 0, 127);
			set->has['\n'] = set->has['\r'] = false;
			return true;
		case '[':
			return ParseClass(ps, set);
		case '\\':
			{
				int			lit;

				if (ps->pos >= ps->len)
					return false;
				c = ps->p[ps->pos++];
				if (ClassEscape(c, set))
					return true;
				lit = CharEscape(c);
				if (lit < 0)
					return false;
				set->has[lit] = true;
				return true;
			}
		case '(':
		case ')':
		case '|':
		case '*':
		case '+':
		case '?':
		case '{':
		case '}':
		case ']':
		case '^':
		case '$':
			return false;
		default:
			set->has[(unsigned char) c] = true;
			return true;
	}
}

static int
ReadInt(Parser *ps)
{
	int			n = 0;
	int			start = ps->pos;

	while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9')
	{
		n = n * 10 + (ps->p[ps->pos++] - '0');
		if (n > MAX_ITEMS)
			return -2;			/* too large for us anyway */
	}
	return ps->pos == start ? -1 : n;
}

/* Quantifier after an atom: min and max (-1 = unbounded); false if odd */
static bool
ParseQuantifier(Parser *ps, int *min, int *max)
{
	*min = *max = 1;
	if (ps->pos >= ps->len)
		return true;
	switch (ps->p[ps->pos])
	{
		case '*':
			*min = 0;
			*max = -1;
			break;
		case '+':
			*max = -1;
			break;
		case '?':
			*min = 0;
			break;
		case '{':
			ps->pos++;
			if ((*min = ReadInt(ps)) < 0)
				return false;
			*max = *min;
			if (ps->pos < ps->len && ps->p[ps->pos] == ',')
			{
				ps->pos++;
				*max = ReadInt(ps);
				if (*max == -2 || (*max >= 0 && *max < *min))
					return false;
			}
			if (ps->pos >= ps->len || ps->p[ps->pos] != '}')
				return false;
			break;
		default:
			return true;
	}
	ps->pos++;
	if (ps->pos < ps->len && ps->p[ps->pos] == '?')
		ps->pos++;				/* lazy: same answer to "is there a match" */
	return true;
}

EtSimpleRegex *
EtSimpleRegexCompile(const char *pattern, int len, MemoryContext mcxt)
{
	EtSimpleRegex re;
	Parser		ps = {pattern, len, 0};
	int			nitems = 0;
	int			i;

	memset(&re, 0, sizeof(re));
	for (i = 0; i < len; i++)
		if ((unsigned char) pattern[i] >= 0x80 || pattern[i] == '\0')
			return NULL;
	if (len > 0 && pattern[0] == '^')
	{
		re.anchor_start = true;
		ps.pos++;
	}
	if (ps.pos < len && pattern[len - 1] == '$' &&
		(len < 2 || pattern[len - 2] != '\\'))
	{
		re.anchor_end = true;
		ps.len--;
	}
	while (ps.pos < ps.len)
	{
		AsciiSet	set;
		int			min,
					max,
					k,
					c;

		if (!ParseAtom(&ps, &set) || !ParseQuantifier(&ps, &min, &max))
			return NULL;
		/* x{m,n} = m plain copies, then n-m optional ones (x* / x+ loop) */
		k = (max < 0) ? Max(min, 1) : max;
		if (nitems + k > MAX_ITEMS)
			return NULL;
		for (i = 0; i < k; i++)
		{
			uint64		bit = UINT64CONST(1) << (++nitems);

			for (c = 0; c < 128; c++)
				if (set.has[c])
					re.accept[c] |= bit;
			if (i >= min)
				re.skip |= bit;
			if (max < 0 && i == k - 1)
				re.loop |= bit;
		}
	}
	re.final = UINT64CONST(1) << nitems;
	if (re.anchor_start && re.anchor_end && nitems > 0 &&
		re.loop == re.final &&
		(re.skip & ~re.final) == 0)
	{
		re.prefix_loop = true;
		re.nprefix = nitems - 1;
		for (i = 0; i < 256; i++)
			re.tail[i] = i >= 0x80 ? TAIL_UNDECIDED :
				(re.accept[i] & re.final) ? TAIL_YES : TAIL_NO;
	}
	{
		int			run = 0;

		for (i = 1; i <= nitems; i++)
		{
			run = (re.skip & (UINT64CONST(1) << i)) ? run + 1 : 0;
			re.skip_run = Max(re.skip_run, run);
		}
	}
	{
		EtSimpleRegex *copy = MemoryContextAlloc(mcxt, sizeof(EtSimpleRegex));

		memcpy(copy, &re, sizeof(re));
		return copy;
	}
}

/*
 * Follow skippable items: state j-1 active and item j optional => j
 * active.  A run of r consecutive optional items needs r steps.
 */
static inline uint64
Closure(uint64 d, uint64 skip, int run)
{
	int			i;

	for (i = 0; i < run; i++)
		d |= (d << 1) & skip;
	return d;
}

/*
 * The "prefix_loop" shape: byte i < nprefix must be in item i+1's class,
 * every later byte in the last item's, and there must be at least one
 * later byte unless that item may be skipped ("*" rather than "+").
 */
static bool
PrefixLoopMatch(const EtSimpleRegex *re, const char *str, int len,
				bool *decided)
{
	const int	nprefix = re->nprefix;
	const uint64 final = re->final;
	int			i;

	*decided = true;
	if (len < nprefix)
		return false;
	for (i = 0; i < nprefix; i++)
	{
		unsigned char c = (unsigned char) str[i];

		if (c >= 0x80)
		{
			*decided = false;
			return false;
		}
		if (!(re->accept[c] & (UINT64CONST(2) << i)))
			return false;
	}
	if (i == len)
		return (re->skip & final) != 0;
	for (; i < len; i++)
	{
		uint8		t = re->tail[(unsigned char) str[i]];

		if (t != TAIL_YES)
		{
			*decided = (t == TAIL_NO);
			return false;
		}
	}
	return true;
}

bool
EtSimpleRegexMatch(const EtSimpleRegex *re, const char *str, int len,
					bool *decided)
{
	const uint64 skip = re->skip;
	const uint64 loop = re->loop;
	const uint64 final = re->final;
	const int	run = re->skip_run;
	const uint64 restart = re->anchor_start ? 0 : 1;
	const bool	anchor_end = re->anchor_end;
	uint64		d;
	int			i;

	if (re->prefix_loop)
		return PrefixLoopMatch(re, str, len, decided);
	d = Closure(1, skip, run);
	*decided = true;
	if (!anchor_end && (d & final))
		return true;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) str[i];

		if (c >= 0x80)
		{
			*decided = false;
			return false;
		}
		d = (((d << 1) | (d & loop)) & re->accept[c]) | restart;
		if (d == 0)
			return false;		/* anchored and dead: no later byte helps */
		if (run == 1)
			d |= (d << 1) & skip;
		else if (run > 1)
			d = Closure(d, skip, run);
		if (d & final)
		{
			if (!anchor_end)
				return true;
		}
	}
	return (d & final) != 0;
}
