/*
 * Windows Security events as wevtutil-style XML: <Event> elements, one a
 * line or spread over many, inside an optional <Events> wrapper. The text of
 * each element is collected from "<Event" to "</Event>" across fed chunks
 * (at most WARD_LIMIT_LOG_LINE_LEN bytes; a longer element is dropped with
 * WARD_ELIMIT) and parsed alone by libxml2 without network access, DTD
 * loading or entity substitution, and without libxml2 printing anything.
 * The fields read are System/EventID, System/TimeCreated@SystemTime,
 * System/Computer and EventData/Data[@Name]; auth_json.c maps them.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "auth_internal.h"
#include "limits.h"

static int
name_is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

/* Text owned by the caller's list of strings to free (at most 16). */
struct texts {
	xmlChar *s[16];
	size_t n;
};

static struct ward_auth_str
keep(struct texts *t, xmlChar *s)
{
	struct ward_auth_str r = {"", 0};

	if (!s)
		return r;
	if (t->n == sizeof(t->s) / sizeof(t->s[0])) {
		xmlFree(s);
		return r;
	}
	t->s[t->n++] = s;
	r.p = (const char *)s;
	r.n = strlen(r.p);
	return r;
}

static void
read_system(const xmlNode *sys, struct ward_auth_win *w, struct texts *t)
{
	const xmlNode *c;

	for (c = sys->children; c; c = c->next) {
		if (name_is(c, "EventID")) {
			struct ward_auth_str id = keep(t, xmlNodeGetContent(c));
			size_t i;
			w->event_id = id.n > 0 && id.n < 10 ? 0 : -1;
			for (i = 0; i < id.n && w->event_id >= 0; i++)
				w->event_id = id.p[i] >= '0' && id.p[i] <= '9'
						  ? w->event_id * 10 + (id.p[i] - '0')
						  : -1;
		} else if (name_is(c, "TimeCreated")) {
			w->time = keep(t, xmlGetProp(c, (const xmlChar *)"SystemTime"));
		} else if (name_is(c, "Computer")) {
			w->computer = keep(t, xmlNodeGetContent(c));
		}
	}
}

static void
read_data(const xmlNode *data, struct ward_auth_win *w, struct texts *t)
{
	static const char *const names[] = {"TargetUserName", "IpAddress", "WorkstationName",
					    "Workstation",    "Status",	   "SubStatus"};
	const xmlNode *c;
	size_t i;

	for (c = data->children; c; c = c->next) {
		xmlChar *name;
		struct ward_auth_str *slot = NULL;
		if (!name_is(c, "Data"))
			continue;
		name = xmlGetProp(c, (const xmlChar *)"Name");
		if (!name)
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp((const char *)name, names[i]) == 0)
				break;
		xmlFree(name);
		switch (i) {
		case 0:
			slot = &w->user;
			break;
		case 1:
			slot = &w->ip;
			break;
		case 2:
			slot = &w->workstation;
			break;
		case 3:
			if (w->workstation.n == 0)
				slot = &w->workstation;
			break;
		case 4:
			slot = &w->status;
			break;
		case 5:
			slot = &w->substatus;
			break;
		default:
			break;
		}
		if (slot && slot->n == 0)
			*slot = keep(t, xmlNodeGetContent(c));
	}
}

