/*-------------------------------------------------------------------------
 *
 * ingest.c
 *	  The inbox trigger: validate a raw message, log its typed events once,
 *	  and apply them to the projections -- all in the inserting
 *	  transaction.  Also reprocess() for kept messages.
 *
 * For each inserted inbox row (BEFORE INSERT FOR EACH ROW):
 *
 *	1. limits: payload size (event_types.max_payload_bytes) and nesting
 *	   depth; beyond them the row is 'rejected' with a "limits" error;
 *	2. source, then validation against the built-in schemas (message.c);
 *	   violations -> 'rejected' with every error (or, with
 *	   event_types.on_invalid = 'error', SQLSTATE 23514); a type not in the
 *	   catalogue -> 'unknown_type' (kept for reprocess() after an upgrade);
 *	3. typed columns (extract.c), then per event: INSERT INTO events ...
 *	   ON CONFLICT DO NOTHING, driven directly (event_log.c) unless the
 *	   event log has triggers or other things only the SQL statement
 *	   handles.  A new event is applied to the projections;
 *	   a known one is a duplicate if its (type, time, content) are equal,
 *	   else a conflict.  The row is 'accepted' if anything was applied.
 *
 * Concurrent inserts of the same event serialise on the events primary
 * key: the second waits for the first to commit, then sees the conflict --
 * no unique violation reaches the caller, and the event is applied once.
 *
 * A row that arrives with its status already set (pg_restore) is stored
 * as it is; ordinary writers cannot set those columns (column privileges).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "direct_write.h"
#include "erasure.h"
#include "event_log.h"
#include "event_record.h"
#include "event_types.h"
#include "extract.h"
#include "ingest.h"
#include "json_get.h"
#include "message.h"
#include "owner.h"
#include "pg_compat.h"
#include "projections/projection.h"
#include "validator/jsonb_access.h"

/* Errors stored per rejected message; the rest are counted */
#define ET_MAX_STORED_ERRORS 1000

/* Attribute numbers of the inbox columns the trigger reads and writes */
typedef struct InboxAttrs
{
	Oid			relid;
	Oid			owner;			/* the trigger function's owner, see owner.c */
	int			id;
	int			received_at;
	int			source;
	int			payload;
	int			event_type;
	int			tenant;
	int			event_id;
	int			occurred_at;
	int			status;
	int			errors;
	int			processed_at;
} InboxAttrs;

static int
AttrNumber_(TupleDesc desc, const char *name)
{
	int			n = SPI_fnumber(desc, name);

	if (n <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("event_types inbox trigger attached to a table without column \"%s\"", name)));
	return n;
}

static void
LookupAttrs(InboxAttrs *a, Relation rel)
{
	TupleDesc	d = RelationGetDescr(rel);

	a->relid = RelationGetRelid(rel);
	a->id = AttrNumber_(d, "id");
	a->received_at = AttrNumber_(d, "received_at");
	a->source = AttrNumber_(d, "source");
	a->payload = AttrNumber_(d, "payload");
	a->event_type = AttrNumber_(d, "event_type");
	a->tenant = AttrNumber_(d, "tenant");
	a->event_id = AttrNumber_(d, "event_id");
	a->occurred_at = AttrNumber_(d, "occurred_at");
	a->status = AttrNumber_(d, "status");
	a->errors = AttrNumber_(d, "errors");
	a->processed_at = AttrNumber_(d, "processed_at");
}

static char *
GetText(HeapTuple tuple, TupleDesc desc, int attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attno, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* ----------------------------------------------------------------
 * Errors as jsonb: [{path, keyword, message}, ...]
 * ----------------------------------------------------------------
 */
static Jsonb *
ErrorsToJsonb(const EtErrorList *errors)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	int			i,
				n = Min(errors->count, ET_MAX_STORED_ERRORS);

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		EtJsonbPushError(&state, errors->items[i].path, errors->items[i].keyword,
						 errors->items[i].message);
	}
	if (errors->count > n)
	{
		EtJsonbPushError(&state, "", "limits",
						 psprintf("%d more errors not stored", errors->count - n));
	}
	res = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(res);
}

