/*
 * meta.c - what each container's engine says about it (name, image, pod,
 * labels), kept current, and the PCP labels of container instances.
 *
 * Metadata is read when a container is discovered and checked again every
 * META_RECHECK seconds, between requests (pmda.c's main loop): a check whose
 * source files are unchanged is an open and fstat per file.  Names are never trusted: labels
 * are built with jansson, so they are valid JSON whatever a container's
 * owner wrote, and label names are reduced to what PCP allows.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmda.h"

#define META_RECHECK	5	/* seconds between checks of a container's files */
#define LABELS_JSON_MAX	4000	/* bytes of label JSON per instance */
#define ENGINE_LABELS_MAX 32	/* engine labels copied per instance */

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * A meta that says nothing a NULL one would not: the engine's files are not
 * there (LXD/Incus, a bare cgroup, files not written yet).  Not kept: at
 * thousands of such containers its ~1 kB each is most of what they cost,
 * and every answer (names, labels, info.*) is the same without it.
 */
static int says_nothing(const struct pcc_meta *m, enum pcc_engine engine)
{
	return (m->error == 0 || m->error == -ENODATA) && m->runtime == engine &&
	       m->name == NULL && m->image == NULL && m->pod == NULL &&
	       m->pod_namespace == NULL && m->container_type == NULL &&
	       m->state == PCC_CSTATE_UNKNOWN && m->started == NULL &&
	       m->created == NULL && m->pid == 0 && m->nlabels == 0;
}

/* Resolve t's metadata (again, if its files changed); logs a new problem once. */
void meta_refresh(struct ctr *t, const struct pcc_cid *cid)
{
	struct pcc_meta *m = NULL;
	int rc;

	if (pmda.engines == NULL)
		return;
	rc = pcc_meta_resolve(pmda.engines, cid, t->meta, &m);
	t->meta_checked = now_sec();
	if (rc <= 0) {
		if (rc < 0)
			pmNotifyErr(LOG_WARNING, "%s: engine metadata: %s", t->path, pmErrStr(rc));
		return;
	}
	/* -ENODATA is normal: LXD/Incus, or files not written yet */
	if (m->error && m->error != -ENODATA &&
	    (t->meta == NULL || t->meta->error != m->error))
		pmNotifyErr(LOG_WARNING, "%s: engine metadata skipped: %s", t->path,
			    pmErrStr(m->error));
	pcc_meta_free(t->meta);
	t->meta = m;
	if (says_nothing(m, cid->engine)) {
		pcc_meta_free(m);
		t->meta = NULL;
	}
}

/* Re-check every container whose files were last checked long enough ago. */
void meta_refresh_all(void)
{
	size_t i, n = pcc_set_count(pmda.set);
	struct pcc_container *c;
	time_t now = now_sec();
	struct ctr *t;

	if (now - pmda.meta_checked < META_RECHECK)
		return;
	pmda.meta_checked = now;
	for (i = 0; i < n; i++) {
		c = pcc_set_at(pmda.set, i);
		if ((t = c->priv) != NULL && now - t->meta_checked >= META_RECHECK)
			meta_refresh(t, &c->cid);
	}
}

/* PCP label names: a letter, then letters, digits and '_'. */
static void label_name(const char *key, char *dst, size_t len)
{
	size_t i, j = 0;

	j = snprintf(dst, len, "label_");
	for (i = 0; key[i] && j + 1 < len; i++)
		dst[j++] = isalnum((unsigned char)key[i]) ? key[i] : '_';
	dst[j] = '\0';
}

static void set_str(json_t *obj, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(obj, key, json_string(value));
}

/* The labels of one container: ours first, then the engine's while they fit. */
static char *labels_json(const struct ctr *t)
{
	const struct pcc_meta *m = t->meta;
	json_t *obj = json_object();
	char name[128], *out = NULL, *try;
	size_t i, copied = 0;

	if (obj == NULL)
		return NULL;
	set_str(obj, "engine", pcc_engine_name(t->engine));
	if (m && m->runtime != t->engine)
		set_str(obj, "runtime", pcc_engine_name(m->runtime));
	set_str(obj, "container_id", t->id);
	set_str(obj, "container_name", m && m->name ? m->name : t->name);
	if (m) {
		set_str(obj, "image", m->image);
		set_str(obj, "pod", m->pod);
		set_str(obj, "namespace", m->pod_namespace);
		set_str(obj, "container_type", m->container_type);
	}
	out = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	for (i = 0; m && out && i < m->nlabels && copied < ENGINE_LABELS_MAX; i++) {
		label_name(m->labels[i].key, name, sizeof(name));
		if (json_object_get(obj, name) != NULL)
			continue;	/* two keys that map to one name: first wins */
		json_object_set_new(obj, name, json_string(m->labels[i].value));
		try = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
		if (try == NULL || strlen(try) > LABELS_JSON_MAX) {
			free(try);
			json_object_del(obj, name);
			continue;
		}
		free(out);
		out = try;
		copied++;
	}
	json_decref(obj);
	return out;
}

/* One label {name: value} added to *lp; value is ASCII (sanitized). */
static int add_label(pmLabelSet **lp, const char *name, const char *value)
{
	json_t *obj = json_pack("{ss}", name, value);
	char *json = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	int sts = json ? pmdaAddLabels(lp, "%s", json) : -ENOMEM;

	free(json);
	json_decref(obj);
	return sts;
}

int meta_label(pmInDom indom, unsigned int inst, pmLabelSet **lp)
{
	const struct pcc_netif *nif;
	struct ctrdev *dv = NULL;
	struct ctrif *f = NULL;
	struct ctr *t;
	char *json;
	int sts;

	if (indom == pmda.indom[INDOM_CTR])
		t = ctr_lookup(inst);
	else if (indom == pmda.indom[INDOM_DEV] && (dv = ctrdev_lookup(inst)) != NULL)
		t = dv->ctr;
	else if (indom == pmda.indom[INDOM_NETIF] && (f = ctrif_lookup(inst)) != NULL)
		t = f->ctr;
	else
		return 0;
	if (t == NULL || (json = labels_json(t)) == NULL)
		return 0;
	sts = pmdaAddLabels(lp, "%s", json);
	free(json);
	/*
	 * device and interface names are sanitized ASCII, but "\xHH" escapes
	 * hold backslashes: JSON-quoted by jansson like the rest
	 */
	if (sts >= 0 && dv != NULL)
		sts = add_label(lp, "device", strstr(dv->name, "::") + 2);
	if (sts >= 0 && f != NULL) {
		sts = add_label(lp, "interface", f->ifname);
		/* the host-side device (veth peer): what the seeds call automapping */
		if (sts >= 0 && (nif = net_if(f)) != NULL && nif->peer[0])
			sts = add_label(lp, "host_device", nif->peer);
	}
	/* libpcp_pmda takes the return as the label count of the set */
	return sts < 0 ? sts : (*lp)->nlabels;
}
