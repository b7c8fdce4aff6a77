/*-------------------------------------------------------------------------
 *
 * format_idn.c
 *	  Hostnames for the JSON Schema formats hostname and idn-hostname (and
 *	  the domain of email / idn-email): RFC 1123 labels, IDNA2008
 *	  (RFC 5890-5893) and Punycode (RFC 3492).
 *
 *	  IDNA2008 coverage: labels are checked against the RFC 5892 derived
 *	  property tables (PVALID / CONTEXTJ / CONTEXTO, see ucd.c), the
 *	  CONTEXTJ and CONTEXTO rules of RFC 5892 Appendix A, the hyphen and
 *	  leading-combining-mark rules of RFC 5891 4.2.3 and the Bidi rule of
 *	  RFC 5893 (applied to every label once any label is right-to-left).
 *	  A-labels ("xn--") are Punycode-decoded, must contain a non-ASCII
 *	  character, must re-encode to themselves and must decode to a valid
 *	  U-label.  U-labels must be in NFC (RFC 5891 5.4), except in
 *	  the domain of idn-email, which the test suite wants lenient.  Gaps: no
 *	  UTS #46 mapping is applied, except that ASCII letters in
 *	  idn-hostname labels are compared case-insensitively; Bidi classes of
 *	  code points assigned after Unicode 14 default to L.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/unicode_norm.h"
#include "mb/pg_wchar.h"

#include "format.h"
#include "ucd.h"

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

/* ---------------------------------------------------------------------
 * Punycode (RFC 3492)
 * ---------------------------------------------------------------------
 */
#define PUNY_BASE	36
#define PUNY_TMIN	1
#define PUNY_TMAX	26
#define PUNY_SKEW	38
#define PUNY_DAMP	700
#define PUNY_INITIAL_BIAS 72
#define PUNY_INITIAL_N 128
#define MAX_LABEL_CPS 256		/* longer labels are invalid anyway */
#define HOST_STACK_CPS 64		/* names up to this long use stack buffers */

static int
PunyAdapt(int delta, int numpoints, bool firsttime)
{
	int			k = 0;

	delta = firsttime ? delta / PUNY_DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2)
	{
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static int
PunyDigitValue(pg_wchar c)
{
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	return -1;
}

/* Decode in[0..n) into out (capacity MAX_LABEL_CPS); -1 on error. */
static int
PunyDecode(const pg_wchar *in, int n, pg_wchar *out)
{
	int64		cp = PUNY_INITIAL_N;
	int64		i = 0;
	int			bias = PUNY_INITIAL_BIAS;
	int			outlen = 0;
	int			b = -1;
	int			j;
	int			pos;

	for (j = 0; j < n; j++)
		if (in[j] == '-')
			b = j;
	if (b > 0)
	{
		for (j = 0; j < b; j++)
		{
			if (in[j] >= 0x80 || outlen >= MAX_LABEL_CPS)
				return -1;
			out[outlen++] = in[j];
		}
	}
	pos = (b >= 0) ? b + 1 : 0;
	while (pos < n)
	{
		int64		oldi = i;
		int64		w = 1;
		int			k;

		for (k = PUNY_BASE;; k += PUNY_BASE)
		{
			int			digit;
			int			t;

			if (pos >= n)
				return -1;
			digit = PunyDigitValue(in[pos++]);
			if (digit < 0)
				return -1;
			i += digit * w;
			if (i > 0x10FFFF * (int64) (MAX_LABEL_CPS + 1))
				return -1;
			t = (k <= bias) ? PUNY_TMIN : (k >= bias + PUNY_TMAX) ? PUNY_TMAX : k - bias;
			if (digit < t)
				break;
			w *= PUNY_BASE - t;
			if (w > 0x10FFFF * (int64) (MAX_LABEL_CPS + 1))
				return -1;
		}
		bias = PunyAdapt((int) (i - oldi), outlen + 1, oldi == 0);
		cp += i / (outlen + 1);
		i %= (outlen + 1);
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x80 ||
			outlen >= MAX_LABEL_CPS)
			return -1;
		memmove(out + i + 1, out + i, sizeof(pg_wchar) * (outlen - i));
		out[i] = (pg_wchar) cp;
		outlen++;
		i++;
	}
	return outlen;
}

