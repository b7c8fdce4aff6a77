/*-------------------------------------------------------------------------
 *
 * json_get.c
 *	  Typed reads of fields from JSONB values, for extraction and
 *	  projections.  Zero-copy: strings point into the JSONB datum.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "json_get.h"
#include "validator/format.h"
#include "validator/jsonb_access.h"

bool
EtJsonMember(const JsonbValue *v, const char *key, JsonbValue *out)
{
	return JbIsObject(v) && JbObjectGet(v, key, strlen(key), out);
}

bool
EtJsonPointer(const JsonbValue *v, const char *pointer, JsonbValue *out)
{
	JsonbValue	cur = *v;
	const char *p = pointer;

	while (*p == '/')
	{
		const char *start = ++p;
		char	   *token;

		while (*p && *p != '/')
			p++;
		token = pnstrdup(start, p - start);
		if (JbIsObject(&cur))
		{
			if (!JbObjectGet(&cur, token, strlen(token), &cur))
				return false;
		}
		else if (JbIsArray(&cur))
		{
			char	   *end;
			long		i = strtol(token, &end, 10);
			JsonbValue *e;

			if (*end || i < 0 || i >= JbCount(&cur))
				return false;
			e = getIthJsonbValueFromContainer(cur.val.binary.data, (uint32) i);
			if (e == NULL)
				return false;
			cur = *e;
		}
		else
			return false;
	}
	*out = cur;
	return true;
}

char *
EtJsonText(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			/*
			 * Without trailing fractional zeros: JSON's 1.0 and 1 are the same
			 * number, so entityId 1.0 is entity "1" and an epoch of
			 * 1717408800123.0 ms is a whole number of milliseconds.
			 */
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   DirectFunctionCall1(numeric_trim_scale,
																		   NumericGetDatum(v->val.numeric))));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

char *
EtJsonGetText(const JsonbValue *obj, const char *key)
{
	JsonbValue	v;

	return EtJsonMember(obj, key, &v) ? EtJsonText(&v) : NULL;
}

bool
EtJsonTimestamp(const JsonbValue *v, bool allow_epoch_ms, TimestampTz *out)
{
	if (v->type == jbvString)
		return EtParseDateTime(v->val.string.val, v->val.string.len, out);
	if (v->type == jbvNumeric && allow_epoch_ms)
	{
		char	   *text = EtJsonText(v);
		char	   *end;
		int64		ms;
		int64		us;

		/* integral milliseconds since 1970-01-01 UTC; the text form keeps
		 * the overflow check simple (numeric_int8() would throw) */
		errno = 0;
		ms = strtoll(text, &end, 10);
		if (errno != 0 || *end != '\0' || end == text)
			return false;
		if (pg_mul_s64_overflow(ms, 1000, &us) ||
			pg_sub_s64_overflow(us, (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) *
								USECS_PER_DAY, &us) ||
			!IS_VALID_TIMESTAMP(us))
			return false;
		*out = us;
		return true;
	}
	return false;
}

int
EtJsonArrayLength(const JsonbValue *obj, const char *key)
{
	JsonbValue	v;

	if (!EtJsonMember(obj, key, &v) || !JbIsArray(&v))
		return 0;
	return JbCount(&v);
}

void
EtJsonbPushString(JsonbParseState **state, JsonbIteratorToken tok, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	pushJsonbValue(state, tok, &v);
}

void
EtJsonbPushError(JsonbParseState **state, const char *path, const char *keyword,
				 const char *message)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	EtJsonbPushString(state, WJB_KEY, "path");
	EtJsonbPushString(state, WJB_VALUE, path);
	EtJsonbPushString(state, WJB_KEY, "keyword");
	EtJsonbPushString(state, WJB_VALUE, keyword);
	EtJsonbPushString(state, WJB_KEY, "message");
	EtJsonbPushString(state, WJB_VALUE, message);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}
