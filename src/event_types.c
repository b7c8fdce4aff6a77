/*-------------------------------------------------------------------------
 *
 * event_types.c
 *	  Module entry point: _PG_init, the event_types.* settings and the
 *	  look-up of the extension's schema.
 *
 * Everything else lives in one file per concept: event_type.c (the base
 * type), catalog.c (the built-in catalogue), validator/ (JSON Schema).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "event_types.h"
#include "generated.h"

PG_MODULE_MAGIC;

/* GUC variables: the only mutable file-scope state besides the caches */
bool		et_format_assertion = true;
int			et_on_invalid = ET_ON_INVALID_KEEP;
int			et_max_payload_bytes = 1024 * 1024;
char	   *et_tenant = NULL;

static const struct config_enum_entry on_invalid_options[] = {
	{"keep", ET_ON_INVALID_KEEP, false},
	{"error", ET_ON_INVALID_ERROR, false},
	{NULL, 0, false}
};

static const struct config_enum_entry generated_options[] = {
	{"on", ET_GENERATED_ON, false},
	{"off", ET_GENERATED_OFF, false},
	{"verify", ET_GENERATED_VERIFY, false},
	{"true", ET_GENERATED_ON, true},
	{"false", ET_GENERATED_OFF, true},
	{"yes", ET_GENERATED_ON, true},
	{"no", ET_GENERATED_OFF, true},
	{"1", ET_GENERATED_ON, true},
	{"0", ET_GENERATED_OFF, true},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * Module load: define the settings.  Nothing here touches the database, so
 * it is safe from shared_preload_libraries as well as on first use.
 */
void
_PG_init(void)
{
	DefineCustomBoolVariable("event_types.format_assertion",
							 gettext_noop("Validates the \"format\" keyword instead of treating it as an annotation."),
							 gettext_noop("Applies to date-time, date, time, duration, email, hostname, ipv4, ipv6, uri, uuid, regex and the other formats the validator knows; unknown formats are always annotations."),
							 &et_format_assertion,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("event_types.generated_validators",
							 gettext_noop("Validates built-in event schemas with the C code generated from them at build time."),
							 gettext_noop("\"off\": the general evaluator decides every verdict (it always reports the errors); \"verify\": both decide, and a difference is an internal error. The verdicts are the same either way."),
							 &et_generated_validators,
							 ET_GENERATED_ON,
							 generated_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("event_types.on_invalid",
							 gettext_noop("What the inbox does with a message that fails validation."),
							 gettext_noop("\"keep\" stores it with status 'rejected' and its errors; \"error\" makes the INSERT fail with SQLSTATE 23514. Duplicates, conflicts and unknown types are stored either way."),
							 &et_on_invalid,
							 ET_ON_INVALID_KEEP,
							 on_invalid_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("event_types.max_payload_bytes",
							gettext_noop("Largest inbox payload processed; larger messages are kept as rejected."),
							NULL,
							&et_max_payload_bytes,
							1024 * 1024,
							1024,
							MaxAllocSize / 2,
							PGC_USERSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	/*
	 * PGC_SUSET, not USERSET: the tenant row-level security policies read
	 * it, so a reader who could SET it could read every tenant.  A
	 * superuser assigns it per role (ALTER ROLE ... SET), or grants SET on
	 * it (PostgreSQL 15+).
	 */
	DefineCustomStringVariable("event_types.tenant",
							   gettext_noop("Tenant whose rows event_types_reader sees while tenant row-level security is on."),
							   gettext_noop("Read by the policies that event_types.enable_tenant_rls() creates; empty shows no tenant's rows."),
							   &et_tenant,
							   "",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("event_types");
#else
	EmitWarningsOnPlaceholders("event_types");
#endif
}

/*
 * current_tenant() -> text: event_types.tenant, NULL when empty.
 *
 * The tenant policies call this rather than current_setting(): calling a
 * function of the module loads it first, and loading it discards, with a
 * warning, a value a reader SET on the placeholder before the module was
 * loaded (any role may set a placeholder); current_setting() would have
 * returned that value.
 */
ET_FUNCTION_INFO(event_types_current_tenant);
Datum
event_types_current_tenant(PG_FUNCTION_ARGS)
{
	if (et_tenant == NULL || et_tenant[0] == '\0')
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(et_tenant));
}

Oid
EtSchemaOid(bool missing_ok)
{
	return get_namespace_oid(ET_SCHEMA_NAME, missing_ok);
}

Oid
EtRelationOid(const char *relname)
{
	Oid			nsp = EtSchemaOid(true);

	return OidIsValid(nsp) ? get_relname_relid(relname, nsp) : InvalidOid;
}
