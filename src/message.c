/*-------------------------------------------------------------------------
 *
 * message.c
 *	  Vendor message shapes: find the events a raw message carries and
 *	  validate them against the built-in schemas; validate_event().
 *
 * Each source wraps its events differently:
 *	gym			  a delivery {entityId, uuid, payload: [{timestamp, type,
 *				  content}, ...]}, or one flattened event; type = item.type
 *	ticketing	  {metadata: {traceId, occurredAt, version, tenant, type}, ...};
 *				  type = metadata.type
 *	court_booking {id, detail-type, timestamp, detail | data}; type from
 *				  detail-type (BookingCancelledV1 -> BOOKING_CANCELLED_V1),
 *				  or a bare body typed by the receiver's hint
 *
 * A message whose events all have one catalogued type is validated against
 * that type's full schema -- the very document event_types.schema()
 * returns, so both always agree.  A gym delivery mixing types is checked
 * against the envelope plus each item's own item schema.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"

#include "event_types.h"
#include "message.h"
#include "validator/jsonb_access.h"
#include "validator/validator_sql.h"

static bool
GetString(const JsonbValue *obj, const char *key, JsonbValue *out)
{
	return JbIsObject(obj) && JbObjectGet(obj, key, strlen(key), out) &&
		out->type == jbvString;
}

static const EtEventTypeDef *
LookupHint(EtSource source, const char *hint)
{
	const char *name = hint;
	const char *dot = strchr(hint, '.');
	const EtEventTypeDef *def;

	if (dot)
	{
		if (EtSourceLookup(hint, dot - hint) != source)
			return NULL;
		name = dot + 1;
	}
	def = EtLookupByName(source, name, strlen(name));
	if (def == NULL)
		def = EtLookupByVendorName(source, name, strlen(name));
	return def;
}

static void
AddEvent(EtMessage *msg, const EtEventTypeDef *def, const JsonbValue *type,
		 const JsonbValue *value, char *path, int index)
{
	EtEvent    *e = &msg->events[msg->nevents++];

	e->def = def;
	e->type_name = type ? pnstrdup(type->val.string.val, type->val.string.len) : NULL;
	e->value = *value;
	e->path = path;
	e->index = index;
	if (def == NULL && type != NULL)
		msg->has_unknown = true;
}

/*
 * Find the events of a message.  Events whose type cannot even be read
 * (missing, not a string) are left out: envelope validation reports them.
 */
void
EtSplitMessage(EtSource source, Jsonb *payload, const char *type_hint,
			   EtMessage *msg)
{
	JsonbValue	v,
				t;

	memset(msg, 0, sizeof(*msg));
	msg->source = source;
	JbRootValue(payload, &msg->root);
	if (!JbIsObject(&msg->root))
		return;

	switch (source)
	{
		case ET_SOURCE_GYM:
			if (JbObjectGet(&msg->root, "payload", 7, &v))
			{
				JbIter		it;
				JsonbValue	item;

				if (!JbIsArray(&v))
					return;
				msg->events = palloc0(sizeof(EtEvent) * Max(JbCount(&v), 1));
				JbIterInit(&it, &v);
				while (JbArrayNext(&it, &item))
				{
					if (GetString(&item, "type", &t))
						AddEvent(msg, EtLookupByName(ET_SOURCE_GYM, t.val.string.val,
													 t.val.string.len),
								 &t, &item, psprintf("/payload/%d", it.i - 1), it.i - 1);
				}
			}
			else if (GetString(&msg->root, "type", &t))
			{
				msg->events = palloc0(sizeof(EtEvent));
				AddEvent(msg, EtLookupByName(ET_SOURCE_GYM, t.val.string.val, t.val.string.len),
						 &t, &msg->root, "", 0);
			}
			break;

		case ET_SOURCE_TICKETING:
			if (JbObjectGet(&msg->root, "metadata", 8, &v) && GetString(&v, "type", &t))
			{
				msg->events = palloc0(sizeof(EtEvent));
				AddEvent(msg, EtLookupByName(ET_SOURCE_TICKETING, t.val.string.val,
											 t.val.string.len),
						 &t, &msg->root, "", 0);
			}
			break;

		case ET_SOURCE_COURT_BOOKING:
			if (GetString(&msg->root, "detail-type", &t))
			{
				msg->events = palloc0(sizeof(EtEvent));
				AddEvent(msg, EtLookupByVendorName(ET_SOURCE_COURT_BOOKING,
												   t.val.string.val, t.val.string.len),
						 &t, &msg->root, "", 0);
			}
			else if (type_hint != NULL &&
					 !JbObjectGet(&msg->root, "detail", 6, &v) &&
					 !JbObjectGet(&msg->root, "data", 4, &v))
			{
				JsonbValue	hint;

				hint.type = jbvString;
				hint.val.string.val = (char *) type_hint;
				hint.val.string.len = strlen(type_hint);
				msg->bare_body = true;
				msg->events = palloc0(sizeof(EtEvent));
				AddEvent(msg, LookupHint(ET_SOURCE_COURT_BOOKING, type_hint),
						 &hint, &msg->root, "", 0);
			}
			break;

		default:
			break;
	}
}

