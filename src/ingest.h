/*-------------------------------------------------------------------------
 *
 * ingest.h
 *	  The inbox pipeline, shared by the trigger and reprocess().
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_INGEST_H
#define EVENT_TYPES_INGEST_H

#include "utils/jsonb.h"

#include "extract.h"

extern const char *EtProcessMessage(const char *source_name, Jsonb *payload,
									const EtHints *hints, Jsonb **errors_out);

#endif							/* EVENT_TYPES_INGEST_H */