/* Encode in[0..n) as Punycode into out (ASCII); returns length or -1. */
static int
PunyEncode(const pg_wchar *in, int n, char *out, int outcap)
{
	pg_wchar	cp = PUNY_INITIAL_N;
	int64		delta = 0;
	int			bias = PUNY_INITIAL_BIAS;
	int			h;
	int			b = 0;
	int			outlen = 0;
	int			j;

	for (j = 0; j < n; j++)
	{
		if (in[j] < 0x80)
		{
			if (outlen >= outcap)
				return -1;
			out[outlen++] = (char) in[j];
			b++;
		}
	}
	h = b;
	if (b > 0)
	{
		if (outlen >= outcap)
			return -1;
		out[outlen++] = '-';
	}
	while (h < n)
	{
		pg_wchar	m = 0x7FFFFFFF;

		for (j = 0; j < n; j++)
			if (in[j] >= cp && in[j] < m)
				m = in[j];
		delta += (int64) (m - cp) * (h + 1);
		cp = m;
		for (j = 0; j < n; j++)
		{
			if (in[j] < cp)
				delta++;
			else if (in[j] == cp)
			{
				int64		q = delta;
				int			k;

				for (k = PUNY_BASE;; k += PUNY_BASE)
				{
					int			t = (k <= bias) ? PUNY_TMIN :
						(k >= bias + PUNY_TMAX) ? PUNY_TMAX : k - bias;
					int			d;

					if (q < t)
						break;
					d = t + (int) ((q - t) % (PUNY_BASE - t));
					if (outlen >= outcap)
						return -1;
					out[outlen++] = d < 26 ? 'a' + d : '0' + d - 26;
					q = (q - t) / (PUNY_BASE - t);
				}
				if (outlen >= outcap)
					return -1;
				out[outlen++] = q < 26 ? 'a' + q : '0' + q - 26;
				bias = PunyAdapt((int) delta, h + 1, h == b);
				delta = 0;
				h++;
			}
		}
		delta++;
		cp++;
	}
	return outlen;
}

/* ---------------------------------------------------------------------
 * IDNA2008 label checks
 * ---------------------------------------------------------------------
 */
static inline uint16
Props(pg_wchar c)
{
	return EtUcdIdnaProps(c);
}

/* RFC 5892 Appendix A.1 / A.2 */
static bool
ValidContextJ(const pg_wchar *l, int n, int pos)
{
	int			i;
	bool		ok;

	if (pos > 0 && ET_IDNA_VIRAMA(Props(l[pos - 1])))
		return true;
	if (l[pos] != 0x200C)
		return false;			/* ZWJ needs the virama */
	/* (JT:{L,D})(JT:T)* ZWNJ (JT:T)*(JT:{R,D}) */
	ok = false;
	for (i = pos - 1; i >= 0; i--)
	{
		int			jt = ET_IDNA_JT(Props(l[i]));

		if (jt == ET_JT_T)
			continue;
		ok = (jt == ET_JT_L || jt == ET_JT_D);
		break;
	}
	if (!ok)
		return false;
	ok = false;
	for (i = pos + 1; i < n; i++)
	{
		int			jt = ET_IDNA_JT(Props(l[i]));

		if (jt == ET_JT_T)
			continue;
		ok = (jt == ET_JT_R || jt == ET_JT_D);
		break;
	}
	return ok;
}

