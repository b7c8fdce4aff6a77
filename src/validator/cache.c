/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  Compile each schema once: per call site and per backend.
 *
 * Two levels, as contrib/hstore and pg_cron do it:
 *
 *	- per call site: fn_extra remembers the last schema a function call
 *	  site saw and its program; the common case (a constant schema in a
 *	  CHECK constraint) costs one length compare and one memcmp per row;
 *	- per backend: a hash table keyed by a 64-bit hash of the schema bytes
 *	  shares programs between call sites and statements.
 *
 * Invalidation: a change to event_types.registered_schemas (register /
 * unregister, or DML caught by its trigger) sends a relcache invalidation;
 * our callback only sets a flag.  The next lookup then drops every program
 * that read the registry and bumps 'cache_epoch', which makes every
 * call-site cache re-look-up.  Nothing is freed while it may be in use:
 * evaluation never calls back into SQL, so between two lookups no program
 * pointer is live.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "nodes/primnodes.h"
#include "utils/lsyscache.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "event_types.h"
#include "generated.h"
#include "schema.h"

/* Bound on backend-cached programs; past it the cache starts afresh. */
#define PROGRAM_CACHE_MAX 128

typedef struct ProgramCacheEntry
{
	uint64		key;			/* hash of the schema bytes; hash key */
	Jsonb	   *schema;			/* copy, to tell collisions apart */
	EtProgram  *prog;
} ProgramCacheEntry;

typedef struct CallSiteCache
{
	uint64		epoch;
	Jsonb	   *schema;			/* the backend entry's copy */
	EtProgram  *prog;
	bool		const_arg;		/* the schema argument is a Const */
	Jsonb	   *last_arg;		/* and this is where its value lives */
} CallSiteCache;

/* Backend-wide compiled-program cache and its state (see banner). */
static MemoryContext program_cache_cxt = NULL;
static HTAB *program_cache = NULL;
static uint64 cache_epoch = 1;
static bool registry_changed = false;
static bool callback_registered = false;
static Oid	registry_relid = InvalidOid;

static void
RegistryChanged(Datum arg, Oid relid)
{
	/* InvalidOid means "every relation"; the OID may be unknown as yet */
	if (relid == InvalidOid || relid == registry_relid ||
		registry_relid == InvalidOid)
		registry_changed = true;

	/*
	 * The table may have been dropped (DROP EXTENSION): look its OID up
	 * again, or changes to a re-created registry would go unnoticed here.
	 */
	if (relid == registry_relid)
		registry_relid = InvalidOid;
}

static void
ResetCache(void)
{
	if (program_cache_cxt)
		MemoryContextDelete(program_cache_cxt);
	program_cache_cxt = AllocSetContextCreate(TopMemoryContext,
											  "event_types schema cache",
											  ALLOCSET_DEFAULT_SIZES);
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(ProgramCacheEntry);
		ctl.hcxt = program_cache_cxt;
		program_cache = hash_create("event_types schema cache", 64, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	cache_epoch++;
}

/* Drop the programs that read the registry. */
static void
DropRegistryPrograms(void)
{
	HASH_SEQ_STATUS status;
	ProgramCacheEntry *e;

	hash_seq_init(&status, program_cache);
	while ((e = hash_seq_search(&status)) != NULL)
	{
		if (e->prog->uses_registry)
		{
			MemoryContextDelete(e->prog->mcxt);
			pfree(e->schema);
			hash_search(program_cache, &e->key, HASH_REMOVE, NULL);
		}
	}
	cache_epoch++;
}

void
EtInvalidatePrograms(void)
{
	registry_changed = true;
}

static ProgramCacheEntry *
LookupProgram(Jsonb *schema)
{
	uint64		key;
	ProgramCacheEntry *e;
	bool		found;
	EtProgram  *prog;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(RegistryChanged, (Datum) 0);
		callback_registered = true;
	}
	if (registry_relid == InvalidOid)
		registry_relid = EtRelationOid("registered_schemas");
	if (program_cache == NULL)
		ResetCache();
	if (registry_changed)
	{
		registry_changed = false;
		DropRegistryPrograms();
	}

	key = hash_bytes_extended((const unsigned char *) schema, VARSIZE(schema), 0);
	e = hash_search(program_cache, &key, HASH_FIND, NULL);
	if (e && VARSIZE(e->schema) == VARSIZE(schema) &&
		memcmp(e->schema, schema, VARSIZE(schema)) == 0)
		return e;

	/* compile first: an ERROR must not leave a half-made entry behind */
	prog = EtCompileSchema(schema, "", program_cache_cxt);
	EtAttachGenerated(prog, schema);

	if (e)
	{
		/* 64-bit hash collision: the newcomer takes the slot */
		MemoryContextDelete(e->prog->mcxt);
		pfree(e->schema);
		cache_epoch++;
	}
	else if (hash_get_num_entries(program_cache) >= PROGRAM_CACHE_MAX)
	{
		MemoryContextSetParent(prog->mcxt, CurrentMemoryContext);
		ResetCache();
		MemoryContextSetParent(prog->mcxt, program_cache_cxt);
	}
	e = hash_search(program_cache, &key, HASH_ENTER, &found);
	e->prog = prog;
	e->schema = MemoryContextAlloc(program_cache_cxt, VARSIZE(schema));
	memcpy(e->schema, schema, VARSIZE(schema));
	return e;
}

/*
 * Is argument 'argnum' of this call a Const?  Not get_fn_expr_arg_stable():
 * it accepts a Param too, and a PL/pgSQL variable is a Param whose value
 * changes from call to call of a call site that lives as long as the
 * function's cached expression -- its new value can sit at the address of
 * the old one, so the "same pointer, same schema" shortcut returned the
 * program of the previous schema (wrong verdicts, found by scripts/fuzz.sh).
 */
static bool
ArgIsConst(FmgrInfo *flinfo, int argnum)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else
		return false;
	return argnum < list_length(args) && IsA(list_nth(args, argnum), Const);
}

/*
 * The compiled program for 'schema' as seen from this call site.
 */
EtProgram *
EtGetProgram(FunctionCallInfo fcinfo, Jsonb *schema)
{
	CallSiteCache *site = fcinfo->flinfo ? fcinfo->flinfo->fn_extra : NULL;
	ProgramCacheEntry *entry;

	if (site && site->epoch == cache_epoch && !registry_changed)
	{
		/*
		 * A constant schema (the usual CHECK constraint) keeps its address
		 * for the life of this call site, so the same pointer means the
		 * same schema; any other argument may reuse memory for another
		 * value, so compare the bytes.
		 */
		if (site->const_arg && schema == site->last_arg)
			return site->prog;
		if (VARSIZE(site->schema) == VARSIZE(schema) &&
			memcmp(site->schema, schema, VARSIZE(schema)) == 0)
		{
			site->last_arg = schema;
			return site->prog;
		}
	}

	entry = LookupProgram(schema);
	if (fcinfo->flinfo)
	{
		if (site == NULL)
		{
			site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSiteCache));
			fcinfo->flinfo->fn_extra = site;
		}
		site->epoch = cache_epoch;
		site->prog = entry->prog;
		site->schema = entry->schema;
		site->const_arg = ArgIsConst(fcinfo->flinfo, 0);
		site->last_arg = schema;
	}
	return entry->prog;
}
