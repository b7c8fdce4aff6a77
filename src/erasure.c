/*-------------------------------------------------------------------------
 *
 * erasure.c
 *	  erase_customer(): erase one customer's personal data wherever the
 *	  extension stores it, and record that it did so; and what the inbox
 *	  trigger needs to recognise (and store erased) a retry of an erased
 *	  message.
 *
 * What is erased.  In every stored document of the customer's source and
 * tenant -- inbox payloads, event log contents -- each JSON object whose
 * "customerId" is the customer (ticketing CUSTOMER bodies and ticket
 * buyers, court-booking owners, players, customers and participants) has
 * the values of its personal keys (personal_keys below) replaced by JSON
 * null.  Keys, ids, times, prices and array lengths stay, so every event
 * still says what it did and rebuild_projections() reproduces the erased
 * projections.  The customers projection row keeps its ids, status, times
 * and register keys; its personal columns become NULL.  Inbox errors whose
 * path points into an erased value may quote it: their message is replaced.
 * Each erased inbox row gets an {"keyword": "erased"} note in errors, and
 * event_types.erasures one row per call (no personal data but the id).
 *
 * Replay.  Erased events keep their event ids, types and times.  A webhook
 * retry of an erased message (the vendor still has the original) would
 * differ from the stored content and read as a conflict; instead, the
 * trigger erases the customers erased before from the incoming content and
 * compares again (EtIsErasedEvent): equal means duplicate.  A duplicate
 * that names an erased customer is stored with that customer's personal
 * data erased (EtEraseRetry), so a retry does not bring the data back.
 *
 * The inbox is append-only; the guard lets the payload change only while
 * this file's UPDATE runs (EtAllowPayloadErasure, ingest.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "erasure.h"
#include "event_types.h"
#include "ingest.h"
#include "json_get.h"
#include "owner.h"
#include "projections/projection.h"
#include "validator/jsonb_access.h"

/*
 * Keys whose values are personal data in an object that names the customer
 * (the ticketing CUSTOMER body and ticket buyer, the court-booking person
 * objects).  Ids other than userId, flags and dates of registration stay.
 */
static const char *const personal_keys[] = {
	"address", "addresses", "cellphone", "city", "company", "companyName",
	"country", "dateOfBirth", "email", "firstName", "gender", "lastName",
	"nationality", "phone", "salutation", "telephone", "telephoneNumbers",
	"title", "userId", "zipcode"
};

/* What replaces an inbox error message that may quote an erased value */
#define ERASED_ERROR_MESSAGE "message removed: it may quote erased personal data"

/* ----------------------------------------------------------------
 * Erasing documents
 * ----------------------------------------------------------------
 */
typedef struct EraseState
{
	char	  **ids;			/* the customers whose data goes */
	int			nids;
	bool		changed;
	List	   *pointers;		/* JSON Pointers of the erased values */
	StringInfoData path;		/* pointer of the value being copied */
} EraseState;

/* Is the object key 'key' the string 'name'? */
static bool
KeyIs(const JsonbValue *key, const char *name)
{
	return key->type == jbvString && strlen(name) == key->val.string.len &&
		memcmp(name, key->val.string.val, key->val.string.len) == 0;
}

static bool
IsPersonalKey(const JsonbValue *key)
{
	int			i;

	for (i = 0; i < lengthof(personal_keys); i++)
		if (KeyIs(key, personal_keys[i]))
			return true;
	return false;
}

/* Does the object carry "customerId" naming one of es->ids? */
static bool
NamesErasedCustomer(const JsonbValue *obj, const EraseState *es)
{
	JsonbValue	v;
	char	   *id;
	int			i;

	if (!JbObjectGet(obj, "customerId", strlen("customerId"), &v) ||
		(id = EtJsonText(&v)) == NULL)
		return false;
	for (i = 0; i < es->nids; i++)
		if (strcmp(id, es->ids[i]) == 0)
			return true;
	return false;
}

