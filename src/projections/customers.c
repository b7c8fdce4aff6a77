/*-------------------------------------------------------------------------
 *
 * customers.c
 *	  The event_types.customers projection: which events change a customer,
 *	  and how.
 *
 *	gym			  every event whose entity is a customer sets last_event_*;
 *				  CUSTOMER_CREATED / UPDATED -> active, ACCESS_DISABLED ->
 *				  access_disabled, DELETED -> deleted with personal fields
 *				  erased; HOME_STUDIO_UPDATED -> home_studio_id; CHECKIN /
 *				  CHECKOUT -> times, count, checked_in; AUTOMATIC_CUSTOMER_
 *				  CHECKOUT -> each listed customer checked out
 *	ticketing	  CUSTOMER -> active with personal fields (first billing
 *				  address, first telephone number); CUSTOMER_DELETED -> erase
 *	court_booking booking events -> the owner's personal fields;
 *				  CUSTOMER_DELETED_V1 -> erase
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/date.h"

#include "json_get.h"
#include "projection.h"
#include "validator/jsonb_access.h"

enum
{
	CU_SOURCE, CU_TENANT, CU_CUSTOMER_ID,
	CU_STATUS, CU_STATUS_AT, CU_STATUS_EVENT_ID,
	CU_FIRST_NAME, CU_LAST_NAME, CU_EMAIL, CU_PHONE, CU_CITY, CU_COUNTRY,
	CU_DATE_OF_BIRTH, CU_PERSONAL_AT, CU_PERSONAL_EVENT_ID,
	CU_HOME_STUDIO_ID, CU_HOME_STUDIO_AT, CU_HOME_STUDIO_EVENT_ID,
	CU_CREATED_AT, CU_UPDATED_AT, CU_DELETED_AT,
	CU_LAST_CHECKIN_AT, CU_LAST_CHECKOUT_AT, CU_CHECKIN_COUNT,
	CU_CHECKED_IN, CU_PRESENCE_AT, CU_PRESENCE_EVENT_ID,
	CU_LAST_EVENT_AT, CU_LAST_EVENT_TYPE, CU_LAST_EVENT_ID,
	CU_NCOLUMNS
};

enum
{
	G_STATUS, G_PERSONAL, G_HOME_STUDIO, G_PRESENCE, G_LAST_EVENT
};

static const EtProjColumn customer_columns[CU_NCOLUMNS] = {
	{"source", ET_COL_TEXT, ET_MERGE_KEY},
	{"tenant", ET_COL_TEXT, ET_MERGE_KEY},
	{"customer_id", ET_COL_TEXT, ET_MERGE_KEY},
	{"status", ET_COL_TEXT, ET_MERGE_LWW, G_STATUS, "active"},
	ET_LWW("status_at", ET_COL_TIMESTAMPTZ, G_STATUS),
	ET_LWW("status_event_id", ET_COL_TEXT, G_STATUS),
	ET_LWW("first_name", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("last_name", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("email", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("phone", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("city", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("country", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("date_of_birth", ET_COL_DATE, G_PERSONAL),
	ET_LWW("personal_at", ET_COL_TIMESTAMPTZ, G_PERSONAL),
	ET_LWW("personal_event_id", ET_COL_TEXT, G_PERSONAL),
	ET_LWW("home_studio_id", ET_COL_TEXT, G_HOME_STUDIO),
	ET_LWW("home_studio_at", ET_COL_TIMESTAMPTZ, G_HOME_STUDIO),
	ET_LWW("home_studio_event_id", ET_COL_TEXT, G_HOME_STUDIO),
	{"created_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MIN},
	{"updated_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"deleted_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"last_checkin_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"last_checkout_at", ET_COL_TIMESTAMPTZ, ET_MERGE_MAX},
	{"checkin_count", ET_COL_INT4, ET_MERGE_SUM},
	{"checked_in", ET_COL_BOOL, ET_MERGE_LWW, G_PRESENCE, "false"},
	ET_LWW("presence_at", ET_COL_TIMESTAMPTZ, G_PRESENCE),
	ET_LWW("presence_event_id", ET_COL_TEXT, G_PRESENCE),
	ET_LWW("last_event_at", ET_COL_TIMESTAMPTZ, G_LAST_EVENT),
	ET_LWW("last_event_type", ET_COL_EVENT_TYPE, G_LAST_EVENT),
	ET_LWW("last_event_id", ET_COL_TEXT, G_LAST_EVENT),
};

static const EtProjGroup customer_groups[] = {
	[G_STATUS] = {CU_STATUS_AT, CU_STATUS_EVENT_ID},
	[G_PERSONAL] = {CU_PERSONAL_AT, CU_PERSONAL_EVENT_ID},
	[G_HOME_STUDIO] = {CU_HOME_STUDIO_AT, CU_HOME_STUDIO_EVENT_ID},
	[G_PRESENCE] = {CU_PRESENCE_AT, CU_PRESENCE_EVENT_ID},
	[G_LAST_EVENT] = {CU_LAST_EVENT_AT, CU_LAST_EVENT_ID},
};

static const EtProjection customers = {
	"customers", CU_NCOLUMNS, customer_columns,
	lengthof(customer_groups), customer_groups, 0
};

/* A row for 'customer_id' that records 'ev' as its latest event */
static void
StartRow(EtProjRow *row, const EtEventRecord *ev, const char *customer_id)
{
	EtProjRowInit(row, &customers, ev);
	EtProjSetText(row, CU_CUSTOMER_ID, customer_id);
	EtProjSetGroup(row, G_LAST_EVENT, ev);
	EtProjSet(row, CU_LAST_EVENT_TYPE, Int32GetDatum(ev->def->code));
}

