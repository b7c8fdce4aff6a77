/*-------------------------------------------------------------------------
 *
 * documents.c
 *	  The documents a $ref may reach: built-in ones and the user registry.
 *
 * Nothing is ever fetched over a network.  A URI resolves, in this order,
 * to
 *	1. a built-in document: the 2020-12 meta-schemas and the event
 *	   envelopes (catalog_data.c), or a catalogued event type's schema
 *	   (urn:event-types:<source>:<NAME>);
 *	2. a document registered with event_types.register_schema(), kept in
 *	   the dumpable table event_types.registered_schemas.
 *
 * Built-in documents are parsed once per backend and kept in their own
 * memory context.  Registered ones are read through SPI whenever a schema
 * that needs them is compiled; compiled programs that used the registry
 * are dropped when it changes (cache.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "catalog.h"
#include "schema.h"

/*
 * Parsed built-in documents, indexed like et_builtin_documents[] and then
 * et_event_types[]; filled on first use, backend lifetime, never changes.
 */
static Jsonb **builtin_parsed = NULL;

#define URI_PREFIX_EVENT_TYPES "urn:event-types:"

/* Index of a built-in document in builtin_parsed, or -1 */
static int
BuiltinDocumentIndex(const char *uri)
{
	const EtBuiltinDocument *doc = EtLookupBuiltinDocument(uri, strlen(uri));
	int			i;

	if (doc)
		return doc - et_builtin_documents;
	if (strncmp(uri, URI_PREFIX_EVENT_TYPES, strlen(URI_PREFIX_EVENT_TYPES)) == 0)
		for (i = 0; i < et_event_type_count; i++)
			if (strcmp(et_event_types[i].schema_uri, uri) == 0)
				return et_builtin_document_count + i;
	return -1;
}

bool
EtIsBuiltinUri(const char *uri)
{
	/* the whole urn:event-types: namespace is reserved for built-ins */
	return BuiltinDocumentIndex(uri) >= 0 ||
		strncmp(uri, URI_PREFIX_EVENT_TYPES, strlen(URI_PREFIX_EVENT_TYPES)) == 0;
}

static Jsonb *
BuiltinDocument(const char *uri)
{
	int			i = BuiltinDocumentIndex(uri);

	if (i < 0)
		return NULL;
	if (builtin_parsed == NULL)
		builtin_parsed = MemoryContextAllocZero(
			AllocSetContextCreate(TopMemoryContext, "event_types built-in documents",
								  ALLOCSET_DEFAULT_SIZES),
			sizeof(Jsonb *) * (et_builtin_document_count + et_event_type_count));
	if (builtin_parsed[i] == NULL)
	{
		const char *text = i < et_builtin_document_count ?
			et_builtin_documents[i].json :
			et_event_types[i - et_builtin_document_count].schema_json;
		MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(builtin_parsed));

		builtin_parsed[i] = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															   CStringGetDatum(text)));
		MemoryContextSwitchTo(old);
	}
	return builtin_parsed[i];
}

/*
 * Read a registered document.  Runs a (cached) SPI plan; every name is
 * schema-qualified so the caller's search_path cannot redirect it.
 */
static Jsonb *
RegisteredDocument(const char *uri)
{
	static SPIPlanPtr plan = NULL;	/* prepared once per backend */
	Datum		arg = CStringGetTextDatum(uri);
	Jsonb	   *result = NULL;
	MemoryContext caller = CurrentMemoryContext;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (plan == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};
		SPIPlanPtr	p;

		p = SPI_prepare("SELECT schema FROM event_types.registered_schemas "
						"WHERE uri OPERATOR(pg_catalog.=) $1", 1, argtypes);
		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plan = p;
	}
	rc = SPI_execute_plan(plan, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			Jsonb	   *jb = DatumGetJsonbP(d);
			MemoryContext old = MemoryContextSwitchTo(caller);

			result = (Jsonb *) palloc(VARSIZE(jb));
			memcpy(result, jb, VARSIZE(jb));
			MemoryContextSwitchTo(old);
		}
	}
	SPI_finish();
	return result;
}

Jsonb *
EtFindDocument(const char *uri, bool *is_registered)
{
	Jsonb	   *jb;

	*is_registered = false;
	if (uri == NULL || uri[0] == '\0')
		return NULL;
	jb = BuiltinDocument(uri);
	if (jb)
		return jb;
	if (EtIsBuiltinUri(uri))
		return NULL;
	jb = RegisteredDocument(uri);
	if (jb)
		*is_registered = true;
	return jb;
}
