/*-------------------------------------------------------------------------
 *
 * extract.h
 *	  Typed columns of each event of a validated message.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_EXTRACT_H
#define EVENT_TYPES_EXTRACT_H

#include "event_record.h"
#include "message.h"

/* What the receiver may tell us beside the payload (inbox hint columns) */
typedef struct EtHints
{
	const char *event_type;
	const char *tenant;
	const char *event_id;
	bool		has_occurred_at;
	TimestampTz occurred_at;
	TimestampTz received_at;
	int64		inbox_id;
} EtHints;

/*
 * Fill records[0 .. msg->nevents-1].  Returns false, with errors added,
 * when a value the schema allowed still cannot be typed (a timestamp out of
 * PostgreSQL's range, say).
 */
extern bool EtExtractEvents(const EtMessage *msg, const EtHints *hints,
							EtEventRecord *records, EtErrorList *errors);

#endif							/* EVENT_TYPES_EXTRACT_H */
