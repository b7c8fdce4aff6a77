/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *	  The executor calls whose signatures changed between PostgreSQL 13
 *	  and 18, each behind one spelling.
 *
 * The extension writes its event log and projections through the
 * executor's own routines (direct_write.c, event_log.c,
 * projections/write.c).  Those gained and lost arguments across releases:
 *
 *	 14: ExecInsertIndexTuples(), ExecCheckIndexConstraints() and
 *		 ExecComputeStoredGenerated() take the ResultRelInfo instead of
 *		 reading estate->es_result_relation_info, which 14 removed;
 *		 ExecInsertIndexTuples() gains "update".
 *	 16: table_tuple_update() reports which indexes need entries
 *		 (TU_UpdateIndexes, for summarizing indexes such as BRIN) and
 *		 ExecInsertIndexTuples() gains "onlySummarizing".
 *	 17: CheckValidResultRel() gains the MERGE actions.
 *	 18: CheckValidResultRel() gains the ON CONFLICT action,
 *		 ExecCheckIndexConstraints() the TID of a tuple to ignore, and
 *		 index_beginscan() an instrumentation pointer.
 *
 * The tests run on PostgreSQL 15, and on 13, 17 and 18 through
 * scripts/versions_test.sh; 14 and 16 are in no Debian release.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_PG_COMPAT_H
#define ET_PG_COMPAT_H

#include "access/genam.h"
#include "access/tableam.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"

/* Whether a row update needs new index entries, in every version's terms */
#if PG_VERSION_NUM >= 160000
typedef TU_UpdateIndexes EtUpdateIndexes;
#define ET_UPDATE_NEEDS_INDEXES(u)	((u) != TU_None)
#define ET_UPDATE_ONLY_SUMMARIZING(u)	((u) == TU_Summarizing)
#else
typedef bool EtUpdateIndexes;
#define ET_UPDATE_NEEDS_INDEXES(u)	(u)
#define ET_UPDATE_ONLY_SUMMARIZING(u)	false
#endif

static inline List *
EtInsertIndexTuples(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
					bool update, bool noDupErr, bool *specConflict,
					List *arbiterIndexes, bool onlySummarizing)
{
#if PG_VERSION_NUM >= 160000
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr,
								 specConflict, arbiterIndexes, onlySummarizing);
#elif PG_VERSION_NUM >= 140000
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr,
								 specConflict, arbiterIndexes);
#else
	estate->es_result_relation_info = rri;
	return ExecInsertIndexTuples(slot, estate, noDupErr, specConflict,
								 arbiterIndexes);
#endif
}

static inline bool
EtCheckIndexConstraints(ResultRelInfo *rri, TupleTableSlot *slot,
						EState *estate, ItemPointer conflictTid,
						List *arbiterIndexes)
{
#if PG_VERSION_NUM >= 180000
	/* a check before inserting: no tuple of ours to ignore yet */
	return ExecCheckIndexConstraints(rri, slot, estate, conflictTid, NULL,
									 arbiterIndexes);
#elif PG_VERSION_NUM >= 140000
	return ExecCheckIndexConstraints(rri, slot, estate, conflictTid,
									 arbiterIndexes);
#else
	estate->es_result_relation_info = rri;
	return ExecCheckIndexConstraints(slot, estate, conflictTid, arbiterIndexes);
#endif
}

static inline void
EtComputeStoredGenerated(ResultRelInfo *rri, EState *estate,
						 TupleTableSlot *slot, CmdType cmdtype)
{
#if PG_VERSION_NUM >= 140000
	ExecComputeStoredGenerated(rri, estate, slot, cmdtype);
#else
	estate->es_result_relation_info = rri;
	ExecComputeStoredGenerated(estate, slot, cmdtype);
#endif
}

static inline void
EtCheckValidResultRel(ResultRelInfo *rri, CmdType operation,
					  OnConflictAction onConflictAction)
{
#if PG_VERSION_NUM >= 180000
	CheckValidResultRel(rri, operation, onConflictAction, NIL);
#elif PG_VERSION_NUM >= 170000
	CheckValidResultRel(rri, operation, NIL);
#else
	CheckValidResultRel(rri, operation);
#endif
}

static inline IndexScanDesc
EtIndexBeginScan(Relation heapRelation, Relation indexRelation,
				 Snapshot snapshot, int nkeys)
{
#if PG_VERSION_NUM >= 180000
	return index_beginscan(heapRelation, indexRelation, snapshot, NULL, nkeys, 0);
#else
	return index_beginscan(heapRelation, indexRelation, snapshot, nkeys, 0);
#endif
}

#endif							/* ET_PG_COMPAT_H */
