/*-------------------------------------------------------------------------
 *
 * event_log.c
 *	  Insert one event into event_types.events, or find that its key is
 *	  taken: INSERT ... ON CONFLICT (events_pkey) DO NOTHING without the
 *	  planner and executor start-up of a SQL statement.
 *
 * The inbox trigger logs every event it accepts.  Through SPI that is a
 * cached plan run per event, and starting and ending that plan (a Result
 * node with its projection and slot, a ModifyTable node, opening the
 * indexes) cost about a tenth of all the work per message.  Here the
 * insertion is driven directly, with the same speculative-insertion
 * protocol as the executor's ExecInsert() for ON CONFLICT DO NOTHING, so
 * concurrency behaves exactly as before: a concurrent insert of the same
 * key waits for the other transaction and then sees the conflict.
 *
 * Anything the direct path does not do itself -- triggers, row-level
 * security that applies to the owner (FORCE), generated columns, columns
 * beyond the extension's own, a partitioned or otherwise unusual table, a
 * user without INSERT privilege --
 * sends the insert back to the SQL statement (EtLogInsertDirect returns
 * LOG_INSERT_UNSUPPORTED), so those features keep working as SQL defines
 * them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "nodes/pg_list.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "direct_write.h"
#include "event_log.h"

/*
 * Can the direct path stand in for the SQL INSERT on this table?  It
 * writes the columns it is given, in attribute order, and nothing else:
 * the table must have exactly those columns in that order (so no stored
 * generated one), no triggers and no row-level security the user is
 * subject to; and the user (the extension owner in the inbox trigger, the
 * caller in reprocess()) must have INSERT on it, else the statement
 * reports the missing privilege.
 */
static bool
DirectPathApplies(Relation rel, int ncolumns, const char *const *names)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	if (!EtDirectWriteApplies(rel, ACL_INSERT))
		return false;
	if (desc->natts != ncolumns)
		return false;
	for (i = 0; i < ncolumns; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || strcmp(NameStr(att->attname), names[i]) != 0)
			return false;
	}
	return true;
}

/* The conflicting row, fetched, as ON CONFLICT DO NOTHING checks it (ExecCheckTIDVisible()) */
static void
CheckConflictVisible(Relation rel, ItemPointer tid, Snapshot snapshot)
{
	TupleTableSlot *slot;

	if (!IsolationUsesXactSnapshot())
		return;
	slot = table_slot_create(rel, NULL);
	if (!table_tuple_fetch_row_version(rel, tid, SnapshotAny, slot))
		elog(ERROR, "failed to fetch conflicting tuple for ON CONFLICT");
	EtCheckConflictVisible(rel, slot, snapshot);
	ExecDropSingleTupleTableSlot(slot);
}

/*
 * The event log opened for insertion: the table, its indexes, an executor
 * state and a slot.  Opening the four indexes and closing them again cost
 * more than a tenth of the work per event, so the first event of a
 * statement opens them and the statement's end closes them (EtLogClose(),
 * from the inbox's statement trigger; reprocess() calls it too).
 *
 * The references belong to the resource owner of the (sub)transaction that
 * opened them, and transaction callbacks keep the cache honest when a
 * statement does not end normally: a (sub)transaction about to commit
 * closes what it opened (no reference may outlive it), an abort forgets it
 * (the resource owner has released the references).  A relcache
 * invalidation of the table or an index (DDL in this transaction) makes the
 * next event open everything afresh.
 */
typedef struct LogTarget
{
	bool		open;
	bool		stale;
	Oid			relid;
	Oid			indexid;
	Relation	rel;
	EState	   *estate;			/* memory in a child of TopTransactionContext */
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	List	   *arbiters;
	ResourceOwner owner;		/* holds the relation and index references */
	SubTransactionId subid;		/* the subtransaction that opened it */
} LogTarget;

static LogTarget target;

/* how often keys were taken lately, across statements (direct_write.c) */
static EtConflictForecast forecast;
static bool callbacks_registered = false;

/* Close properly: references released, memory freed. */
static void
CloseTarget(void)
{
	ResourceOwner save = CurrentResourceOwner;

	if (!target.open)
		return;
	target.open = false;
	CurrentResourceOwner = target.owner;
	ExecCloseIndices(target.rri);
	ExecResetTupleTable(target.estate->es_tupleTable, false);
	FreeExecutorState(target.estate);
	table_close(target.rel, NoLock);
	CurrentResourceOwner = save;
}

static void
LogXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			CloseTarget();
			break;
		default:
			/* aborted: the resource owner released the references */
			target.open = false;	/* memory goes with TopTransactionContext */
			break;
	}
}