/* Append one reference token to a JSON Pointer (RFC 6901: ~ and / escaped) */
static void
AppendToken(StringInfo path, const char *s, int len)
{
	int			i;

	appendStringInfoChar(path, '/');
	for (i = 0; i < len; i++)
	{
		if (s[i] == '~')
			appendStringInfoString(path, "~0");
		else if (s[i] == '/')
			appendStringInfoString(path, "~1");
		else
			appendStringInfoChar(path, s[i]);
	}
}

static void
TruncatePath(StringInfo path, int len)
{
	path->len = len;
	path->data[len] = '\0';
}

/*
 * Copy container 'v' into *st, nulling personal values on the way; returns
 * what the closing pushJsonbValue() returned (the whole value at the root).
 */
static JsonbValue *
EraseContainer(JsonbParseState **st, const JsonbValue *v, EraseState *es)
{
	JbIter		it;
	JsonbValue	key,
				val;
	JsonbValue	null;
	int			len = es->path.len;
	int			i = 0;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	null.type = jbvNull;
	JbIterInit(&it, v);
	if (JbIsObject(v))
	{
		bool		erase = NamesErasedCustomer(v, es);

		pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
		while (JbObjectNext(&it, &key, &val))
		{
			pushJsonbValue(st, WJB_KEY, &key);
			AppendToken(&es->path, key.val.string.val, key.val.string.len);
			if (erase && IsPersonalKey(&key))
			{
				if (val.type != jbvNull)
				{
					es->changed = true;
					es->pointers = lappend(es->pointers, pstrdup(es->path.data));
				}
				pushJsonbValue(st, WJB_VALUE, &null);
			}
			else if (val.type == jbvBinary)
				(void) EraseContainer(st, &val, es);
			else
				pushJsonbValue(st, WJB_VALUE, &val);
			TruncatePath(&es->path, len);
		}
		return pushJsonbValue(st, WJB_END_OBJECT, NULL);
	}

	pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
	while (JbArrayNext(&it, &val))
	{
		if (val.type == jbvBinary)
		{
			appendStringInfo(&es->path, "/%d", i);
			(void) EraseContainer(st, &val, es);
			TruncatePath(&es->path, len);
		}
		else
			pushJsonbValue(st, WJB_ELEM, &val);
		i++;
	}
	return pushJsonbValue(st, WJB_END_ARRAY, NULL);
}

Jsonb *
EtEraseDocument(Jsonb *doc, char **ids, int nids, List **pointers)
{
	JsonbParseState *st = NULL;
	JsonbValue	root;
	JsonbValue *res;
	EraseState	es;

	JbRootValue(doc, &root);
	if (root.type != jbvBinary || nids == 0)
		return NULL;
	es.ids = ids;
	es.nids = nids;
	es.changed = false;
	es.pointers = NIL;
	initStringInfo(&es.path);
	res = EraseContainer(&st, &root, &es);
	if (!es.changed)
		return NULL;
	if (pointers)
		*pointers = es.pointers;
	return JsonbValueToJsonb(res);
}

/* Every customerId (as text) anywhere in v */
static void
CollectCustomerIds(const JsonbValue *v, List **ids)
{
	JbIter		it;
	JsonbValue	key,
				val;

	if (v->type != jbvBinary)
		return;
	check_stack_depth();
	key.type = jbvNull;
	JbIterInit(&it, v);
	if (JbIsObject(v))
	{
		while (JbObjectNext(&it, &key, &val))
		{
			if (KeyIs(&key, "customerId"))
			{
				char	   *id = EtJsonText(&val);

				if (id)
					*ids = lappend(*ids, id);
			}
			else
				CollectCustomerIds(&val, ids);
		}
	}
	else
		while (JbArrayNext(&it, &val))
			CollectCustomerIds(&val, ids);
}

/* ----------------------------------------------------------------
 * Inbox errors
 * ----------------------------------------------------------------
 */
/* Is the pointer 'path' one of 'pointers' or inside one of them? */
static bool
UnderPointer(const JsonbValue *path, List *pointers)
{
	ListCell   *lc;

	foreach(lc, pointers)
	{
		const char *p = lfirst(lc);
		int			plen = strlen(p);

		if (path->val.string.len >= plen &&
			memcmp(path->val.string.val, p, plen) == 0 &&
			(path->val.string.len == plen || path->val.string.val[plen] == '/'))
			return true;
	}
	return false;
}