/* RFC 5892 Appendix A.3 - A.9 */
static bool
ValidContextO(const pg_wchar *l, int n, int pos)
{
	pg_wchar	c = l[pos];
	int			i;

	if (c == 0x00B7)
		return pos > 0 && pos < n - 1 && l[pos - 1] == 'l' && l[pos + 1] == 'l';
	if (c == 0x0375)
		return pos < n - 1 && ET_IDNA_SCRIPT(Props(l[pos + 1])) == ET_SCRIPT_GREEK;
	if (c == 0x05F3 || c == 0x05F4)
		return pos > 0 && ET_IDNA_SCRIPT(Props(l[pos - 1])) == ET_SCRIPT_HEBREW;
	if (c == 0x30FB)
	{
		for (i = 0; i < n; i++)
		{
			int			s = ET_IDNA_SCRIPT(Props(l[i]));

			if (l[i] != 0x30FB &&
				(s == ET_SCRIPT_HIRAGANA || s == ET_SCRIPT_KATAKANA || s == ET_SCRIPT_HAN))
				return true;
		}
		return false;
	}
	if (c >= 0x0660 && c <= 0x0669)
	{
		for (i = 0; i < n; i++)
			if (l[i] >= 0x06F0 && l[i] <= 0x06F9)
				return false;
		return true;
	}
	if (c >= 0x06F0 && c <= 0x06F9)
	{
		for (i = 0; i < n; i++)
			if (l[i] >= 0x0660 && l[i] <= 0x0669)
				return false;
		return true;
	}
	return false;
}

/* RFC 5891 5.4: is the label (n > 0 code points) in NFC? */
static bool
IsNfc(const pg_wchar *l, int n)
{
	pg_wchar	buf[MAX_LABEL_CPS + 1];
	UnicodeNormalizationQC qc;
	pg_wchar   *norm;
	bool		same;
	int			i;

	Assert(n <= MAX_LABEL_CPS);
	memcpy(buf, l, sizeof(pg_wchar) * n);
	buf[n] = 0;
	qc = unicode_is_normalized_quickcheck(UNICODE_NFC, buf);
	if (qc != UNICODE_NORM_QC_MAYBE)
		return qc == UNICODE_NORM_QC_YES;
	norm = unicode_normalize(UNICODE_NFC, buf);
	same = true;
	for (i = 0; i <= n && same; i++)
		same = (norm[i] == buf[i]);
	pfree(norm);
	return same;
}

/*
 * RFC 5891 4.2.3 and RFC 5892 checks on a U-label (lower-cased ASCII).
 * nfc: also require Normalization Form C (RFC 5891 5.4).
 */
static bool
ValidULabel(const pg_wchar *l, int n, bool nfc)
{
	int			i;
	EtUcdCategory gc;

	if (n == 0)
		return false;
	if (n >= 4 && l[2] == '-' && l[3] == '-')
		return false;
	if (l[0] == '-' || l[n - 1] == '-')
		return false;
	gc = EtUcdGetCategory(l[0]);
	if (gc == ET_UCD_Mn || gc == ET_UCD_Mc || gc == ET_UCD_Me)
		return false;
	for (i = 0; i < n; i++)
	{
		uint16		p = Props(l[i]);

		switch (ET_IDNA_CLASS(p))
		{
			case ET_IDNA_PVALID:
				break;
			case ET_IDNA_CONTEXTJ:
				if (!ValidContextJ(l, n, i))
					return false;
				break;
			case ET_IDNA_CONTEXTO:
				if (!ValidContextO(l, n, i))
					return false;
				break;
			default:
				return false;
		}
	}
	return !nfc || IsNfc(l, n);
}

static bool
IsRtlLabel(const pg_wchar *l, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		int			b;

		/* no ASCII character is R, AL or AN: skip the table look-up */
		if (l[i] < 0x80)
			continue;
		b = ET_IDNA_BIDI(Props(l[i]));
		if (b == ET_BIDI_R || b == ET_BIDI_AL || b == ET_BIDI_AN)
			return true;
	}
	return false;
}

