/*-------------------------------------------------------------------------
 *
 * format.h
 *	  The JSON Schema "format" vocabulary: format names and their
 *	  assertions (format.c: dates, times, durations, pointers, uuid, regex;
 *	  format_net.c: email, IP addresses, URIs, URI templates; format_idn.c:
 *	  hostnames, IDNA, Punycode).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_FORMAT_H
#define ET_FORMAT_H

#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"

typedef enum EtFormat
{
	ET_FORMAT_UNKNOWN = 0,		/* not asserted (annotation only) */
	ET_FORMAT_DATE_TIME,
	ET_FORMAT_DATE,
	ET_FORMAT_TIME,
	ET_FORMAT_DURATION,
	ET_FORMAT_EMAIL,
	ET_FORMAT_IDN_EMAIL,
	ET_FORMAT_HOSTNAME,
	ET_FORMAT_IDN_HOSTNAME,
	ET_FORMAT_IPV4,
	ET_FORMAT_IPV6,
	ET_FORMAT_URI,
	ET_FORMAT_URI_REFERENCE,
	ET_FORMAT_IRI,
	ET_FORMAT_IRI_REFERENCE,
	ET_FORMAT_URI_TEMPLATE,
	ET_FORMAT_UUID,
	ET_FORMAT_REGEX,
	ET_FORMAT_JSON_POINTER,
	ET_FORMAT_RELATIVE_JSON_POINTER
} EtFormat;

/* name is not NUL-terminated; unknown names give ET_FORMAT_UNKNOWN */
extern EtFormat EtFormatLookup(const char *name, int len);
extern const char *EtFormatName(EtFormat fmt);

/*
 * str is NOT NUL-terminated, in the server encoding (UTF-8 in practice).
 * true = valid.  Never ereports for bad input; may palloc scratch memory
 * in CurrentMemoryContext.
 */
extern bool EtFormatCheck(EtFormat fmt, const char *str, int len);

/*
 * RFC 3339 date-time parser shared with the ingest code: accepts exactly
 * what EtFormatCheck(ET_FORMAT_DATE_TIME) accepts; a leap second 23:59:60
 * (in UTC) maps to the next second.  false if invalid or out of the
 * timestamptz range.
 */
extern bool EtParseDateTime(const char *str, int len, TimestampTz *result);

/* format_net.c and format_idn.c (internal to the format module) */
extern bool EtHostnameW(const pg_wchar *w, int n, bool idn, bool nfc);
extern bool EtFormatCheckEmail(const char *str, int len, bool idn);
extern bool EtFormatCheckHostname(const char *str, int len, bool idn);
extern bool EtFormatCheckIpv4(const char *str, int len);
extern bool EtFormatCheckIpv6(const char *str, int len);
extern bool EtFormatCheckUri(const char *str, int len, bool iri, bool reference);
extern bool EtFormatCheckUriTemplate(const char *str, int len);

#endif							/* ET_FORMAT_H */
