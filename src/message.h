/*-------------------------------------------------------------------------
 *
 * message.h
 *	  Vendor message shapes: find the events a raw message carries and
 *	  validate them against the built-in schemas.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_MESSAGE_H
#define EVENT_TYPES_MESSAGE_H

#include "utils/jsonb.h"

#include "catalog.h"
#include "validator/schema.h"

/* One event of a message (a gym delivery may carry several) */
typedef struct EtEvent
{
	const EtEventTypeDef *def;	/* NULL: the type is not catalogued */
	char	   *type_name;		/* the type as the message names it, or NULL */
	JsonbValue	value;			/* gym item (or flattened event), court body,
								 * ticketing message */
	char	   *path;			/* JSON Pointer of 'value' in the payload */
	int			index;			/* gym payload index; 0 otherwise */
} EtEvent;

typedef struct EtMessage
{
	EtSource	source;
	JsonbValue	root;
	bool		bare_body;		/* court body without envelope, typed by hint */
	int			nevents;
	EtEvent    *events;
	bool		has_unknown;	/* some event's type is not catalogued */
} EtMessage;

extern void EtSplitMessage(EtSource source, Jsonb *payload,
						   const char *type_hint, EtMessage *msg);
extern bool EtValidateMessage(EtMessage *msg, EtErrorList *errors);

#endif							/* EVENT_TYPES_MESSAGE_H */
