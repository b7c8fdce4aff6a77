/*-------------------------------------------------------------------------
 *
 * extract.c
 *	  Typed columns of each event of a validated message: event id,
 *	  tenant, entity id, occurred_at and content (SPEC "Precise rules").
 *
 *	gym			  id = delivery uuid, "uuid#i" for item i >= 1; time =
 *				  item timestamp (epoch ms or RFC 3339); tenant = hint or
 *				  ''; entity = entityId; content = item content or {}
 *	ticketing	  id = metadata.traceId; time = metadata.occurredAt;
 *				  tenant = metadata.tenant; content = the message
 *	court_booking id = envelope id; time = envelope timestamp; tenant =
 *				  hint or ''; content = detail (or data); a bare body:
 *				  id = hint or "<TYPE>:<entity id>", time = hint or
 *				  received_at
 *
 * The entity id follows the catalogue's JSON Pointer (x-event-type
 * entity_id), so the schema files decide it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "extract.h"
#include "json_get.h"
#include "validator/jsonb_access.h"

/*
 * Longest event id, tenant or entity id stored.  They are btree keys of the
 * event log and the projections (a btree entry holds at most ~2.7 kB); a
 * longer one made the INSERT fail with "index row size exceeds maximum" and
 * the message was lost.  Now it is kept as rejected with a limits error.
 */
#define ET_MAX_ID_BYTES 1024

static void
CheckIdLength(const char *value, const char *what, const char *path,
			  EtErrorList *errors)
{
	if (value != NULL && strlen(value) > ET_MAX_ID_BYTES)
		EtErrorListAdd(errors, path, "limits",
				 psprintf("%s of %zu bytes is longer than %d bytes",
						  what, strlen(value), ET_MAX_ID_BYTES));
}

static bool
ExtractTime(const JsonbValue *obj, const char *key, bool allow_epoch_ms,
			const char *path, TimestampTz *out, EtErrorList *errors)
{
	JsonbValue	v;

	if (EtJsonMember(obj, key, &v) && EtJsonTimestamp(&v, allow_epoch_ms, out))
		return true;
	EtErrorListAdd(errors, psprintf("%s/%s", path, key), "timestamp",
			 psprintf("\"%s\" is not a time PostgreSQL can store", key));
	return false;
}

static char *
EntityId(const EtEventTypeDef *def, const JsonbValue *in)
{
	JsonbValue	v;

	if (def->entity_id_pointer == NULL ||
		!EtJsonPointer(in, def->entity_id_pointer, &v))
		return NULL;
	return EtJsonText(&v);
}

static JsonbValue
EmptyObject(void)
{
	JsonbValue	v = {0};

	JbRootValue(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"))), &v);
	return v;
}

bool
EtExtractEvents(const EtMessage *msg, const EtHints *hints,
				EtEventRecord *records, EtErrorList *errors)
{
	const JsonbValue *root = &msg->root;
	int			before = errors->count;
	int			i;

	for (i = 0; i < msg->nevents; i++)
	{
		const EtEvent *e = &msg->events[i];
		EtEventRecord *r = &records[i];
		JsonbValue	v;

		memset(r, 0, sizeof(*r));
		r->def = e->def;
		r->inbox_id = hints->inbox_id;
		switch (msg->source)
		{
			case ET_SOURCE_GYM:
				{
					char	   *uuid = EtJsonGetText(root, "uuid");

					r->event_id = e->index == 0 ? uuid : psprintf("%s#%d", uuid, e->index);
					r->tenant = pstrdup(hints->tenant ? hints->tenant : "");
					/* entityId lives on the delivery, the rest on the item */
					r->entity_id = EtJsonGetText(root, "entityId");
					ExtractTime(&e->value, "timestamp", true, e->path, &r->occurred_at, errors);
					if (EtJsonMember(&e->value, "content", &v) && JbIsObject(&v))
						r->content = v;
					else
						r->content = EmptyObject();
					break;
				}
			case ET_SOURCE_TICKETING:
				{
					JsonbValue	meta;

					EtJsonMember(root, "metadata", &meta);
					r->event_id = EtJsonGetText(&meta, "traceId");
					r->tenant = EtJsonGetText(&meta, "tenant");
					ExtractTime(&meta, "occurredAt", false, "/metadata", &r->occurred_at, errors);
					r->entity_id = EntityId(e->def, root);
					r->content = *root;
					break;
				}
			case ET_SOURCE_COURT_BOOKING:
				r->tenant = pstrdup(hints->tenant ? hints->tenant : "");
				if (msg->bare_body)
				{
					r->content = *root;
					r->entity_id = EntityId(e->def, root);
					r->event_id = hints->event_id ? pstrdup(hints->event_id) :
						psprintf("%s:%s", e->def->name, r->entity_id ? r->entity_id : "");
					r->occurred_at = hints->has_occurred_at ? hints->occurred_at :
						hints->received_at;
				}
				else
				{
					if (!EtJsonMember(root, "detail", &r->content))
						EtJsonMember(root, "data", &r->content);
					r->entity_id = EntityId(e->def, &r->content);
					r->event_id = EtJsonGetText(root, "id");
					ExtractTime(root, "timestamp", false, "", &r->occurred_at, errors);
				}
				break;
			default:
				elog(ERROR, "unexpected source %d", (int) msg->source);
		}
		if (r->event_id == NULL || r->tenant == NULL)
			elog(ERROR, "validated %s message lacks its event id or tenant",
				 EtSourceName(msg->source));
		CheckIdLength(r->event_id, "event id", e->path, errors);
		CheckIdLength(r->tenant, "tenant", e->path, errors);
		CheckIdLength(r->entity_id, "entity id", e->path, errors);
	}
	return errors->count == before;
}
