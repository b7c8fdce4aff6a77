/*-------------------------------------------------------------------------
 *
 * projection.c
 *	  Generic upsert machinery for the projection tables, and the
 *	  dispatcher that applies one event to every projection it feeds.
 *
 * Each table's statement is generated from its descriptor (projection.h),
 * prepared once per backend through SPI and kept; every name in it is
 * schema-qualified, operators included, so no search_path can redirect
 * it.  Rows are merged and written by pending.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "event_types.h"
#include "projection.h"

/*
 * Prepared upserts by plan_slot, and the OID of event_types.event_type they
 * were prepared with.  Backend lifetime; re-prepared if the extension was
 * dropped and created again in this session (the type OID changes).
 */
static SPIPlanPtr proj_plans[ET_PROJ_SLOTS];
static Oid	event_type_oid = InvalidOid;

/*
 * OID of event_types.event_type, cached; looked up again (and the prepared
 * upserts dropped) when the type is gone, i.e. the extension was dropped
 * and created again in this session.
 */
Oid
EtEventTypeOid(void)
{
	if (!OidIsValid(event_type_oid) ||
		!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(event_type_oid)))
	{
		TypeName   *tn = makeTypeNameFromNameList(list_make2(makeString(ET_SCHEMA_NAME),
															 makeString("event_type")));
		int			i;

		event_type_oid = LookupTypeNameOid(NULL, tn, false);
		for (i = 0; i < ET_PROJ_SLOTS; i++)
		{
			if (proj_plans[i])
				SPI_freeplan(proj_plans[i]);
			proj_plans[i] = NULL;
		}
	}
	return event_type_oid;
}

Oid
EtColumnTypeOid(EtColType t)
{
	switch (t)
	{
		case ET_COL_TEXT:
			return TEXTOID;
		case ET_COL_TIMESTAMPTZ:
			return TIMESTAMPTZOID;
		case ET_COL_DATE:
			return DATEOID;
		case ET_COL_NUMERIC:
			return NUMERICOID;
		case ET_COL_INT4:
			return INT4OID;
		case ET_COL_BOOL:
			return BOOLOID;
		case ET_COL_EVENT_TYPE:
			return EtEventTypeOid();
		case ET_COL_TEXT_ARRAY:
			return TEXTARRAYOID;
	}
	return InvalidOid;
}

