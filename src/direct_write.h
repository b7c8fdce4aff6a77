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

extern void EtPushStatementSnapshot(void);
extern bool EtDirectWriteApplies(Relation rel, AclMode privileges);
extern void EtCheckConflictVisible(Relation rel, TupleTableSlot *slot, Snapshot snapshot);
extern bool EtInsertSpeculative(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
								List *arbiters);

#endif							/* ET_DIRECT_WRITE_H */
