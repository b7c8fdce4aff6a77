/*-------------------------------------------------------------------------
 *
 * write.c
 *	  Write pending projection rows without a SQL statement: the
 *	  INSERT ... ON CONFLICT (key) DO UPDATE of projection.c, driven
 *	  directly, row by row.
 *
 * The set-based upsert ran every pending row through a ProjectSet node
 * (one unnest per column), the SELECT list's COALESCEs and the thirty-odd
 * CASE expressions of the DO UPDATE SET list: about 40% of the instructions
 * of writing a projection row, the index and heap work excluded.  Here each
 * row is inserted with the executor's speculative-insertion protocol, or,
 * when its key exists, merged into the existing row in C and updated, as
 * ExecInsert() and ExecOnConflictUpdate() do: the same pre-check, the same
 * row lock and retry when another transaction changed the row meanwhile,
 * the same serialization failures under REPEATABLE READ and SERIALIZABLE,
 * the same constraint checks.
 *
 * The values are exactly those of the SQL statement (projection.c builds
 * it from the same descriptor): a row to insert is the pending row with
 * the insert defaults applied -- EXCLUDED -- and an existing row takes, per
 * column, the merge the DO UPDATE SET list spells out in SQL.
 *
 * Stored generated columns (the contracts' idle_periods and status) are
 * computed by the executor's own ExecComputeStoredGenerated(), for a new
 * row and for a merged one, before the constraints are checked, as
 * ExecInsert() and ExecUpdate() do.
 *
 * Whatever this file does not do itself -- triggers, row-level security
 * that applies to the owner, columns the descriptor does not know (other
 * than generated ones) or whose type changed, a user without INSERT and
 * UPDATE on the table, a key with no plain unique index -- makes
 * EtProjWriterOpen() return NULL, and the SQL statement writes the rows, so
 * those features keep working as SQL defines them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "parser/parse_relation.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

#include "direct_write.h"
#include "event_types.h"
#include "pg_compat.h"
#include "projection.h"

struct EtProjWriter
{
	const EtProjection *proj;
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *excluded;	/* the row to insert (EXCLUDED) */
	TupleTableSlot *existing;	/* the conflicting row, locked */
	TupleTableSlot *merged;		/* its new version */
	List	   *arbiters;		/* unique indexes on exactly the key */
	LockTupleMode lockmode;		/* as ExecUpdateLockMode() would choose */
	bool		generated;		/* has stored generated columns to compute */
	EtConflictForecast *forecast;	/* the projection's, kept across flushes */
	AttrNumber	attnum[ET_PROJ_MAX_COLUMNS];	/* descriptor column -> attribute */
	Datum		insert_default[ET_PROJ_MAX_COLUMNS];
};

/* how often keys were taken lately, per projection (direct_write.c) */
static EtConflictForecast forecasts[ET_PROJ_SLOTS];

/*
 * Can the direct path write this table?  Every attribute but the stored
 * generated ones must be a descriptor column of the expected type (so
 * nothing needs a default).  Fills w->attnum.
 */
static bool
WriterApplies(EtProjWriter *w, Relation rel)
{
	const EtProjection *proj = w->proj;
	TupleDesc	desc = RelationGetDescr(rel);
	int			nattrs = 0;
	int			c,
				i;

	/* ON CONFLICT DO UPDATE needs both privileges, even for a new row */
	if (!EtDirectWriteApplies(rel, ACL_INSERT | ACL_UPDATE))
		return false;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attgenerated == ATTRIBUTE_GENERATED_STORED)
			w->generated = true;
		else if (!att->attisdropped)
			nattrs++;
	}
	if (nattrs != proj->ncolumns)
		return false;
	for (c = 0; c < proj->ncolumns; c++)
	{
		const EtProjColumn *col = &proj->columns[c];
		AttrNumber	a = attnameAttNum(rel, col->name, false);

		if (a <= 0 || TupleDescAttr(desc, a - 1)->atttypid != EtColumnTypeOid(col->type) ||
			TupleDescAttr(desc, a - 1)->attgenerated != '\0')
			return false;
		w->attnum[c] = a;
	}
	return true;
}

/*
 * The arbiters ON CONFLICT (key) infers: the unique indexes whose key
 * columns are exactly the descriptor's key columns, with no expression and
 * no predicate.  NIL if there is none, or if one is deferrable (the SQL
 * statement then reports the error).
 */
