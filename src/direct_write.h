/*-------------------------------------------------------------------------
 *
 * direct_write.h
 *	  Executor steps shared by the writers that stand in for a SQL
 *	  INSERT ... ON CONFLICT: the event log (event_log.c) and the
 *	  projections (projections/write.c).  See direct_write.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_DIRECT_WRITE_H
#define ET_DIRECT_WRITE_H

#include "executor/executor.h"
#include "utils/rel.h"

/* recent outcomes of one table's insertions: see direct_write.c */
typedef struct EtConflictForecast
{
	int			score;
} EtConflictForecast;

extern void EtPushStatementSnapshot(void);
extern bool EtDirectWriteApplies(Relation rel, AclMode privileges);
extern void EtCheckConflictVisible(Relation rel, TupleTableSlot *slot, Snapshot snapshot);
extern void EtArbitersFirst(ResultRelInfo *rri, List *arbiters);
extern bool EtInsertUnlessTaken(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
								List *arbiters, EtConflictForecast *forecast,
								ItemPointer conflict_tid);

#endif							/* ET_DIRECT_WRITE_H */