/* ----------------------------------------------------------------
 * The event log
 * ----------------------------------------------------------------
 */

/*
 * The event log's columns, in their table order, as LogEvent() fills them:
 * for the SQL statement and for the direct insert (event_log.c), which
 * checks that the table still has exactly these.
 */
#define EVENT_COLUMNS 8
static const char *const event_columns[EVENT_COLUMNS] = {
	"source", "event_id", "event_type", "tenant", "entity_id",
	"occurred_at", "content", "inbox_id"
};

/* Prepared insert into the event log; backend lifetime, see LogPlans() */
static SPIPlanPtr insert_event_plan = NULL;
static Oid	plans_event_type_oid = InvalidOid;

static void
LogPlans(void)
{
	Oid			et = EtEventTypeOid();

	if (insert_event_plan && et == plans_event_type_oid)
		return;
	if (insert_event_plan)
		SPI_freeplan(insert_event_plan);
	{
		Oid			types[EVENT_COLUMNS] = {TEXTOID, TEXTOID, et, TEXTOID, TEXTOID,
		TIMESTAMPTZOID, JSONBOID, INT8OID};
		StringInfoData sql;
		SPIPlanPtr	p;
		int			i;

		initStringInfo(&sql);
		appendStringInfoString(&sql, "INSERT INTO event_types.events (");
		for (i = 0; i < EVENT_COLUMNS; i++)
			appendStringInfo(&sql, "%s%s", i ? ", " : "", event_columns[i]);
		appendStringInfoString(&sql, ") VALUES (");
		for (i = 0; i < EVENT_COLUMNS; i++)
			appendStringInfo(&sql, "%s$%d", i ? ", " : "", i + 1);
		appendStringInfoString(&sql, ") ON CONFLICT ON CONSTRAINT events_pkey DO NOTHING");
		p = SPI_prepare(sql.data, EVENT_COLUMNS, types);
		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare the event log insert");
		insert_event_plan = p;
	}
	plans_event_type_oid = et;
}

/*
 * The event log and its primary key, found by name once: three catalogue
 * look-ups per event were ~1% of the pipeline.  Whatever makes the names
 * lead elsewhere (DROP EXTENSION, a rename, REINDEX CONCURRENTLY swapping
 * the index) invalidates the relcache entry of the old table or index, and
 * the next event looks them up again.
 */
static Oid	log_relid = InvalidOid;
static Oid	log_indexid = InvalidOid;

static void
EventLogOidsInvalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == log_relid || relid == log_indexid)
		log_relid = log_indexid = InvalidOid;
}

static void
EventLogOids(Oid *relid, Oid *indexid)
{
	static bool callback_registered = false;

	if (!OidIsValid(log_relid) || !OidIsValid(log_indexid))
	{
		Oid			r = EtRelationOid("events");
		Oid			i = EtRelationOid("events_pkey");

		if (!OidIsValid(r) || !OidIsValid(i))
			elog(ERROR, "event_types.events or its primary key is missing");
		if (!callback_registered)
		{
			CacheRegisterRelcacheCallback(EventLogOidsInvalidate, (Datum) 0);
			callback_registered = true;
		}
		log_relid = r;
		log_indexid = i;
	}
	*relid = log_relid;
	*indexid = log_indexid;
}

static int
EventsColumn(TupleDesc desc, const char *name)
{
	int			n = SPI_fnumber(desc, name);

	if (n <= 0)
		elog(ERROR, "event_types.events has no column \"%s\"", name);
	return n;
}

/*
 * Read the logged event (source, event_id) through events_pkey: its type,
 * time and content.  False if there is none.
 *
 * Not a prepared SELECT: the plan cache settles on a generic plan made with
 * whatever statistics the event log had then (autovacuum analyses it while
 * it is empty or half loaded), and keeps it while the log grows.  Such a
 * plan (a sequential scan, or a scan of the wrong index) made every
 * duplicate read a large part of the log.  A duplicate is found by its
 * primary key, always, with the snapshot of EtPushStatementSnapshot().
 */
