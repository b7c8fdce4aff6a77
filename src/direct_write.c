/*-------------------------------------------------------------------------
 *
 * direct_write.c
 *	  Executor steps shared by the writers that stand in for a SQL
 *	  INSERT ... ON CONFLICT without running one: the event log's
 *	  DO NOTHING (event_log.c) and the projections' DO UPDATE
 *	  (projections/write.c).
 *
 * Each step is what the executor (nodeModifyTable.c) or SPI does for the
 * statement, so the direct writers behave as the statement would: the
 * snapshot a writing statement takes, when a table needs the statement
 * itself, the serialization check on a conflicting row, and the
 * speculative insertion.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

#include "direct_write.h"

/*
 * Push the snapshot a non-read-only SPI statement would take: the
 * transaction snapshot (a new one per call under READ COMMITTED, so a row
 * another session committed while we waited on it is seen), with the
 * command counter advanced so that rows written by earlier commands of the
 * transaction -- earlier rows of the same INSERT or COPY into the inbox
 * included -- are seen too.  The caller pops it.
 */
void
EtPushStatementSnapshot(void)
{
	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
}

/*
 * Can a direct writer stand in for the SQL statement on this table?  Not
 * when the statement would do more than the executor steps the writers
 * take: fire triggers, apply row-level security the user is subject to,
 * compute stored generated columns, route into partitions.  And not when
 * the user (the extension owner in the inbox triggers, the caller in
 * reprocess()) lacks one of 'privileges': the statement then reports it.
 * The callers check the columns themselves.
 */
bool
EtDirectWriteApplies(Relation rel, AclMode privileges)
{
	TupleDesc	desc = RelationGetDescr(rel);
	AclMode		bit;

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relispartition)
		return false;
	if (rel->trigdesc != NULL)
		return false;
	/* one bit at a time: pg_class_aclcheck() passes if any bit of its mode is held */
	for (bit = 1; bit != 0 && bit <= privileges; bit <<= 1)
		if ((privileges & bit) &&
			pg_class_aclcheck(RelationGetRelid(rel), GetUserId(), bit) != ACLCHECK_OK)
			return false;
	if (rel->rd_rel->relrowsecurity &&
		check_enable_rls(RelationGetRelid(rel), InvalidOid, true) == RLS_ENABLED)
		return false;
	if (desc->constr && desc->constr->has_generated_stored)
		return false;
	return true;
}

/*
 * Under REPEATABLE READ and SERIALIZABLE, a conflicting row (in 'slot') our
 * snapshot cannot see is a serialization failure, as ExecCheckTupleVisible()
 * decides for ON CONFLICT; a row of our own transaction never is.
 */
void
EtCheckConflictVisible(Relation rel, TupleTableSlot *slot, Snapshot snapshot)
{
	bool		isnull;
	TransactionId xmin;

	if (!IsolationUsesXactSnapshot() ||
		table_tuple_satisfies_snapshot(rel, slot, snapshot))
		return;
	xmin = DatumGetTransactionId(slot_getsysattr(slot, MinTransactionIdAttributeNumber,
												 &isnull));
	if (!TransactionIdIsCurrentTransactionId(xmin))
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update")));
}

/*
 * ExecInsert()'s speculative insertion of the row in 'slot', after the
 * caller's pre-check found no conflict on 'arbiters': insert the heap
 * tuple speculatively, add its index entries, and confirm it -- or, when
 * another transaction inserted the key meanwhile, cancel it and return
 * false (the caller checks again).
 */
bool
EtInsertSpeculative(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
					List *arbiters)
{
	Relation	rel = rri->ri_RelationDesc;
	bool		spec_conflict = false;
	uint32		token;

	token = SpeculativeInsertionLockAcquire(GetCurrentTransactionId());
	table_tuple_insert_speculative(rel, slot, estate->es_output_cid, 0, NULL, token);
	list_free(ExecInsertIndexTuples(rri, slot, estate, false, true, &spec_conflict, arbiters));
	table_tuple_complete_speculative(rel, slot, token, !spec_conflict);
	SpeculativeInsertionLockRelease(GetCurrentTransactionId());
	return !spec_conflict;
}
