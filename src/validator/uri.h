/*-------------------------------------------------------------------------
 *
 * uri.h
 *	  RFC 3986 reference resolution for $id, $ref and $dynamicRef.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_URI_H
#define ET_URI_H

/* Resolve 'ref' against 'base' (RFC 3986 section 5.2); palloc'd result. */
extern char *EtUriResolve(const char *base, const char *ref);

/* Split off the fragment: *fragment gets the decoded-free text after '#'
 * (NULL when there is no '#'); returns the palloc'd part before it. */
extern char *EtUriStripFragment(const char *uri, char **fragment);

/* Does the reference carry a scheme (is it an absolute URI)? */
extern bool EtUriHasScheme(const char *uri);

#endif							/* ET_URI_H */