static bool
FetchLoggedEvent(const char *source, const char *event_id,
				 int32 *code, TimestampTz *at, Datum *content)
{
	Oid			relid,
				indexid;
	Relation	rel,
				index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	int			source_col,
				event_id_col;
	bool		found;
	int			i;

	EventLogOids(&relid, &indexid);
	rel = table_open(relid, AccessShareLock);
	index = index_open(indexid, AccessShareLock);
	if (IndexRelationGetNumberOfKeyAttributes(index) != 2 ||
		index->rd_index->indrelid != relid)
		elog(ERROR, "index event_types.events_pkey is not on (source, event_id)");
	/* whatever order the key columns have in the index */
	source_col = EventsColumn(RelationGetDescr(rel), "source");
	event_id_col = EventsColumn(RelationGetDescr(rel), "event_id");
	for (i = 0; i < 2; i++)
	{
		AttrNumber	col = index->rd_index->indkey.values[i];
		const char *value;

		if (col == source_col)
			value = source;
		else if (col == event_id_col)
			value = event_id;
		else
			elog(ERROR, "index event_types.events_pkey is not on (source, event_id)");
		ScanKeyInit(&keys[i], i + 1, BTEqualStrategyNumber, F_TEXTEQ,
					CStringGetTextDatum(value));
		keys[i].sk_collation = index->rd_indcollation[i];
	}

	EtPushStatementSnapshot();
	slot = table_slot_create(rel, NULL);
	scan = EtIndexBeginScan(rel, index, GetActiveSnapshot(), 2);
	index_rescan(scan, keys, 2, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	if (found)
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		isnull;
		Datum		d;

		d = slot_getattr(slot, EventsColumn(desc, "event_type"), &isnull);
		*code = isnull ? -1 : DatumGetInt32(d);
		d = slot_getattr(slot, EventsColumn(desc, "occurred_at"), &isnull);
		*at = isnull ? DT_NOBEGIN : DatumGetTimestampTz(d);
		d = slot_getattr(slot, EventsColumn(desc, "content"), &isnull);
		if (isnull)
			elog(ERROR, "event (%s, %s) has no content", source, event_id);
		/* a copy: the tuple goes with the scan */
		*content = PointerGetDatum(PG_DETOAST_DATUM_COPY(d));
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	PopActiveSnapshot();
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * The event log insert without a SQL statement (event_log.c), with the
 * snapshot of EtPushStatementSnapshot(): events logged by earlier rows of the
 * same INSERT or COPY count as conflicts.
 */
static EtLogInsertResult
InsertDirect(const Datum *values, const char *nulls)
{
	Oid			relid,
				indexid;
	bool		isnull[EVENT_COLUMNS];
	EtLogInsertResult result;
	int			i;

	EventLogOids(&relid, &indexid);
	for (i = 0; i < EVENT_COLUMNS; i++)
		isnull[i] = (nulls[i] == 'n');
	EtPushStatementSnapshot();
	result = EtLogInsertDirect(relid, indexid, EVENT_COLUMNS, event_columns, values, isnull);
	PopActiveSnapshot();
	return result;
}

typedef enum LogOutcome
{
	LOG_NEW,
	LOG_DUPLICATE,
	LOG_CONFLICT
} LogOutcome;

/*
 * 'time_from_receipt': the event's time is the inbox received_at (a
 * court-booking bare body without an occurred_at hint), so a retry of the
 * very same body carries another time; the time then takes no part in
 * telling a duplicate from a conflict.
 */
static LogOutcome
LogEvent(const EtEventRecord *r, Datum content, bool time_from_receipt)
{
	Datum		values[EVENT_COLUMNS];
	char		nulls[EVENT_COLUMNS] = "        ";
	int			rc;
	int			nestlevel;
	int32		code;
	TimestampTz at;
	Datum		old;

	values[0] = CStringGetTextDatum(r->def->source_name);
	values[1] = CStringGetTextDatum(r->event_id);
	values[2] = Int32GetDatum(r->def->code);
	values[3] = CStringGetTextDatum(r->tenant);
	if (r->entity_id)
		values[4] = CStringGetTextDatum(r->entity_id);
	else
		nulls[4] = 'n';
	values[5] = TimestampTzGetDatum(r->occurred_at);
	values[6] = content;
	values[7] = Int64GetDatum(r->inbox_id);

	switch (InsertDirect(values, nulls))
	{
		case LOG_INSERT_DONE:
			return LOG_NEW;
		case LOG_INSERT_CONFLICT:
			break;
		case LOG_INSERT_UNSUPPORTED:
			nestlevel = EtFixSearchPath();
			LogPlans();
			rc = SPI_execute_plan(insert_event_plan, values, nulls, false, 0);
			if (rc != SPI_OK_INSERT)
				elog(ERROR, "event log insert failed: %s", SPI_result_code_string(rc));
			EtRestoreSearchPath(nestlevel);
			if (SPI_processed == 1)
				return LOG_NEW;
			break;
	}

	/*
	 * Seen before: the same event, or another one under the same id?  (Read
	 * with a snapshot that sees what the insert just ran into, see
	 * FetchLoggedEvent.)
	 */
	if (!FetchLoggedEvent(r->def->source_name, r->event_id, &code, &at, &old))
		elog(ERROR, "event (%s, %s) vanished from the event log",
			 r->def->source_name, r->event_id);
	/* a retry of an event erased since is a duplicate (erasure.c) */
	if (code == r->def->code && (time_from_receipt || at == r->occurred_at) &&
		(DatumGetBool(DirectFunctionCall2(jsonb_eq, old, content)) ||
		 EtIsErasedEvent(r, old, content)))
		return LOG_DUPLICATE;
	return LOG_CONFLICT;
}

/* ----------------------------------------------------------------
 * Processing one message
 * ----------------------------------------------------------------
 */
/*
 * The smallest jsonb (without its varlena header) that TooDeep() can find
 * too deep: that takes ET_MAX_NESTING_DEPTH + 1 nested containers, each
 * with a 4-byte header and, but for the root, a 4-byte JEntry in its
 * parent.  513 nested empty arrays are exactly that.  Nearly every message
 * is smaller, and skips the walk.
 */
#define ET_MIN_TOO_DEEP_BYTES (8 * ET_MAX_NESTING_DEPTH + 4)

static bool
TooDeep(const JsonbValue *v, int depth)
{
	JbIter		it;
	JsonbValue	k,
				e;

	if (v->type != jbvBinary)
		return false;
	if (depth >= ET_MAX_NESTING_DEPTH)
		return true;
	check_stack_depth();
	JbIterInit(&it, v);
	if (JbIsObject(v))
	{
		while (JbObjectNext(&it, &k, &e))
			if (TooDeep(&e, depth + 1))
				return true;
	}
	else
		while (JbArrayNext(&it, &e))
			if (TooDeep(&e, depth + 1))
				return true;
	return false;
}

static bool
HasViolations(const EtErrorList *errors)
{
	int			i;

	for (i = 0; i < errors->count; i++)
		if (strcmp(errors->items[i].keyword, "event_type") != 0)
			return true;
	return false;
}

static pg_noreturn void
RaiseRejection(const char *source, const EtErrorList *errors)
{
	StringInfoData detail;
	int			i;

	initStringInfo(&detail);
	for (i = 0; i < errors->count && i < 3; i++)
		appendStringInfo(&detail, "%s%s at \"%s\": %s", i ? "; " : "",
						 errors->items[i].keyword, errors->items[i].path,
						 errors->items[i].message);
	if (errors->count > 3)
		appendStringInfo(&detail, "; and %d more", errors->count - 3);
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s message violates its event schema", source),
			 errdetail("%s.", detail.data),
			 errhint("With event_types.on_invalid = 'keep' (the default) the message is stored as rejected instead.")));
}