/* The Bidi rule, RFC 5893 section 2 */
static bool
ValidBidiLabel(const pg_wchar *l, int n)
{
	int			first = ET_IDNA_BIDI(Props(l[0]));
	bool		rtl;
	bool		valid_end = false;
	int			numtype = -1;
	int			i;

	if (first == ET_BIDI_R || first == ET_BIDI_AL)
		rtl = true;
	else if (first == ET_BIDI_L)
		rtl = false;
	else
		return false;
	for (i = 0; i < n; i++)
	{
		int			b = ET_IDNA_BIDI(Props(l[i]));

		if (rtl)
		{
			if (b == ET_BIDI_L || b == ET_BIDI_OTHER)
				return false;
			if (b == ET_BIDI_R || b == ET_BIDI_AL || b == ET_BIDI_EN || b == ET_BIDI_AN)
				valid_end = true;
			else if (b != ET_BIDI_NSM)
				valid_end = false;
			if (b == ET_BIDI_AN || b == ET_BIDI_EN)
			{
				if (numtype >= 0 && numtype != b)
					return false;
				numtype = b;
			}
		}
		else
		{
			if (!(b == ET_BIDI_L || b == ET_BIDI_EN || b == ET_BIDI_ES ||
				  b == ET_BIDI_CS || b == ET_BIDI_ET || b == ET_BIDI_ON ||
				  b == ET_BIDI_BN || b == ET_BIDI_NSM))
				return false;
			if (b == ET_BIDI_L || b == ET_BIDI_EN)
				valid_end = true;
			else if (b != ET_BIDI_NSM)
				valid_end = false;
		}
	}
	return valid_end;
}

/* ---------------------------------------------------------------------
 * Hostnames
 * ---------------------------------------------------------------------
 */
