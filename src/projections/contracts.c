/*-------------------------------------------------------------------------
 *
 * contracts.c
 *	  The event_types.contracts projection (gym contracts and modules).
 *
 *	CONTRACT_CREATED					main contract, active
 *	CONTRACT_UPDATED					updated_at
 *	CONTRACT_CANCELLED					cancelled, cancelled_at = event time
 *	CONTRACT_IDLE_PERIOD_CREATED		content.idlePeriodId joins idle_opened
 *	CONTRACT_IDLE_PERIOD_CANCELLED		content.idlePeriodId joins idle_closed
 *										(idle_periods = |opened - closed|, a
 *										generated column; status idle while > 0)
 *	CONTRACT_IDLE_PERIOD_UPDATED		updated_at
 *	CONTRACT_ADDITIONAL_MODULE_*		module row (content.moduleContractId)
 *										with main_contract_id; _CANCELLED ->
 *										cancelled, _DELETED -> deleted
 *
 * status is a generated column: base_status (a register) unless idle
 * periods are open.  The vendor's entityId is the customer.
 *
 * Idle periods are two grow-only sets of idle period ids rather than a
 * counter: a counter went negative when a cancellation arrived for a period
 * whose creation was never received, and counted one period twice when the
 * vendor re-sent its creation under a new delivery uuid.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "event_types.h"
#include "json_get.h"
#include "projection.h"

enum
{
	CO_SOURCE, CO_TENANT, CO_CONTRACT_ID,
	CO_CUSTOMER_ID, CO_MAIN_CONTRACT_ID, CO_KIND,
	CO_BASE_STATUS, CO_BASE_STATUS_AT, CO_BASE_STATUS_EVENT_ID,
	CO_IDLE_OPENED, CO_IDLE_CLOSED,
	CO_CREATED_AT, CO_UPDATED_AT, CO_CANCELLED_AT,
	CO_LAST_EVENT_AT, CO_LAST_EVENT_TYPE, CO_LAST_EVENT_ID,
	CO_NCOLUMNS
};

enum
{
	G_STATUS, G_LAST_EVENT
};

static const EtProjColumn contract_columns[CO_NCOLUMNS] = {
	{"source", ET_COL_TEXT, ET_MERGE_KEY},
	{"tenant", ET_COL_TEXT, ET_MERGE_KEY},
	{"contract_id", ET_COL_TEXT, ET_MERGE_KEY},
	/* identity: every event of the contract carries it */
	{"customer_id", ET_COL_TEXT, ET_MERGE_LWW, G_LAST_EVENT},
	{"main_contract_id", ET_COL_TEXT, ET_MERGE_LWW, G_LAST_EVENT},
	{"kind", ET_COL_TEXT, ET_MERGE_LWW, G_LAST_EVENT, "main"},
	{"base_status", ET_COL_TEXT, ET_MERGE_LWW, G_STATUS},
	{"base_status_at", ET_COL_TIMESTAMPTZ, ET_MERGE_LWW, G_STATUS},
	{"base_status_event_id", ET_COL_TEXT, ET_MERGE_LWW, G_STATUS},
	{"idle_opened", ET_COL_TEXT_ARRAY, ET_MERGE_UNION},
	{"idle_closed", ET_COL_TEXT_ARRAY, ET_MERGE_UNION},
	{"created_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MIN},
	{"updated_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"cancelled_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"last_event_at", ET_COL_TIMESTAMPTZ, ET_MERGE_LWW, G_LAST_EVENT},
	{"last_event_type", ET_COL_EVENT_TYPE, ET_MERGE_LWW, G_LAST_EVENT},
	{"last_event_id", ET_COL_TEXT, ET_MERGE_LWW, G_LAST_EVENT},
};

static const EtProjGroup contract_groups[] = {
	[G_STATUS] = {CO_BASE_STATUS_AT, CO_BASE_STATUS_EVENT_ID},
	[G_LAST_EVENT] = {CO_LAST_EVENT_AT, CO_LAST_EVENT_ID},
};

static const EtProjection contracts = {
	"contracts", CO_NCOLUMNS, contract_columns,
	lengthof(contract_groups), contract_groups, 1
};

static void
SetBaseStatus(EtProjRow *row, const EtEventRecord *ev, const char *status)
{
	EtProjSetText(row, CO_BASE_STATUS, status);
	EtProjSetGroup(row, G_STATUS, ev);
}

/* A one-element text[] with the event's content.idlePeriodId */
static void
SetIdlePeriod(EtProjRow *row, int col, const EtEventRecord *ev)
{
	char	   *id = EtJsonGetText(&ev->content, "idlePeriodId");
	Datum		elem;

	if (id == NULL)
		return;
	elem = CStringGetTextDatum(id);
	EtProjSet(row, col, PointerGetDatum(construct_array(&elem, 1, TEXTOID, -1, false,
														TYPALIGN_INT)));
}

