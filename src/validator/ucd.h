/*-------------------------------------------------------------------------
 *
 * ucd.h
 *	  Unicode character data used by the format and regex modules: the
 *	  General_Category of a code point and the IDNA2008 properties of a
 *	  code point.  The tables live in ucd.c, which is generated.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_UCD_H
#define ET_UCD_H

#include "mb/pg_wchar.h"

/* General_Category values; the order is fixed by ucd.c. */
typedef enum EtUcdCategory
{
	ET_UCD_Cn = 0,
	ET_UCD_Lu, ET_UCD_Ll, ET_UCD_Lt, ET_UCD_Lm, ET_UCD_Lo,
	ET_UCD_Mn, ET_UCD_Mc, ET_UCD_Me,
	ET_UCD_Nd, ET_UCD_Nl, ET_UCD_No,
	ET_UCD_Pc, ET_UCD_Pd, ET_UCD_Ps, ET_UCD_Pe, ET_UCD_Pi, ET_UCD_Pf, ET_UCD_Po,
	ET_UCD_Sm, ET_UCD_Sc, ET_UCD_Sk, ET_UCD_So,
	ET_UCD_Zs, ET_UCD_Zl, ET_UCD_Zp,
	ET_UCD_Cc, ET_UCD_Cf, ET_UCD_Cs, ET_UCD_Co
} EtUcdCategory;

#define ET_UCD_MASK(gc)		(((uint32) 1) << (gc))

typedef void (*EtUcdRangeCallback) (void *arg, pg_wchar lo, pg_wchar hi);

extern EtUcdCategory EtUcdGetCategory(pg_wchar cp);

/* Call cb for each maximal code point range whose category is in mask. */
extern void EtUcdCategoryRanges(uint32 mask, EtUcdRangeCallback cb, void *arg);

/*
 * IDNA2008 properties, packed into a uint16.  Code points that are
 * DISALLOWED or UNASSIGNED (RFC 5892) have all bits zero.
 */
#define ET_IDNA_DISALLOWED	0
#define ET_IDNA_PVALID		1
#define ET_IDNA_CONTEXTJ	2
#define ET_IDNA_CONTEXTO	3
#define ET_IDNA_CLASS(p)	((p) & 0x3)

/* Bidi_Class (RFC 5893 only distinguishes these) */
#define ET_BIDI_L		0
#define ET_BIDI_R		1
#define ET_BIDI_AL		2
#define ET_BIDI_AN		3
#define ET_BIDI_EN		4
#define ET_BIDI_ES		5
#define ET_BIDI_CS		6
#define ET_BIDI_ET		7
#define ET_BIDI_ON		8
#define ET_BIDI_BN		9
#define ET_BIDI_NSM		10
#define ET_BIDI_OTHER	11
#define ET_IDNA_BIDI(p)		(((p) >> 2) & 0xF)

/* Script, only the ones RFC 5892's CONTEXTO rules ask about */
#define ET_SCRIPT_OTHER		0
#define ET_SCRIPT_GREEK		1
#define ET_SCRIPT_HEBREW	2
#define ET_SCRIPT_HIRAGANA	3
#define ET_SCRIPT_KATAKANA	4
#define ET_SCRIPT_HAN		5
#define ET_IDNA_SCRIPT(p)	(((p) >> 6) & 0x7)

/* Joining_Type (for the ZERO WIDTH NON-JOINER rule) */
#define ET_JT_NONE	0
#define ET_JT_T		1
#define ET_JT_L		2
#define ET_JT_D		3
#define ET_JT_R		4
#define ET_JT_C		5
#define ET_IDNA_JT(p)		(((p) >> 9) & 0x7)

/* Canonical_Combining_Class == Virama (9) */
#define ET_IDNA_VIRAMA(p)	(((p) >> 12) & 0x1)

extern uint16 EtUcdIdnaProps(pg_wchar cp);

#endif							/* ET_UCD_H */
