/*-------------------------------------------------------------------------
 *
 * format.c
 *	  The JSON Schema 2020-12 "format" vocabulary: format names, the
 *	  dispatcher, and the formats that are not network syntax: date-time,
 *	  date, time, duration (RFC 3339 and its Appendix A), uuid (RFC 4122),
 *	  json-pointer (RFC 6901), relative-json-pointer and regex (ECMA-262,
 *	  through ecma_regex.c).  Email, hostnames, IP addresses, URIs and URI
 *	  templates live in format_net.c.
 *
 *	  Every check is a hand-written scanner over the bytes: formats are
 *	  asserted on every instance string, so they must be cheap, must never
 *	  ereport on bad input, and must accept only ASCII digits where the
 *	  RFCs say DIGIT (so "১" or fullwidth digits are rejected).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/timestamp.h"

#include "format.h"
#include "ecma_regex.h"

typedef struct FormatName
{
	const char *name;
	EtFormat	fmt;
} FormatName;

/* indexed by EtFormat */
static const FormatName format_names[] = {
	{"unknown", ET_FORMAT_UNKNOWN},
	{"date-time", ET_FORMAT_DATE_TIME},
	{"date", ET_FORMAT_DATE},
	{"time", ET_FORMAT_TIME},
	{"duration", ET_FORMAT_DURATION},
	{"email", ET_FORMAT_EMAIL},
	{"idn-email", ET_FORMAT_IDN_EMAIL},
	{"hostname", ET_FORMAT_HOSTNAME},
	{"idn-hostname", ET_FORMAT_IDN_HOSTNAME},
	{"ipv4", ET_FORMAT_IPV4},
	{"ipv6", ET_FORMAT_IPV6},
	{"uri", ET_FORMAT_URI},
	{"uri-reference", ET_FORMAT_URI_REFERENCE},
	{"iri", ET_FORMAT_IRI},
	{"iri-reference", ET_FORMAT_IRI_REFERENCE},
	{"uri-template", ET_FORMAT_URI_TEMPLATE},
	{"uuid", ET_FORMAT_UUID},
	{"regex", ET_FORMAT_REGEX},
	{"json-pointer", ET_FORMAT_JSON_POINTER},
	{"relative-json-pointer", ET_FORMAT_RELATIVE_JSON_POINTER},
};

StaticAssertDecl(lengthof(format_names) == ET_FORMAT_RELATIVE_JSON_POINTER + 1,
				 "format_names must cover EtFormat");

EtFormat
EtFormatLookup(const char *name, int len)
{
	int			i;

	for (i = 1; i < lengthof(format_names); i++)
	{
		if (strlen(format_names[i].name) == len &&
			memcmp(format_names[i].name, name, len) == 0)
			return format_names[i].fmt;
	}
	return ET_FORMAT_UNKNOWN;
}

const char *
EtFormatName(EtFormat fmt)
{
	if (fmt < 0 || fmt >= lengthof(format_names))
		return "unknown";
	return format_names[fmt].name;
}

/* ---------------------------------------------------------------------
 * Dates and times (RFC 3339 section 5.6)
 * ---------------------------------------------------------------------
 */

/* Parsed RFC 3339 components. */
typedef struct DtParts
{
	int			year;
	int			month;
	int			day;
	int			hour;
	int			minute;
	int			second;
	int			usec;			/* fraction rounded to microseconds, may be
								 * 1000000 after rounding */
	int			offset;			/* seconds east of UTC */
} DtParts;

