/*-------------------------------------------------------------------------
 *
 * generated.c
 *	  Attach the generated validators (generated.h) to compiled programs.
 *
 * A generated function replaces evaluate.c only where it provably
 * validates the same schema:
 *
 *	- the built-in programs (builtin_schemas.c) get the function generated
 *	  for their URI and entry pointer;
 *	- a program compiled from a schema a user passed in gets the function
 *	  of a built-in type only if the schema's "$id" names that type and its
 *	  bytes equal the built-in document's -- event_types.schema(t) used as
 *	  a constant, the common case in a CHECK constraint.  Its references
 *	  then resolve alike, since the urn:event-types: namespace always
 *	  resolves to built-ins (documents.c).
 *
 * Only the verdict is generated.  Error collection (validation_errors(),
 * rejected inbox rows) always walks the schema in evaluate.c, and
 * event_types.generated_validators = off sends verdicts there too, and
 * = verify runs both and raises an ERROR where they differ (the test suites
 * run that way).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "generated.h"
#include "jsonb_access.h"

int			et_generated_validators = ET_GENERATED_ON;

EtGeneratedFn
EtGeneratedLookup(const char *uri, const char *pointer)
{
	int			i;

	for (i = 0; i < et_generated_entry_count; i++)
	{
		const EtGeneratedValidator *g = &et_generated_entries[i];

		if (strcmp(g->uri, uri) == 0 && strcmp(g->pointer, pointer) == 0)
			return g->fn;
	}
	return NULL;
}

void
EtAttachGenerated(EtProgram *prog, Jsonb *schema)
{
	JsonbValue	root,
				id;
	char	   *uri;
	EtGeneratedFn fn;

	JbRootValue(schema, &root);
	if (!JbIsObject(&root) || !JbObjectGet(&root, "$id", 3, &id) ||
		id.type != jbvString)
		return;
	uri = pnstrdup(id.val.string.val, id.val.string.len);
	/* only a built-in type's schema has a function for its root */
	fn = EtGeneratedLookup(uri, "");
	if (fn != NULL)
	{
		bool		is_registered;
		Jsonb	   *builtin = EtFindDocument(uri, &is_registered);

		/* jsonb is canonical (keys sorted, no duplicates): same bytes, same schema */
		if (builtin != NULL && VARSIZE(builtin) == VARSIZE(schema) &&
			memcmp(builtin, schema, VARSIZE(schema)) == 0)
			prog->root->generated = fn;
	}
	pfree(uri);
}
