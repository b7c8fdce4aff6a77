/*-------------------------------------------------------------------------
 *
 * format_net.c
 *	  JSON Schema 2020-12 formats for network syntax: email / idn-email
 *	  (RFC 5321 / RFC 6531 Mailbox), ipv4 / ipv6 (RFC 2673 dotted quad /
 *	  RFC 4291 text forms), uri / uri-reference (RFC 3986), iri /
 *	  iri-reference (RFC 3987) and uri-template (RFC 6570).  Hostnames
 *	  (also the domain part of email) are in format_idn.c.
 *
 *	  Strings are first turned into code points (pg_wchar; Unicode when the
 *	  server encoding is UTF-8), using a stack buffer for short strings.
 *	  Nothing here ereports on bad input.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include "format.h"

#define WBUF_STACK	256

/* Code points of a string, with a stack buffer for the common case. */
typedef struct WStr
{
	pg_wchar   *w;
	int			n;
	pg_wchar	buf[WBUF_STACK + 1];
} WStr;

static void
WStrInit(WStr *ws, const char *s, int len)
{
	ws->w = (len <= WBUF_STACK) ? ws->buf : palloc(sizeof(pg_wchar) * (len + 1));
	ws->n = pg_mb2wchar_with_len(s, ws->w, len);
}

static void
WStrFree(WStr *ws)
{
	if (ws->w != ws->buf)
		pfree(ws->w);
}

