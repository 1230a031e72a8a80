/*
 * meta.c - building a pcc_meta: sanitized strings, labels, times and pids
 * taken from engine files, and the public accessors of a finished meta.
 *
 * Every string that enters a meta goes through mb_clean, so a meta holds
 * only valid UTF-8 without control characters, each at most
 * PCC_META_STR_MAX bytes: the PMDA puts them into JSON labels and instance
 * names as they are.  The first value set for a field wins (engines set
 * the best source first, fallbacks after).  Labels are kept in insertion
 * order while building (a repeated key keeps its first value) and sorted
 * by key at the end, for pcc_meta_label's binary search.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

static const char *const cstate_names[PCC_NCSTATE] = {
	[PCC_CSTATE_UNKNOWN] = "unknown",
	[PCC_CSTATE_CREATED] = "created",
	[PCC_CSTATE_RUNNING] = "running",
	[PCC_CSTATE_PAUSED] = "paused",
	[PCC_CSTATE_RESTARTING] = "restarting",
	[PCC_CSTATE_REMOVING] = "removing",
	[PCC_CSTATE_EXITED] = "exited",
	[PCC_CSTATE_DEAD] = "dead",
};

const char *pcc_cstate_name(enum pcc_cstate state)
{
	return (unsigned)state < PCC_NCSTATE ? cstate_names[state] : "unknown";
}

/*
 * Length of the UTF-8 sequence at s (at most len bytes) and its code point,
 * or 0 if the bytes there are no valid sequence (overlong, surrogate, past
 * U+10FFFF, cut short).
 */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *ret_cp)
{
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		n = 1, cp = s[0];
	else if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

char *mb_clean(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t room = len > PCC_META_STR_MAX / 3 ? PCC_META_STR_MAX : len * 3;
	size_t i = 0, o = 0, n;
	uint32_t cp = 0;
	char *out = malloc(room + 1);

	if (out == NULL)
		return NULL;
	while (i < len) {
		n = utf8_seq(u + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			if (o + 3 > room)
				break;
			memcpy(out + o, REPLACEMENT, 3);
			o += 3;
			i += n ? n : 1;
			continue;
		}
		if (o + n > room)
			break;
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

struct meta_priv *mb_new(const struct pcc_engines *owner, const struct pcc_cid *cid)
{
	struct meta_priv *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->owner = owner;
	b->cid = *cid;
	b->pub.runtime = cid->engine;
	b->probe.uid = -1;
	return b;
}

void mb_error(struct meta_priv *b, int err)
{
	if (b->pub.error == 0 && err < 0)
		b->pub.error = err;
}

int mb_str(char **field, const char *s, ssize_t len)
{
	if (*field != NULL || s == NULL)
		return 0;
	if (len < 0)
		len = (ssize_t)strlen(s);
	if (len == 0)
		return 0;
	*field = mb_clean(s, (size_t)len);
	return *field ? 0 : -ENOMEM;
}

int mb_label(struct meta_priv *b, const char *key, const char *value)
{
	if (key == NULL || value == NULL)
		return 0;
	return mb_labeln(b, key, strlen(key), value, strlen(value));
}

int mb_labeln(struct meta_priv *b, const char *key, size_t klen, const char *value,
	      size_t vlen)
{
	struct pcc_meta *m = &b->pub;
	struct pcc_label *nl, l;
	size_t i, ncap;

	if (klen == 0 || m->nlabels >= PCC_META_LABELS_MAX)
		return 0;
	l.key = mb_clean(key, klen);
	if (l.key == NULL)
		return -ENOMEM;
	for (i = 0; i < m->nlabels; i++) {
		if (strcmp(m->labels[i].key, l.key) == 0) {
			free(l.key);
			return 0;
		}
	}
	l.value = mb_clean(value, vlen);
	if (l.value == NULL) {
		free(l.key);
		return -ENOMEM;
	}
	if (m->nlabels == b->labels_cap) {
		ncap = b->labels_cap ? 2 * b->labels_cap : 16;
		nl = realloc(m->labels, ncap * sizeof(*nl));
		if (nl == NULL) {
			free(l.key);
			free(l.value);
			return -ENOMEM;
		}
		m->labels = nl;
		b->labels_cap = ncap;
	}
	m->labels[m->nlabels++] = l;
	return 0;
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pcc_label *)a)->key, ((const struct pcc_label *)b)->key);
}

