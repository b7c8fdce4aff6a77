/*-------------------------------------------------------------------------
 *
 * validator_sql.c
 *	  SQL-callable JSON Schema functions: jsonb_matches_schema,
 *	  validation_errors, and the schema registry's helpers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"			/* work_mem, before PG 15 */
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/rel.h"

#include "event_types.h"
#include "generated.h"
#include "jsonb_access.h"
#include "schema.h"
#include "uri.h"
#include "validator_sql.h"

/*
 * Emit an error list as the rows of a (path text, keyword text, message
 * text) set-returning function in materialize mode.
 */
void
EtReturnErrors(FunctionCallInfo fcinfo, EtErrorList *errors)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

#if PG_VERSION_NUM >= 160000
	InitMaterializedSRF(fcinfo, 0);
#elif PG_VERSION_NUM >= 150000
	SetSingleFuncCall(fcinfo, 0);
#else
	{
		TupleDesc	tupdesc;
		MemoryContext old;

		if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
			!(rsinfo->allowedModes & SFRM_Materialize))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("set-valued function called in context that cannot accept a set")));
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		rsinfo->returnMode = SFRM_Materialize;
		rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
		rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
		MemoryContextSwitchTo(old);
	}
#endif
	for (i = 0; i < errors->count; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(errors->items[i].path);
		values[1] = CStringGetTextDatum(errors->items[i].keyword);
		values[2] = CStringGetTextDatum(errors->items[i].message);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * jsonb_matches_schema(schema jsonb, instance jsonb) -> boolean
 */
ET_FUNCTION_INFO(event_types_jsonb_matches_schema);
Datum
event_types_jsonb_matches_schema(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *instance = PG_GETARG_JSONB_P(1);
	EtProgram  *prog = EtGetProgram(fcinfo, schema);
	JsonbValue	root;

	JbRootValue(instance, &root);
	PG_RETURN_BOOL(EtValidate(prog, NULL, &root));
}

/*
 * uses_generated_validator(schema jsonb) -> boolean
 *
 * Whether jsonb_matches_schema() decides this schema with the C generated
 * from a built-in event schema (generated.c), as EXPLAIN tells whether a
 * plan is JIT-compiled: for tests and for users who want to know.
 */
ET_FUNCTION_INFO(event_types_uses_generated_validator);
Datum
event_types_uses_generated_validator(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	EtProgram  *prog = EtGetProgram(fcinfo, schema);

	PG_RETURN_BOOL(prog->root->generated != NULL &&
				   et_generated_validators != ET_GENERATED_OFF);
}

/*
 * validation_errors(schema jsonb, instance jsonb)
 *		-> TABLE(path text, keyword text, message text)
 */
ET_FUNCTION_INFO(event_types_validation_errors);
Datum
event_types_validation_errors(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *instance = PG_GETARG_JSONB_P(1);
	EtProgram  *prog = EtGetProgram(fcinfo, schema);
	EtErrorList errors = {0};
	JsonbValue	root;

	JbRootValue(instance, &root);
	EtValidateCollect(prog, NULL, &root, NULL, &errors);
	EtErrorListDedupe(&errors, 0);
	EtReturnErrors(fcinfo, &errors);
	return (Datum) 0;
}

/*
 * check_schema(schema jsonb, uri text) -> void
 *
 * Used by register_schema(): raises the same errors a compile would for a
 * malformed schema or a reserved URI; references to documents that are
 * not registered yet are allowed.
 */
ET_FUNCTION_INFO(event_types_check_schema);
Datum
event_types_check_schema(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	char	   *uri = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *fragment;
	char	   *base = EtUriStripFragment(uri, &fragment);

	if (!EtUriHasScheme(uri) || (fragment && fragment[0] != '\0'))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("schema URI \"%s\" must be an absolute URI without a fragment", uri),
				 errhint("For example \"https://example.com/schemas/order.json\" or \"urn:example:order\".")));
	if (EtIsBuiltinUri(base))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("schema URI \"%s\" is reserved for a built-in document", base),
				 errdetail("The 2020-12 meta-schemas and the urn:event-types: namespace are built in and cannot be replaced.")));
	EtCheckSchema(schema, base);
	PG_RETURN_VOID();
}

/*
 * Trigger on event_types.registered_schemas: any change makes every
 * backend drop the compiled programs that used registered documents.
 */
ET_FUNCTION_INFO(event_types_registry_changed);
Datum
event_types_registry_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("event_types_registry_changed() must be an AFTER ... FOR EACH STATEMENT trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	EtInvalidatePrograms();
	return PointerGetDatum(NULL);
}
