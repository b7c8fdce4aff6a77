/*-------------------------------------------------------------------------
 *
 * schema.h
 *	  The compiled form of a JSON Schema (draft 2020-12) and the entry
 *	  points of the validator.
 *
 * A schema document is compiled once into a graph of EtNode, one per
 * subschema, with every keyword decoded (numbers, regexes, formats, sorted
 * property tables) and every $ref resolved to a node pointer.  Evaluation
 * (evaluate.c) then walks the instance's JSONB binary against that graph
 * with no catalog access and no allocation beyond error reporting and the
 * annotations that unevaluated* keywords need.
 *
 * All of a program lives in one memory context, owned by a cache
 * (cache.c) or by the built-in catalogue (builtin_schemas.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ET_SCHEMA_H
#define ET_SCHEMA_H

#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "format.h"
#include "ecma_regex.h"

/* JSON types as bits, for the "type" keyword */
#define ET_T_NULL		0x01
#define ET_T_BOOLEAN	0x02
#define ET_T_OBJECT		0x04
#define ET_T_ARRAY		0x08
#define ET_T_NUMBER		0x10
#define ET_T_STRING		0x20
#define ET_T_INTEGER	0x40		/* number with no fractional part */

/* Vocabularies a document's meta-schema enables ($vocabulary) */
#define ET_VOCAB_APPLICATOR			0x01
#define ET_VOCAB_VALIDATION			0x02
#define ET_VOCAB_UNEVALUATED		0x04
#define ET_VOCAB_FORMAT_ASSERTION	0x08
#define ET_VOCAB_DEFAULT	(ET_VOCAB_APPLICATOR | ET_VOCAB_VALIDATION | ET_VOCAB_UNEVALUATED)

typedef struct EtNode EtNode;

/*
 * A schema compiled to C at build time (generated.c): decides whether
 * 'instance' is valid, for a verdict only; asserts "format" if told to.
 */
typedef bool (*EtGeneratedFn) (const JsonbValue *instance, bool format_assert);
typedef struct EtResource EtResource;

/* properties / patternProperties / dependent* entries */
typedef struct EtPropEntry
{
	const char *key;			/* points into the program's schema copy */
	int			keylen;
	EtNode	   *node;
	bool		required;		/* "properties" entry also named in "required" */
} EtPropEntry;

typedef struct EtPatternEntry
{
	EtRegex    *re;
	const char *source;			/* NUL-terminated pattern, for messages */
	EtNode	   *node;
} EtPatternEntry;

typedef struct EtDependentRequired
{
	const char *key;
	int			keylen;
	int			nrequired;
	JsonbValue *required;		/* strings */
} EtDependentRequired;

/* A schema resource: a subschema with its own (absolute) base URI. */
struct EtResource
{
	char	   *uri;			/* absolute, no fragment; "" if anonymous */
	int			ndynamic;		/* $dynamicAnchor names declared in it */
	char	  **dynamic_names;
	EtNode	  **dynamic_nodes;
	EtResource *next;			/* all resources of a program */
};

struct EtNode
{
	EtResource *resource;		/* nearest enclosing resource */
	bool		is_boolean;		/* true / false schema */
	bool		boolean_value;
	bool		trivial;		/* {} or true: nothing to check */
	bool		has_unevaluated;	/* needs evaluated-property/item annotations */
	bool		format_assert;	/* this node's document asserts formats */

	uint8		types;			/* ET_T_* mask; 0 = no "type" keyword */

	/*
	 * Which keyword groups are present (set by compile.c once the node is
	 * complete), so evaluation tests one flag instead of every field.
	 */
	bool		kw_value;		/* const, enum */
	bool		kw_string;		/* minLength, maxLength, pattern, format */
	bool		kw_number;		/* minimum ... multipleOf */
	bool		kw_object;		/* properties ... min/maxProperties */
	bool		kw_array;		/* prefixItems ... uniqueItems */
	bool		kw_inplace;		/* $ref, $dynamicRef, allOf, anyOf, oneOf, not, if */
	bool		leaf;			/* only type, const, enum, string / number keywords */

	/*
	 * A node whose only keyword is "allOf" with one schema (a common
	 * wrapper) evaluates as that schema: one node visit instead of two.
	 */
	EtNode	   *alias;

	/*
	 * What evaluates in this node's place when only a verdict is wanted:
	 * the node itself, its alias, or a node with its "allOf" subschemas
	 * and "$ref" target folded in (flatten.c).  Never NULL once the
	 * program is compiled.
	 */
	EtNode	   *verdict;

	/*
	 * Entry points only: the same verdict as C generated from the built-in
	 * schema this node's program was compiled from (generated.c), or NULL.
	 */
	EtGeneratedFn generated;

	/* in-place applicators */
	EtNode	   *ref;
	EtNode	   *dynamic_ref;	/* initial target of $dynamicRef */
	const char *dynamic_anchor; /* non-NULL: resolve dynamically by this name */
	int			nall_of;
	EtNode	  **all_of;
	int			nany_of;
	EtNode	  **any_of;
	int			none_of;
	EtNode	  **one_of;
	EtNode	   *not;
	EtNode	   *if_;
	EtNode	   *then_;
	EtNode	   *else_;

