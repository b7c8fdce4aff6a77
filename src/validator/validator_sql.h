/*-------------------------------------------------------------------------
 *
 * validator_sql.h
 *	  Helpers shared by the SQL-callable validation functions.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_VALIDATOR_SQL_H
#define ET_VALIDATOR_SQL_H

#include "fmgr.h"

#include "schema.h"

extern void EtReturnErrors(FunctionCallInfo fcinfo, EtErrorList *errors);

#endif							/* ET_VALIDATOR_SQL_H */