static inline bool
IsDigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly n ASCII digits at s[*pos]. */
static pg_attribute_always_inline bool
Digits(const char *s, int len, int *pos, int n, int *val)
{
	int			v = 0;
	int			i;

	if (*pos + n > len)
		return false;
	for (i = 0; i < n; i++)
	{
		char		c = s[*pos + i];

		if (!IsDigit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*pos += n;
	*val = v;
	return true;
}

static pg_attribute_always_inline bool
Expect(const char *s, int len, int *pos, char c)
{
	if (*pos < len && s[*pos] == c)
	{
		(*pos)++;
		return true;
	}
	return false;
}

static int
DaysInMonth(int year, int month)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return mdays[month - 1];
}

/* full-date = date-fullyear "-" date-month "-" date-mday */
static pg_attribute_always_inline bool
ParseFullDate(const char *s, int len, int *pos, DtParts *p)
{
	if (!Digits(s, len, pos, 4, &p->year) || !Expect(s, len, pos, '-') ||
		!Digits(s, len, pos, 2, &p->month) || !Expect(s, len, pos, '-') ||
		!Digits(s, len, pos, 2, &p->day))
		return false;
	if (p->month < 1 || p->month > 12)
		return false;
	if (p->day < 1 || p->day > DaysInMonth(p->year, p->month))
		return false;
	return true;
}

/*
 * full-time = partial-time time-offset; the offset is required.  A leap
 * second is only valid at 23:59:60 UTC, i.e. after removing the offset.
 */
static pg_attribute_always_inline bool
ParseFullTime(const char *s, int len, int *pos, DtParts *p)
{
	if (!Digits(s, len, pos, 2, &p->hour) || !Expect(s, len, pos, ':') ||
		!Digits(s, len, pos, 2, &p->minute) || !Expect(s, len, pos, ':') ||
		!Digits(s, len, pos, 2, &p->second))
		return false;
	if (p->hour > 23 || p->minute > 59 || p->second > 60)
		return false;
	p->usec = 0;
	if (Expect(s, len, pos, '.'))
	{
		int			ndigits = 0;
		int			scale = 100000;

		while (*pos < len && IsDigit(s[*pos]))
		{
			if (ndigits < 6)
			{
				p->usec += (s[*pos] - '0') * scale;
				scale /= 10;
			}
			else if (ndigits == 6 && s[*pos] >= '5')
				p->usec++;		/* round half up at the seventh digit */
			ndigits++;
			(*pos)++;
		}
		if (ndigits == 0)
			return false;
	}
	if (*pos >= len)
		return false;
	if (s[*pos] == 'Z' || s[*pos] == 'z')
	{
		(*pos)++;
		p->offset = 0;
	}
	else if (s[*pos] == '+' || s[*pos] == '-')
	{
		int			sign = (s[*pos] == '-') ? -1 : 1;
		int			oh;
		int			om;

		(*pos)++;
		if (!Digits(s, len, pos, 2, &oh) || !Expect(s, len, pos, ':') ||
			!Digits(s, len, pos, 2, &om))
			return false;
		if (oh > 23 || om > 59)
			return false;
		p->offset = sign * (oh * 3600 + om * 60);
	}
	else
		return false;

	if (p->second == 60)
	{
		int			utc_min = p->hour * 60 + p->minute - p->offset / 60;

		utc_min = ((utc_min % 1440) + 1440) % 1440;
		if (utc_min != 23 * 60 + 59)
			return false;
	}
	return true;
}

/* Two ASCII digits at s as a number, or -1 */
static pg_attribute_always_inline int
TwoDigits(const char *s)
{
	unsigned int d0 = (unsigned char) s[0] - '0';
	unsigned int d1 = (unsigned char) s[1] - '0';

	return (d0 <= 9 && d1 <= 9) ? (int) (d0 * 10 + d1) : -1;
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ", the form every vendor here sends, read at fixed
 * positions.  Returns false when 's' is not exactly that shape or is a
 * leap second, leaving the decision to the general parser.
 */
static pg_attribute_always_inline bool
FastDateTimeZ(const char *s, int len, DtParts *p, bool *valid)
{
	int			c,
				y;

	if (len != 20 || s[19] != 'Z' || s[4] != '-' || s[7] != '-' ||
		s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	c = TwoDigits(s);
	y = TwoDigits(s + 2);
	p->month = TwoDigits(s + 5);
	p->day = TwoDigits(s + 8);
	p->hour = TwoDigits(s + 11);
	p->minute = TwoDigits(s + 14);
	p->second = TwoDigits(s + 17);
	if ((c | y | p->month | p->day | p->hour | p->minute | p->second) < 0)
	{
		*valid = false;			/* a non-digit where a digit must be */
		return true;
	}
	if (p->second == 60)
		return false;
	p->year = c * 100 + y;
	p->usec = 0;
	p->offset = 0;
	*valid = p->month >= 1 && p->month <= 12 &&
		p->day >= 1 && p->day <= DaysInMonth(p->year, p->month) &&
		p->hour <= 23 && p->minute <= 59 && p->second <= 59;
	return true;
}

static bool
ParseDateTimeParts(const char *s, int len, DtParts *p)
{
	int			pos = 0;
	bool		valid;

	if (FastDateTimeZ(s, len, p, &valid))
		return valid;

	if (!ParseFullDate(s, len, &pos, p))
		return false;
	if (pos >= len || (s[pos] != 'T' && s[pos] != 't'))
		return false;
	pos++;
	return ParseFullTime(s, len, &pos, p) && pos == len;
}

bool
EtParseDateTime(const char *str, int len, TimestampTz *result)
{
	DtParts		p;
	struct pg_tm tm;
	int			tz;
	Timestamp	ts;

	if (!ParseDateTimeParts(str, len, &p))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = p.year;
	tm.tm_mon = p.month;
	tm.tm_mday = p.day;
	tm.tm_hour = p.hour;
	tm.tm_min = p.minute;
	/* 23:59:60 is the next second: compute 23:59:59 and add one below */
	tm.tm_sec = (p.second == 60) ? 59 : p.second;
	tz = -p.offset;				/* PostgreSQL counts seconds west of UTC */
	if (tm2timestamp(&tm, 0, &tz, &ts) != 0)
		return false;
	ts += (int64) p.usec + ((p.second == 60) ? USECS_PER_SEC : 0);
	if (!IS_VALID_TIMESTAMP(ts))
		return false;
	*result = ts;
	return true;
}

static bool
CheckDate(const char *s, int len)
{
	DtParts		p;
	int			pos = 0;

	return ParseFullDate(s, len, &pos, &p) && pos == len;
}

static bool
CheckTime(const char *s, int len)
{
	DtParts		p;
	int			pos = 0;

	return ParseFullTime(s, len, &pos, &p) && pos == len;
}

/*
 * RFC 3339 Appendix A (ISO 8601 durations):
 *	 duration	= "P" (dur-date / dur-time / dur-week)
 *	 dur-date	= (dur-day / dur-month / dur-year) [dur-time]
 *	 dur-time	= "T" (dur-hour / dur-minute / dur-second)
 *	 dur-year	= 1*DIGIT "Y" [dur-month], dur-month = 1*DIGIT "M" [dur-day], ...
 * so the units present must be consecutive in Y M D (resp. H M S) order,
 * weeks stand alone, and "T" needs at least one component.
 */
static bool
CheckDuration(const char *s, int len)
{
	static const char date_units[] = "YMD";
	static const char time_units[] = "HMS";
	int			pos = 0;
	bool		in_time = false;
	int			last = -1;		/* index of the previous unit in its list */
	int			components = 0;

	if (!Expect(s, len, &pos, 'P'))
		return false;
	if (pos < len && s[pos] != 'T')
	{
		/* a week duration is "P" digits "W" and nothing else */
		int			p2 = pos;

		while (p2 < len && IsDigit(s[p2]))
			p2++;
		if (p2 > pos && p2 == len - 1 && s[p2] == 'W')
			return true;
	}
	while (pos < len)
	{
		int			start = pos;
		const char *units = in_time ? time_units : date_units;
		const char *u;

		if (s[pos] == 'T')
		{
			if (in_time)
				return false;
			in_time = true;
			last = -1;
			pos++;
			/* "T" must be followed by a component */
			if (pos >= len)
				return false;
			continue;
		}
		while (pos < len && IsDigit(s[pos]))
			pos++;
		if (pos == start || pos >= len)
			return false;
		u = strchr(units, s[pos]);
		if (u == NULL || s[pos] == '\0')
			return false;
		if (last >= 0 && (u - units) != last + 1)
			return false;
		last = u - units;
		components++;
		pos++;
	}
	return components > 0;
}

/* ---------------------------------------------------------------------
 * uuid, JSON pointers
 * ---------------------------------------------------------------------
 */
static bool
CheckUuid(const char *s, int len)
{
	/* hex digits, 0-9 a-f A-F: one table load per byte, no branches */
	static const bool hex[256] = {
		['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true,
		['5'] = true, ['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
		['a'] = true, ['b'] = true, ['c'] = true, ['d'] = true, ['e'] = true, ['f'] = true,
		['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['E'] = true, ['F'] = true,
	};
	const unsigned char *u = (const unsigned char *) s;
	bool		ok = true;
	int			i;

	/* 8-4-4-4-12 */
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	/* one loop per group, so each unrolls to bare loads */
	for (i = 0; i < 8; i++)
		ok &= hex[u[i]];
	for (i = 9; i < 13; i++)
		ok &= hex[u[i]];
	for (i = 14; i < 18; i++)
		ok &= hex[u[i]];
	for (i = 19; i < 23; i++)
		ok &= hex[u[i]];
	for (i = 24; i < 36; i++)
		ok &= hex[u[i]];
	return ok;
}

/* RFC 6901: "" or ("/" *(unescaped / "~0" / "~1"))* */
static bool
CheckJsonPointer(const char *s, int len)
{
	int			i;

	if (len > 0 && s[0] != '/')
		return false;
	for (i = 0; i < len; i++)
	{
		if (s[i] == '~')
		{
			if (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1'))
				return false;
			i++;
		}
	}
	return true;
}

/* non-negative-integer ( "#" / json-pointer ) */
static bool
CheckRelativeJsonPointer(const char *s, int len)
{
	int			pos = 0;

	if (len == 0 || !IsDigit(s[0]))
		return false;
	if (s[0] == '0')
		pos = 1;
	else
	{
		while (pos < len && IsDigit(s[pos]))
			pos++;
	}
	if (pos < len && s[pos] == '#')
		return pos + 1 == len;
	return CheckJsonPointer(s + pos, len - pos);
}

/* ---------------------------------------------------------------------
 * Dispatcher
 * ---------------------------------------------------------------------
 */
bool
EtFormatCheck(EtFormat fmt, const char *str, int len)
{
	DtParts		p;

	switch (fmt)
	{
		case ET_FORMAT_UNKNOWN:
			return true;
		case ET_FORMAT_DATE_TIME:
			return ParseDateTimeParts(str, len, &p);
		case ET_FORMAT_DATE:
			return CheckDate(str, len);
		case ET_FORMAT_TIME:
			return CheckTime(str, len);
		case ET_FORMAT_DURATION:
			return CheckDuration(str, len);
		case ET_FORMAT_EMAIL:
			return EtFormatCheckEmail(str, len, false);
		case ET_FORMAT_IDN_EMAIL:
			return EtFormatCheckEmail(str, len, true);
		case ET_FORMAT_HOSTNAME:
			return EtFormatCheckHostname(str, len, false);
		case ET_FORMAT_IDN_HOSTNAME:
			return EtFormatCheckHostname(str, len, true);
		case ET_FORMAT_IPV4:
			return EtFormatCheckIpv4(str, len);
		case ET_FORMAT_IPV6:
			return EtFormatCheckIpv6(str, len);
		case ET_FORMAT_URI:
			return EtFormatCheckUri(str, len, false, false);
		case ET_FORMAT_URI_REFERENCE:
			return EtFormatCheckUri(str, len, false, true);
		case ET_FORMAT_IRI:
			return EtFormatCheckUri(str, len, true, false);
		case ET_FORMAT_IRI_REFERENCE:
			return EtFormatCheckUri(str, len, true, true);
		case ET_FORMAT_URI_TEMPLATE:
			return EtFormatCheckUriTemplate(str, len);
		case ET_FORMAT_UUID:
			return CheckUuid(str, len);
		case ET_FORMAT_REGEX:
			return EtRegexIsValid(str, len, NULL);
		case ET_FORMAT_JSON_POINTER:
			return CheckJsonPointer(str, len);
		case ET_FORMAT_RELATIVE_JSON_POINTER:
			return CheckRelativeJsonPointer(str, len);
	}
	return true;
}
