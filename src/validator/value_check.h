/*-------------------------------------------------------------------------
 *
 * value_check.h
 *	  Type and length tests on one JSON value, shared by the general
 *	  evaluator (evaluate.c) and the generated validators
 *	  (generated_validators.c), so that both decide "type" and
 *	  "minLength" alike.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_VALUE_CHECK_H
#define ET_VALUE_CHECK_H

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "jsonb_access.h"
#include "schema.h"

/*
 * "integer" accepts 1.0 as well as 1, which numeric_min_scale() decides.
 * Most integers are stored with display scale 0 though, and that is known
 * from the numeric's header word without a function call: the on-disk
 * layout (numeric.c: NUMERIC_SHORT flag 0x8000 with the scale in bits
 * 7-12, else the scale in the low 14 bits of n_sign_dscale) is fixed,
 * since pg_upgrade keeps numeric data as it is.
 */
static inline bool
EtNumIsIntegral(Numeric n)
{
	uint16		header = *(uint16 *) VARDATA_ANY(n);
	int			dscale;

	if ((header & 0xC000) == 0x8000)	/* short format */
		dscale = (header & 0x1F80) >> 7;
	else if ((header & 0xC000) == 0xC000)	/* NaN, Infinity: not in jsonb */
		dscale = -1;
	else
		dscale = header & 0x3FFF;
	if (dscale == 0)
		return true;
	return DatumGetInt32(DirectFunctionCall1(numeric_min_scale,
											 NumericGetDatum(n))) == 0;
}

static pg_attribute_always_inline bool
EtTypeMatches(uint8 types, const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return (types & ET_T_NULL) != 0;
		case jbvBool:
			return (types & ET_T_BOOLEAN) != 0;
		case jbvString:
			return (types & ET_T_STRING) != 0;
		case jbvNumeric:
			if (types & ET_T_NUMBER)
				return true;
			return (types & ET_T_INTEGER) && EtNumIsIntegral(v->val.numeric);
		default:
			return (types & (JbIsObject(v) ? ET_T_OBJECT : ET_T_ARRAY)) != 0;
	}
}

/* Length in characters (code points), as JSON Schema counts it */
static inline int
EtStringLength(const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return pg_mbstrlen_with_len(s, len);
	return len;
}

#endif							/* ET_VALUE_CHECK_H */