/* A counter merge (ET_MERGE_SUM): int4 +, with SQL's overflow error */
int32
EtProjAddInt4(int32 a, int32 b)
{
	int32		sum;

	if (pg_add_s32_overflow(a, b, &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	return sum;
}

/*
 * The set-based upsert for one projection, from its descriptor:
 *
 *	INSERT INTO event_types.<table> AS t (c1, ..., cn)
 *	SELECT <c1>, ..., <cn> FROM (SELECT unnest($1) AS c1, ..., unnest($n) AS cn) AS u
 *	ON CONFLICT (<key>) DO UPDATE SET <merge of each column>
 *
 * Parameter k is an array holding column k of every pending row (text[]
 * columns travel as the text of the array, since unnest flattens
 * multi-dimensional arrays).  Event ids compare with COLLATE pg_catalog."C"
 * (qualified: a user's own "C" collation must not change it), exactly
 * as pending.c merges rows in memory.
 */
static char *
BuildUpsert(const EtProjection *p)
{
	StringInfoData sql;
	int			i;
	bool		first;

	initStringInfo(&sql);
	appendStringInfo(&sql, "INSERT INTO event_types.%s AS t (", p->table);
	for (i = 0; i < p->ncolumns; i++)
		appendStringInfo(&sql, "%s%s", i ? ", " : "", p->columns[i].name);
	appendStringInfoString(&sql, ") SELECT ");
	for (i = 0; i < p->ncolumns; i++)
	{
		const EtProjColumn *c = &p->columns[i];

		if (i)
			appendStringInfoString(&sql, ", ");
		if (c->merge == ET_MERGE_SUM)
			appendStringInfo(&sql, "COALESCE(u.%s, 0)", c->name);
		else if (c->merge == ET_MERGE_UNION)
			/* sorted and distinct: the same set gives the same array */
			appendStringInfo(&sql,
							 "ARRAY(SELECT DISTINCT e.e FROM pg_catalog.unnest("
							 "COALESCE(u.%s::pg_catalog.text[], '{}')) AS e(e) ORDER BY e.e)",
							 c->name);
		else if (c->insert_default)
			appendStringInfo(&sql, "COALESCE(u.%s, %s)", c->name,
							 quote_literal_cstr(c->insert_default));
		else
			appendStringInfo(&sql, "u.%s", c->name);
	}
	/*
	 * unnest() in a select list, not in FROM: there a function scan stores
	 * every row in a tuplestore before the insert reads it back (7-8% of the
	 * pipeline's instructions); in a select list the arrays are walked in
	 * lockstep, a row at a time.  All arrays have one element per row.
	 */
	appendStringInfoString(&sql, " FROM (SELECT ");
	for (i = 0; i < p->ncolumns; i++)
		appendStringInfo(&sql, "%spg_catalog.unnest($%d) AS %s", i ? ", " : "", i + 1,
						 p->columns[i].name);
	appendStringInfoString(&sql, ") AS u ON CONFLICT (");
	first = true;
	for (i = 0; i < p->ncolumns; i++)
		if (p->columns[i].merge == ET_MERGE_KEY)
		{
			appendStringInfo(&sql, "%s%s", first ? "" : ", ", p->columns[i].name);
			first = false;
		}
	appendStringInfoString(&sql, ") DO UPDATE SET ");
	first = true;
	for (i = 0; i < p->ncolumns; i++)
	{
		const EtProjColumn *c = &p->columns[i];

		if (c->merge == ET_MERGE_KEY)
			continue;
		appendStringInfo(&sql, "%s%s = ", first ? "" : ", ", c->name);
		first = false;
		switch (c->merge)
		{
			case ET_MERGE_LWW:
				{
					const char *at = p->columns[p->groups[c->group].at_col].name;
					const char *id = p->columns[p->groups[c->group].id_col].name;

					appendStringInfo(&sql,
									 "CASE WHEN EXCLUDED.%s IS NOT NULL AND (t.%s IS NULL OR "
									 "ROW(EXCLUDED.%s, EXCLUDED.%s COLLATE pg_catalog.\"C\") OPERATOR(pg_catalog.>) "
									 "ROW(t.%s, t.%s COLLATE pg_catalog.\"C\")) "
									 "THEN EXCLUDED.%s ELSE t.%s END",
									 at, at, at, id, at, id, c->name, c->name);
					break;
				}
			case ET_MERGE_MIN:
				appendStringInfo(&sql, "LEAST(t.%s, EXCLUDED.%s)", c->name, c->name);
				break;
			case ET_MERGE_MAX:
				appendStringInfo(&sql, "GREATEST(t.%s, EXCLUDED.%s)", c->name, c->name);
				break;
			case ET_MERGE_SUM:
				appendStringInfo(&sql, "t.%s OPERATOR(pg_catalog.+) EXCLUDED.%s", c->name, c->name);
				break;
			case ET_MERGE_UNION:
				appendStringInfo(&sql,
								 "ARRAY(SELECT DISTINCT e.e FROM pg_catalog.unnest("
								 "pg_catalog.array_cat(t.%s, EXCLUDED.%s)) AS e(e) ORDER BY e.e)",
								 c->name, c->name);
				break;
			case ET_MERGE_KEY:
				break;
		}
	}
	return sql.data;
}

/* The prepared set-based upsert of a projection (see BuildUpsert) */
SPIPlanPtr
EtProjPlan(const EtProjection *p)
{
	Oid			types[ET_PROJ_MAX_COLUMNS];
	SPIPlanPtr	plan;
	int			i;

	(void) EtEventTypeOid();	/* drops stale plans */
	if (proj_plans[p->plan_slot])
		return proj_plans[p->plan_slot];
	for (i = 0; i < p->ncolumns; i++)
		types[i] = p->columns[i].type == ET_COL_TEXT_ARRAY ? TEXTARRAYOID :
			get_array_type(EtColumnTypeOid(p->columns[i].type));
	plan = SPI_prepare(BuildUpsert(p), p->ncolumns, types);
	if (plan == NULL)
		elog(ERROR, "could not prepare the %s upsert: %s", p->table,
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	proj_plans[p->plan_slot] = plan;
	return plan;
}

/* Start a row: every column NULL but source and tenant (columns 0 and 1) */
void
EtProjRowInit(EtProjRow *row, const EtProjection *proj, const EtEventRecord *ev)
{
	Assert(proj->ncolumns <= ET_PROJ_MAX_COLUMNS);
	row->proj = proj;
	memset(row->nulls, 'n', sizeof(row->nulls));
	EtProjSetText(row, 0, ev->def->source_name);
	EtProjSetText(row, 1, ev->tenant);
}

void
EtProjSet(EtProjRow *row, int col, Datum value)
{
	row->values[col] = value;
	row->nulls[col] = ' ';
}

void
EtProjSetText(EtProjRow *row, int col, const char *value)
{
	if (value == NULL)
		row->nulls[col] = 'n';
	else
		EtProjSet(row, col, CStringGetTextDatum(value));
}

/* Key a register group by the event: (occurred_at, event_id) */
void
EtProjSetGroup(EtProjRow *row, int group, const EtEventRecord *ev)
{
	const EtProjGroup *g = &row->proj->groups[group];

	EtProjSet(row, g->at_col, TimestampTzGetDatum(ev->occurred_at));
	EtProjSetText(row, g->id_col, ev->event_id);
}

/*
 * Apply one accepted event to the projections.  Each projection decides
 * from the event type whether the event concerns it.
 */
void
EtApplyProjections(const EtEventRecord *ev)
{
	EtApplyCustomers(ev);
	EtApplyContracts(ev);
	EtApplyBookings(ev);
}
