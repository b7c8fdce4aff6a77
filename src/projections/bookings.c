/*-------------------------------------------------------------------------
 *
 * bookings.c
 *	  The event_types.bookings projection.
 *
 *	gym CLASS_BOOKING_* / APPOINTMENT_BOOKING_*	  kind class / appointment;
 *		_CREATED booked, _CANCELLED cancelled (the vendor sends no times)
 *	court BOOKING_CREATED_V1, BOOKING_MOVED_V1	  kind court: times, court,
 *		facility, price, players, owner; booked
 *	court BOOKING_CANCELLED_V1 / _V2			  the same, cancelled
 *	ticketing RESERVATION / ORDER				  kind reservation / order,
 *		booked, customer, price, number of ticket positions
 *	ticketing RESERVATION_CANCELLATION			  cancelled at cancelDateTime
 *	ticketing CANCELLATION						  fullCancellation: the order
 *		is cancelled at cancelDateTime; a partial one changes nothing but
 *		last_event_* (the event log keeps the detail)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "json_get.h"
#include "projection.h"
#include "validator/jsonb_access.h"

enum
{
	BO_SOURCE, BO_TENANT, BO_BOOKING_ID,
	BO_KIND, BO_CUSTOMER_ID,
	BO_STATUS, BO_STATUS_AT, BO_STATUS_EVENT_ID,
	BO_STARTS_AT, BO_ENDS_AT, BO_RESOURCE_ID, BO_RESOURCE_NAME,
	BO_FACILITY_ID, BO_FACILITY_NAME, BO_TOTAL_PRICE, BO_CURRENCY,
	BO_PLAYER_COUNT, BO_DETAILS_AT, BO_DETAILS_EVENT_ID,
	BO_CREATED_AT, BO_UPDATED_AT, BO_CANCELLED_AT,
	BO_LAST_EVENT_AT, BO_LAST_EVENT_TYPE, BO_LAST_EVENT_ID,
	BO_NCOLUMNS
};

enum
{
	G_STATUS, G_DETAILS, G_LAST_EVENT
};

static const EtProjColumn booking_columns[BO_NCOLUMNS] = {
	{"source", ET_COL_TEXT, ET_MERGE_KEY},
	{"tenant", ET_COL_TEXT, ET_MERGE_KEY},
	{"booking_id", ET_COL_TEXT, ET_MERGE_KEY},
	{"kind", ET_COL_TEXT, ET_MERGE_LWW, G_LAST_EVENT, NULL},
	ET_LWW("customer_id", ET_COL_TEXT, G_DETAILS),
	{"status", ET_COL_TEXT, ET_MERGE_LWW, G_STATUS, "booked"},
	ET_LWW("status_at", ET_COL_TIMESTAMPTZ, G_STATUS),
	ET_LWW("status_event_id", ET_COL_TEXT, G_STATUS),
	ET_LWW("starts_at", ET_COL_TIMESTAMPTZ, G_DETAILS),
	ET_LWW("ends_at", ET_COL_TIMESTAMPTZ, G_DETAILS),
	ET_LWW("resource_id", ET_COL_TEXT, G_DETAILS),
	ET_LWW("resource_name", ET_COL_TEXT, G_DETAILS),
	ET_LWW("facility_id", ET_COL_TEXT, G_DETAILS),
	ET_LWW("facility_name", ET_COL_TEXT, G_DETAILS),
	ET_LWW("total_price", ET_COL_NUMERIC, G_DETAILS),
	ET_LWW("currency", ET_COL_TEXT, G_DETAILS),
	ET_LWW("player_count", ET_COL_INT4, G_DETAILS),
	ET_LWW("details_at", ET_COL_TIMESTAMPTZ, G_DETAILS),
	ET_LWW("details_event_id", ET_COL_TEXT, G_DETAILS),
	{"created_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MIN},
	{"updated_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"cancelled_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	ET_LWW("last_event_at", ET_COL_TIMESTAMPTZ, G_LAST_EVENT),
	ET_LWW("last_event_type", ET_COL_EVENT_TYPE, G_LAST_EVENT),
	ET_LWW("last_event_id", ET_COL_TEXT, G_LAST_EVENT),
};

static const EtProjGroup booking_groups[] = {
	[G_STATUS] = {BO_STATUS_AT, BO_STATUS_EVENT_ID},
	[G_DETAILS] = {BO_DETAILS_AT, BO_DETAILS_EVENT_ID},
	[G_LAST_EVENT] = {BO_LAST_EVENT_AT, BO_LAST_EVENT_ID},
};

static const EtProjection bookings = {
	"bookings", BO_NCOLUMNS, booking_columns,
	lengthof(booking_groups), booking_groups, 2
};

static void
SetTime(EtProjRow *row, int col, const JsonbValue *obj, const char *key)
{
	JsonbValue	v;
	TimestampTz ts;

	if (EtJsonMember(obj, key, &v) && EtJsonTimestamp(&v, false, &ts))
		EtProjSet(row, col, TimestampTzGetDatum(ts));
}

/*
 * A JSON number, or a string holding a plain decimal ("1000.00", as the
 * court-booking vendor sends prices), as numeric; anything else is NULL
 * rather than an error, since the schema allows any string.
 */
