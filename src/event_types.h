/*-------------------------------------------------------------------------
 *
 * event_types.h
 *	  Module-wide declarations: settings (GUCs) and shared limits.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_H
#define EVENT_TYPES_H

#include "fmgr.h"

/* PGDLLEXPORT on the prototypes is required on Windows before PG 16 */
#if PG_VERSION_NUM < 160000
#define ET_FUNCTION_INFO(name) \
	extern PGDLLEXPORT Datum name(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(name)
#else
#define ET_FUNCTION_INFO(name) PG_FUNCTION_INFO_V1(name)
#endif

/*
 * A function that does not return: PG 18 replaced the pg_attribute_noreturn()
 * suffix with the pg_noreturn prefix, so older versions get the prefix too.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * Deepest instance nesting the validator walks.  Deeper documents get a
 * clear error (54001) instead of a stack overflow; jsonb itself allows more.
 */
#define ET_MAX_NESTING_DEPTH 512

/* What the inbox trigger does with a message that fails validation */
typedef enum EtOnInvalid
{
	ET_ON_INVALID_KEEP,			/* store it as 'rejected' with its errors */
	ET_ON_INVALID_ERROR			/* raise 23514: the INSERT fails */
} EtOnInvalid;

/* GUC: event_types.on_invalid */
extern int	et_on_invalid;

/* GUC: event_types.max_payload_bytes -- larger messages are rejected */
extern int	et_max_payload_bytes;

/* GUC: event_types.tenant -- the tenant a reader sees under tenant RLS
 * (event_types.current_tenant(), enable_tenant_rls()); superuser-set */
extern char *et_tenant;

/* GUC: event_types.format_assertion -- assert "format" (true) or treat it
 * as an annotation only, the 2020-12 default for plain meta-schemas. */
extern bool et_format_assertion;

/*
 * The extension's schema (the control file fixes it: not relocatable) and
 * the OID of a relation in it; InvalidOid when missing (EtSchemaOid raises
 * an error instead unless missing_ok).  Looked up on each call, not cached:
 * DROP and CREATE EXTENSION in one session give the schema a new OID.
 * Callers that need a relation per row keep its OID with a relcache
 * invalidation callback.
 */
#define ET_SCHEMA_NAME "event_types"
extern Oid	EtSchemaOid(bool missing_ok);
extern Oid	EtRelationOid(const char *relname);

#endif							/* EVENT_TYPES_H */
