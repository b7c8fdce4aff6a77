/*-------------------------------------------------------------------------
 *
 * event_types.c
 *	  Module entry point: _PG_init and the event_types.* settings.
 *
 * Everything else lives in one file per concept: event_type.c (the base
 * type), catalog.c (the built-in catalogue), validator/ (JSON Schema).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "event_types.h"

PG_MODULE_MAGIC;

/* GUC variables: the only mutable file-scope state besides the caches */
bool		et_format_assertion = true;

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

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("event_types");
#else
	EmitWarningsOnPlaceholders("event_types");
#endif
}