static inline bool
IsAlpha(pg_wchar c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
IsDigitW(pg_wchar c)
{
	return c >= '0' && c <= '9';
}

static inline bool
IsHex(pg_wchar c)
{
	return IsDigitW(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---------------------------------------------------------------------
 * IPv4 / IPv6
 * ---------------------------------------------------------------------
 */

/* dotted quad, decimal, no leading zeros, exactly w[0..n) */
static bool
Ipv4W(const pg_wchar *w, int n)
{
	int			pos = 0;
	int			part;

	for (part = 0; part < 4; part++)
	{
		int			start = pos;
		int			v = 0;

		if (part > 0)
		{
			if (pos >= n || w[pos] != '.')
				return false;
			start = ++pos;
		}
		while (pos < n && IsDigitW(w[pos]) && pos - start < 3)
			v = v * 10 + (w[pos++] - '0');
		if (pos == start || v > 255)
			return false;
		if (pos - start > 1 && w[start] == '0')
			return false;
	}
	return pos == n;
}

/* RFC 4291 section 2.2 text forms, no zone id, no prefix length */
static bool
Ipv6W(const pg_wchar *w, int n)
{
	int			pos = 0;
	int			groups = 0;
	bool		compressed = false;

	if (n >= 2 && w[0] == ':' && w[1] == ':')
	{
		compressed = true;
		pos = 2;
		if (pos == n)
			return true;
	}
	else if (n > 0 && w[0] == ':')
		return false;

	while (pos < n)
	{
		int			start = pos;
		int			end;

		while (pos < n && IsHex(w[pos]) && pos - start < 5)
			pos++;
		end = pos;
		if (end < n && w[end] == '.')
		{
			/* trailing embedded IPv4 takes two groups */
			int			dend = start;

			while (dend < n && (IsDigitW(w[dend]) || w[dend] == '.'))
				dend++;
			if (dend != n || !Ipv4W(w + start, n - start))
				return false;
			groups += 2;
			pos = n;
			break;
		}
		if (end == start || end - start > 4)
			return false;
		groups++;
		if (pos == n)
			break;
		if (w[pos] != ':')
			return false;
		pos++;
		if (pos < n && w[pos] == ':')
		{
			if (compressed)
				return false;
			compressed = true;
			pos++;
			if (pos == n)
				break;
		}
		else if (pos == n)
			return false;		/* trailing single colon */
	}
	if (groups > 8)
		return false;
	return compressed ? groups <= 7 : groups == 8;
}

bool
EtFormatCheckIpv4(const char *str, int len)
{
	WStr		ws;
	bool		ok;

	WStrInit(&ws, str, len);
	ok = Ipv4W(ws.w, ws.n);
	WStrFree(&ws);
	return ok;
}

bool
EtFormatCheckIpv6(const char *str, int len)
{
	WStr		ws;
	bool		ok;

	WStrInit(&ws, str, len);
	ok = Ipv6W(ws.w, ws.n);
	WStrFree(&ws);
	return ok;
}

/* ---------------------------------------------------------------------
 * Email (RFC 5321 section 4.1.2 Mailbox, RFC 6531 for idn-email)
 * ---------------------------------------------------------------------
 */
static inline bool
IsAtext(pg_wchar c, bool idn)
{
	if (IsAlpha(c) || IsDigitW(c))
		return true;
	if (c < 0x80)
		return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", (int) c) != NULL;
	return idn;
}

static bool
EmailW(const pg_wchar *w, int n, bool idn)
{
	int			pos = 0;
	int			local_bytes = 0;
	int			i;

	if (n == 0)
		return false;
	if (w[0] == '"')
	{
		/* Quoted-string: qtextSMTP / quoted-pair */
		pos = 1;
		for (;;)
		{
			if (pos >= n)
				return false;
			if (w[pos] == '"')
			{
				pos++;
				break;
			}
			if (w[pos] == '\\')
			{
				if (pos + 1 >= n || (w[pos + 1] < 32 && w[pos + 1] < 0x80) ||
					w[pos + 1] == 127 || (w[pos + 1] >= 0x80 && !idn))
					return false;
				pos += 2;
				continue;
			}
			if (w[pos] >= 0x80 ? !idn : (w[pos] < 32 || w[pos] == 127))
				return false;
			pos++;
		}
	}
	else
	{
		/* Dot-string: Atom *("." Atom) */
		bool		need_atom = true;

		while (pos < n && w[pos] != '@')
		{
			if (w[pos] == '.')
			{
				if (need_atom)
					return false;
				need_atom = true;
			}
			else if (IsAtext(w[pos], idn))
				need_atom = false;
			else
				return false;
			pos++;
		}
		if (need_atom)
			return false;
	}
	for (i = 0; i < pos; i++)
		local_bytes += (w[i] < 0x80) ? 1 : (w[i] < 0x800) ? 2 : (w[i] < 0x10000) ? 3 : 4;
	if (local_bytes > 64)
		return false;
	if (pos >= n || w[pos] != '@')
		return false;
	pos++;
	if (pos >= n)
		return false;
	if (w[pos] == '[')
	{
		/* address-literal */
		if (w[n - 1] != ']')
			return false;
		if (n - pos - 2 >= 5 && w[pos + 1] == 'I' && w[pos + 2] == 'P' &&
			w[pos + 3] == 'v' && w[pos + 4] == '6' && w[pos + 5] == ':')
			return Ipv6W(w + pos + 6, n - 1 - (pos + 6));
		return Ipv4W(w + pos + 1, n - 1 - (pos + 1));
	}
	return EtHostnameW(w + pos, n - pos, idn, false);
}

/*
 * Bytes an ASCII dot-atom may hold besides "." (RFC 5321 atext), and
 * letters, digits and "-" of host-name labels (LDH); one table, two bits.
 */
#define ATEXT	0x01
#define LDH		0x02
static const uint8 email_chars[128] = {
	['!'] = ATEXT, ['#'] = ATEXT, ['$'] = ATEXT, ['%'] = ATEXT, ['&'] = ATEXT,
	['\''] = ATEXT, ['*'] = ATEXT, ['+'] = ATEXT, ['/'] = ATEXT, ['='] = ATEXT,
	['?'] = ATEXT, ['^'] = ATEXT, ['_'] = ATEXT, ['`'] = ATEXT, ['{'] = ATEXT,
	['|'] = ATEXT, ['}'] = ATEXT, ['~'] = ATEXT,
	['-'] = ATEXT | LDH,
	['0'] = ATEXT | LDH, ['1'] = ATEXT | LDH, ['2'] = ATEXT | LDH, ['3'] = ATEXT | LDH,
	['4'] = ATEXT | LDH, ['5'] = ATEXT | LDH, ['6'] = ATEXT | LDH, ['7'] = ATEXT | LDH,
	['8'] = ATEXT | LDH, ['9'] = ATEXT | LDH,
	['A'] = ATEXT | LDH, ['B'] = ATEXT | LDH, ['C'] = ATEXT | LDH, ['D'] = ATEXT | LDH,
	['E'] = ATEXT | LDH, ['F'] = ATEXT | LDH, ['G'] = ATEXT | LDH, ['H'] = ATEXT | LDH,
	['I'] = ATEXT | LDH, ['J'] = ATEXT | LDH, ['K'] = ATEXT | LDH, ['L'] = ATEXT | LDH,
	['M'] = ATEXT | LDH, ['N'] = ATEXT | LDH, ['O'] = ATEXT | LDH, ['P'] = ATEXT | LDH,
	['Q'] = ATEXT | LDH, ['R'] = ATEXT | LDH, ['S'] = ATEXT | LDH, ['T'] = ATEXT | LDH,
	['U'] = ATEXT | LDH, ['V'] = ATEXT | LDH, ['W'] = ATEXT | LDH, ['X'] = ATEXT | LDH,
	['Y'] = ATEXT | LDH, ['Z'] = ATEXT | LDH,
	['a'] = ATEXT | LDH, ['b'] = ATEXT | LDH, ['c'] = ATEXT | LDH, ['d'] = ATEXT | LDH,
	['e'] = ATEXT | LDH, ['f'] = ATEXT | LDH, ['g'] = ATEXT | LDH, ['h'] = ATEXT | LDH,
	['i'] = ATEXT | LDH, ['j'] = ATEXT | LDH, ['k'] = ATEXT | LDH, ['l'] = ATEXT | LDH,
	['m'] = ATEXT | LDH, ['n'] = ATEXT | LDH, ['o'] = ATEXT | LDH, ['p'] = ATEXT | LDH,
	['q'] = ATEXT | LDH, ['r'] = ATEXT | LDH, ['s'] = ATEXT | LDH, ['t'] = ATEXT | LDH,
	['u'] = ATEXT | LDH, ['v'] = ATEXT | LDH, ['w'] = ATEXT | LDH, ['x'] = ATEXT | LDH,
	['y'] = ATEXT | LDH, ['z'] = ATEXT | LDH,
};

/*
 * The common address, decided on its bytes: an ASCII dot-atom, "@", and
 * LDH labels that are not A-labels.  True only if the address is valid;
 * false means "ask EmailW", which decides everything else (quoted local
 * parts, address literals, A-labels, non-ASCII) and every invalid address,
 * so the verdict is always EmailW's (test/fast_paths.sql compares them).
 */
static bool
EmailAsciiValid(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;
	int			pos = 0;
	int			start;

	/* local part: Atom *("." Atom), at most 64 bytes */
	for (;;)
	{
		start = pos;
		while (pos < len && u[pos] < 128 && (email_chars[u[pos]] & ATEXT))
			pos++;
		if (pos == start || pos >= len)
			return false;
		if (u[pos] == '@')
			break;
		if (u[pos] != '.')
			return false;
		pos++;
	}
	if (pos > 64)
		return false;
	pos++;
	/* domain: LDH labels of 1 to 63 bytes, at most 253 bytes in all */
	if (len - pos > 253)
		return false;
	for (;;)
	{
		start = pos;
		while (pos < len && u[pos] < 128 && (email_chars[u[pos]] & LDH))
			pos++;
		if (pos == start || pos - start > 63 ||
			u[start] == '-' || u[pos - 1] == '-')
			return false;
		if (pos - start >= 4 && (u[start] | 0x20) == 'x' &&
			(u[start + 1] | 0x20) == 'n' && u[start + 2] == '-' && u[start + 3] == '-')
			return false;		/* an A-label: decoded by EmailW */
		if (pos == len)
			return true;
		if (u[pos] != '.')
			return false;
		pos++;
	}
}

bool
EtFormatCheckEmail(const char *str, int len, bool idn)
{
	WStr		ws;
	bool		ok;

	if (!idn && EmailAsciiValid(str, len))
		return true;
	WStrInit(&ws, str, len);
	ok = EmailW(ws.w, ws.n, idn);
	WStrFree(&ws);
	return ok;
}

/* ---------------------------------------------------------------------
 * URI / IRI (RFC 3986, RFC 3987)
 * ---------------------------------------------------------------------
 */
static inline bool
IsUnreserved(pg_wchar c)
{
	return IsAlpha(c) || IsDigitW(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static inline bool
IsSubDelim(pg_wchar c)
{
	return c < 0x80 && c != 0 && strchr("!$&'()*+,;=", (int) c) != NULL;
}

/* RFC 3987 ucschar */
static bool
IsUcschar(pg_wchar c)
{
	if (c >= 0xA0 && c <= 0xD7FF)
		return true;
	if (c >= 0xF900 && c <= 0xFDCF)
		return true;
	if (c >= 0xFDF0 && c <= 0xFFEF)
		return true;
	if (c >= 0x10000 && c <= 0xEFFFD)
		return (c & 0xFFFF) <= 0xFFFD;
	return false;
}

/* RFC 3987 iprivate (only allowed in the query) */
static bool
IsIprivate(pg_wchar c)
{
	return (c >= 0xE000 && c <= 0xF8FF) ||
		(c >= 0xF0000 && c <= 0xFFFFD) ||
		(c >= 0x100000 && c <= 0x10FFFD);
}

/* pct-encoded at w[*pos] ("%" HEXDIG HEXDIG) */
static bool
PctEncoded(const pg_wchar *w, int n, int *pos)
{
	if (*pos + 2 < n && w[*pos] == '%' && IsHex(w[*pos + 1]) && IsHex(w[*pos + 2]))
	{
		*pos += 3;
		return true;
	}
	return false;
}

/*
 * Skip characters of a component: unreserved / pct-encoded / sub-delims
 * plus the ASCII characters in extra; ucschar when iri (and iprivate when
 * private_ok).  Stops at the first other character; false on a bad "%".
 */
static bool
SkipChars(const pg_wchar *w, int n, int *pos, const char *extra, bool iri,
		  bool private_ok)
{
	while (*pos < n)
	{
		pg_wchar	c = w[*pos];

		if (c == '%')
		{
			if (!PctEncoded(w, n, pos))
				return false;
			continue;
		}
		if (IsUnreserved(c) || IsSubDelim(c) ||
			(c < 0x80 && c != 0 && strchr(extra, (int) c) != NULL) ||
			(iri && IsUcschar(c)) || (iri && private_ok && IsIprivate(c)))
		{
			(*pos)++;
			continue;
		}
		break;
	}
	return true;
}

/* IP-literal = "[" ( IPv6address / IPvFuture ) "]", w[0..n) without brackets */
static bool
IpLiteral(const pg_wchar *w, int n)
{
	if (n > 0 && (w[0] == 'v' || w[0] == 'V'))
	{
		int			pos = 1;
		int			start;

		while (pos < n && IsHex(w[pos]))
			pos++;
		if (pos == 1 || pos >= n || w[pos] != '.')
			return false;
		start = ++pos;
		while (pos < n && (IsUnreserved(w[pos]) || IsSubDelim(w[pos]) || w[pos] == ':'))
			pos++;
		return pos > start && pos == n;
	}
	return Ipv6W(w, n);
}

/* authority = [ userinfo "@" ] host [ ":" port ], w[0..n) */
static bool
Authority(const pg_wchar *w, int n, bool iri)
{
	int			pos = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (w[i] == '@')
		{
			if (!SkipChars(w, i, &pos, ":", iri, false) || pos != i)
				return false;
			pos = i + 1;
			break;
		}
	}
	if (pos < n && w[pos] == '[')
	{
		int			close = pos + 1;

		while (close < n && w[close] != ']')
			close++;
		if (close >= n || !IpLiteral(w + pos + 1, close - pos - 1))
			return false;
		pos = close + 1;
	}
	else if (!SkipChars(w, n, &pos, "", iri, false))	/* reg-name or IPv4 */
		return false;
	if (pos < n && w[pos] == ':')
	{
		pos++;
		while (pos < n && IsDigitW(w[pos]))
			pos++;
	}
	return pos == n;
}

static bool
UriW(const pg_wchar *w, int n, bool iri, bool reference)
{
	int			pos = 0;
	bool		has_scheme = false;
	int			path_start;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (n > 0 && IsAlpha(w[0]))
	{
		int			p = 1;

		while (p < n && (IsAlpha(w[p]) || IsDigitW(w[p]) || w[p] == '+' ||
						 w[p] == '-' || w[p] == '.'))
			p++;
		if (p < n && w[p] == ':')
		{
			has_scheme = true;
			pos = p + 1;
		}
	}
	if (!has_scheme && !reference)
		return false;

	if (pos + 1 < n && w[pos] == '/' && w[pos + 1] == '/')
	{
		int			end = pos + 2;

		while (end < n && w[end] != '/' && w[end] != '?' && w[end] != '#')
			end++;
		if (!Authority(w + pos + 2, end - pos - 2, iri))
			return false;
		pos = end;
	}
	else if (!has_scheme)
	{
		/* path-noscheme: no ":" in the first segment */
		int			p = pos;

		while (p < n && w[p] != '/' && w[p] != '?' && w[p] != '#')
		{
			if (w[p] == ':')
				return false;
			p++;
		}
	}
	/* path: *( pchar / "/" ) */
	path_start = pos;
	if (!SkipChars(w, n, &pos, ":@/", iri, false))
		return false;
	(void) path_start;
	if (pos < n && w[pos] == '?')
	{
		pos++;
		if (!SkipChars(w, n, &pos, ":@/?", iri, true))
			return false;
	}
	if (pos < n && w[pos] == '#')
	{
		pos++;
		if (!SkipChars(w, n, &pos, ":@/?", iri, false))
			return false;
	}
	return pos == n;
}

bool
EtFormatCheckUri(const char *str, int len, bool iri, bool reference)
{
	WStr		ws;
	bool		ok;

	WStrInit(&ws, str, len);
	ok = UriW(ws.w, ws.n, iri, reference);
	WStrFree(&ws);
	return ok;
}

/* ---------------------------------------------------------------------
 * URI Template (RFC 6570, level 4 syntax)
 * ---------------------------------------------------------------------
 */

/* literals; "'" is allowed as in RFC 6570 erratum 6937 */
static bool
IsTemplateLiteral(pg_wchar c)
{
	if (c >= 0x80)
		return IsUcschar(c) || IsIprivate(c);
	if (c <= 0x20 || c == 0x7F)
		return false;
	return strchr("\"<>\\^`{|}", (int) c) == NULL;
}

/* varspec list inside "{...}", w[0..n) without braces */
static bool
TemplateExpression(const pg_wchar *w, int n)
{
	int			pos = 0;

	if (n == 0)
		return false;
	if (strchr("+#./;?&", (int) (w[0] < 0x80 ? w[0] : 'x')) != NULL && w[0] != 0)
		pos = 1;
	else if (w[0] < 0x80 && w[0] != 0 && strchr("=,!@|", (int) w[0]) != NULL)
		return false;			/* op-reserve */
	for (;;)
	{
		bool		need_char = true;

		/* varname = varchar *( ["."] varchar ) */
		while (pos < n)
		{
			if (w[pos] == '%')
			{
				if (!PctEncoded(w, n, &pos))
					return false;
				need_char = false;
			}
			else if (IsAlpha(w[pos]) || IsDigitW(w[pos]) || w[pos] == '_')
			{
				pos++;
				need_char = false;
			}
			else if (w[pos] == '.')
			{
				if (need_char)
					return false;
				need_char = true;
				pos++;
			}
			else
				break;
		}
		if (need_char)
			return false;
		/* modifier-level4 = prefix / explode */
		if (pos < n && w[pos] == ':')
		{
			int			start = ++pos;

			if (pos >= n || w[pos] < '1' || w[pos] > '9')
				return false;
			while (pos < n && IsDigitW(w[pos]))
				pos++;
			if (pos - start > 4)
				return false;
		}
		else if (pos < n && w[pos] == '*')
			pos++;
		if (pos == n)
			return true;
		if (w[pos] != ',')
			return false;
		pos++;
	}
}

static bool
UriTemplateW(const pg_wchar *w, int n)
{
	int			pos = 0;

	while (pos < n)
	{
		pg_wchar	c = w[pos];

		if (c == '{')
		{
			int			end = pos + 1;

			while (end < n && w[end] != '}' && w[end] != '{')
				end++;
			if (end >= n || w[end] != '}')
				return false;
			if (!TemplateExpression(w + pos + 1, end - pos - 1))
				return false;
			pos = end + 1;
		}
		else if (c == '%')
		{
			if (!PctEncoded(w, n, &pos))
				return false;
		}
		else if (IsTemplateLiteral(c))
			pos++;
		else
			return false;
	}
	return true;
}

bool
EtFormatCheckUriTemplate(const char *str, int len)
{
	WStr		ws;
	bool		ok;

	WStrInit(&ws, str, len);
	ok = UriTemplateW(ws.w, ws.n);
	WStrFree(&ws);
	return ok;
}