/*
 * Decide the status of one message and apply its events.  The caller is
 * connected to SPI.  Returns the status; *errors_out gets the errors as
 * jsonb, or NULL when there are none.
 */
const char *
EtProcessMessage(const char *source_name, Jsonb *payload, const EtHints *hints,
				 Jsonb **errors_out)
{
	EtErrorList errors = {0};
	EtSource	source;
	EtMessage	msg;
	EtEventRecord *records;
	JsonbValue	root;
	Size		payload_bytes = VARSIZE(payload) - VARHDRSZ;
	int			i,
				applied = 0,
				conflicts = 0;

	*errors_out = NULL;

	/* 1. limits: checked before anything walks the document */
	if (payload_bytes > (Size) et_max_payload_bytes)
	{
		EtErrorListAdd(&errors, "", "limits",
				 psprintf("payload of %zu bytes exceeds event_types.max_payload_bytes (%d)",
						  payload_bytes, et_max_payload_bytes));
		goto rejected;
	}
	JbRootValue(payload, &root);
	if (payload_bytes >= ET_MIN_TOO_DEEP_BYTES && TooDeep(&root, 0))
	{
		EtErrorListAdd(&errors, "", "limits",
				 psprintf("payload is nested deeper than %d levels", ET_MAX_NESTING_DEPTH));
		goto rejected;
	}

	/* 2. source and schema */
	source = EtSourceLookup(source_name, strlen(source_name));
	if (source == ET_SOURCE_NONE)
	{
		EtErrorListAdd(&errors, "", "source",
				 psprintf("unknown source \"%s\"; known sources: gym, ticketing, court_booking",
						  source_name));
		goto rejected;
	}
	EtSplitMessage(source, payload, hints->event_type, &msg);
	EtValidateMessage(&msg, &errors);
	if (HasViolations(&errors))
		goto rejected;
	if (msg.has_unknown)
	{
		*errors_out = ErrorsToJsonb(&errors);
		return "unknown_type";
	}
	if (msg.nevents == 0)
	{
		EtErrorListAdd(&errors, "", "event_type", "the message carries no event");
		goto rejected;
	}

	/* 3. typed columns, event log, projections */
	records = palloc(sizeof(EtEventRecord) * msg.nevents);
	if (!EtExtractEvents(&msg, hints, records, &errors))
		goto rejected;
	for (i = 0; i < msg.nevents; i++)
	{
		EtEventRecord *r = &records[i];
		Datum		content = (r->content.val.binary.data == root.val.binary.data) ?
			JsonbPGetDatum(payload) : JsonbPGetDatum(JsonbValueToJsonb(&r->content));

		/* a retried bare body is a duplicate, not a conflict */
		switch (LogEvent(r, content, msg.bare_body && !hints->has_occurred_at))
		{
			case LOG_NEW:
				EtApplyProjections(r);
				applied++;
				break;
			case LOG_DUPLICATE:
				break;
			case LOG_CONFLICT:
				conflicts++;
				EtErrorListAdd(&errors, msg.events[i].path, "conflict",
						 psprintf("event \"%s\" was received before with a different type, time or content",
								  r->event_id));
				break;
		}
	}
	if (errors.count > 0)
		*errors_out = ErrorsToJsonb(&errors);
	if (applied > 0)
		return "accepted";
	return conflicts > 0 ? "conflict" : "duplicate";

rejected:
	if (et_on_invalid == ET_ON_INVALID_ERROR)
		RaiseRejection(source_name, &errors);
	*errors_out = ErrorsToJsonb(&errors);
	return "rejected";
}

