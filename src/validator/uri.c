/*-------------------------------------------------------------------------
 *
 * uri.c
 *	  RFC 3986 reference resolution for $id, $ref and $dynamicRef.
 *
 * JSON Schema identifies resources by URI and never dereferences them over
 * a network here, so all we need is the string algorithm of RFC 3986
 * section 5.2 (including remove_dot_segments), which also covers URNs
 * such as urn:event-types:gym:envelope and urn:uuid:... bases.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "uri.h"

/* The five components of a URI reference; NULL means "undefined". */
typedef struct UriParts
{
	char	   *scheme;
	char	   *authority;
	char	   *path;			/* never NULL, may be "" */
	char	   *query;
	char	   *fragment;
} UriParts;

static char *
CopyRange(const char *start, const char *end)
{
	return pnstrdup(start, end - start);
}

bool
EtUriHasScheme(const char *uri)
{
	const char *p = uri;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	for (p++; *p; p++)
	{
		if (*p == ':')
			return true;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
			return false;
	}
	return false;
}

/* Split per the regular expression of RFC 3986 appendix B. */
static void
SplitUri(const char *s, UriParts *u)
{
	const char *p = s;
	const char *q;

	memset(u, 0, sizeof(*u));
	if (EtUriHasScheme(s))
	{
		q = strchr(s, ':');
		u->scheme = CopyRange(s, q);
		p = q + 1;
	}
	if (p[0] == '/' && p[1] == '/')
	{
		p += 2;
		q = p + strcspn(p, "/?#");
		u->authority = CopyRange(p, q);
		p = q;
	}
	q = p + strcspn(p, "?#");
	u->path = CopyRange(p, q);
	p = q;
	if (*p == '?')
	{
		p++;
		q = p + strcspn(p, "#");
		u->query = CopyRange(p, q);
		p = q;
	}
	if (*p == '#')
		u->fragment = pstrdup(p + 1);
}

/* RFC 3986 5.2.4 */
static char *
RemoveDotSegments(const char *path)
{
	StringInfoData out;
	const char *in = path;

	initStringInfo(&out);
	while (*in)
	{
		if (strncmp(in, "../", 3) == 0)
			in += 3;
		else if (strncmp(in, "./", 2) == 0)
			in += 2;
		else if (strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (strcmp(in, "/.") == 0)
			in = "/";
		else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0)
		{
			char	   *slash;

			in = (in[3] == '/') ? in + 3 : "/";
			slash = strrchr(out.data, '/');
			if (slash)
				out.len = slash - out.data;
			else
				out.len = 0;
			out.data[out.len] = '\0';
		}
		else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
			in += strlen(in);
		else
		{
			const char *next = strchr(in + 1, '/');
			int			n = next ? next - in : strlen(in);

			appendBinaryStringInfo(&out, in, n);
			in += n;
		}
	}
	return out.data;
}

/* RFC 3986 5.2.3 */
static char *
MergePaths(const UriParts *base, const char *ref_path)
{
	const char *slash;

	if (base->authority != NULL && base->path[0] == '\0')
		return psprintf("/%s", ref_path);
	slash = strrchr(base->path, '/');
	if (slash == NULL)
		return pstrdup(ref_path);
	return psprintf("%.*s%s", (int) (slash - base->path + 1), base->path, ref_path);
}

static char *
Recompose(const UriParts *u)
{
	StringInfoData s;

	initStringInfo(&s);
	if (u->scheme)
		appendStringInfo(&s, "%s:", u->scheme);
	if (u->authority)
		appendStringInfo(&s, "//%s", u->authority);
	appendStringInfoString(&s, u->path);
	if (u->query)
		appendStringInfo(&s, "?%s", u->query);
	if (u->fragment)
		appendStringInfo(&s, "#%s", u->fragment);
	return s.data;
}

char *
EtUriResolve(const char *base, const char *ref)
{
	UriParts	b,
				r,
				t;

	if (base == NULL || base[0] == '\0')
		return pstrdup(ref);
	SplitUri(base, &b);
	SplitUri(ref, &r);
	memset(&t, 0, sizeof(t));
	if (r.scheme)
	{
		t = r;
		t.path = RemoveDotSegments(r.path);
	}
	else
	{
		if (r.authority)
		{
			t.authority = r.authority;
			t.path = RemoveDotSegments(r.path);
			t.query = r.query;
		}
		else
		{
			if (r.path[0] == '\0')
			{
				t.path = b.path;
				t.query = r.query ? r.query : b.query;
			}
			else
			{
				if (r.path[0] == '/')
					t.path = RemoveDotSegments(r.path);
				else
					t.path = RemoveDotSegments(MergePaths(&b, r.path));
				t.query = r.query;
			}
			t.authority = b.authority;
		}
		t.scheme = b.scheme;
		t.fragment = r.fragment;
	}
	return Recompose(&t);
}

char *
EtUriStripFragment(const char *uri, char **fragment)
{
	const char *hash = strchr(uri, '#');

	if (hash == NULL)
	{
		if (fragment)
			*fragment = NULL;
		return pstrdup(uri);
	}
	if (fragment)
		*fragment = pstrdup(hash + 1);
	return pnstrdup(uri, hash - uri);
}