static List *
KeyArbiters(EtProjWriter *w)
{
	ResultRelInfo *rri = w->rri;
	Bitmapset  *key = NULL;
	List	   *arbiters = NIL;
	int			c,
				i;

	for (c = 0; c < w->proj->ncolumns; c++)
		if (w->proj->columns[c].merge == ET_MERGE_KEY)
			key = bms_add_member(key, w->attnum[c]);
	for (i = 0; i < rri->ri_NumIndices; i++)
	{
		Relation	index = rri->ri_IndexRelationDescs[i];
		IndexInfo  *info = rri->ri_IndexRelationInfo[i];
		Form_pg_index form = index->rd_index;
		Bitmapset  *cols = NULL;
		int			k;

		if (!form->indisunique || !form->indisvalid ||
			info->ii_Expressions != NIL || info->ii_Predicate != NIL)
			continue;
		for (k = 0; k < form->indnkeyatts; k++)
			cols = bms_add_member(cols, form->indkey.values[k]);
		if (!bms_equal(cols, key))
			continue;
		if (!form->indimmediate)
			return NIL;
		arbiters = lappend_oid(arbiters, RelationGetRelid(index));
	}
	return arbiters;
}

/*
 * ExecUpdateLockMode() for an update of every column but the key: a
 * stronger lock only when an updated column is in a unique index (what a
 * foreign key could reference).
 */
static LockTupleMode
UpdateLockMode(EtProjWriter *w)
{
	Bitmapset  *keycols = RelationGetIndexAttrBitmap(w->rel, INDEX_ATTR_BITMAP_KEY);
	Bitmapset  *updated = NULL;
	int			c;

	for (c = 0; c < w->proj->ncolumns; c++)
		if (w->proj->columns[c].merge != ET_MERGE_KEY)
			updated = bms_add_member(updated,
									 w->attnum[c] - FirstLowInvalidHeapAttributeNumber);
	return bms_overlap(keycols, updated) ? LockTupleExclusive : LockTupleNoKeyExclusive;
}

/*
 * Open the projection's table for writing, with the snapshot a SQL
 * statement would take; NULL if the SQL upsert must write it (see banner).
 */
EtProjWriter *
EtProjWriterOpen(const EtProjection *proj)
{
	Oid			relid;
	Relation	rel;
	EtProjWriter *w;
	int			c;

	relid = EtRelationOid(proj->table);
	if (!OidIsValid(relid))
		return NULL;			/* the SQL statement names what is missing */
	rel = table_open(relid, RowExclusiveLock);
	w = palloc0(sizeof(EtProjWriter));
	w->proj = proj;
	if (!WriterApplies(w, rel))
	{
		table_close(rel, NoLock);	/* the SQL statement takes the same lock */
		pfree(w);
		return NULL;
	}
	w->rel = rel;
	w->estate = CreateExecutorState();
	w->rri = makeNode(ResultRelInfo);
	/* no range table: error messages then name no columns as written */
	InitResultRelInfo(w->rri, rel, 0, NULL, 0);
	/* what ExecInitModifyTable() checks for INSERT ... ON CONFLICT DO UPDATE */
	EtCheckValidResultRel(w->rri, CMD_INSERT, ONCONFLICT_UPDATE);
	EtCheckValidResultRel(w->rri, CMD_UPDATE, ONCONFLICT_NONE);
	ExecOpenIndices(w->rri, true);
	w->arbiters = KeyArbiters(w);
	if (w->arbiters == NIL)
	{
		EtProjWriterClose(w);
		return NULL;
	}
	EtArbitersFirst(w->rri, w->arbiters);
	w->forecast = &forecasts[proj->plan_slot];
	w->lockmode = UpdateLockMode(w);
	w->excluded = ExecInitExtraTupleSlot(w->estate, RelationGetDescr(rel),
										 table_slot_callbacks(rel));
	w->existing = ExecInitExtraTupleSlot(w->estate, RelationGetDescr(rel),
										 table_slot_callbacks(rel));
	w->merged = ExecInitExtraTupleSlot(w->estate, RelationGetDescr(rel),
									   table_slot_callbacks(rel));
	for (c = 0; c < proj->ncolumns; c++)
		if (proj->columns[c].insert_default)
		{
			Oid			input,
						ioparam;

			getTypeInputInfo(EtColumnTypeOid(proj->columns[c].type), &input, &ioparam);
			w->insert_default[c] = OidInputFunctionCall(input,
														unconstify(char *, proj->columns[c].insert_default),
														ioparam, -1);
		}

	/* as SPI runs a statement that writes: see earlier commands' rows */
	EtPushStatementSnapshot();
	w->estate->es_snapshot = GetActiveSnapshot();
	w->estate->es_output_cid = GetCurrentCommandId(true);
	return w;
}

