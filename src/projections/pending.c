/*-------------------------------------------------------------------------
 *
 * pending.c
 *	  Projection changes of the current statement, merged in memory and
 *	  written with one set-based upsert per table.
 *
 * Writing each event's projection change with its own INSERT ... ON
 * CONFLICT cost an executor start-up per event and was most of the
 * pipeline's time.  Since every merge (projection.h) is commutative and
 * associative, changes can be combined first: EtProjUpsert() merges a row
 * into the pending row of the same key, and EtProjFlush() writes all of
 * them, each row once: row by row in C where write.c can, else with
 *		INSERT ... SELECT FROM (SELECT unnest($1), ..., unnest($n)) ON CONFLICT DO UPDATE
 * -- the same merge expressions either way, one statement per table.
 *
 * The inbox's AFTER INSERT ... FOR EACH STATEMENT trigger flushes at the
 * end of every INSERT or COPY, so the projections are current when the
 * statement returns and always within the inserting transaction.
 * Subtransactions: each pending row remembers the nesting level that made
 * it; a subtransaction abort drops its rows (its inbox rows are gone too),
 * a subtransaction commit hands them to its parent.  A flush writes only
 * rows of the current level or deeper, so a later abort cannot undo writes
 * of rows it did not own.  Anything left at commit is a bug: the commit
 * fails rather than lose a change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "event_log.h"
#include "event_types.h"
#include "owner.h"
#include "projection.h"

/* Flush from the row trigger once this many rows are pending */
#define ET_PENDING_FLUSH_ROWS 10000

typedef struct PendingRow
{
	uint64		hash;			/* of the key columns */
	int			level;			/* transaction nesting level */
	EtProjRow	row;			/* datums copied into pending_cxt */
	struct PendingRow *next;	/* all pending rows, newest first */
	struct PendingRow *chain;	/* same hash bucket */
	bool		dead;			/* merged away or flushed */
} PendingRow;

typedef struct PendingBucket
{
	uint64		hash;			/* hash key */
	PendingRow *rows;
} PendingBucket;

/*
 * The pending rows of the current transaction: memory in a child of
 * TopTransactionContext, forgotten at transaction end (see banner).
 */
static MemoryContext pending_cxt = NULL;
static HTAB *pending_index = NULL;
static PendingRow *pending_rows = NULL;
static int	pending_count = 0;
static bool callbacks_registered = false;

static void
ColumnTypeInfo(EtColType t, int16 *len, bool *byval)
{
	switch (t)
	{
		case ET_COL_TIMESTAMPTZ:
			*len = 8;
			*byval = FLOAT8PASSBYVAL;
			break;
		case ET_COL_DATE:
		case ET_COL_INT4:
		case ET_COL_EVENT_TYPE:
			*len = 4;
			*byval = true;
			break;
		case ET_COL_BOOL:
			*len = 1;
			*byval = true;
			break;
		default:
			*len = -1;			/* text, numeric, text[] */
			*byval = false;
	}
}

static void
ForgetPending(void)
{
	pending_cxt = NULL;			/* freed with TopTransactionContext */
	pending_index = NULL;
	pending_rows = NULL;
	pending_count = 0;
}

static void
PendingXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			{
				PendingRow *p;

				for (p = pending_rows; p; p = p->next)
					if (!p->dead)
						elog(ERROR, "event_types: projection changes of this transaction were not written");
				break;
			}
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			ForgetPending();
			break;
	}
}

static PendingRow *FindPending(uint64 hash, const EtProjRow *row, int level);
static void MergeInto(EtProjRow *into, const EtProjRow *from);

static void
PendingSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();
	PendingRow *p;

	if (pending_rows == NULL)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		/* the aborted statements' inbox rows are gone: so are their changes */
		for (p = pending_rows; p; p = p->next)
			if (!p->dead && p->level >= level)
			{
				p->dead = true;
				pending_count--;
			}
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		/* the parent now owns the changes */
		for (p = pending_rows; p; p = p->next)
		{
			PendingRow *parent;

			if (p->dead || p->level < level)
				continue;
			parent = FindPending(p->hash, &p->row, level - 1);
			if (parent)
			{
				MergeInto(&parent->row, &p->row);
				p->dead = true;
				pending_count--;
			}
			else
				p->level = level - 1;
		}
	}
}

static uint64
KeyHash(const EtProjRow *row)
{
	const EtProjection *proj = row->proj;
	uint64		h = proj->plan_slot;
	int			i;

	for (i = 0; i < proj->ncolumns; i++)
		if (proj->columns[i].merge == ET_MERGE_KEY)
		{
			text	   *t = DatumGetTextPP(row->values[i]);

			h = hash_combine64(h, hash_bytes_extended((unsigned char *) VARDATA_ANY(t),
													  VARSIZE_ANY_EXHDR(t), i));
		}
	return h;
}