/*
 * 'errors' (a [{path, keyword, message}] array, or NULL) with the message
 * of every error inside an erased value replaced, and 'note' appended as
 * {"path": "", "keyword": "erased", "message": note}.
 */
static Jsonb *
ErrorsWithNote(Jsonb *errors, List *pointers, const char *note)
{
	JsonbParseState *st = NULL;
	JsonbValue	root,
				e,
				path,
				k,
				v;
	JbIter		it,
				fields;

	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	if (errors != NULL)
		JbRootValue(errors, &root);
	if (errors != NULL && JbIsArray(&root))
	{
		JbIterInit(&it, &root);
		while (JbArrayNext(&it, &e))
		{
			if (!JbIsObject(&e) || !JbObjectGet(&e, "path", 4, &path) ||
				path.type != jbvString || !UnderPointer(&path, pointers))
			{
				pushJsonbValue(&st, WJB_ELEM, &e);
				continue;
			}
			pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
			JbIterInit(&fields, &e);
			while (JbObjectNext(&fields, &k, &v))
			{
				pushJsonbValue(&st, WJB_KEY, &k);
				if (KeyIs(&k, "message"))
					EtJsonbPushString(&st, WJB_VALUE, ERASED_ERROR_MESSAGE);
				else
					pushJsonbValue(&st, WJB_VALUE, &v);
			}
			pushJsonbValue(&st, WJB_END_OBJECT, NULL);
		}
	}
	EtJsonbPushError(&st, "", "erased", note);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_ARRAY, NULL));
}

/* ----------------------------------------------------------------
 * Retries of erased messages (called by the inbox trigger)
 * ----------------------------------------------------------------
 */

/* Prepared lookup of erased customers; backend lifetime, a cache */
static SPIPlanPtr erased_ids_plan = NULL;

/*
 * Which of 'ids' were erased in (source, tenant)?  Fills *out, returns how
 * many.  A database still at 0.1.0 (library updated, ALTER EXTENSION not
 * run yet) has no erasures table: nothing was erased.
 */
static int
ErasedAmong(const char *source, const char *tenant, List *ids, char ***out)
{
	Datum		values[3];
	Datum	   *elems;
	ListCell   *lc;
	int			n = 0,
				rc,
				nestlevel;
	uint64		i;

	*out = NULL;
	if (ids == NIL || !OidIsValid(EtRelationOid("erasures")))
		return 0;
	/* the row trigger runs with the writer's search_path (owner.c) */
	nestlevel = EtFixSearchPath();
	if (erased_ids_plan == NULL)
	{
		Oid			types[3] = {TEXTOID, TEXTOID, TEXTARRAYOID};
		SPIPlanPtr	p;

		p = SPI_prepare("SELECT DISTINCT e.customer_id FROM event_types.erasures e "
						"WHERE e.source OPERATOR(pg_catalog.=) $1 "
						"AND e.tenant OPERATOR(pg_catalog.=) $2 "
						"AND e.customer_id OPERATOR(pg_catalog.=) ANY ($3)", 3, types);
		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare the erasures lookup: %s",
				 SPI_result_code_string(SPI_result));
		erased_ids_plan = p;
	}
	elems = palloc(sizeof(Datum) * list_length(ids));
	foreach(lc, ids)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	values[0] = CStringGetTextDatum(source);
	values[1] = CStringGetTextDatum(tenant);
	values[2] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	/* not read-only: see erasures committed while this statement ran */
	rc = SPI_execute_plan(erased_ids_plan, values, NULL, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "erasures lookup failed: %s", SPI_result_code_string(rc));
	EtRestoreSearchPath(nestlevel);
	if (SPI_processed == 0)
		return 0;
	*out = palloc(sizeof(char *) * SPI_processed);
	for (i = 0; i < SPI_processed; i++)
		(*out)[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	return (int) SPI_processed;
}