static inline bool
IsIdnDot(pg_wchar c)
{
	return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

static inline bool
IsLdh(pg_wchar c)
{
	return IsAlpha(c) || IsDigitW(c) || c == '-';
}

/*
 * Check one label l[0..n) and produce its code points as a U-label in
 * ulabel (for the domain-wide Bidi check) and the length of its ASCII
 * form.  idn: labels may be U-labels (otherwise only LDH / A-labels).
 */
static bool
CheckLabel(const pg_wchar *l, int n, bool idn, bool nfc, pg_wchar *ulabel,
		   int *ulen, int *alen)
{
	bool		ascii = true;
	int			i;

	if (n == 0 || n > MAX_LABEL_CPS)
		return false;
	for (i = 0; i < n; i++)
		if (l[i] >= 0x80)
			ascii = false;

	if (ascii)
	{
		for (i = 0; i < n; i++)
			if (!IsLdh(l[i]))
				return false;
		if (n > 63 || l[0] == '-' || l[n - 1] == '-')
			return false;
		*alen = n;
		if (n >= 4 && (l[0] == 'x' || l[0] == 'X') && (l[1] == 'n' || l[1] == 'N') &&
			l[2] == '-' && l[3] == '-')
		{
			/* A-label: must decode to a valid U-label and re-encode to itself */
			char		reenc[MAX_LABEL_CPS];
			int			rlen;
			int			k;

			*ulen = PunyDecode(l + 4, n - 4, ulabel);
			if (*ulen <= 0)
				return false;
			for (k = 0; k < *ulen && ulabel[k] < 0x80; k++)
				;
			if (k == *ulen)
				return false;	/* only ASCII: not a valid A-label */
			rlen = PunyEncode(ulabel, *ulen, reenc, sizeof(reenc));
			if (rlen != n - 4)
				return false;
			for (k = 0; k < rlen; k++)
			{
				pg_wchar	c = l[4 + k];

				if (c >= 'A' && c <= 'Z')
					c += 'a' - 'A';
				if ((unsigned char) reenc[k] != c)
					return false;
			}
			return ValidULabel(ulabel, *ulen, nfc);
		}
		/* plain LDH label; IDNA reserves "--" in positions 3-4 */
		if (idn && n >= 4 && l[2] == '-' && l[3] == '-')
			return false;
		for (i = 0; i < n; i++)
			ulabel[i] = (l[i] >= 'A' && l[i] <= 'Z') ? l[i] + ('a' - 'A') : l[i];
		*ulen = n;
		return true;
	}

	if (!idn)
		return false;
	/* U-label: ASCII letters compared case-insensitively */
	for (i = 0; i < n; i++)
		ulabel[i] = (l[i] >= 'A' && l[i] <= 'Z') ? l[i] + ('a' - 'A') : l[i];
	*ulen = n;
	if (!ValidULabel(ulabel, n, nfc))
		return false;
	{
		char		enc[MAX_LABEL_CPS];
		int			elen = PunyEncode(ulabel, n, enc, sizeof(enc));

		if (elen < 0 || elen + 4 > 63)
			return false;
		*alen = elen + 4;
	}
	return true;
}

/*
 * nfc: require U-labels in NFC.  The hostname formats do (RFC 5891); the
 * idn-email domain does not, as the JSON Schema test suite expects.
 */
bool
EtHostnameW(const pg_wchar *w, int n, bool idn, bool nfc)
{
	pg_wchar   *ulabels;
	int		   *ustart;
	int		   *ulens;
	int			nlabels = 0;
	int			total = 0;
	int			pos = 0;
	int			ucount = 0;
	bool		bidi_domain = false;
	bool		ok = true;
	int			i;

	pg_wchar	ulabels_buf[(HOST_STACK_CPS + 1) * 2 + MAX_LABEL_CPS];
	int			ustart_buf[HOST_STACK_CPS + 1];
	int			ulens_buf[HOST_STACK_CPS + 1];
	bool		on_stack = n <= HOST_STACK_CPS;

	if (n == 0)
		return false;
	/*
	 * Generous upper bounds: every label decodes to <= MAX_LABEL_CPS.  Host
	 * names (of e-mail addresses too) are short: no allocation for those.
	 */
	if (on_stack)
	{
		ulabels = ulabels_buf;
		ustart = ustart_buf;
		ulens = ulens_buf;
	}
	else
	{
		ulabels = palloc(sizeof(pg_wchar) * (n + 1) * 2 + sizeof(pg_wchar) * MAX_LABEL_CPS);
		ustart = palloc(sizeof(int) * (n + 1));
		ulens = palloc(sizeof(int) * (n + 1));
	}
	while (ok)
	{
		int			start = pos;
		int			alen = 0;
		int			ulen = 0;
		pg_wchar	lbuf[MAX_LABEL_CPS];

		while (pos < n && !(idn ? IsIdnDot(w[pos]) : w[pos] == '.'))
			pos++;
		if (!CheckLabel(w + start, pos - start, idn, nfc, lbuf, &ulen, &alen))
		{
			ok = false;
			break;
		}
		ustart[nlabels] = ucount;
		ulens[nlabels] = ulen;
		if (ucount + ulen > (n + 1) * 2 + MAX_LABEL_CPS)
		{
			ok = false;
			break;
		}
		memcpy(ulabels + ucount, lbuf, sizeof(pg_wchar) * ulen);
		ucount += ulen;
		if (IsRtlLabel(lbuf, ulen))
			bidi_domain = true;
		nlabels++;
		total += alen + (nlabels > 1 ? 1 : 0);
		if (pos == n)
			break;
		pos++;					/* the dot; a trailing dot gives an empty label */
	}
	if (ok && total > 253)
		ok = false;
	/* RFC 5893: in a Bidi domain name every label must satisfy the rule */
	if (ok && bidi_domain)
	{
		for (i = 0; i < nlabels && ok; i++)
			ok = ValidBidiLabel(ulabels + ustart[i], ulens[i]);
	}
	if (!on_stack)
	{
		pfree(ulabels);
		pfree(ustart);
		pfree(ulens);
	}
	return ok;
}

bool
EtFormatCheckHostname(const char *str, int len, bool idn)
{
	pg_wchar	buf[256 + 1];
	pg_wchar   *w = (len <= 256) ? buf : palloc(sizeof(pg_wchar) * (len + 1));
	int			n = pg_mb2wchar_with_len(str, w, len);
	bool		ok = EtHostnameW(w, n, idn, true);

	if (w != buf)
		pfree(w);
	return ok;
}