/* Read the hint columns of an inbox row */
static void
ReadHints(HeapTuple tuple, TupleDesc desc, const InboxAttrs *a, EtHints *h)
{
	bool		isnull;
	Datum		d;

	h->event_type = GetText(tuple, desc, a->event_type);
	h->tenant = GetText(tuple, desc, a->tenant);
	h->event_id = GetText(tuple, desc, a->event_id);
	d = heap_getattr(tuple, a->occurred_at, desc, &isnull);
	h->has_occurred_at = !isnull;
	h->occurred_at = isnull ? 0 : DatumGetTimestampTz(d);
	d = heap_getattr(tuple, a->received_at, desc, &isnull);
	h->received_at = isnull ? GetCurrentTransactionStartTimestamp() : DatumGetTimestampTz(d);
	d = heap_getattr(tuple, a->id, desc, &isnull);
	h->inbox_id = isnull ? 0 : DatumGetInt64(d);
}

/*
 * BEFORE INSERT FOR EACH ROW trigger on event_types.inbox.
 */
ET_FUNCTION_INFO(event_types_inbox_ingest);
Datum
event_types_inbox_ingest(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	InboxAttrs *attrs;
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	char	   *source;
	Datum		payload_datum;
	Jsonb	   *payload;
	EtHints		hints;
	const char *status;
	Jsonb	   *errors;
	Jsonb	   *erased = NULL;
	int			cols[4];
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	EtOwnerScope scope;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("event_types_inbox_ingest() must be a BEFORE INSERT ... FOR EACH ROW trigger")));

	tuple = td->tg_trigtuple;
	desc = RelationGetDescr(td->tg_relation);
	attrs = (InboxAttrs *) fcinfo->flinfo->fn_extra;
	if (attrs == NULL || attrs->relid != RelationGetRelid(td->tg_relation))
	{
		/* it acts as its owner (below): on the extension's inbox only */
		if (RelationGetNamespace(td->tg_relation) != EtSchemaOid(false) ||
			strcmp(RelationGetRelationName(td->tg_relation), "inbox") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("event_types_inbox_ingest() fires only on event_types.inbox, not on \"%s\"",
							RelationGetRelationName(td->tg_relation))));
		attrs = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(InboxAttrs));
		LookupAttrs(attrs, td->tg_relation);
		attrs->owner = EtFunctionOwner(fcinfo->flinfo->fn_oid);
		fcinfo->flinfo->fn_extra = attrs;
	}

	/* restored rows (pg_restore) come with their outcome: keep it */
	(void) heap_getattr(tuple, attrs->status, desc, &isnull);
	if (!isnull)
		return PointerGetDatum(tuple);

	/*
	 * Check for NULL before detoasting: DatumGetJsonbP() on the null datum
	 * of INSERT ... VALUES ('gym', NULL) crashed the backend.
	 */
	source = GetText(tuple, desc, attrs->source);
	payload_datum = heap_getattr(tuple, attrs->payload, desc, &isnull);
	if (source == NULL || isnull)
		return PointerGetDatum(tuple);	/* NOT NULL constraints will say so */
	payload = DatumGetJsonbP(payload_datum);
	ReadHints(tuple, desc, attrs, &hints);

	/*
	 * The event log and the projections are written as the trigger's owner,
	 * whatever the writer may do (owner.c: the work of SECURITY DEFINER
	 * without its per-call search_path cost).  An error needs no clean-up:
	 * the abort restores the identity.
	 */
	EtBecomeOwner(attrs->owner, &scope);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	status = EtProcessMessage(source, payload, &hints, &errors);
	/* a retry of an erased message does not bring the data back */
	if (strcmp(status, "duplicate") == 0)
		erased = EtEraseRetry(source, payload, &hints, &errors);
	/* results must outlive SPI's memory */
	values[0] = SPI_datumTransfer(CStringGetTextDatum(status), false, -1);
	if (errors)
		values[1] = SPI_datumTransfer(JsonbPGetDatum(errors), false, -1);
	else
		nulls[1] = true;
	if (erased)
		values[3] = SPI_datumTransfer(JsonbPGetDatum(erased), false, -1);
	SPI_finish();
	EtRestoreUser(&scope);

	cols[0] = attrs->status;
	cols[1] = attrs->errors;
	cols[2] = attrs->processed_at;
	cols[3] = attrs->payload;
	values[2] = TimestampTzGetDatum(GetCurrentTimestamp());
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, desc, erased ? 4 : 3,
													 cols, values, nulls));
}