bool
EtIsErasedEvent(const EtEventRecord *r, Datum stored, Datum incoming)
{
	Jsonb	   *in = DatumGetJsonbP(incoming);
	JsonbValue	root;
	List	   *ids = NIL;
	char	  **erased;
	int			n;
	Jsonb	   *e;

	JbRootValue(in, &root);
	CollectCustomerIds(&root, &ids);
	n = ErasedAmong(r->def->source_name, r->tenant, ids, &erased);
	if (n == 0)
		return false;
	e = EtEraseDocument(in, erased, n, NULL);
	return e != NULL &&
		DatumGetBool(DirectFunctionCall2(jsonb_eq, stored, JsonbPGetDatum(e)));
}

/* The tenant a message is filed under: ticketing metadata.tenant, else the
 * inbox hint, else '' (as extract.c and erase_customer()'s inbox scan) */
static const char *
MessageTenant(const char *source_name, const JsonbValue *root, const EtHints *hints)
{
	if (strcmp(source_name, "ticketing") == 0)
	{
		JsonbValue	meta;
		char	   *t;

		if (EtJsonMember(root, "metadata", &meta) &&
			(t = EtJsonGetText(&meta, "tenant")) != NULL)
			return t;
	}
	return hints->tenant ? hints->tenant : "";
}

Jsonb *
EtEraseRetry(const char *source_name, Jsonb *payload, const EtHints *hints,
			 Jsonb **errors)
{
	JsonbValue	root;
	List	   *ids = NIL;
	List	   *pointers = NIL;
	char	  **erased;
	int			n;
	Jsonb	   *e;

	JbRootValue(payload, &root);
	CollectCustomerIds(&root, &ids);
	n = ErasedAmong(source_name, MessageTenant(source_name, &root, hints), ids, &erased);
	if (n == 0)
		return NULL;
	e = EtEraseDocument(payload, erased, n, &pointers);
	if (e == NULL)
		return NULL;
	*errors = ErrorsWithNote(*errors, pointers,
							 "personal data of an erased customer was not stored (see event_types.erasures)");
	return e;
}

/* ----------------------------------------------------------------
 * erase_customer()
 * ----------------------------------------------------------------
 */

/* SPI_prepare that fails loudly */
static SPIPlanPtr
Prepare(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	p = SPI_prepare(sql, nargs, types);

	if (p == NULL)
		elog(ERROR, "SPI_prepare failed: %s (%s)", SPI_result_code_string(SPI_result), sql);
	return p;
}

/*
 * Canonical JSON number text (what EtJsonText prints for a number): an id
 * that looks like one may be stored as a JSON number too.
 */
static bool
IsCanonicalNumber(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.')
	{
		const char *digits = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == digits || p[-1] == '0')
			return false;
	}
	return *p == '\0' && p - s <= 1000;
}

/*
 * The jsonpath prefilter finding documents that name the customer, and its
 * variables: { "id": "<id>" [, "num": <id as a number>] }.  The rewrite in
 * C decides; the prefilter only keeps the scans from copying every row.
 */
static void
CustomerFilter(const char *customer_id, Datum *path, Datum *vars)
{
	JsonbParseState *st = NULL;
	JsonbValue	v;
	bool		num = IsCanonicalNumber(customer_id);

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	EtJsonbPushString(&st, WJB_KEY, "id");
	EtJsonbPushString(&st, WJB_VALUE, customer_id);
	if (num)
	{
		EtJsonbPushString(&st, WJB_KEY, "num");
		v.type = jbvNumeric;
		v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
															CStringGetDatum(customer_id),
															ObjectIdGetDatum(InvalidOid),
															Int32GetDatum(-1)));
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	*vars = JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
	*path = DirectFunctionCall1(jsonpath_in,
								CStringGetDatum(num ?
												"$.** ? (@.customerId == $id || @.customerId == $num)" :
												"$.** ? (@.customerId == $id)"));
}

/* Run an UPDATE of exactly one row */
static void
UpdateOne(SPIPlanPtr plan, Datum *values, const char *what)
{
	int			rc = SPI_execute_plan(plan, values, NULL, false, 0);

	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "%s update failed: %s", what, SPI_result_code_string(rc));
	if (SPI_processed != 1)
		elog(ERROR, "%s update changed " UINT64_FORMAT " rows", what, SPI_processed);
}