static void
SetPrice(EtProjRow *row, const JsonbValue *obj, const char *key)
{
	JsonbValue	v;

	if (!EtJsonMember(obj, key, &v))
		return;
	if (v.type == jbvNumeric)
		EtProjSet(row, BO_TOTAL_PRICE, NumericGetDatum(v.val.numeric));
	else if (v.type == jbvString && v.val.string.len > 0 && v.val.string.len < 64)
	{
		char	   *s = pnstrdup(v.val.string.val, v.val.string.len);
		const char *p = s;
		bool		digits = false;

		if (*p == '-')
			p++;
		while (isdigit((unsigned char) *p))
			p++, digits = true;
		if (*p == '.')
			for (p++; isdigit((unsigned char) *p); p++)
				digits = true;
		if (digits && *p == '\0')
			EtProjSet(row, BO_TOTAL_PRICE,
					  DirectFunctionCall3(numeric_in, CStringGetDatum(s),
										  ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	}
}

static void
StartRow(EtProjRow *row, const EtEventRecord *ev, const char *booking_id,
		 const char *kind)
{
	EtProjRowInit(row, &bookings, ev);
	EtProjSetText(row, BO_BOOKING_ID, booking_id);
	EtProjSetText(row, BO_KIND, kind);
	EtProjSetGroup(row, G_LAST_EVENT, ev);
	EtProjSet(row, BO_LAST_EVENT_TYPE, Int32GetDatum(ev->def->code));
	EtProjSet(row, BO_UPDATED_AT, TimestampTzGetDatum(ev->occurred_at));
}

static void
SetStatus(EtProjRow *row, const EtEventRecord *ev, const char *status,
		  const JsonbValue *obj, const char *at_key)
{
	EtProjSetText(row, BO_STATUS, status);
	EtProjSetGroup(row, G_STATUS, ev);
	if (strcmp(status, "cancelled") == 0)
	{
		EtProjSet(row, BO_CANCELLED_AT, TimestampTzGetDatum(ev->occurred_at));
		if (obj)
			SetTime(row, BO_CANCELLED_AT, obj, at_key);
	}
}

static bool
EndsWith(const char *s, const char *suffix)
{
	size_t		n = strlen(s),
				m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
ApplyGym(const EtEventRecord *ev)
{
	const char *name = ev->def->name;
	const char *kind;
	EtProjRow	row;

	if (strncmp(name, "CLASS_BOOKING_", 14) == 0)
		kind = "class";
	else if (strncmp(name, "APPOINTMENT_BOOKING_", 20) == 0)
		kind = "appointment";
	else
		return;
	if (ev->entity_id == NULL)
		return;
	StartRow(&row, ev, ev->entity_id, kind);
	if (EndsWith(name, "_CREATED"))
	{
		SetStatus(&row, ev, "booked", NULL, NULL);
		EtProjSet(&row, BO_CREATED_AT, TimestampTzGetDatum(ev->occurred_at));
	}
	else if (EndsWith(name, "_CANCELLED"))
		SetStatus(&row, ev, "cancelled", NULL, NULL);
	EtProjUpsert(&row);
}

static void
ApplyCourtBooking(const EtEventRecord *ev)
{
	const char *name = ev->def->name;
	JsonbValue	booking,
				owner,
				facility;
	EtProjRow	row;

	if (strncmp(name, "BOOKING_", 8) != 0 || ev->entity_id == NULL ||
		!EtJsonMember(&ev->content, "booking", &booking))
		return;
	StartRow(&row, ev, ev->entity_id, "court");

	/* every booking event carries the whole booking: one snapshot */
	if (EtJsonMember(&ev->content, "owner", &owner))
		EtProjSetText(&row, BO_CUSTOMER_ID, EtJsonGetText(&owner, "customerId"));
	SetTime(&row, BO_STARTS_AT, &booking, "startTime");
	SetTime(&row, BO_ENDS_AT, &booking, "endTime");
	EtProjSetText(&row, BO_RESOURCE_ID, EtJsonGetText(&booking, "courtId"));
	EtProjSetText(&row, BO_RESOURCE_NAME, EtJsonGetText(&booking, "courtName"));
	if (EtJsonMember(&ev->content, "facility", &facility))
	{
		EtProjSetText(&row, BO_FACILITY_ID, EtJsonGetText(&facility, "facilityId"));
		EtProjSetText(&row, BO_FACILITY_NAME, EtJsonGetText(&facility, "facilityName"));
	}
	SetPrice(&row, &booking, "totalPrice");
	EtProjSet(&row, BO_PLAYER_COUNT,
			  Int32GetDatum(EtJsonArrayLength(&ev->content, "players")));
	EtProjSetGroup(&row, G_DETAILS, ev);

	if (strncmp(name, "BOOKING_CANCELLED_", 18) == 0)
		SetStatus(&row, ev, "cancelled", NULL, NULL);
	else if (strcmp(name, "BOOKING_CREATED_V1") == 0)
	{
		SetStatus(&row, ev, "booked", NULL, NULL);
		EtProjSet(&row, BO_CREATED_AT, TimestampTzGetDatum(ev->occurred_at));
	}
	/* BOOKING_MOVED_V1: new times, status unchanged */
	EtProjUpsert(&row);
}

static int
TicketPositions(const JsonbValue *content)
{
	return EtJsonArrayLength(content, "singleTickets") +
		EtJsonArrayLength(content, "seasonTickets") +
		EtJsonArrayLength(content, "subscriptions");
}

static void
ApplyTicketing(const EtEventRecord *ev)
{
	const char *name = ev->def->name;
	const JsonbValue *c = &ev->content;
	EtProjRow	row;
	bool		reservation;

	if (ev->entity_id == NULL)
		return;
	if (strcmp(name, "RESERVATION") == 0 || strcmp(name, "ORDER") == 0)
	{
		reservation = name[0] == 'R';
		StartRow(&row, ev, ev->entity_id, reservation ? "reservation" : "order");
		SetStatus(&row, ev, "booked", NULL, NULL);
		EtProjSetText(&row, BO_CUSTOMER_ID, EtJsonGetText(c, "customerId"));
		SetPrice(&row, c, "price");
		EtProjSetText(&row, BO_CURRENCY, EtJsonGetText(c, "currency"));
		EtProjSet(&row, BO_PLAYER_COUNT, Int32GetDatum(TicketPositions(c)));
		EtProjSetGroup(&row, G_DETAILS, ev);
		EtProjSet(&row, BO_CREATED_AT, TimestampTzGetDatum(ev->occurred_at));
		SetTime(&row, BO_CREATED_AT, c, reservation ? "reservationDateTime" : "orderDateTime");
	}
	else if (strcmp(name, "RESERVATION_CANCELLATION") == 0)
	{
		StartRow(&row, ev, ev->entity_id, "reservation");
		SetStatus(&row, ev, "cancelled", c, "cancelDateTime");
	}
	else if (strcmp(name, "CANCELLATION") == 0)
	{
		JsonbValue	full;

		StartRow(&row, ev, ev->entity_id, "order");
		if (EtJsonMember(c, "fullCancellation", &full) && full.type == jbvBool &&
			full.val.boolean)
			SetStatus(&row, ev, "cancelled", c, "cancelDateTime");
	}
	else
		return;
	EtProjUpsert(&row);
}

void
EtApplyBookings(const EtEventRecord *ev)
{
	switch (ev->def->source)
	{
		case ET_SOURCE_GYM:
			ApplyGym(ev);
			break;
		case ET_SOURCE_TICKETING:
			ApplyTicketing(ev);
			break;
		case ET_SOURCE_COURT_BOOKING:
			ApplyCourtBooking(ev);
			break;
		default:
			break;
	}
}
