#!/usr/bin/env python3
"""Generate src/validator/ucd.c: Unicode General_Category runs (from Python's
unicodedata) and IDNA2008 properties (from the 'idna' package's idnadata,
RFC 5892 derived properties, plus unicodedata bidi classes / combining class).
Usage: python3 tools/gen_ucd.py > src/validator/ucd.c

ucd.c is committed (like PostgreSQL's own src/common/unicode tables): it needs
the idna package (Debian: python3-idna), which the build must not depend on."""
import sys
import unicodedata as u
import idna
import idna.idnadata as d
from idna.intranges import intranges_contain

GCS = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
       "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So",
       "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"]
BIDI = ["L", "R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"]  # else OTHER=11
SCRIPTS = ["Greek", "Hebrew", "Hiragana", "Katakana", "Han"]
JT = {ord("T"): 1, ord("L"): 2, ord("D"): 3, ord("R"): 4, ord("C"): 5}

def gc_runs():
    runs = []
    prev = None
    for c in range(0x110000):
        g = GCS.index(u.category(chr(c)))
        if g != prev:
            runs.append((c, g))
            prev = g
    return runs

def idna_props(c, jt):
    k = 0
    for i, name in enumerate(["PVALID", "CONTEXTJ", "CONTEXTO"]):
        if intranges_contain(c, d.codepoint_classes[name]):
            k = i + 1
            break
    if k == 0:
        return 0
    ch = chr(c)
    b = u.bidirectional(ch)
    b = BIDI.index(b) if b in BIDI else (0 if b == "" else 11)
    s = 0
    for i, name in enumerate(SCRIPTS):
        if intranges_contain(c, d.scripts[name]):
            s = i + 1
            break
    j = JT.get(jt.get(c, 0), 0)
    v = 1 if u.combining(ch) == 9 else 0
    return k | (b << 2) | (s << 6) | (j << 9) | (v << 12)

def idna_runs():
    jt = d.joining_types()
    runs = []
    prev = None
    for c in range(0x110000):
        p = idna_props(c, jt)
        if p != prev:
            runs.append((c, p))
            prev = p
    return runs

def main():
    out = sys.stdout
    g = gc_runs()
    r = idna_runs()
    out.write("""/*-------------------------------------------------------------------------
 *
 * ucd.c
 *	  Unicode character data tables for the validator: General_Category
 *	  (for regex \\p{...} escapes and IDNA's leading-combining-mark rule) and
 *	  the IDNA2008 derived properties (RFC 5892), Bidi classes (RFC 5893),
 *	  scripts and joining types needed by the hostname formats.
 *
 *	  GENERATED FILE -- do not edit by hand.  Produced by gen_ucd.py from
 *	  Python's unicodedata (Unicode %s: categories, bidi classes, combining
 *	  classes) and the idna package's idnadata (IDNA tables for Unicode %s).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ucd.h"

/* General_Category runs: (first code point << 5) | category; sorted. */
static const uint32 ucd_gc_runs[%d] = {
""" % (u.unidata_version, d.__version__, len(g)))
    for i in range(0, len(g), 8):
        out.write("\t" + " ".join("0x%08X," % ((c << 5) | v) for c, v in g[i:i + 8]) + "\n")
    out.write("};\n\n")
    out.write("/* IDNA property runs: first code point and packed properties (ucd.h). */\n")
    out.write("static const uint32 ucd_idna_start[%d] = {\n" % len(r))
    for i in range(0, len(r), 8):
        out.write("\t" + " ".join("0x%06X," % c for c, v in r[i:i + 8]) + "\n")
    out.write("};\n\nstatic const uint16 ucd_idna_props[%d] = {\n" % len(r))
    for i in range(0, len(r), 10):
        out.write("\t" + " ".join("0x%04X," % v for c, v in r[i:i + 10]) + "\n")
    out.write("};\n")
    out.write(r"""
/* Index of the last run whose first code point is <= cp. */
static int
RunSearch(const uint32 *starts, int n, int shift, pg_wchar cp)
{
	int			lo = 0;
	int			hi = n - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if ((starts[mid] >> shift) <= cp)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

EtUcdCategory
EtUcdGetCategory(pg_wchar cp)
{
	if (cp > 0x10FFFF)
		return ET_UCD_Cn;
	return (EtUcdCategory) (ucd_gc_runs[RunSearch(ucd_gc_runs, lengthof(ucd_gc_runs), 5, cp)] & 0x1F);
}

void
EtUcdCategoryRanges(uint32 mask, EtUcdRangeCallback cb, void *arg)
{
	int			n = lengthof(ucd_gc_runs);
	int			i = 0;

	while (i < n)
	{
		pg_wchar	lo;
		pg_wchar	hi;

		if (!(mask & (((uint32) 1) << (ucd_gc_runs[i] & 0x1F))))
		{
			i++;
			continue;
		}
		lo = ucd_gc_runs[i] >> 5;
		/* merge consecutive runs that are all in the mask */
		while (i + 1 < n && (mask & (((uint32) 1) << (ucd_gc_runs[i + 1] & 0x1F))))
			i++;
		hi = (i + 1 < n) ? (ucd_gc_runs[i + 1] >> 5) - 1 : 0x10FFFF;
		cb(arg, lo, hi);
		i++;
	}
}

uint16
EtUcdIdnaProps(pg_wchar cp)
{
	if (cp > 0x10FFFF)
		return 0;
	return ucd_idna_props[RunSearch(ucd_idna_start, lengthof(ucd_idna_start), 0, cp)];
}
""")

main()
