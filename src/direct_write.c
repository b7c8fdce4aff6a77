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
 * speculative insertion.  Two things differ, in cost only: the key is not
 * always looked up before the insertion (PrecheckFirst()), and the key's
 * index entries go in before the others (InsertSpeculative()).
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
#include "pg_compat.h"

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
 * route into partitions.  And not when the user (the extension owner in
 * the inbox triggers, the caller in reprocess()) lacks one of 'privileges':
 * the statement then reports it.  The callers check the columns themselves
 * (the event log's writer takes no generated column; the projections'
 * computes them).
 */
bool
EtDirectWriteApplies(Relation rel, AclMode privileges)
{
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
 * Put the arbiter indexes first in rri's index arrays, so that
 * InsertSpeculative() can add their entries before the others'.  Only
 * the order of insertion changes: ExecCloseIndices() closes them all.
 */
void
EtArbitersFirst(ResultRelInfo *rri, List *arbiters)
{
	int			n = rri->ri_NumIndices;
	RelationPtr descs = palloc(sizeof(Relation) * n);
	IndexInfo **infos = palloc(sizeof(IndexInfo *) * n);
	int			k = 0;
	int			pass,
				i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++)
		{
			bool		arbiter = list_member_oid(arbiters,
												  RelationGetRelid(rri->ri_IndexRelationDescs[i]));

			if (arbiter == (pass == 0))
			{
				descs[k] = rri->ri_IndexRelationDescs[i];
				infos[k++] = rri->ri_IndexRelationInfo[i];
			}
		}
	memcpy(rri->ri_IndexRelationDescs, descs, sizeof(Relation) * n);
	memcpy(rri->ri_IndexRelationInfo, infos, sizeof(IndexInfo *) * n);
	pfree(descs);
	pfree(infos);
}

/*
 * ExecInsert()'s speculative insertion of the row in 'slot': insert the
 * heap tuple speculatively, add its index entries, and confirm it -- or,
 * when the key is taken (by a row the pre-check did not see, or, with no
 * pre-check, by any row), cancel it and return false: the caller then
 * looks the key up.
 *
 * The arbiters' entries go in first (EtArbitersFirst() ordered them), and
 * the other indexes get theirs only when those found no conflict, so a
 * cancelled insertion leaves a dead tuple and dead entries in the arbiters
 * alone -- not in every index, as ExecInsertIndexTuples() over all of them
 * would.  That matters because the pre-check may be skipped
 * (PrecheckFirst()).
 */
static bool
InsertSpeculative(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
				  List *arbiters)
{
	Relation	rel = rri->ri_RelationDesc;
	ResultRelInfo part = *rri;	/* the same indexes, a few at a time */
	bool		spec_conflict = false;
	int			narbiters = 0;
	uint32		token;

	while (narbiters < rri->ri_NumIndices &&
		   list_member_oid(arbiters, RelationGetRelid(rri->ri_IndexRelationDescs[narbiters])))
		narbiters++;

	token = SpeculativeInsertionLockAcquire(GetCurrentTransactionId());
	table_tuple_insert_speculative(rel, slot, estate->es_output_cid, 0, NULL, token);
	part.ri_NumIndices = narbiters;
	list_free(EtInsertIndexTuples(&part, slot, estate, false, true, &spec_conflict, arbiters,
								   false));
	if (!spec_conflict && rri->ri_NumIndices > narbiters)
	{
		part.ri_NumIndices = rri->ri_NumIndices - narbiters;
		part.ri_IndexRelationDescs = rri->ri_IndexRelationDescs + narbiters;
		part.ri_IndexRelationInfo = rri->ri_IndexRelationInfo + narbiters;
		list_free(EtInsertIndexTuples(&part, slot, estate, false, true, &spec_conflict,
									  arbiters, false));
	}
	table_tuple_complete_speculative(rel, slot, token, !spec_conflict);
	SpeculativeInsertionLockRelease(GetCurrentTransactionId());
	return !spec_conflict;
}

/*
 * Look the key up before inserting, or insert first?
 *
 * The executor's ON CONFLICT always looks first (ExecCheckIndexConstraints()),
 * so that a taken key costs no insertion.  When keys are mostly new, that
 * is a descent of the arbiter index, an index scan's set-up and a heap
 * fetch per row for nothing -- about 10,000 instructions per event and per
 * new projection row, 13% of the whole pipeline in the benchmark -- since
 * the insertion descends the same index again and finds any conflict
 * itself (InsertSpeculative() then cancels the insertion, and the key is
 * looked up as after a pre-check).  When keys are
 * mostly taken -- a receiver replaying a day of webhooks, a projection
 * whose customers already exist -- inserting first costs more: a heap
 * tuple and an index entry made and cancelled per row, and dead until
 * pruned or vacuumed.
 *
 * Either order gives the same outcome, row by row; only the cost differs.
 * So the writers choose per table by what they saw recently: a score that
 * rises by FORECAST_CONFLICT per taken key and falls by one per new key,
 * between 0 and FORECAST_MAX; the pre-check comes first while it is at
 * least FORECAST_PRECHECK.  It balances at one taken key in five -- below
 * the break-even of the two costs, because a cancelled insertion also
 * leaves dead tuples -- and a changed mix turns it within a few rows: 4
 * taken keys in a row from 0, 16 new keys in a row from the maximum.
 */
#define FORECAST_CONFLICT	4
#define FORECAST_PRECHECK	16
#define FORECAST_MAX		32

static bool
PrecheckFirst(const EtConflictForecast *forecast)
{
	return forecast->score >= FORECAST_PRECHECK;
}

/* Record one row's outcome: was its key taken? */
static void
ForecastRecord(EtConflictForecast *forecast, bool taken)
{
	if (taken)
		forecast->score = Min(forecast->score + FORECAST_CONFLICT, FORECAST_MAX);
	else if (forecast->score > 0)
		forecast->score--;
}

/*
 * ExecInsert()'s ON CONFLICT protocol up to the conflict action: insert the
 * row in 'slot' unless a row holds its key on 'arbiters'.  True if it was
 * inserted; false, with *conflict_tid set to that row, if the key is taken
 * -- the caller then does nothing (DO NOTHING) or merges into it (DO
 * UPDATE), after EtCheckConflictVisible().  The key is looked up first
 * while 'forecast' (the table's, kept by the caller) says keys were often
 * taken lately; else the insertion goes first (see above).
 */
bool
EtInsertUnlessTaken(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
					List *arbiters, EtConflictForecast *forecast, ItemPointer conflict_tid)
{
	bool		precheck = PrecheckFirst(forecast);

	for (;;)
	{
		if (precheck &&
			!EtCheckIndexConstraints(rri, slot, estate, conflict_tid, arbiters))
		{
			ForecastRecord(forecast, true);
			return false;
		}
		if (InsertSpeculative(rri, slot, estate, arbiters))
		{
			ForecastRecord(forecast, false);
			return true;
		}
		/* the key is taken, or another transaction took it meanwhile: look */
		precheck = true;
	}
}