static bool
SameKey(const EtProjRow *a, const EtProjRow *b)
{
	int			i;

	if (a->proj != b->proj)
		return false;
	for (i = 0; i < a->proj->ncolumns; i++)
		if (a->proj->columns[i].merge == ET_MERGE_KEY &&
			EtProjTextCmp(DatumGetTextPP(a->values[i]), DatumGetTextPP(b->values[i])) != 0)
			return false;
	return true;
}

static PendingRow *
FindPending(uint64 hash, const EtProjRow *row, int level)
{
	PendingBucket *b = hash_search(pending_index, &hash, HASH_FIND, NULL);
	PendingRow *p;

	for (p = b ? b->rows : NULL; p; p = p->chain)
		if (!p->dead && p->level == level && SameKey(&p->row, row))
			return p;
	return NULL;
}

/* Is group g of 'a' set by a later event than in 'b'? (occurred_at, event_id) */
static bool
GroupNewer(const EtProjRow *a, const EtProjRow *b, int g)
{
	const EtProjGroup *grp = &a->proj->groups[g];
	TimestampTz at_a,
				at_b;

	if (a->nulls[grp->at_col] == 'n')
		return false;
	if (b->nulls[grp->at_col] == 'n')
		return true;
	at_a = DatumGetTimestampTz(a->values[grp->at_col]);
	at_b = DatumGetTimestampTz(b->values[grp->at_col]);
	if (at_a != at_b)
		return at_a > at_b;
	/* event ids compare bytewise, as the SQL upsert's COLLATE "C" does */
	return EtProjTextCmp(DatumGetTextPP(a->values[grp->id_col]),
						 DatumGetTextPP(b->values[grp->id_col])) > 0;
}

static Datum
CopyDatum(Datum d, EtColType t)
{
	int16		len;
	bool		byval;

	ColumnTypeInfo(t, &len, &byval);
	return datumCopy(d, byval, len);
}

/* Merge 'from' into 'into' (same key) with the column's merge; the result
 * lives in pending_cxt. */
static void
MergeInto(EtProjRow *into, const EtProjRow *from)
{
	const EtProjection *proj = into->proj;
	bool		newer[ET_PROJ_MAX_COLUMNS];
	int			g,
				i;
	MemoryContext old = MemoryContextSwitchTo(pending_cxt);

	for (g = 0; g < proj->ngroups; g++)
		newer[g] = GroupNewer(from, into, g);
	for (i = 0; i < proj->ncolumns; i++)
	{
		const EtProjColumn *c = &proj->columns[i];
		bool		fnull = from->nulls[i] == 'n';
		bool		inull = into->nulls[i] == 'n';

		switch (c->merge)
		{
			case ET_MERGE_KEY:
				break;
			case ET_MERGE_LWW:
				if (newer[c->group])
				{
					into->nulls[i] = from->nulls[i];
					if (!fnull)
						into->values[i] = CopyDatum(from->values[i], c->type);
				}
				break;
			case ET_MERGE_MIN:
			case ET_MERGE_MAX:
				/* timestamptz columns */
				if (!fnull && (inull ||
							   (c->merge == ET_MERGE_MIN ?
								DatumGetTimestampTz(from->values[i]) < DatumGetTimestampTz(into->values[i]) :
								DatumGetTimestampTz(from->values[i]) > DatumGetTimestampTz(into->values[i]))))
				{
					into->values[i] = from->values[i];
					into->nulls[i] = ' ';
				}
				break;
			case ET_MERGE_SUM:
				if (!fnull)
				{
					into->values[i] = Int32GetDatum(EtProjAddInt4(inull ? 0 : DatumGetInt32(into->values[i]),
																  DatumGetInt32(from->values[i])));
					into->nulls[i] = ' ';
				}
				break;
			case ET_MERGE_UNION:
				if (!fnull)
				{
					if (inull)
						into->values[i] = CopyDatum(from->values[i], c->type);
					else
						into->values[i] = DirectFunctionCall2(array_cat, into->values[i],
															  from->values[i]);
					into->nulls[i] = ' ';
				}
				break;
		}
	}
	MemoryContextSwitchTo(old);
}

