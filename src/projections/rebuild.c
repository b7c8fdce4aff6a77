/*-------------------------------------------------------------------------
 *
 * rebuild.c
 *	  rebuild_projections(): recompute customers, contracts and bookings
 *	  from the event log.
 *
 * The live tables are maintained with order-independent merges
 * (projection.h), so replaying the log in any order reproduces them; we
 * replay in (occurred_at, event_id) order anyway, the order the rule is
 * stated in.  The same apply functions serve the trigger and the rebuild.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "event_record.h"
#include "event_types.h"
#include "projection.h"
#include "validator/jsonb_access.h"

#define REBUILD_BATCH 1000

/*
 * rebuild_projections() -> bigint (number of events replayed)
 */
ET_FUNCTION_INFO(event_types_rebuild_projections);
Datum
event_types_rebuild_projections(PG_FUNCTION_ARGS)
{
	SPIPlanPtr	plan;
	Portal		portal;
	MemoryContext batch_cxt;
	int64		replayed = 0;
	int			rc;

	/*
	 * The replay must see every event logged before the lock below is
	 * granted; a transaction snapshot (REPEATABLE READ, SERIALIZABLE) taken
	 * earlier would miss some and leave the projections short.
	 */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("rebuild_projections() must run at the READ COMMITTED isolation level"),
				 errdetail("Under REPEATABLE READ or SERIALIZABLE the replay would not see events committed by transactions it waits for.")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/*
	 * First wait for every transaction that is ingesting (they hold ROW
	 * EXCLUSIVE on the event log from their first event on) and keep new
	 * ones from logging events until we commit.  Without it the rebuild
	 * missed the events of a transaction it had waited for on the
	 * projections, and could deadlock with a receiver transaction that
	 * touched bookings, then customers.  SHARE ROW EXCLUSIVE: readers go
	 * on, two rebuilds take turns.
	 */
	rc = SPI_execute("LOCK TABLE event_types.events IN SHARE ROW EXCLUSIVE MODE", false, 0);
	if (rc != SPI_OK_UTILITY)
		elog(ERROR, "locking the event log failed: %s", SPI_result_code_string(rc));
	rc = SPI_execute("TRUNCATE event_types.customers, event_types.contracts, event_types.bookings",
					 false, 0);
	if (rc != SPI_OK_UTILITY)
		elog(ERROR, "truncating the projections failed: %s", SPI_result_code_string(rc));

	plan = SPI_prepare("SELECT event_type, event_id, tenant, entity_id, occurred_at, content, inbox_id "
					   "FROM event_types.events ORDER BY occurred_at, event_id", 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	/* not read-only: a snapshot taken now, after the lock wait, sees the
	 * events of the transactions we waited for (READ COMMITTED) */
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, false);
	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "event_types rebuild batch",
									  ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		SPITupleTable *batch;
		uint64		i,
					n;

		SPI_cursor_fetch(portal, true, REBUILD_BATCH);
		batch = SPI_tuptable;
		n = SPI_processed;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
		{
			HeapTuple	t = batch->vals[i];
			TupleDesc	d = batch->tupdesc;
			MemoryContext old = MemoryContextSwitchTo(batch_cxt);
			EtEventRecord r;
			bool		isnull;
			Datum		v;

			CHECK_FOR_INTERRUPTS();
			r.def = EtLookupByCodeOrError(DatumGetInt32(SPI_getbinval(t, d, 1, &isnull)));
			r.event_id = TextDatumGetCString(SPI_getbinval(t, d, 2, &isnull));
			r.tenant = TextDatumGetCString(SPI_getbinval(t, d, 3, &isnull));
			v = SPI_getbinval(t, d, 4, &isnull);
			r.entity_id = isnull ? NULL : TextDatumGetCString(v);
			r.occurred_at = DatumGetTimestampTz(SPI_getbinval(t, d, 5, &isnull));
			JbRootValue(DatumGetJsonbP(SPI_getbinval(t, d, 6, &isnull)), &r.content);
			r.inbox_id = DatumGetInt64(SPI_getbinval(t, d, 7, &isnull));
			EtApplyProjections(&r);
			MemoryContextSwitchTo(old);
			replayed++;
		}
		SPI_freetuptable(batch);
		MemoryContextReset(batch_cxt);
	}
	EtProjFlush();
	SPI_cursor_close(portal);
	SPI_finish();
	PG_RETURN_INT64(replayed);
}