static void
LogSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	if (!target.open || target.subid != mySubid)
		return;
	if (event == SUBXACT_EVENT_PRE_COMMIT_SUB)
		CloseTarget();
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		target.open = false;
		MemoryContextDelete(target.estate->es_query_cxt);
	}
}

static void
LogRelcacheCallback(Datum arg, Oid relid)
{
	int			i;

	if (!target.open)
		return;
	if (relid == InvalidOid || relid == target.relid)
		target.stale = true;
	for (i = 0; i < target.rri->ri_NumIndices; i++)
		if (relid == RelationGetRelid(target.rri->ri_IndexRelationDescs[i]))
			target.stale = true;
}

/* Open relid for direct insertion; false if the SQL statement must do it */
static bool
OpenTarget(Oid relid, Oid indexid, int ncolumns, const char *const *names)
{
	Relation	rel;
	ResourceOwner save = CurrentResourceOwner;
	MemoryContext old;

	if (!callbacks_registered)
	{
		RegisterXactCallback(LogXactCallback, NULL);
		RegisterSubXactCallback(LogSubXactCallback, NULL);
		CacheRegisterRelcacheCallback(LogRelcacheCallback, (Datum) 0);
		callbacks_registered = true;
	}
	/* the (sub)transaction's owner: statements (portals) end before it does */
	CurrentResourceOwner = CurTransactionResourceOwner;
	rel = table_open(relid, RowExclusiveLock);
	if (!DirectPathApplies(rel, ncolumns, names))
	{
		table_close(rel, NoLock);	/* the SQL statement takes the same lock */
		CurrentResourceOwner = save;
		return false;
	}
	old = MemoryContextSwitchTo(TopTransactionContext);
	target.estate = CreateExecutorState();
	MemoryContextSwitchTo(target.estate->es_query_cxt);
	target.rri = makeNode(ResultRelInfo);
	/* no range table: error messages then name no columns as inserted */
	InitResultRelInfo(target.rri, rel, 0, NULL, 0);
	ExecOpenIndices(target.rri, true);
	target.arbiters = list_make1_oid(indexid);
	EtArbitersFirst(target.rri, target.arbiters);
	target.slot = ExecInitExtraTupleSlot(target.estate, RelationGetDescr(rel),
										 table_slot_callbacks(rel));
	MemoryContextSwitchTo(old);
	CurrentResourceOwner = save;

	target.rel = rel;
	target.relid = relid;
	target.indexid = indexid;
	target.owner = CurTransactionResourceOwner;
	target.subid = GetCurrentSubTransactionId();
	target.stale = false;
	target.open = true;
	return true;
}

/*
 * Insert the row into relid unless index arbiter_index already holds its
 * key.  names/values/isnull give the columns in attribute order.  The
 * caller has set up the active snapshot as for a non-read-only SPI
 * statement.
 */
EtLogInsertResult
EtLogInsertDirect(Oid relid, Oid arbiter_index, int ncolumns,
				  const char *const *names, const Datum *values, const bool *isnull)
{
	EState	   *estate;
	TupleTableSlot *slot;
	EtLogInsertResult result;
	ItemPointerData conflict_tid;

	if (target.open &&
		(target.stale || target.relid != relid || target.indexid != arbiter_index ||
		 target.subid != GetCurrentSubTransactionId()))
		CloseTarget();
	if (!target.open && !OpenTarget(relid, arbiter_index, ncolumns, names))
		return LOG_INSERT_UNSUPPORTED;
	estate = target.estate;
	slot = target.slot;
	estate->es_output_cid = GetCurrentCommandId(true);
	estate->es_snapshot = GetActiveSnapshot();

	ExecClearTuple(slot);
	memcpy(slot->tts_values, values, sizeof(Datum) * ncolumns);
	memcpy(slot->tts_isnull, isnull, sizeof(bool) * ncolumns);
	ExecStoreVirtualTuple(slot);
	slot->tts_tableOid = relid;

	/* NOT NULL and CHECK constraints, with the executor's messages */
	if (RelationGetDescr(target.rel)->constr)
		ExecConstraints(target.rri, slot, estate);

	/* ExecInsert() for ON CONFLICT DO NOTHING */
	if (EtInsertUnlessTaken(target.rri, slot, estate, target.arbiters, &forecast,
							&conflict_tid))
		result = LOG_INSERT_DONE;
	else
	{
		CheckConflictVisible(target.rel, &conflict_tid, estate->es_snapshot);
		result = LOG_INSERT_CONFLICT;
	}
	ExecClearTuple(slot);
	ResetPerTupleExprContext(estate);
	estate->es_snapshot = InvalidSnapshot;	/* popped by the caller */
	return result;
}

/* End of a statement (or of reprocess()): release the event log. */
void
EtLogClose(void)
{
	CloseTarget();
}