static void
EnsurePending(void)
{
	if (!callbacks_registered)
	{
		RegisterXactCallback(PendingXactCallback, NULL);
		RegisterSubXactCallback(PendingSubXactCallback, NULL);
		callbacks_registered = true;
	}
	if (pending_cxt == NULL)
	{
		HASHCTL		ctl;

		pending_cxt = AllocSetContextCreate(TopTransactionContext,
											"event_types pending projections",
											ALLOCSET_DEFAULT_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(PendingBucket);
		ctl.hcxt = pending_cxt;
		pending_index = hash_create("event_types pending projections", 1024, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
}

/*
 * Record one projection change: merged into the pending row of the same
 * key, written by the next EtProjFlush().  The caller is connected to SPI.
 */
void
EtProjUpsert(EtProjRow *row)
{
	int			level = GetCurrentTransactionNestLevel();
	uint64		hash;
	PendingRow *p;

	EnsurePending();
	hash = KeyHash(row);
	p = FindPending(hash, row, level);
	if (p)
		MergeInto(&p->row, row);
	else
	{
		MemoryContext old = MemoryContextSwitchTo(pending_cxt);
		PendingBucket *b;
		bool		found;
		int			i;

		p = palloc0(sizeof(PendingRow));
		p->hash = hash;
		p->level = level;
		p->row.proj = row->proj;
		memcpy(p->row.nulls, row->nulls, sizeof(row->nulls));
		for (i = 0; i < row->proj->ncolumns; i++)
			if (row->nulls[i] != 'n')
				p->row.values[i] = CopyDatum(row->values[i], row->proj->columns[i].type);
		b = hash_search(pending_index, &hash, HASH_ENTER, &found);
		if (!found)
			b->rows = NULL;
		p->chain = b->rows;
		b->rows = p;
		p->next = pending_rows;
		pending_rows = p;
		pending_count++;
		MemoryContextSwitchTo(old);
	}
	if (pending_count >= ET_PENDING_FLUSH_ROWS)
		EtProjFlush();
}

#define FLUSH_MAX_KEYS 4

typedef struct FlushItem
{
	PendingRow *p;
	int			proj;			/* its projection's plan_slot */
} FlushItem;

/* Per projection (by plan_slot): its key columns, the most selective first */
typedef struct FlushKeys
{
	int			nkeys[ET_PROJ_SLOTS];
	int			col[ET_PROJ_SLOTS][FLUSH_MAX_KEYS];
} FlushKeys;

/*
 * The key columns of a projection in its primary key's order: the
 * descriptors list them source, tenant, id; the keys are (id, tenant,
 * source) -- the id first, where rows differ.
 */
static void
SetFlushKeys(FlushKeys *keys, int i, const EtProjection *proj)
{
	int			c;

	keys->nkeys[i] = 0;
	for (c = proj->ncolumns - 1; c >= 0; c--)
		if (proj->columns[c].merge == ET_MERGE_KEY)
		{
			if (keys->nkeys[i] == FLUSH_MAX_KEYS)
				elog(ERROR, "event_types: projection %s has more than %d key columns",
					 proj->table, FLUSH_MAX_KEYS);
			keys->col[i][keys->nkeys[i]++] = c;
		}
}

/*
 * By projection, then by key in the primary key's column order, bytewise
 * (shorter first on a common prefix): one lock order for every session,
 * and rows written in index order.  The key datums (text, never NULL, made
 * by CopyDatum: never compressed or external) are compared in place;
 * joining them into a string per row cost ~1.5% of the pipeline.
 */
static int
CompareFlushItems(const void *a, const void *b, void *arg)
{
	const FlushItem *x = (const FlushItem *) a;
	const FlushItem *y = (const FlushItem *) b;
	const FlushKeys *keys = (const FlushKeys *) arg;
	int			i;

	if (x->proj != y->proj)
		return x->proj < y->proj ? -1 : 1;
	for (i = 0; i < keys->nkeys[x->proj]; i++)
	{
		int			col = keys->col[x->proj][i];
		int			c = EtProjTextCmp((const text *) DatumGetPointer(x->p->row.values[col]),
									  (const text *) DatumGetPointer(y->p->row.values[col]));

		if (c != 0)
			return c;
	}
	return 0;
}

/*
 * Write the pending rows of one projection: row by row in C where write.c
 * can, else with the set-based upsert.
 */
static void
FlushProjection(const EtProjection *proj, FlushItem *items, int n)
{
	Datum		params[ET_PROJ_MAX_COLUMNS];
	char		pnulls[ET_PROJ_MAX_COLUMNS];
	Datum	   *elems;
	bool	   *enulls;
	SPIPlanPtr	plan;
	EtProjWriter *writer = EtProjWriterOpen(proj);
	int			c,
				r,
				rc;

	if (writer)
	{
		for (r = 0; r < n; r++)
			EtProjWriterPut(writer, &items[r].p->row);
		EtProjWriterClose(writer);
		return;
	}
	plan = EtProjPlan(proj);
	elems = palloc(sizeof(Datum) * n);
	enulls = palloc(sizeof(bool) * n);
	for (c = 0; c < proj->ncolumns; c++)
	{
		EtColType	t = proj->columns[c].type;
		Oid			elemtype = (t == ET_COL_TEXT_ARRAY) ? TEXTOID : EtColumnTypeOid(t);
		int16		typlen;
		bool		typbyval;
		char		typalign;
		int			dims[1] = {n};
		int			lbs[1] = {1};

		for (r = 0; r < n; r++)
		{
			EtProjRow  *row = &items[r].p->row;

			enulls[r] = row->nulls[c] == 'n';
			if (enulls[r])
				elems[r] = (Datum) 0;
			else if (t == ET_COL_TEXT_ARRAY)
				elems[r] = CStringGetTextDatum(OidOutputFunctionCall(F_ARRAY_OUT, row->values[c]));
			else
				elems[r] = row->values[c];
		}
		get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
		params[c] = PointerGetDatum(construct_md_array(elems, enulls, 1, dims, lbs,
													   elemtype, typlen, typbyval, typalign));
		pnulls[c] = ' ';
	}
	rc = SPI_execute_plan(plan, params, pnulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "upsert into event_types.%s failed: %s", proj->table,
			 SPI_result_code_string(rc));
}

/*
 * Write every pending row of the current nesting level or deeper.  The
 * caller is connected to SPI.
 *
 * The pending list is walked once: with thousands of rows whose nodes the
 * index work in between has pushed out of the CPU caches, a walk per
 * projection showed up in profiles.  The rows are sorted by projection (in
 * plan_slot order, the same in every session; it was the order in which
 * each session's pending rows first named them) and by key, so every
 * session locks projection rows in the same order (fewer deadlocks between
 * concurrent flushes).
 */
void
EtProjFlush(void)
{
	int			level = GetCurrentTransactionNestLevel();
	const EtProjection *projs[ET_PROJ_SLOTS] = {NULL};
	FlushKeys	keys;
	FlushItem  *items;
	PendingRow *p;
	int			n = 0,
				start,
				end,
				i;
	int			nestlevel;

	if (pending_rows == NULL)
		return;
	/* the row trigger runs with the writer's search_path (owner.c) */
	nestlevel = EtFixSearchPath();
	items = palloc(sizeof(FlushItem) * Max(pending_count, 1));
	for (p = pending_rows; p; p = p->next)
	{
		if (p->dead || p->level < level)
			continue;
		/* by plan_slot, fixed: every session writes the projections in one order */
		i = p->row.proj->plan_slot;
		if (projs[i] == NULL)
		{
			SetFlushKeys(&keys, i, p->row.proj);
			projs[i] = p->row.proj;
		}
		Assert(p->row.nulls[keys.col[i][0]] != 'n');
		Assert(n < pending_count);
		items[n].p = p;
		items[n].proj = i;
		n++;
	}
	qsort_arg(items, n, sizeof(FlushItem), CompareFlushItems, &keys);
	for (start = 0; start < n; start = end)
	{
		for (end = start; end < n && items[end].proj == items[start].proj; end++)
			;
		FlushProjection(projs[items[start].proj], items + start, end - start);
		/* only now: an error above leaves them pending, and the abort drops them */
		for (i = start; i < end; i++)
		{
			items[i].p->dead = true;
			pending_count--;
		}
	}
	EtRestoreSearchPath(nestlevel);
	if (pending_count == 0)
	{
		/* nothing pending at any level: start afresh, memory included */
		MemoryContextDelete(pending_cxt);
		ForgetPending();
	}
}

/*
 * AFTER INSERT ... FOR EACH STATEMENT trigger on event_types.inbox: write
 * the projection changes of the statement's messages, and close the event
 * log the statement kept open.
 */
ET_FUNCTION_INFO(event_types_inbox_flush);
Datum
event_types_inbox_flush(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	EtOwnerScope scope;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("event_types_inbox_flush() must be an AFTER ... FOR EACH STATEMENT trigger")));
	/* the statement's events are logged: release the event log (event_log.c) */
	EtLogClose();
	if (pending_rows == NULL)
		return PointerGetDatum(NULL);
	/* as its owner, like the row trigger (owner.c) */
	EtBecomeOwner(EtFunctionOwner(fcinfo->flinfo->fn_oid), &scope);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	EtProjFlush();
	SPI_finish();
	EtRestoreUser(&scope);
	return PointerGetDatum(NULL);
}