/*
 * Validate 'instance', adding its errors to 'errors'.  Nearly every message
 * is valid, and a bare verdict takes validation's fast paths (leaf
 * subschemas inline, no instance paths); errors are collected by a second
 * walk only for the few that fail.  The two walks agree by construction
 * and by test (test/conformance.sql, test/fast_paths.sql).
 */
static void
ValidateInto(EtProgram *prog, EtNode *entry, const JsonbValue *instance,
			 const char *path_prefix, EtErrorList *errors)
{
	if (EtValidate(prog, entry, instance))
		return;
	EtValidateCollect(prog, entry, instance, path_prefix, errors);
}

/*
 * Validate a split message; returns true when it is valid.  A type that is
 * not catalogued is reported with keyword "event_type" (the inbox keeps
 * such messages as unknown_type rather than rejecting them).
 */
bool
EtValidateMessage(EtMessage *msg, EtErrorList *errors)
{
	int			before = errors->count;
	const EtEventTypeDef *single = NULL;
	bool		uniform = msg->nevents > 0;
	int			i;

	for (i = 0; i < msg->nevents; i++)
	{
		EtEvent    *e = &msg->events[i];

		if (e->def == NULL)
		{
			uniform = false;
			EtErrorListAdd(errors, psprintf("%s%s", e->path,
											 msg->source == ET_SOURCE_TICKETING ? "/metadata/type" :
											 msg->source == ET_SOURCE_COURT_BOOKING ?
											 (msg->bare_body ? "" : "/detail-type") : "/type"),
							"event_type",
							psprintf("unknown %s event type \"%s\"",
									 EtSourceName(msg->source), e->type_name));
			continue;
		}
		if (single == NULL)
			single = e->def;
		else if (single != e->def)
			uniform = false;
	}

	if (uniform)
	{
		const EtBuiltinSchema *s = EtBuiltinTypeSchema(single);

		ValidateInto(s->prog, msg->bare_body ? s->part : NULL, &msg->root,
					 NULL, errors);
		EtErrorListDedupe(errors, before);
		return errors->count == before;
	}

	/* unknown types (only) in ticketing / court: nothing more to check */
	if (msg->has_unknown && msg->source != ET_SOURCE_GYM)
		return false;

	if (!msg->bare_body)
	{
		const EtBuiltinSchema *env = EtBuiltinEnvelopeSchema(msg->source);

		ValidateInto(env->prog, NULL, &msg->root, NULL, errors);
	}
	for (i = 0; i < msg->nevents; i++)
	{
		EtEvent    *e = &msg->events[i];
		const EtBuiltinSchema *s;

		if (e->def == NULL)
			continue;
		s = EtBuiltinTypeSchema(e->def);
		ValidateInto(s->prog, s->part, &e->value, e->path, errors);
	}
	EtErrorListDedupe(errors, before);
	return errors->count == before;
}

/*
 * validate_event(source text, payload jsonb, event_type text DEFAULT NULL)
 *		-> TABLE(path text, keyword text, message text)
 *
 * Not STRICT: a NULL source or payload is an error, not "no rows" (which
 * would read as "valid").
 */
ET_FUNCTION_INFO(event_types_validate_event);
Datum
event_types_validate_event(PG_FUNCTION_ARGS)
{
	char	   *source_name;
	Jsonb	   *payload;
	char	   *hint = NULL;
	EtSource	source;
	EtMessage	msg;
	EtErrorList errors = {0};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source and payload must not be null")));
	source_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	payload = PG_GETARG_JSONB_P(1);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		hint = text_to_cstring(PG_GETARG_TEXT_PP(2));

	source = EtSourceLookup(source_name, strlen(source_name));
	if (source == ET_SOURCE_NONE)
		EtErrorListAdd(&errors, "", "source",
						psprintf("unknown source \"%s\"; known sources: gym, ticketing, court_booking",
								 source_name));
	else
	{
		EtSplitMessage(source, payload, hint, &msg);
		EtValidateMessage(&msg, &errors);
	}
	EtReturnErrors(fcinfo, &errors);
	return (Datum) 0;
}