/*
 * The inbox row's UPDATE: the one change to an inbox payload the guard
 * lets through, allowed for this statement only.
 */
static void
UpdateInboxRow(SPIPlanPtr plan, Datum *values)
{
	bool		prev = EtAllowPayloadErasure(true);

	PG_TRY();
	{
		UpdateOne(plan, values, "inbox");
	}
	PG_FINALLY();
	{
		EtAllowPayloadErasure(prev);
	}
	PG_END_TRY();
}

/*
 * Erase the documents a cursor over (key..., document[, errors]) returns;
 * 'update' takes (key..., new document[, new errors]).  Returns how many
 * were rewritten.
 */
static int64
EraseDocuments(SPIPlanPtr scan, Datum *scan_args, SPIPlanPtr update,
			   int nkeys, bool inbox, char *customer_id, int64 erasure_id)
{
	Portal		portal;
	MemoryContext row_cxt,
				old;
	int64		rewritten = 0;
	char	   *note = psprintf("personal data of a customer erased by event_types.erase_customer() (erasures.id " INT64_FORMAT ")",
								erasure_id);

	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "event_types erasure row",
									ALLOCSET_DEFAULT_SIZES);
	/* not read-only: a snapshot taken now; the cursor never sees our updates */
	portal = SPI_cursor_open(NULL, scan, scan_args, NULL, false);
	for (;;)
	{
		SPITupleTable *batch;
		uint64		i,
					n;

		SPI_cursor_fetch(portal, true, 100);
		batch = SPI_tuptable;	/* the updates below replace SPI_tuptable */
		n = SPI_processed;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
		{
			HeapTuple	t = batch->vals[i];
			TupleDesc	d = batch->tupdesc;
			Datum		values[4];
			bool		isnull;
			Jsonb	   *erased;
			List	   *pointers = NIL;
			int			k;

			old = MemoryContextSwitchTo(row_cxt);
			for (k = 0; k < nkeys; k++)
				values[k] = SPI_getbinval(t, d, k + 1, &isnull);
			erased = EtEraseDocument(DatumGetJsonbP(SPI_getbinval(t, d, nkeys + 1, &isnull)),
									 &customer_id, 1, inbox ? &pointers : NULL);
			if (erased != NULL)
			{
				values[nkeys] = JsonbPGetDatum(erased);
				if (inbox)
				{
					Datum		errors = SPI_getbinval(t, d, nkeys + 2, &isnull);

					values[nkeys + 1] = JsonbPGetDatum(ErrorsWithNote(isnull ? NULL : DatumGetJsonbP(errors),
																	  pointers, note));
					UpdateInboxRow(update, values);
				}
				else
					UpdateOne(update, values, "event log");
				rewritten++;
			}
			MemoryContextSwitchTo(old);
			MemoryContextReset(row_cxt);
		}
		SPI_freetuptable(batch);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(row_cxt);
	return rewritten;
}

/*
 * erase_customer(source text, tenant text, customer_id text) -> bigint
 *
 * Erase one customer's personal data from the customers projection, the
 * event log and the inbox (see the banner), record it in
 * event_types.erasures, and return the number of documents rewritten.
 * Idempotent: a second call rewrites nothing (and is recorded too).
 */
