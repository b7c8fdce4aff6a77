/*-------------------------------------------------------------------------
 *
 * event_log.h
 *	  Direct insertion into the event log (event_log.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_EVENT_LOG_H
#define ET_EVENT_LOG_H

typedef enum EtLogInsertResult
{
	LOG_INSERT_DONE,			/* the row is in */
	LOG_INSERT_CONFLICT,		/* the key was taken: nothing inserted */
	LOG_INSERT_UNSUPPORTED		/* use the SQL statement (see event_log.c) */
} EtLogInsertResult;

extern EtLogInsertResult EtLogInsertDirect(Oid relid, Oid arbiter_index, int ncolumns,
										   const char *const *names,
										   const Datum *values, const bool *isnull);

extern void EtLogClose(void);

#endif							/* ET_EVENT_LOG_H */