/*
 * reprocess(inbox_id bigint) -> text
 *
 * Run a stored message through the pipeline again (after a fix or an
 * upgrade that added its type) and record the new outcome.  Messages
 * already accepted come out as duplicates and change nothing.
 */
ET_FUNCTION_INFO(event_types_reprocess);
Datum
event_types_reprocess(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	Oid			argtypes[1] = {INT8OID};
	Datum		arg = Int64GetDatum(id);
	int			rc;
	HeapTuple	tuple;
	TupleDesc	desc;
	InboxAttrs	a;
	bool		isnull;
	char	   *source;
	Jsonb	   *payload;
	EtHints		hints;
	const char *status;
	Jsonb	   *errors;
	text	   *result;
	MemoryContext caller = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args("SELECT id, received_at, source, payload, event_type, tenant, "
							   "event_id, occurred_at, status, errors, processed_at "
							   "FROM event_types.inbox WHERE id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
							   1, argtypes, &arg, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "inbox lookup failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no inbox message with id " INT64_FORMAT, id)));
	tuple = SPI_copytuple(SPI_tuptable->vals[0]);
	desc = SPI_tuptable->tupdesc;
	a.id = 1;
	a.received_at = 2;
	a.source = 3;
	a.payload = 4;
	a.event_type = 5;
	a.tenant = 6;
	a.event_id = 7;
	a.occurred_at = 8;
	source = GetText(tuple, desc, a.source);
	payload = DatumGetJsonbP(heap_getattr(tuple, a.payload, desc, &isnull));
	ReadHints(tuple, desc, &a, &hints);

	status = EtProcessMessage(source, payload, &hints, &errors);
	EtProjFlush();				/* reprocess is no INSERT: no statement trigger */
	EtLogClose();
	{
		Oid			types[3] = {TEXTOID, JSONBOID, INT8OID};
		Datum		values[3];
		char		nulls[3] = "   ";

		values[0] = CStringGetTextDatum(status);
		if (errors)
			values[1] = JsonbPGetDatum(errors);
		else
			nulls[1] = 'n';
		values[2] = Int64GetDatum(id);
		rc = SPI_execute_with_args("UPDATE event_types.inbox SET status = $1, errors = $2, "
								   "processed_at = pg_catalog.clock_timestamp() "
								   "WHERE id OPERATOR(pg_catalog.=) $3",
								   3, types, values, nulls, false, 0);
		if (rc != SPI_OK_UPDATE)
			elog(ERROR, "inbox update failed: %s", SPI_result_code_string(rc));
	}
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = cstring_to_text(status);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

