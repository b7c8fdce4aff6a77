/*-------------------------------------------------------------------------
 *
 * owner.h
 *	  Acting as the ingest triggers' owner, with a fixed search_path,
 *	  without SECURITY DEFINER (see owner.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_OWNER_H
#define ET_OWNER_H

/* The search_path every SQL statement of the extension runs with */
#define ET_SEARCH_PATH "pg_catalog, pg_temp"

/* The identity to go back to */
typedef struct EtOwnerScope
{
	Oid			saved_userid;
	int			saved_sec_context;
} EtOwnerScope;

extern Oid	EtFunctionOwner(Oid fn_oid);
extern void EtBecomeOwner(Oid owner, EtOwnerScope *scope);
extern void EtRestoreUser(const EtOwnerScope *scope);

extern int	EtFixSearchPath(void);
extern void EtRestoreSearchPath(int nestlevel);

#endif							/* ET_OWNER_H */