/* Release the table; the rows written become visible to later commands. */
void
EtProjWriterClose(EtProjWriter *w)
{
	if (w->estate->es_snapshot != InvalidSnapshot)
	{
		PopActiveSnapshot();
		CommandCounterIncrement();
	}
	ExecCloseIndices(w->rri);
	ExecResetTupleTable(w->estate->es_tupleTable, false);
	FreeExecutorState(w->estate);
	table_close(w->rel, NoLock);
	pfree(w);
}

/* qsort_arg() comparator: text in the database's default collation */
static int
CompareText(const void *a, const void *b, void *arg)
{
	text	   *ta = DatumGetTextPP(*(const Datum *) a);
	text	   *tb = DatumGetTextPP(*(const Datum *) b);

	return varstr_cmp(VARDATA_ANY(ta), VARSIZE_ANY_EXHDR(ta),
					  VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(tb), DEFAULT_COLLATION_OID);
}

/*
 * The set-union column value the SQL upsert makes of text[]s a and b (each
 * NULL when anull / bnull): for a new row, of the pending set alone,
 *	  ARRAY(SELECT DISTINCT e FROM unnest(COALESCE(a, '{}')) AS e(e) ORDER BY e)
 * and for a merge, of the stored and the new set,
 *	  ARRAY(SELECT DISTINCT e FROM unnest(array_cat(t.c, EXCLUDED.c)) AS e(e) ORDER BY e)
 * The elements sorted in the database's default collation (theirs and the
 * column's); duplicates dropped -- equal in a deterministic collation, and
 * so compared equal by varstr_cmp(), means equal bytes, as for DISTINCT; a
 * NULL element kept once and last (ORDER BY's NULLS LAST); '{}' for no
 * elements.  Made in the row's per-tuple memory, which EtProjWriterPut()
 * resets once the row is written: a flush writes up to 10,000 rows.
 */
static Datum
SortedUnion(EtProjWriter *w, Datum a, bool anull, Datum b, bool bnull)
{
	MemoryContext old = MemoryContextSwitchTo(GetPerTupleMemoryContext(w->estate));
	Datum		result;
	Datum	   *elems;
	bool	   *nulls;
	int			n = 0,
				k = 0,
				m = 0,
				i;
	bool		has_null = false;
	int			dims[1];
	int			lbs[1] = {1};

	if (!anull || !bnull)
		deconstruct_array(DatumGetArrayTypeP(anull ? b : bnull ? a :
											 DirectFunctionCall2(array_cat, a, b)),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
	{
		result = PointerGetDatum(construct_empty_array(TEXTOID));
		MemoryContextSwitchTo(old);
		return result;
	}
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			has_null = true;
		else
			elems[k++] = elems[i];
	}
	qsort_arg(elems, k, sizeof(Datum), CompareText, NULL);
	for (i = 0; i < k; i++)
		if (m == 0 || CompareText(&elems[m - 1], &elems[i], NULL) != 0)
			elems[m++] = elems[i];
	for (i = 0; i < m; i++)
		nulls[i] = false;
	if (has_null)
	{
		elems[m] = (Datum) 0;
		nulls[m++] = true;
	}
	dims[0] = m;
	result = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
												TEXTOID, -1, false, TYPALIGN_INT));
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * Is register group g of EXCLUDED newer than the existing row's?  The SQL
 *	  EXCLUDED.at IS NOT NULL AND (t.at IS NULL OR
 *	  ROW(EXCLUDED.at, EXCLUDED.id COLLATE "C") > ROW(t.at, t.id COLLATE "C"))
 * where a NULL id with equal times makes the comparison NULL (not newer).
 */
