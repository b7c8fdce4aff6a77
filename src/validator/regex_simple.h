/*-------------------------------------------------------------------------
 *
 * regex_simple.h
 *	  A bit-parallel matcher for the simple patterns most schemas use
 *	  ("^[A-Z][A-Z0-9_]*$", "^\d{4}-\d{2}$"), run on ASCII input before
 *	  falling back to the ARE.  See regex_simple.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_REGEX_SIMPLE_H
#define ET_REGEX_SIMPLE_H

typedef struct EtSimpleRegex EtSimpleRegex;

/*
 * Build the matcher for an ECMA-262 pattern that is already known to be
 * valid, or return NULL if the pattern is outside the simple subset.
 */
extern EtSimpleRegex *EtSimpleRegexCompile(const char *pattern, int len,
										   MemoryContext mcxt);

/*
 * RegExp.prototype.test on 'str'.  Sets *decided to false, and returns
 * false, when the answer depends on a non-ASCII character: the caller must
 * then ask the full engine.
 */
extern bool EtSimpleRegexMatch(const EtSimpleRegex *re, const char *str, int len,
							   bool *decided);

#endif							/* ET_REGEX_SIMPLE_H */
