/*-------------------------------------------------------------------------
 *
 * owner.c
 *	  The ingest triggers act as their owner, with a fixed search_path,
 *	  without being SECURITY DEFINER.
 *
 * A writer has no privilege on the event log or the projections: the
 * inbox triggers write them as their owner (the installing superuser).
 * Declared SECURITY DEFINER with SET search_path, the BEFORE ROW trigger
 * paid for the setting on every message -- fmgr saves, parses, assigns and
 * restores search_path around each call, some 7,400 instructions, 4% of
 * the whole pipeline -- although most messages run no SQL: validation,
 * extraction and the event-log insert are C, projection changes wait in
 * memory, and only SQL looks names up through search_path.
 *
 * So the triggers take their owner's identity themselves, as PostgreSQL's
 * RI triggers do (two assignments per call), and fix search_path only
 * around the SQL they run: projection flushes, the erasure look-up of a
 * duplicate, the SQL fallback of the event-log insert.  This is what
 * fmgr_security_definer() does, split in two: the same identity switch
 * (SECURITY_LOCAL_USERID_CHANGE, so no SET ROLE inside), the same kind of
 * GUC nest level, and the same clean-up on error -- a transaction or
 * subtransaction abort restores both, so neither needs PG_TRY.
 *
 * Only the inbox triggers become their owner, and only PUBLIC-revoked
 * functions owned by the installing role are trusted with that: nobody
 * else can attach them to a table (CREATE TRIGGER needs EXECUTE), and the
 * row trigger refuses any table but event_types.inbox.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/syscache.h"

#include "owner.h"

/* The role a function runs as when SECURITY DEFINER: its owner */
Oid
EtFunctionOwner(Oid fn_oid)
{
	HeapTuple	tuple;
	Oid			owner;

	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for function %u", fn_oid);
	owner = ((Form_pg_proc) GETSTRUCT(tuple))->proowner;
	ReleaseSysCache(tuple);
	return owner;
}

void
EtBecomeOwner(Oid owner, EtOwnerScope *scope)
{
	GetUserIdAndSecContext(&scope->saved_userid, &scope->saved_sec_context);
	SetUserIdAndSecContext(owner, scope->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
EtRestoreUser(const EtOwnerScope *scope)
{
	SetUserIdAndSecContext(scope->saved_userid, scope->saved_sec_context);
}

/*
 * Set search_path to ET_SEARCH_PATH until EtRestoreSearchPath(), as a
 * function's SET clause would.  Returns the GUC nest level to pass back,
 * or 0 when the setting is that already (reprocess() called by
 * reprocess_inbox(), whose SET clause fixed it).
 */
int
EtFixSearchPath(void)
{
	int			nestlevel;

	if (namespace_search_path != NULL && strcmp(namespace_search_path, ET_SEARCH_PATH) == 0)
		return 0;
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", ET_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

void
EtRestoreSearchPath(int nestlevel)
{
	if (nestlevel > 0)
		AtEOXact_GUC(true, nestlevel);
}
