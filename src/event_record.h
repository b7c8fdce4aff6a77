/*-------------------------------------------------------------------------
 *
 * event_record.h
 *	  One typed event, as the event log stores it and the projections
 *	  consume it.  Built from a fresh inbox message (ingest.c) or from a
 *	  stored events row (rebuild), so both paths apply the same code.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_EVENT_RECORD_H
#define EVENT_TYPES_EVENT_RECORD_H

#include "datatype/timestamp.h"
#include "utils/jsonb.h"

#include "catalog.h"

typedef struct EtEventRecord
{
	const EtEventTypeDef *def;
	char	   *event_id;
	char	   *tenant;
	char	   *entity_id;		/* NULL when the type has none */
	TimestampTz occurred_at;
	JsonbValue	content;		/* gym item content, ticketing message,
								 * court body: an object (jbvBinary) */
	int64		inbox_id;
} EtEventRecord;

/* projections/projection.c: apply one event to every projection it feeds */
extern void EtApplyProjections(const EtEventRecord *ev);

#endif							/* EVENT_TYPES_EVENT_RECORD_H */
