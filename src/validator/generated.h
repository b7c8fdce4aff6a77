/*-------------------------------------------------------------------------
 *
 * generated.h
 *	  The built-in event schemas compiled to C at build time.
 *
 * tools/gen_validators.py writes generated_validators.c from schemas/:
 * one function per event type schema and per top-level "$defs" entry,
 * deciding the same verdict as evaluate.c.  generated.c attaches them to
 * the entry nodes of programs compiled from those very schemas.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_GENERATED_H
#define ET_GENERATED_H

#include "schema.h"

typedef struct EtGeneratedValidator
{
	const char *uri;			/* $id of the event type's schema */
	const char *pointer;		/* "" (the schema) or "/$defs/<name>" */
	EtGeneratedFn fn;
} EtGeneratedValidator;

/* generated_validators.c */
extern const EtGeneratedValidator et_generated_entries[];
extern const int et_generated_entry_count;

/* event_types.generated_validators */
typedef enum EtGeneratedMode
{
	ET_GENERATED_OFF,			/* evaluate.c decides every verdict */
	ET_GENERATED_ON,			/* generated code decides where attached */
	ET_GENERATED_VERIFY			/* both decide; an ERROR if they differ */
} EtGeneratedMode;

/* generated.c */
extern int	et_generated_validators;


extern EtGeneratedFn EtGeneratedLookup(const char *uri, const char *pointer);
extern void EtAttachGenerated(EtProgram *prog, Jsonb *schema);

#endif							/* ET_GENERATED_H */
