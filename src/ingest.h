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

/* Let the inbox guard accept a payload change (erase_customer() only);
 * returns the previous setting */
extern bool EtAllowPayloadErasure(bool allow);

#endif							/* EVENT_TYPES_INGEST_H */