int mb_finish(struct meta_priv *b)
{
	struct pcc_meta *m = &b->pub;
	int rc;

	if (m->nlabels > 1)
		qsort(m->labels, m->nlabels, sizeof(*m->labels), label_cmp);
	/* the kubelet labels every container it makes, whatever the runtime */
	rc = mb_str(&m->pod, pcc_meta_label(m, "io.kubernetes.pod.name"), -1);
	if (rc == 0)
		rc = mb_str(&m->pod_namespace, pcc_meta_label(m, "io.kubernetes.pod.namespace"), -1);
	return rc;
}

/* n decimal digits at *p into *ret, advancing p; false if they are not there. */
static bool digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return true;
}

int64_t mb_time(const char *s)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	time_t t;

	if (s == NULL || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return 0;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
	    !digits(&p, 2, &sec))
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om))
			return 0;
	} else {
		return 0;
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	t -= sign * (oh * 3600 + om * 60);
	return t > 0 ? (int64_t)t : 0;
}

int mb_epoch(char **field, int64_t sec, long usec)
{
	char buf[64];
	time_t t = (time_t)sec;
	struct tm tm;
	size_t n;

	if (*field != NULL || sec <= 0 || gmtime_r(&t, &tm) == NULL)
		return 0;
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return 0;
	if (usec >= 0)
		snprintf(buf + n, sizeof(buf) - n, ".%06ldZ", usec % 1000000);
	else
		snprintf(buf + n, sizeof(buf) - n, "Z");
	return mb_str(field, buf, -1);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int mb_kv(const char *text, size_t len,
	  int (*fn)(void *arg, const char *key, size_t klen, const char *val, size_t vlen),
	  void *arg)
{
	const char *p = text, *end = text + len, *nl, *eq, *k, *ke, *v, *ve;
	int rc;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (k = p; k < nl && blank(*k); k++)
			;
		if (k == nl || *k == '#')
			continue;
		eq = memchr(k, '=', (size_t)(nl - k));
		if (eq == NULL)
			continue;
		for (ke = eq; ke > k && blank(ke[-1]); ke--)
			;
		for (v = eq + 1; v < nl && blank(*v); v++)
			;
		for (ve = nl; ve > v && blank(ve[-1]); ve--)
			;
		if (ke == k)
			continue;
		rc = fn(arg, k, (size_t)(ke - k), v, (size_t)(ve - v));
		if (rc != 0)
			return rc;
	}
	return 0;
}

pid_t mb_pid(const char *text, size_t len)
{
	size_t i = 0;
	long v = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i == len || text[i] < '0' || text[i] > '9')
		return 0;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
		v = v * 10 + (text[i] - '0');
		if (v > 0x7fffffffL)
			return 0;
	}
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	return i == len ? (pid_t)v : 0;
}

/* ---------------------------------------------------------------- public */

void pcc_meta_free(struct pcc_meta *m)
{
	struct meta_priv *b = (struct meta_priv *)m;	/* pub is the first member */

	if (m == NULL)
		return;
	free(m->name);
	free(m->image);
	free(m->pod);
	free(m->pod_namespace);
	free(m->container_type);
	free(m->started);
	free(m->created);
	for (size_t i = 0; i < m->nlabels; i++) {
		free(m->labels[i].key);
		free(m->labels[i].value);
	}
	free(m->labels);
	free(b);
}

const char *pcc_meta_label(const struct pcc_meta *m, const char *key)
{
	size_t lo = 0, hi, mid;
	int c;

	if (m == NULL || key == NULL)
		return NULL;
	hi = m->nlabels;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, m->labels[mid].key);
		if (c == 0)
			return m->labels[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int mb_fill_kvfile(struct pcc_engines *e, const struct pcc_cid *cid, struct src *s,
		   struct meta_priv *b,
		   int (*parse)(struct meta_priv *b, const char *text, size_t len))
{
	ssize_t n;
	int rc;

	rc = mb_str(&b->pub.name, cid->name, -1);
	if (rc < 0 || s->key.err != 0)
		return rc;
	n = src_read(e, s, META_TEXT_MAX);
	if (n < 0) {
		mb_error(b, (int)n);
		return n == -ENOMEM ? (int)n : 0;
	}
	return parse(b, e->buf, (size_t)n);
}
