/*-------------------------------------------------------------------------
 *
 * erasure.h
 *	  Erasing a customer's personal data (erasure.c), and what the inbox
 *	  trigger needs to recognise a retry of an erased message.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EVENT_TYPES_ERASURE_H
#define EVENT_TYPES_ERASURE_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "event_record.h"
#include "extract.h"

/*
 * 'doc' with the personal data of customers ids[0 .. nids-1] replaced by
 * JSON null, or NULL when it holds none.  *pointers (if not NULL) gets the
 * JSON Pointers of the values erased.
 */
extern Jsonb *EtEraseDocument(Jsonb *doc, char **ids, int nids, List **pointers);

/*
 * Is 'incoming' the content of the logged event 'r' before an erasure,
 * i.e. equal to the 'stored' content once the customers erased in r's source
 * and tenant are erased from it?  The caller is connected to SPI.
 */
extern bool EtIsErasedEvent(const EtEventRecord *r, Datum stored, Datum incoming);

/*
 * For a duplicate message: its payload with the personal data of every
 * customer erased before (event_types.erasures) erased, with a note added to
 * *errors; NULL when there is nothing to erase.  The caller is connected to
 * SPI.
 */
extern Jsonb *EtEraseRetry(const char *source_name, Jsonb *payload,
						   const EtHints *hints, Jsonb **errors);

#endif							/* EVENT_TYPES_ERASURE_H */