static void
SetStatus(EtProjRow *row, const EtEventRecord *ev, const char *status)
{
	EtProjSetText(row, CU_STATUS, status);
	EtProjSetGroup(row, G_STATUS, ev);
	EtProjSet(row, CU_UPDATED_AT, TimestampTzGetDatum(ev->occurred_at));
}

/*
 * 'YYYY-MM-DD' naming a day PostgreSQL's date type accepts.  The schema's
 * format "date" admits year 0000, which date_in() rejects with an ERROR
 * (the whole INSERT failed); such a date of birth is left NULL instead.
 */
static bool
IsStorableDate(const char *s)
{
	static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			i,
				y,
				m,
				d;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char) s[i]))
			return false;
	if (s[10] != '\0')
		return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* Personal fields as one snapshot; NULLs (all of them) erase */
static void
SetPersonal(EtProjRow *row, const EtEventRecord *ev, const char *first,
			const char *last, const char *email, const char *phone,
			const char *city, const char *country, const char *birth)
{
	EtProjSetText(row, CU_FIRST_NAME, first);
	EtProjSetText(row, CU_LAST_NAME, last);
	EtProjSetText(row, CU_EMAIL, email);
	EtProjSetText(row, CU_PHONE, phone);
	EtProjSetText(row, CU_CITY, city);
	EtProjSetText(row, CU_COUNTRY, country);
	if (birth && IsStorableDate(birth))
		EtProjSet(row, CU_DATE_OF_BIRTH,
				  DirectFunctionCall1(date_in, CStringGetDatum(birth)));
	EtProjSetGroup(row, G_PERSONAL, ev);
	EtProjSet(row, CU_UPDATED_AT, TimestampTzGetDatum(ev->occurred_at));
}