static bool
ExcludedNewer(EtProjWriter *w, int g)
{
	const EtProjGroup *grp = &w->proj->groups[g];
	AttrNumber	at = w->attnum[grp->at_col] - 1;
	AttrNumber	id = w->attnum[grp->id_col] - 1;
	TupleTableSlot *x = w->excluded;
	TupleTableSlot *t = w->existing;
	TimestampTz xat,
				tat;

	if (x->tts_isnull[at])
		return false;
	if (t->tts_isnull[at])
		return true;
	xat = DatumGetTimestampTz(x->tts_values[at]);
	tat = DatumGetTimestampTz(t->tts_values[at]);
	if (xat != tat)
		return xat > tat;
	if (x->tts_isnull[id] || t->tts_isnull[id])
		return false;
	return EtProjTextCmp(DatumGetTextPP(x->tts_values[id]),
						 DatumGetTextPP(t->tts_values[id])) > 0;
}

/* The DO UPDATE SET list: the locked existing row merged with EXCLUDED */
static void
MergeExisting(EtProjWriter *w)
{
	const EtProjection *proj = w->proj;
	TupleTableSlot *x = w->excluded;
	TupleTableSlot *t = w->existing;
	TupleTableSlot *m = w->merged;
	bool		newer[ET_PROJ_MAX_COLUMNS];
	int			natts = RelationGetDescr(w->rel)->natts;
	int			g,
				c;

	slot_getallattrs(t);
	ExecClearTuple(m);
	memcpy(m->tts_values, t->tts_values, sizeof(Datum) * natts);
	memcpy(m->tts_isnull, t->tts_isnull, sizeof(bool) * natts);
	for (g = 0; g < proj->ngroups; g++)
		newer[g] = ExcludedNewer(w, g);
	for (c = 0; c < proj->ncolumns; c++)
	{
		const EtProjColumn *col = &proj->columns[c];
		int			a = w->attnum[c] - 1;
		bool		xnull = x->tts_isnull[a];
		bool		tnull = t->tts_isnull[a];
		Datum		xv = x->tts_values[a];
		Datum		tv = t->tts_values[a];

		switch (col->merge)
		{
			case ET_MERGE_KEY:
				break;
			case ET_MERGE_LWW:
				/* CASE WHEN <newer> THEN EXCLUDED.c ELSE t.c END */
				if (newer[col->group])
				{
					m->tts_values[a] = xv;
					m->tts_isnull[a] = xnull;
				}
				break;
			case ET_MERGE_MIN:
			case ET_MERGE_MAX:
				/* LEAST / GREATEST (timestamptz): NULLs are ignored */
				Assert(col->type == ET_COL_TIMESTAMPTZ);
				if (!xnull &&
					(tnull || (col->merge == ET_MERGE_MIN ?
							   DatumGetTimestampTz(xv) < DatumGetTimestampTz(tv) :
							   DatumGetTimestampTz(xv) > DatumGetTimestampTz(tv))))
				{
					m->tts_values[a] = xv;
					m->tts_isnull[a] = false;
				}
				break;
			case ET_MERGE_SUM:
				/* t.c + EXCLUDED.c, int4 */
				if (tnull || xnull)
					m->tts_isnull[a] = true;
				else
					m->tts_values[a] = Int32GetDatum(EtProjAddInt4(DatumGetInt32(tv),
																   DatumGetInt32(xv)));
				break;
			case ET_MERGE_UNION:
				m->tts_values[a] = SortedUnion(w, tv, tnull, xv, xnull);
				m->tts_isnull[a] = false;
				break;
		}
	}
	ExecStoreVirtualTuple(m);
	/* ExecUpdate(): the generated columns of the new version */
	if (w->generated)
		EtComputeStoredGenerated(w->rri, w->estate, m, CMD_INSERT);
}

/*
 * ExecOnConflictUpdate(): lock the conflicting row, merge, update.  False
 * if the row changed or went away meanwhile: the caller starts again.
 */