void
EtApplyContracts(const EtEventRecord *ev)
{
	const char *name = ev->def->name;
	bool		module;
	char	   *contract_id;
	char	   *main_id = NULL;
	const char *action;
	EtProjRow	row;
	TimestampTz at = ev->occurred_at;

	if (ev->def->source != ET_SOURCE_GYM || strncmp(name, "CONTRACT_", 9) != 0)
		return;
	module = strncmp(name, "CONTRACT_ADDITIONAL_MODULE_", 27) == 0;
	if (module)
	{
		contract_id = EtJsonGetText(&ev->content, "moduleContractId");
		main_id = EtJsonGetText(&ev->content, "contractId");
		action = name + 27;
	}
	else
	{
		contract_id = EtJsonGetText(&ev->content, "contractId");
		action = name + 9;
	}
	if (contract_id == NULL)
		return;

	EtProjRowInit(&row, &contracts, ev);
	EtProjSetText(&row, CO_CONTRACT_ID, contract_id);
	EtProjSetText(&row, CO_CUSTOMER_ID, ev->entity_id);
	EtProjSetText(&row, CO_MAIN_CONTRACT_ID, main_id);
	EtProjSetText(&row, CO_KIND, module ? "module" : "main");
	EtProjSetGroup(&row, G_LAST_EVENT, ev);
	EtProjSet(&row, CO_LAST_EVENT_TYPE, Int32GetDatum(ev->def->code));
	EtProjSet(&row, CO_UPDATED_AT, TimestampTzGetDatum(at));

	if (strcmp(action, "CREATED") == 0)
	{
		SetBaseStatus(&row, ev, "active");
		EtProjSet(&row, CO_CREATED_AT, TimestampTzGetDatum(at));
	}
	else if (strcmp(action, "CANCELLED") == 0)
	{
		SetBaseStatus(&row, ev, "cancelled");
		EtProjSet(&row, CO_CANCELLED_AT, TimestampTzGetDatum(at));
	}
	else if (strcmp(action, "DELETED") == 0)
		SetBaseStatus(&row, ev, "deleted");
	else if (strcmp(action, "IDLE_PERIOD_CREATED") == 0)
		SetIdlePeriod(&row, CO_IDLE_OPENED, ev);
	else if (strcmp(action, "IDLE_PERIOD_CANCELLED") == 0)
		SetIdlePeriod(&row, CO_IDLE_CLOSED, ev);
	/* UPDATED, IDLE_PERIOD_UPDATED: updated_at and last_event_* only */
	EtProjUpsert(&row);
}

/* ----------------------------------------------------------------
 * open_idle_periods(opened text[], closed text[]) -> integer
 *
 * The number of distinct ids in 'opened' that are not in 'closed' -- what
 *		SELECT count(*) FROM (SELECT unnest(opened) EXCEPT SELECT unnest(closed))
 * returns, NULL elements included (EXCEPT counts a NULL as one value, and
 * a NULL in 'closed' removes it), and 0 for a NULL array.  Both generated
 * columns of contracts call it on every write of a contract row; as a SQL
 * function it was not inlinable (a set operation) and cost an executor
 * start-up per call, ~5% of the pipeline's time.
 * ----------------------------------------------------------------
 */

/* NULL first, then bytewise (any total order that groups equal ids works) */
static int
CompareIds(const void *a, const void *b)
{
	text	   *x = *(text *const *) a;
	text	   *y = *(text *const *) b;

	if (x == NULL || y == NULL)
		return (x != NULL) - (y != NULL);
	return EtProjTextCmp(x, y);
}

/* The array's elements as sorted text pointers (NULL for a NULL element) */
static text **
SortedIds(ArrayType *a, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	text	  **ids;
	int			i;

	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	ids = palloc(sizeof(text *) * Max(*n, 1));
	for (i = 0; i < *n; i++)
		ids[i] = nulls[i] ? NULL : DatumGetTextPP(elems[i]);
	qsort(ids, *n, sizeof(text *), CompareIds);
	return ids;
}

ET_FUNCTION_INFO(event_types_open_idle_periods);
Datum
event_types_open_idle_periods(PG_FUNCTION_ARGS)
{
	text	  **opened,
			  **closed;
	int			nopened,
				nclosed,
				i,
				j = 0,
				count = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	opened = SortedIds(PG_GETARG_ARRAYTYPE_P(0), &nopened);
	if (PG_ARGISNULL(1))
	{
		closed = NULL;
		nclosed = 0;
	}
	else
		closed = SortedIds(PG_GETARG_ARRAYTYPE_P(1), &nclosed);

	/* one pass over both sorted lists: count each distinct id not closed */
	for (i = 0; i < nopened; i++)
	{
		if (i > 0 && CompareIds(&opened[i], &opened[i - 1]) == 0)
			continue;
		while (j < nclosed && CompareIds(&closed[j], &opened[i]) < 0)
			j++;
		if (j == nclosed || CompareIds(&closed[j], &opened[i]) != 0)
			count++;
	}
	PG_RETURN_INT32(count);
}