static void
Delete(EtProjRow *row, const EtEventRecord *ev)
{
	SetStatus(row, ev, "deleted");
	SetPersonal(row, ev, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	EtProjSet(row, CU_DELETED_AT, TimestampTzGetDatum(ev->occurred_at));
}

static void
SetCreated(EtProjRow *row, TimestampTz at)
{
	EtProjSet(row, CU_CREATED_AT, TimestampTzGetDatum(at));
}

static bool
Is(const EtEventRecord *ev, const char *name)
{
	return strcmp(ev->def->name, name) == 0;
}

static int
CompareStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* AUTOMATIC_CUSTOMER_CHECKOUT: each listed customer is checked out */
static void
ApplyAutomaticCheckout(const EtEventRecord *ev)
{
	JsonbValue	list,
				item;
	JbIter		it;
	int			n = 0,
				i;
	char	  **ids;
	TimestampTz *times;

	if (!EtJsonMember(&ev->content, "checkouts", &list) || !JbIsArray(&list))
		return;
	ids = palloc(sizeof(char *) * Max(JbCount(&list), 1));
	JbIterInit(&it, &list);
	while (JbArrayNext(&it, &item))
	{
		char	   *id = EtJsonGetText(&item, "customerId");

		if (id)
			ids[n++] = psprintf("%s", id);
	}
	/* one lock order for every transaction: no deadlocks between two
	 * checkouts listing the same customers */
	qsort(ids, n, sizeof(char *), CompareStrings);
	times = palloc(sizeof(TimestampTz) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		EtProjRow	row;
		JsonbValue	t;
		bool		have_time = false;

		if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
			continue;
		/* find this customer's checkoutTime (the latest, if listed twice) */
		JbIterInit(&it, &list);
		while (JbArrayNext(&it, &item))
		{
			char	   *id = EtJsonGetText(&item, "customerId");
			TimestampTz ts;

			if (id && strcmp(id, ids[i]) == 0 &&
				EtJsonMember(&item, "checkoutTime", &t) &&
				EtJsonTimestamp(&t, false, &ts) &&
				(!have_time || ts > times[i]))
			{
				times[i] = ts;
				have_time = true;
			}
		}
		StartRow(&row, ev, ids[i]);
		if (have_time)
			EtProjSet(&row, CU_LAST_CHECKOUT_AT, TimestampTzGetDatum(times[i]));
		EtProjSet(&row, CU_CHECKED_IN, BoolGetDatum(false));
		EtProjSetGroup(&row, G_PRESENCE, ev);
		EtProjUpsert(&row);
	}
}

static void
ApplyGym(const EtEventRecord *ev)
{
	EtProjRow	row;

	if (Is(ev, "AUTOMATIC_CUSTOMER_CHECKOUT"))
	{
		ApplyAutomaticCheckout(ev);
		return;
	}
	if (strcmp(ev->def->entity_kind, "customer") != 0 || ev->entity_id == NULL)
		return;

	StartRow(&row, ev, ev->entity_id);
	if (Is(ev, "CUSTOMER_CREATED"))
	{
		SetStatus(&row, ev, "active");
		SetCreated(&row, ev->occurred_at);
	}
	else if (Is(ev, "CUSTOMER_UPDATED"))
		SetStatus(&row, ev, "active");
	else if (Is(ev, "CUSTOMER_ACCESS_DISABLED"))
		SetStatus(&row, ev, "access_disabled");
	else if (Is(ev, "CUSTOMER_DELETED"))
		Delete(&row, ev);
	else if (Is(ev, "CUSTOMER_HOME_STUDIO_UPDATED"))
	{
		JsonbValue	v;

		EtProjSetText(&row, CU_HOME_STUDIO_ID,
					  EtJsonMember(&ev->content, "targetStudioId", &v) ? EtJsonText(&v) : NULL);
		EtProjSetGroup(&row, G_HOME_STUDIO, ev);
		EtProjSet(&row, CU_UPDATED_AT, TimestampTzGetDatum(ev->occurred_at));
	}
	else if (Is(ev, "CUSTOMER_CHECKIN"))
	{
		EtProjSet(&row, CU_LAST_CHECKIN_AT, TimestampTzGetDatum(ev->occurred_at));
		EtProjSet(&row, CU_CHECKIN_COUNT, Int32GetDatum(1));
		EtProjSet(&row, CU_CHECKED_IN, BoolGetDatum(true));
		EtProjSetGroup(&row, G_PRESENCE, ev);
	}
	else if (Is(ev, "CUSTOMER_CHECKOUT"))
	{
		EtProjSet(&row, CU_LAST_CHECKOUT_AT, TimestampTzGetDatum(ev->occurred_at));
		EtProjSet(&row, CU_CHECKED_IN, BoolGetDatum(false));
		EtProjSetGroup(&row, G_PRESENCE, ev);
	}
	/* every other customer event only moves last_event_* */
	EtProjUpsert(&row);
}

/* The first element of an array member that satisfies 'pred' (or any) */
static bool
FirstElement(const JsonbValue *obj, const char *key, const char *field,
			 const char *value, JsonbValue *out)
{
	JsonbValue	arr;
	JbIter		it;

	if (!EtJsonMember(obj, key, &arr) || !JbIsArray(&arr))
		return false;
	JbIterInit(&it, &arr);
	while (JbArrayNext(&it, out))
	{
		char	   *v;

		if (field == NULL)
			return true;
		v = EtJsonGetText(out, field);
		if (v && strcmp(v, value) == 0)
			return true;
	}
	return false;
}

static void
ApplyTicketing(const EtEventRecord *ev)
{
	EtProjRow	row;

	if (ev->entity_id == NULL)
		return;
	if (Is(ev, "CUSTOMER"))
	{
		JsonbValue	address,
					phone;
		bool		have_address = FirstElement(&ev->content, "addresses",
												"addressType", "BILLING", &address);
		bool		have_phone = FirstElement(&ev->content, "telephoneNumbers",
											  NULL, NULL, &phone);

		StartRow(&row, ev, ev->entity_id);
		SetStatus(&row, ev, "active");
		SetCreated(&row, ev->occurred_at);
		SetPersonal(&row, ev,
					EtJsonGetText(&ev->content, "firstName"),
					EtJsonGetText(&ev->content, "lastName"),
					EtJsonGetText(&ev->content, "email"),
					have_phone ? EtJsonGetText(&phone, "number") : NULL,
					have_address ? EtJsonGetText(&address, "city") : NULL,
					have_address ? EtJsonGetText(&address, "country") : NULL,
					NULL);
		EtProjUpsert(&row);
	}
	else if (Is(ev, "CUSTOMER_DELETED"))
	{
		StartRow(&row, ev, ev->entity_id);
		Delete(&row, ev);
		EtProjUpsert(&row);
	}
}

static void
ApplyCourtBooking(const EtEventRecord *ev)
{
	EtProjRow	row;
	JsonbValue	person;

	if (Is(ev, "CUSTOMER_DELETED_V1"))
	{
		if (ev->entity_id == NULL)
			return;
		StartRow(&row, ev, ev->entity_id);
		Delete(&row, ev);
		EtProjUpsert(&row);
	}
	else if (strcmp(ev->def->entity_kind, "booking") == 0 &&
			 EtJsonMember(&ev->content, "owner", &person))
	{
		char	   *id = EtJsonGetText(&person, "customerId");
		char	   *phone = EtJsonGetText(&person, "cellphone");
		JsonbValue	reg;
		TimestampTz registered;

		if (id == NULL)
			return;
		StartRow(&row, ev, id);
		SetPersonal(&row, ev,
					EtJsonGetText(&person, "firstName"),
					EtJsonGetText(&person, "lastName"),
					EtJsonGetText(&person, "email"),
					phone ? phone : EtJsonGetText(&person, "telephone"),
					EtJsonGetText(&person, "city"),
					EtJsonGetText(&person, "country"),
					EtJsonGetText(&person, "dateOfBirth"));
		if (EtJsonMember(&person, "registrationDate", &reg) &&
			EtJsonTimestamp(&reg, false, &registered))
			SetCreated(&row, registered);
		else
			SetCreated(&row, ev->occurred_at);
		EtProjUpsert(&row);
	}
}

void
EtApplyCustomers(const EtEventRecord *ev)
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
