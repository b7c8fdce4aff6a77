/*-------------------------------------------------------------------------
 *
 * json_get.h
 *	  Typed reads of fields from JSONB values, for extraction and
 *	  projections (never for validation, which has its own walker), and the
 *	  small builders the inbox's error documents share.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_JSON_GET_H
#define EVENT_TYPES_JSON_GET_H

#include "datatype/timestamp.h"
#include "utils/jsonb.h"

/* Member 'key' of an object value; false if v is no object or lacks it */
extern bool EtJsonMember(const JsonbValue *v, const char *key, JsonbValue *out);
/* Follow a JSON Pointer ("/a/0/b") from v */
extern bool EtJsonPointer(const JsonbValue *v, const char *pointer, JsonbValue *out);
/* Scalar as text: strings as they are, numbers and booleans printed; NULL
 * for null, containers and absence */
extern char *EtJsonText(const JsonbValue *v);
extern char *EtJsonGetText(const JsonbValue *obj, const char *key);
/* An RFC 3339 string or (allow_epoch_ms) a number of Unix epoch ms */
extern bool EtJsonTimestamp(const JsonbValue *v, bool allow_epoch_ms, TimestampTz *out);
extern int	EtJsonArrayLength(const JsonbValue *obj, const char *key);

/* Building documents with pushJsonbValue() */
extern void EtJsonbPushString(JsonbParseState **state, JsonbIteratorToken tok,
							  const char *s);
/* One inbox error object: {"path": ..., "keyword": ..., "message": ...} */
extern void EtJsonbPushError(JsonbParseState **state, const char *path,
							 const char *keyword, const char *message);

#endif							/* EVENT_TYPES_JSON_GET_H */
