/*-------------------------------------------------------------------------
 *
 * builtin_schemas.c
 *	  The catalogue's event schemas, compiled once per backend.
 *
 * The insert trigger validates every message against one of these, so
 * they are compiled on first use and then kept for the life of the
 * backend: built-in documents never change while the library is loaded
 * and never depend on the user registry (documents.c resolves the whole
 * urn:event-types: namespace to built-ins only), so no invalidation is
 * needed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/memutils.h"

#include "catalog.h"
#include "generated.h"
#include "schema.h"

/* Compiled built-ins, by position in et_event_types[]; then envelopes. */
static EtBuiltinSchema *builtin_types = NULL;
static EtBuiltinSchema builtin_envelopes[ET_SOURCE_COUNT + 1];
static MemoryContext builtin_cxt = NULL;

static void
EnsureContext(void)
{
	if (builtin_cxt == NULL)
	{
		builtin_cxt = AllocSetContextCreate(TopMemoryContext,
											"event_types built-in schemas",
											ALLOCSET_DEFAULT_SIZES);
		builtin_types = MemoryContextAllocZero(builtin_cxt,
											   sizeof(EtBuiltinSchema) * et_event_type_count);
	}
}

static void
CompileBuiltin(EtBuiltinSchema *out, const char *uri, const char *json,
			   const char *part_pointer)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	EtNode	   *part = NULL;

	out->prog = EtCompileSchemaEntries(jb, uri, builtin_cxt,
									   part_pointer ? 1 : 0,
									   part_pointer ? &part_pointer : NULL,
									   &part);
	out->part = part;
	out->prog->root->generated = EtGeneratedLookup(uri, "");
	if (part)
		part->generated = EtGeneratedLookup(uri, part_pointer);
	/* vendor formats are part of the contract: not subject to the GUC */
	out->prog->assert_formats = true;
}

/* Where a source's type schemas keep the part a bare message validates */
static const char *
PartPointer(EtSource source)
{
	switch (source)
	{
		case ET_SOURCE_GYM:
			return "/$defs/item";
		case ET_SOURCE_COURT_BOOKING:
			return "/$defs/body";
		default:
			return NULL;
	}
}

const EtBuiltinSchema *
EtBuiltinTypeSchema(const EtEventTypeDef *def)
{
	int			i = def - et_event_types;
	EtBuiltinSchema *s;

	Assert(i >= 0 && i < et_event_type_count);
	EnsureContext();
	s = &builtin_types[i];
	if (s->prog == NULL)
		CompileBuiltin(s, def->schema_uri, def->schema_json, PartPointer(def->source));
	return s;
}

const EtBuiltinSchema *
EtBuiltinEnvelopeSchema(int source)
{
	EtBuiltinSchema *s;

	Assert(source > 0 && source <= ET_SOURCE_COUNT);
	EnsureContext();
	s = &builtin_envelopes[source];
	if (s->prog == NULL)
	{
		char	   *uri = psprintf("urn:event-types:%s:envelope", EtSourceName(source));
		const EtBuiltinDocument *doc = EtLookupBuiltinDocument(uri, strlen(uri));

		if (doc == NULL)
			elog(ERROR, "built-in envelope \"%s\" is missing", uri);
		CompileBuiltin(s, doc->uri, doc->json, NULL);
	}
	return s;
}