/*
 * Set while erase_customer() (erasure.c) runs its UPDATE of an inbox
 * payload, the one change to a payload the guard lets through.  Backend
 * local and only set from C, around that one statement, so no SQL can
 * turn it on.
 */
static bool payload_erasure_allowed = false;

/* Let the guard accept payload changes or not; returns the previous setting */
bool
EtAllowPayloadErasure(bool allow)
{
	bool		prev = payload_erasure_allowed;

	payload_erasure_allowed = allow;
	return prev;
}

/*
 * BEFORE UPDATE OR DELETE FOR EACH ROW trigger on event_types.inbox: the
 * inbox is append-only.  Only the trigger-owned outcome columns (status,
 * errors, processed_at) may change, as reprocess() does; the payload only
 * during an erasure (EtAllowPayloadErasure).
 */
ET_FUNCTION_INFO(event_types_inbox_guard);
Datum
event_types_inbox_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("event_types_inbox_guard() must be a BEFORE UPDATE OR DELETE ... FOR EACH ROW trigger")));
	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("event_types.inbox is append-only"),
				 errdetail("Received messages are kept for good; rejected and unknown ones can be processed again with event_types.reprocess().")));

	desc = RelationGetDescr(td->tg_relation);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		n1,
					n2;
		Datum		d1,
					d2;

		if (att->attisdropped || strcmp(name, "status") == 0 ||
			strcmp(name, "errors") == 0 || strcmp(name, "processed_at") == 0 ||
			(payload_erasure_allowed && strcmp(name, "payload") == 0))
			continue;
		d1 = heap_getattr(td->tg_trigtuple, i + 1, desc, &n1);
		d2 = heap_getattr(td->tg_newtuple, i + 1, desc, &n2);
		if (n1 != n2 || (!n1 && !datumIsEqual(d1, d2, att->attbyval, att->attlen)))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("event_types.inbox is append-only: column \"%s\" cannot be changed", name),
					 errdetail("Only the outcome columns status, errors and processed_at change, through event_types.reprocess().")));
	}
	return PointerGetDatum(td->tg_newtuple);
}
