/*-------------------------------------------------------------------------
 *
 * ecma_regex.h
 *	  ECMA-262 regular expressions ("pattern", "patternProperties", format
 *	  "regex") on top of PostgreSQL's ARE engine.  See ecma_regex.c.
 *
 * Not named regex.h: src/validator is on the include path, and a regex.h
 * there would stand in for the system <regex.h> that PostgreSQL's
 * regex/regex.h includes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_ECMA_REGEX_H
#define ET_ECMA_REGEX_H

typedef struct EtRegex EtRegex;

/*
 * Compile an ECMA-262 pattern (server encoding, not NUL-terminated) into
 * memory owned by mcxt.  On an invalid pattern returns NULL and sets
 * *errmsg to a palloc'd, lower-case message.  Does not ereport on bad
 * patterns (only on out-of-memory or query cancel).
 */
extern EtRegex *EtRegexCompile(const char *pattern, int len, MemoryContext mcxt,
							   char **errmsg);

/* RegExp.prototype.test semantics: unanchored search. */
extern bool EtRegexMatch(EtRegex *re, const char *str, int len);

/*
 * Syntax check only (format "regex"): true if the pattern is a valid
 * ECMA-262 pattern that this module can translate.  Sets *errmsg (if not
 * NULL) on failure.  Allocates only scratch memory.
 */
extern bool EtRegexIsValid(const char *pattern, int len, char **errmsg);

#endif							/* ET_ECMA_REGEX_H */