ET_FUNCTION_INFO(event_types_erase_customer);
Datum
event_types_erase_customer(PG_FUNCTION_ARGS)
{
	char	   *source = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *tenant = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *customer_id = text_to_cstring(PG_GETARG_TEXT_PP(2));
	Oid			key_types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		key[3];
	Oid			scan_types[4] = {TEXTOID, TEXTOID, JSONPATHOID, JSONBOID};
	Datum		scan_args[4];
	Oid			types[3];
	Datum		values[2];
	SPIPlanPtr	plan;
	int64		erasure_id;
	int64		documents = 0;
	bool		isnull;
	int			rc;

	if (EtSourceLookup(source, strlen(source)) == ET_SOURCE_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown source \"%s\"", source),
				 errhint("The sources are gym, ticketing and court_booking.")));
	if (customer_id[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customer id must not be empty")));

	key[0] = CStringGetTextDatum(source);
	key[1] = CStringGetTextDatum(tenant);
	key[2] = CStringGetTextDatum(customer_id);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* projection changes still pending in this transaction go first */
	EtProjFlush();

	/* 1. the record, first: its id goes into the inbox notes */
	plan = Prepare("INSERT INTO event_types.erasures (source, tenant, customer_id, documents) "
				   "VALUES ($1, $2, $3, 0) RETURNING id", 3, key_types);
	rc = SPI_execute_plan(plan, key, NULL, false, 0);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "erasures insert failed: %s", SPI_result_code_string(rc));
	erasure_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	/*
	 * 2. the projection row: the personal columns of customers.c's personal
	 * register; its key (personal_at, personal_event_id) stays, so an older
	 * event arriving late cannot bring the data back
	 */
	plan = Prepare("UPDATE event_types.customers SET first_name = NULL, last_name = NULL, "
				   "email = NULL, phone = NULL, city = NULL, country = NULL, date_of_birth = NULL "
				   "WHERE source OPERATOR(pg_catalog.=) $1 AND tenant OPERATOR(pg_catalog.=) $2 "
				   "AND customer_id OPERATOR(pg_catalog.=) $3", 3, key_types);
	rc = SPI_execute_plan(plan, key, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "customers update failed: %s", SPI_result_code_string(rc));

	/* 3. the event log: documents of the source and tenant naming the customer */
	scan_args[0] = key[0];
	scan_args[1] = key[1];
	CustomerFilter(customer_id, &scan_args[2], &scan_args[3]);
	types[0] = TEXTOID;
	types[1] = TEXTOID;
	types[2] = JSONBOID;
	documents += EraseDocuments(Prepare("SELECT e.source, e.event_id, e.content FROM event_types.events e "
										"WHERE e.source OPERATOR(pg_catalog.=) $1 "
										"AND e.tenant OPERATOR(pg_catalog.=) $2 "
										"AND pg_catalog.jsonb_path_exists(e.content, $3, $4) "
										"ORDER BY e.source, e.event_id", 4, scan_types),
								scan_args,
								Prepare("UPDATE event_types.events SET content = $3 "
										"WHERE source OPERATOR(pg_catalog.=) $1 "
										"AND event_id OPERATOR(pg_catalog.=) $2", 3, types),
								2, false, customer_id, erasure_id);

	/*
	 * 4. the inbox: every message of the source filed under the tenant (as
	 * MessageTenant() files it), whatever its status -- duplicates,
	 * conflicts and rejected messages carry the data too
	 */
	types[0] = INT8OID;
	types[1] = JSONBOID;
	types[2] = JSONBOID;
	documents += EraseDocuments(Prepare(psprintf("SELECT i.id, i.payload, i.errors FROM event_types.inbox i "
												 "WHERE i.source OPERATOR(pg_catalog.=) $1 "
												 "AND %s OPERATOR(pg_catalog.=) $2 "
												 "AND pg_catalog.jsonb_path_exists(i.payload, $3, $4) "
												 "ORDER BY i.id",
												 strcmp(source, "ticketing") == 0 ?
												 "COALESCE(pg_catalog.jsonb_extract_path_text(i.payload, 'metadata', 'tenant'), i.tenant, '')" :
												 "COALESCE(i.tenant, '')"),
										 4, scan_types),
								scan_args,
								Prepare("UPDATE event_types.inbox SET payload = $2, errors = $3 "
										"WHERE id OPERATOR(pg_catalog.=) $1", 3, types),
								1, true, customer_id, erasure_id);

	/* 5. how much it rewrote */
	types[0] = INT8OID;
	types[1] = INT8OID;
	values[0] = Int64GetDatum(erasure_id);
	values[1] = Int64GetDatum(documents);
	UpdateOne(Prepare("UPDATE event_types.erasures SET documents = $2 "
					  "WHERE id OPERATOR(pg_catalog.=) $1", 2, types),
			  values, "erasures");
	SPI_finish();
	PG_RETURN_INT64(documents);
}
