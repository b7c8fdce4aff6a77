/*-------------------------------------------------------------------------
 *
 * projection.h
 *	  Order-independent projection tables, described once and upserted
 *	  through one prepared statement each.
 *
 * A projection row is a set of merge registers:
 *
 *	ET_MERGE_LWW	last writer wins; columns belong to a group whose key
 *					is the (occurred_at, event_id) of the event that set
 *					them last (two key columns in the same group);
 *	ET_MERGE_MIN	keep the smallest value (created_at);
 *	ET_MERGE_MAX	keep the largest value (last_checkin_at, updated_at);
 *	ET_MERGE_SUM	add (checkin_count);
 *	ET_MERGE_UNION	set union, kept sorted (the idle periods opened and
 *					closed on a contract: a grow-only set each).
 *
 * Each merge is commutative and associative, so a row equals the result of
 * applying its events in (occurred_at, event_id) order whatever order they
 * arrived in -- the projections' order-independence rule holds by
 * construction, and rebuild_projections() reproduces the live tables.
 *
 * An event fills an EtProjRow (NULL = "this event says nothing about the
 * column"); EtProjUpsert() merges it into the statement's pending rows and
 * EtProjFlush() writes them all with one
 *		INSERT ... SELECT FROM unnest(...) ON CONFLICT (key) DO UPDATE SET
 *		col = <merge>, ...
 * per table, generated from the descriptor (pending.c) -- or, for tables
 * it can write, performs the same upsert row by row in C (write.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_PROJECTION_H
#define EVENT_TYPES_PROJECTION_H

#include "executor/spi.h"
#include "utils/timestamp.h"

#include "event_record.h"

#define ET_PROJ_MAX_COLUMNS 40
#define ET_PROJ_SLOTS 3			/* projections, numbered by plan_slot */

typedef enum EtMerge
{
	ET_MERGE_KEY,				/* conflict key column */
	ET_MERGE_LWW,
	ET_MERGE_MIN,
	ET_MERGE_MAX,
	ET_MERGE_SUM,
	ET_MERGE_UNION				/* text[]: sorted union of distinct elements */
} EtMerge;

/* Column types; event_type's OID is looked up at run time */
typedef enum EtColType
{
	ET_COL_TEXT,
	ET_COL_TIMESTAMPTZ,
	ET_COL_DATE,
	ET_COL_NUMERIC,
	ET_COL_INT4,
	ET_COL_BOOL,
	ET_COL_EVENT_TYPE,
	ET_COL_TEXT_ARRAY
} EtColType;

typedef struct EtProjColumn
{
	const char *name;
	EtColType	type;
	EtMerge		merge;
	int			group;			/* ET_MERGE_LWW: index into groups */
	const char *insert_default; /* value (the type's text form) when NULL
								 * on insert */
} EtProjColumn;

/* A last-writer-wins column of register group 'group' */
#define ET_LWW(name, type, group) {name, type, ET_MERGE_LWW, group, NULL}

typedef struct EtProjGroup
{
	int			at_col;			/* column holding the key's occurred_at */
	int			id_col;			/* column holding the key's event_id */
} EtProjGroup;

typedef struct EtProjection
{
	const char *table;			/* unqualified; lives in schema event_types */
	int			ncolumns;
	const EtProjColumn *columns;
	int			ngroups;
	const EtProjGroup *groups;
	int			plan_slot;		/* 0 .. ET_PROJ_SLOTS - 1: its cached plan, its forecast */
} EtProjection;

typedef struct EtProjRow
{
	const EtProjection *proj;
	Datum		values[ET_PROJ_MAX_COLUMNS];
	char		nulls[ET_PROJ_MAX_COLUMNS]; /* SPI style: 'n' or ' ' */
} EtProjRow;

/*
 * Two texts in the order of COLLATE "C" (bytewise, the shorter first on a
 * common prefix): how event ids order register writes, how pending rows
 * match and a flush orders its keys, how open_idle_periods() groups ids.
 * Both detoasted (short headers are fine).  Inline: flush sorts and
 * pending look-ups call it hundreds of thousands of times a statement.
 */
static inline int
EtProjTextCmp(const text *a, const text *b)
{
	int			la = VARSIZE_ANY_EXHDR(a);
	int			lb = VARSIZE_ANY_EXHDR(b);
	int			cmp = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));

	if (cmp != 0)
		return cmp;
	return (la > lb) - (la < lb);
}

extern Oid	EtEventTypeOid(void);
extern void EtProjRowInit(EtProjRow *row, const EtProjection *proj,
						  const EtEventRecord *ev);
extern void EtProjSet(EtProjRow *row, int col, Datum value);
extern void EtProjSetText(EtProjRow *row, int col, const char *value);
extern void EtProjSetGroup(EtProjRow *row, int group, const EtEventRecord *ev);
extern Oid	EtColumnTypeOid(EtColType t);
extern SPIPlanPtr EtProjPlan(const EtProjection *p);
extern int32 EtProjAddInt4(int32 a, int32 b);

/* write.c: the upsert without SQL, row by row; NULL: use the SQL upsert */
typedef struct EtProjWriter EtProjWriter;
extern EtProjWriter *EtProjWriterOpen(const EtProjection *proj);
extern void EtProjWriterPut(EtProjWriter *w, const EtProjRow *row);
extern void EtProjWriterClose(EtProjWriter *w);

/* pending.c: merge a row into the statement's pending changes; write them */
extern void EtProjUpsert(EtProjRow *row);
extern void EtProjFlush(void);

/* the three projections (customers.c, contracts.c, bookings.c) */
extern void EtApplyCustomers(const EtEventRecord *ev);
extern void EtApplyContracts(const EtEventRecord *ev);
extern void EtApplyBookings(const EtEventRecord *ev);

#endif							/* EVENT_TYPES_PROJECTION_H */
