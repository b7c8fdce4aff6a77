/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  The built-in event catalogue: one entry per event type, generated
 *	  from the schema files under schemas/ into catalog_data.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_CATALOG_H
#define EVENT_TYPES_CATALOG_H

/* Sources; the number is the thousands digit of the codes of its types. */
typedef enum EtSource
{
	ET_SOURCE_NONE = 0,
	ET_SOURCE_GYM = 1,
	ET_SOURCE_TICKETING = 2,
	ET_SOURCE_COURT_BOOKING = 3
} EtSource;

#define ET_SOURCE_COUNT 3

typedef struct EtEventTypeDef
{
	int32		code;			/* by-value event_type datum: persistent, never
								 * renumbered */
	EtSource	source;
	const char *source_name;	/* "gym" */
	const char *name;			/* "CUSTOMER_CREATED" */
	const char *qualified_name; /* "gym.CUSTOMER_CREATED" */
	const char *description;
	const char *entity_kind;	/* what the entity id denotes */
	const char *entity_id_pointer;	/* JSON Pointer into the normalised event,
									 * or NULL */
	const char *projection;		/* customers | contracts | bookings | NULL */
	bool		deprecated;
	const char *superseded_by;	/* qualified name, or NULL */
	const char *vendor_name;	/* court_booking detail-type, else NULL */
	const char *schema_uri;		/* $id of the type's schema */
	const char *schema_json;	/* bundled, self-contained schema document */
} EtEventTypeDef;

/* A document $ref can reach without the network: meta-schemas, envelopes. */
typedef struct EtBuiltinDocument
{
	const char *uri;
	const char *json;
} EtBuiltinDocument;

/* catalog_data.c (generated) */
extern const EtEventTypeDef et_event_types[];
extern const int et_event_type_count;
extern const EtBuiltinDocument et_builtin_documents[];
extern const int et_builtin_document_count;

/* catalog.c */
extern const char *EtSourceName(EtSource source);
extern EtSource EtSourceLookup(const char *name, int len);
extern const EtEventTypeDef *EtLookupByCode(int32 code);
/* Same, but an unknown code (data written by a newer version) is an ERROR */
extern const EtEventTypeDef *EtLookupByCodeOrError(int32 code);
extern const EtEventTypeDef *EtLookupByName(EtSource source,
											const char *name, int len);
extern const EtEventTypeDef *EtLookupByVendorName(EtSource source,
												  const char *vendor_name,
												  int len);
extern const EtBuiltinDocument *EtLookupBuiltinDocument(const char *uri,
														int len);
/* Position of the type in (source, name) order; stable across versions for
 * the types that exist in both, so it can back the btree opclass. */
extern int	EtSortRank(const EtEventTypeDef *def);

#endif							/* EVENT_TYPES_CATALOG_H */