	/* any instance */
	bool		has_const;
	JsonbValue	const_value;
	int			nenum;			/* -1: no enum */
	JsonbValue *enum_values;

	/* objects */
	int			nproperties;	/* sorted in JSONB key order */
	EtPropEntry *properties;
	int			npattern_properties;
	EtPatternEntry *pattern_properties;
	EtNode	   *additional_properties;
	EtNode	   *property_names;
	EtNode	   *unevaluated_properties;
	int			nrequired;
	JsonbValue *required;		/* strings, in schema order */
	/* the same split for the key walk of boolean validation: */
	int			nrequired_in_props; /* properties entries marked required */
	int			nrequired_rest; /* required names not in "properties" */
	JsonbValue *required_rest;
	int			ndependent_required;
	EtDependentRequired *dependent_required;
	int			ndependent_schemas;
	EtPropEntry *dependent_schemas;
	int32		min_properties; /* -1: absent */
	int32		max_properties;

	/* arrays */
	int			nprefix_items;
	EtNode	  **prefix_items;
	EtNode	   *items;
	EtNode	   *contains;
	int32		min_contains;	/* default 1 */
	int32		max_contains;	/* -1: absent */
	EtNode	   *unevaluated_items;
	int32		min_items;
	int32		max_items;
	bool		unique_items;

	/* strings */
	int32		min_length;
	int32		max_length;
	EtRegex    *pattern;
	const char *pattern_source;
	EtFormat	format;

	/* numbers */
	Numeric		minimum;
	Numeric		maximum;
	Numeric		exclusive_minimum;
	Numeric		exclusive_maximum;
	Numeric		multiple_of;
};

/* A compiled schema document with everything it references. */
typedef struct EtProgram
{
	MemoryContext mcxt;			/* owns everything below */
	EtNode	   *root;
	EtResource *resources;		/* list of all resources */
	Jsonb	   *schema;			/* private copy: nodes point into it */
	bool		uses_registry;	/* resolved a user-registered document */
	bool		assert_formats; /* always assert "format" (built-in event
								 * schemas), whatever the GUC says */
	int			nregexes;
} EtProgram;

/* One violation found by evaluate.c */
typedef struct EtError
{
	char	   *path;			/* JSON Pointer into the instance */
	const char *keyword;
	char	   *message;
} EtError;

typedef struct EtErrorList
{
	int			count;
	int			capacity;
	EtError    *items;
} EtErrorList;

/* Sign of a numeric as -1, 0 or 1 (numeric_sign() returns a numeric) */
static inline int
EtNumericSign(Numeric n)
{
	Datum		zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));

	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n), zero));
}

/* compile.c */
extern EtProgram *EtCompileSchema(Jsonb *schema, const char *retrieval_uri,
								  MemoryContext parent);
extern EtProgram *EtCompileSchemaEntries(Jsonb *schema, const char *retrieval_uri,
										 MemoryContext parent, int nentries,
										 const char *const *entry_pointers,
										 EtNode **entries);

extern void EtCheckSchema(Jsonb *schema, const char *retrieval_uri);
extern void EtInitNode(EtNode *node, EtResource *resource, bool format_assert);
extern void EtSummariseNode(MemoryContext cxt, EtNode *node);

/* flatten.c */
typedef struct EtFlattenState EtFlattenState;
extern EtFlattenState *EtFlattenBegin(MemoryContext cxt);
extern void EtFlattenNode(EtFlattenState *fs, EtNode *node);
extern void EtFlattenEnd(EtFlattenState *fs);

/* evaluate.c */
extern void EtErrorListAdd(EtErrorList *list, const char *path,
						   const char *keyword, char *message);
extern void EtErrorListDedupe(EtErrorList *list, int from);
extern bool EtJsonbEqual(const JsonbValue *a, const JsonbValue *b);
extern bool EtValidate(EtProgram *prog, EtNode *entry, const JsonbValue *instance);
extern bool EtValidateCollect(EtProgram *prog, EtNode *entry,
							  const JsonbValue *instance,
							  const char *path_prefix, EtErrorList *errors);

/* documents.c: built-in and registered documents reachable by $ref */
extern Jsonb *EtFindDocument(const char *uri, bool *is_registered);
extern bool EtIsBuiltinUri(const char *uri);

/* cache.c */
extern EtProgram *EtGetProgram(FunctionCallInfo fcinfo, Jsonb *schema);
extern void EtInvalidatePrograms(void);

/* builtin_schemas.c: the catalogue's schemas, compiled once per backend */
struct EtEventTypeDef;
typedef struct EtBuiltinSchema
{
	EtProgram  *prog;
	EtNode	   *part;			/* gym $defs/item, court $defs/body, or NULL */
} EtBuiltinSchema;

extern const EtBuiltinSchema *EtBuiltinTypeSchema(const struct EtEventTypeDef *def);
extern const EtBuiltinSchema *EtBuiltinEnvelopeSchema(int source);

#endif							/* ET_SCHEMA_H */