static bool
UpdateExisting(EtProjWriter *w, ItemPointer tid)
{
	EState	   *estate = w->estate;
	TM_FailureData tmfd;
	TM_Result	test;
	LockTupleMode lockmode;
	EtUpdateIndexes update_indexes;
	bool		isnull;
	TransactionId xmin;

	test = table_tuple_lock(w->rel, tid, estate->es_snapshot, w->existing,
							estate->es_output_cid, w->lockmode, LockWaitBlock, 0, &tmfd);
	switch (test)
	{
		case TM_Ok:
			break;
		case TM_Invisible:
			/* written by this very command: the key came twice */
			xmin = DatumGetTransactionId(slot_getsysattr(w->existing,
														 MinTransactionIdAttributeNumber,
														 &isnull));
			if (TransactionIdIsCurrentTransactionId(xmin))
				ereport(ERROR,
						(errcode(ERRCODE_CARDINALITY_VIOLATION),
						 errmsg("ON CONFLICT DO UPDATE command cannot affect row a second time")));
			elog(ERROR, "attempted to lock invisible tuple");
			break;
		case TM_SelfModified:
			elog(ERROR, "unexpected self-updated tuple");
			break;
		case TM_Updated:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			ExecClearTuple(w->existing);
			return false;
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent delete")));
			ExecClearTuple(w->existing);
			return false;
		default:
			elog(ERROR, "unrecognized table_tuple_lock status: %u", test);
	}
	EtCheckConflictVisible(w->rel, w->existing, estate->es_snapshot);

	MergeExisting(w);
	if (RelationGetDescr(w->rel)->constr)
		ExecConstraints(w->rri, w->merged, estate);
	test = table_tuple_update(w->rel, tid, w->merged, estate->es_output_cid,
							  estate->es_snapshot, InvalidSnapshot, true,
							  &tmfd, &lockmode, &update_indexes);
	/* we hold the row lock: nobody else can have changed the row */
	if (test != TM_Ok)
		elog(ERROR, "unexpected table_tuple_update status %u on a locked row", test);
	if (ET_UPDATE_NEEDS_INDEXES(update_indexes))
		list_free(EtInsertIndexTuples(w->rri, w->merged, estate, true, false, NULL, NIL,
									  ET_UPDATE_ONLY_SUMMARIZING(update_indexes)));
	ExecClearTuple(w->existing);
	return true;
}

/*
 * Write one pending row: insert it, or merge it into the row of its key.
 */
void
EtProjWriterPut(EtProjWriter *w, const EtProjRow *row)
{
	const EtProjection *proj = w->proj;
	EState	   *estate = w->estate;
	TupleTableSlot *slot = w->excluded;
	int			c;

	/* EXCLUDED: the SELECT list of the SQL upsert */
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * RelationGetDescr(w->rel)->natts);
	for (c = 0; c < proj->ncolumns; c++)
	{
		const EtProjColumn *col = &proj->columns[c];
		int			a = w->attnum[c] - 1;

		if (col->merge == ET_MERGE_UNION)
		{
			slot->tts_values[a] = SortedUnion(w, row->values[c], row->nulls[c] == 'n', (Datum) 0, true);
			slot->tts_isnull[a] = false;
		}
		else if (row->nulls[c] != 'n')
		{
			slot->tts_values[a] = row->values[c];
			slot->tts_isnull[a] = false;
		}
		else if (col->merge == ET_MERGE_SUM)
		{
			slot->tts_values[a] = Int32GetDatum(0); /* COALESCE(u.c, 0) */
			slot->tts_isnull[a] = false;
		}
		else if (col->insert_default)
		{
			slot->tts_values[a] = w->insert_default[c];
			slot->tts_isnull[a] = false;
		}
	}
	ExecStoreVirtualTuple(slot);
	slot->tts_tableOid = RelationGetRelid(w->rel);
	/*
	 * ExecInsert(): the generated columns.  CMD_INSERT computes all of them,
	 * which MergeExisting() relies on too: ExecUpdate() computes those that
	 * depend on an updated column, and the DO UPDATE SET list updates every
	 * column but the key.
	 */
	if (w->generated)
		EtComputeStoredGenerated(w->rri, estate, slot, CMD_INSERT);

	/* ExecInsert(): constraints first, then ON CONFLICT DO UPDATE */
	if (RelationGetDescr(w->rel)->constr)
		ExecConstraints(w->rri, slot, estate);
	for (;;)
	{
		ItemPointerData conflict_tid;

		if (EtInsertUnlessTaken(w->rri, slot, estate, w->arbiters, w->forecast, &conflict_tid))
			break;
		if (UpdateExisting(w, &conflict_tid))
			break;
		/* changed meanwhile: look again */
	}
	ExecClearTuple(slot);
	ResetPerTupleExprContext(estate);
}