/* One complete <Event> element. */
static int
parse_event(const char *p, size_t n, struct ward_auth_out *out)
{
	struct ward_auth_win w;
	struct texts t = {{NULL}, 0};
	const xmlNode *root, *c;
	xmlDoc *doc;
	size_t i;
	int rc = WARD_EINVAL;

	if (n > (size_t)WARD_LIMIT_LOG_LINE_LEN)
		return WARD_ELIMIT;
	doc = xmlReadMemory(p, (int)n, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (!doc)
		return WARD_EINVAL;
	root = xmlDocGetRootElement(doc);
	if (!root || !name_is(root, "Event"))
		goto out;
	memset(&w, 0, sizeof(w));
	w.event_id = -1;
	for (c = root->children; c; c = c->next) {
		if (name_is(c, "System"))
			read_system(c, &w, &t);
		else if (name_is(c, "EventData"))
			read_data(c, &w, &t);
	}
	if (w.event_id < 0)
		goto out;
	rc = 0;
	if (out->n < out->max) {
		rc = ward_auth_win_map(&w, &out->ev[out->n]);
		if (rc > 0)
			out->n++, rc = 0;
	}
out:
	for (i = 0; i < t.n; i++)
		xmlFree(t.s[i]);
	xmlFreeDoc(doc);
	return rc;
}

static int
append(struct ward_auth_parser *ps, const uint8_t *p, size_t n)
{
	size_t need = ps->xml_len + n + 1;

	if (need > ps->xml_cap) {
		size_t cap = ps->xml_cap ? ps->xml_cap : 4096;
		char *q;
		while (cap < need)
			cap *= 2;
		q = realloc(ps->xml, cap);
		if (!q)
			return WARD_ENOMEM;
		ps->xml = q;
		ps->xml_cap = cap;
	}
	memcpy(ps->xml + ps->xml_len, p, n);
	ps->xml_len += n;
	return 0;
}

/* The start of an <Event> element (not <Events>) in (p, n), or NULL. */
static const uint8_t *
event_start(const uint8_t *p, size_t n)
{
	const uint8_t *s;

	while ((s = ward_auth_find(p, n, "<Event")) != NULL) {
		size_t at = (size_t)(s - p);
		if (at + 6 == n || s[6] == '>' || s[6] == ' ' || s[6] == '\t' || s[6] == '\r' ||
		    s[6] == '\n' || s[6] == '/')
			return s;
		p = s + 6;
		n -= at + 6;
	}
	return NULL;
}

int
ward_auth_xml_feed(struct ward_auth_parser *ps, const uint8_t *p, size_t n,
		   struct ward_auth_out *out)
{
	static const char close_tag[] = "</Event>";
	const size_t k = sizeof(close_tag) - 1;
	int rc = 0, r;

	while (n > 0) {
		if (!ps->xml_in && !ps->xml_skip) {
			const uint8_t *s = event_start(p, n);
			if (!s)
				break;
			n -= (size_t)(s - p);
			p = s;
			ps->xml_in = 1;
			ps->xml_len = 0;
		}
		/* Where the element ends, searching the carried tail and this chunk. */
		{
			size_t old = ps->xml_len, from = old > k ? old - k : 0, end;
			const uint8_t *e;
			if (ps->xml_skip) {
				e = ward_auth_find(p, n, close_tag);
				if (!e)
					break;
				n -= (size_t)(e - p) + k;
				p = e + k;
				ps->xml_skip = 0;
				continue;
			}
			if ((r = append(ps, p, n)) < 0)
				return r;
			e = ward_auth_find((const uint8_t *)ps->xml + from, ps->xml_len - from,
					   close_tag);
			if (!e) {
				if (ps->xml_len > WARD_LIMIT_LOG_LINE_LEN) {
					ps->xml_in = 0;
					ps->xml_len = 0;
					/* Look for the close tag only from here on. */
					ps->xml_skip = 1;
					return WARD_ELIMIT;
				}
				/* Lines were split at newlines: put one back. */
				if ((r = append(ps, (const uint8_t *)"\n", 1)) < 0)
					return r;
				return out->n > 0 ? 0 : rc;
			}
			end = (size_t)((const char *)e - ps->xml) + k;
			r = end > WARD_LIMIT_LOG_LINE_LEN ? WARD_ELIMIT
							  : parse_event(ps->xml, end, out);
			if (r < 0 && rc == 0)
				rc = r;
			ps->xml_in = 0;
			/* Continue with what followed the element in this chunk. */
			if (end <= old || end - old > n)
				break;
			p += end - old;
			n -= end - old;
			ps->xml_len = 0;
		}
	}
	return out->n > 0 ? 0 : rc;
}
