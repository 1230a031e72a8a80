/*
 * ctr.c - per-container state of pmdacontainers and its instance domains.
 *
 * The library's container set calls ctr_added()/ctr_removed() as it sees
 * cgroups come and go; here they become instances of the container indom
 * (pmdaCache, persisted so numbers survive restarts) and, once a reading
 * shows a container's block devices, instances "<container>::<device>" of
 * the device indom.  A removed container's instances are hidden, not
 * deleted, so their numbers are never given to another container's name;
 * cull.c forgets them once hidden longer than the retention (ctr_culled).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmda.h"

static void *active(pmInDom indom, int inst)
{
	void *priv = NULL;

	if (pmdaCacheLookup(indom, inst, NULL, &priv) != PMDA_CACHE_ACTIVE)
		return NULL;
	return priv;
}

/*
 * pmdaFetch asks for each value's container: an array indexed by instance
 * number (pmdaCache hands them out densely from 0) instead of a pmdaCache
 * hash look-up per value.  An instance numbered past BYINST_MAX (a cache
 * file edited by hand) is looked up in pmdaCache.
 */
#define BYINST_MAX	(1 << 20)

struct ctr *ctr_lookup(int inst)
{
	if (inst >= BYINST_MAX)
		return active(pmda.indom[INDOM_CTR], inst);
	return inst >= 0 && inst < pmda.nbyinst ? pmda.byinst[inst] : NULL;
}

static int byinst_set(int inst, struct ctr *t)
{
	struct ctr **v;
	int n;

	if (inst < 0 || inst >= BYINST_MAX)
		return 0;
	if (inst >= pmda.nbyinst) {
		if (t == NULL)
			return 0;
		n = pmda.nbyinst ? pmda.nbyinst : 64;
		while (n <= inst)
			n *= 2;
		if ((v = realloc(pmda.byinst, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		memset(v + pmda.nbyinst, 0, (n - pmda.nbyinst) * sizeof(*v));
		pmda.byinst = v;
		pmda.nbyinst = n;
	}
	pmda.byinst[inst] = t;
	return 0;
}

struct ctrdev *ctrdev_lookup(int inst)
{
	return active(pmda.indom[INDOM_DEV], inst);
}

static int taken(const char *name)
{
	int inst;

	return pmdaCacheLookupName(pmda.indom[INDOM_CTR], name, &inst, NULL) ==
	       PMDA_CACHE_ACTIVE;
}

/*
 * An instance name no active instance has.  Two engines may use one name
 * (an LXC "web" and an nspawn "web") and two ids may share their first 12
 * digits: the later container is told apart by its engine, then by its
 * full id, and as a last resort by a number.  A container that had such a
 * name before a restart (names.c) gets it back first, so the order the
 * two are found in after a restart cannot swap their numbers.
 * *ret_renamed says whether the name is other than base.
 */
static char *unique_name(const struct pcc_container *c, const char *base, int *ret_renamed)
{
	const char *had = names_lookup(c->path);
	char *name = NULL;
	int n;

	*ret_renamed = 1;
	if (had != NULL && !taken(had)) {
		*ret_renamed = strcmp(had, base) != 0;
		return strdup(had);
	}
	if (!taken(base)) {
		*ret_renamed = 0;
		return strdup(base);
	}
	if (asprintf(&name, "%s@%s", base, pcc_engine_name(c->cid.engine)) < 0)
		return NULL;
	if (!taken(name))
		return name;
	free(name);
	if (c->cid.id[0] && !taken(c->cid.id))
		return strdup(c->cid.id);
	for (n = 2;; n++) {
		if (asprintf(&name, "%s#%d", base, n) < 0)
			return NULL;
		if (!taken(name))
			return name;
		free(name);
	}
}

/*
 * Copy the sanitized name src into dst (len bytes), cut if need be before
 * an escape rather than inside one: a backslash in a sanitized name only
 * starts a "\xHH".
 */
static void copy_sanitized(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src), i;

	if (n >= len) {
		n = len - 1;
		for (i = n > 3 ? n - 3 : 0; i < n; i++)
			if (src[i] == '\\') {
				n = i;
				break;
			}
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The name a container's instance is known by: kubernetes NAMESPACE/POD/NAME,
 * the engine's name, else what the cgroup path gives (short id, lxc or
 * machine name).  A rootless container is userUID/NAME, so a user cannot
 * take a system container's name.  Fixed when the container is first seen.
 * A name from the cgroup path (LXC, nspawn) is the set's, escaped byte for
 * byte: the engine metadata's copy of it has control characters and
 * invalid UTF-8 replaced by U+FFFD, so two names could become one.
 */
static void base_name(const struct pcc_container *c, const struct pcc_meta *m,
		      char *dst, size_t len)
{
	char raw[3 * PCC_META_STR_MAX], *p = raw;
	size_t room = sizeof(raw);
	int n = 0;

	if (m == NULL || m->name == NULL || m->name[0] == '\0' || c->cid.name[0] != '\0') {
		copy_sanitized(dst, len, c->name);
		return;
	}
	if (c->cid.uid >= 0)
		n = snprintf(p, room, "user%ld/", c->cid.uid);
	else if (m->pod && m->pod_namespace)
		n = snprintf(p, room, "%s/%s/", m->pod_namespace, m->pod);
	snprintf(p + n, room - n, "%s", m->name);
	if (pcc_name_sanitize(raw, strlen(raw), dst, len) < 0)
		copy_sanitized(dst, len, c->name);
}

static void ctr_free(struct ctr *t)
{
	if (t == NULL)
		return;
	pcc_acct_free(t->acct);
	pcc_sample_release(&t->sample);
	pcc_meta_free(t->meta);
	free(t->devs);
	free(t->path);
	free(t->name);
	free(t);
}

int ctr_added(struct pcc_container *c, void *arg)
{
	char base[256];
	struct ctr *t;
	int rc;

	(void)arg;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	t->path = strdup(c->path);
	if (t->path == NULL) {
		ctr_free(t);
		return -ENOMEM;
	}
	meta_refresh(t, &c->cid);
	base_name(c, t->meta, base, sizeof(base));
	t->name = unique_name(c, base, &t->renamed);
	if (t->name == NULL) {
		ctr_free(t);
		return -ENOMEM;
	}
	memcpy(t->id, c->cid.id, sizeof(t->id));
	t->engine = c->cid.engine;
	rc = pcc_acct_new(pmda.mounts, t->path, &pmda.budget, &t->acct);
	if (rc < 0) {
		pmNotifyErr(LOG_ERR, "%s: accounting reader: %s", t->path, pmErrStr(rc));
		ctr_free(t);
		return rc;
	}
	t->inst = pmdaCacheStore(pmda.indom[INDOM_CTR], PMDA_CACHE_ADD, t->name, t);
	if (t->inst < 0) {
		pmNotifyErr(LOG_ERR, "%s: instance \"%s\": %s", t->path, t->name,
			    pmErrStr(t->inst));
		ctr_free(t);
		return -EINVAL;
	}
	cull_active(INDOM_CTR, t->inst);
	if (byinst_set(t->inst, t) < 0 || restarts_added(t->inst) < 0) {
		pmdaCacheStore(pmda.indom[INDOM_CTR], PMDA_CACHE_HIDE, t->name, NULL);
		cull_hidden(INDOM_CTR, t->inst);
		ctr_free(t);
		return -ENOMEM;
	}
	c->priv = t;
	net_added(t);
	pmda.cache_dirty = 1;
	pmda.names_dirty |= t->renamed;
	if (pmDebugOptions.appl0)
		pmNotifyErr(LOG_DEBUG, "container %s added: %s [%d]", t->path, t->name, t->inst);
	return 0;
}

void ctr_removed(struct pcc_container *c, void *arg)
{
	struct ctr *t = c->priv;
	size_t i;

	(void)arg;
	if (t == NULL)
		return;
	for (i = 0; i < t->ndevs; i++) {
		pmdaCacheStore(pmda.indom[INDOM_DEV], PMDA_CACHE_HIDE, t->devs[i]->name, NULL);
		cull_hidden(INDOM_DEV, t->devs[i]->inst);
		free(t->devs[i]->name);
		free(t->devs[i]);
	}
	net_removed(t);
	pmdaCacheStore(pmda.indom[INDOM_CTR], PMDA_CACHE_HIDE, t->name, NULL);
	cull_hidden(INDOM_CTR, t->inst);
	byinst_set(t->inst, NULL);
	if (pmDebugOptions.appl0)
		pmNotifyErr(LOG_DEBUG, "container %s removed: %s [%d]", t->path, t->name, t->inst);
	pmda.names_dirty |= t->renamed;
	ctr_free(t);
	c->priv = NULL;
	pmda.cache_dirty = 1;
}

void ctr_remade(struct pcc_container *c, void *arg)
{
	struct ctr *t = c->priv;

	(void)arg;
	if (t == NULL)
		return;
	restarts_remade(t->inst);
	if (pmDebugOptions.appl0)
		pmNotifyErr(LOG_DEBUG, "container %s made again: %s [%d]", t->path, t->name, t->inst);
}

/*
 * The container instance inst (name, hidden since its container went) is
 * about to be culled: its number will not come back, a new container of
 * that name gets a new one.  Anything kept per instance number is
 * forgotten here.
 */
void ctr_culled(int inst, const char *name)
{
	names_forget(name);
	restarts_forget(inst);
	if (pmDebugOptions.appl0)
		pmNotifyErr(LOG_DEBUG, "container instance %s [%d] culled", name, inst);
}

/* Make sure each device in t's sample has its instance. */
static void ctr_devices(struct ctr *t)
{
	const struct pcc_sample *s = &t->sample;
	struct ctrdev *dv, **devs;
	char dev[64];
	size_t i, j;

	for (i = 0; i < s->niodev; i++) {
		for (j = 0; j < t->ndevs; j++)
			if (t->devs[j]->major == s->iodev[i].major &&
			    t->devs[j]->minor == s->iodev[i].minor)
				break;
		if (j < t->ndevs)
			continue;
		devs = realloc(t->devs, (t->ndevs + 1) * sizeof(*devs));
		if (devs == NULL)
			return;
		t->devs = devs;
		if ((dv = calloc(1, sizeof(*dv))) == NULL)
			return;
		dv->ctr = t;
		dv->major = s->iodev[i].major;
		dv->minor = s->iodev[i].minor;
		if (pcc_blkdev_name(pmda.rootfd, dv->major, dv->minor, dev, sizeof(dev)) < 0)
			snprintf(dev, sizeof(dev), "%u:%u", dv->major, dv->minor);
		if (asprintf(&dv->name, "%s::%s", t->name, dev) < 0) {
			free(dv);
			return;
		}
		dv->inst = pmdaCacheStore(pmda.indom[INDOM_DEV], PMDA_CACHE_ADD, dv->name, dv);
		if (dv->inst < 0) {
			free(dv->name);
			free(dv);
			return;
		}
		cull_active(INDOM_DEV, dv->inst);
		t->devs[t->ndevs++] = dv;
		pmda.cache_dirty = 1;
	}
}

void ctr_sample(struct ctr *t, const struct pcc_statset *want)
{
	if (t->sample_gen == pmda.gen)
		return;
	t->sample_gen = pmda.gen;
	t->sample_rc = pcc_acct_read(t->acct, want, &t->sample);
	if (t->sample_rc < 0) {
		/* gone between discovery and this read: normal, not an error */
		if (t->sample_rc != -ENOENT)
			pmNotifyErr(LOG_WARNING, "%s: reading accounting: %s",
				    t->path, pmErrStr(t->sample_rc));
		return;
	}
	if (t->sample.niodev > 0)
		ctr_devices(t);
}

void ctr_save_caches(void)
{
	if (pmda.names_dirty) {
		names_save();
		pmda.names_dirty = 0;
	}
	if (!pmda.cache_dirty)
		return;
	cache_save(pmda.indom[INDOM_CTR]);
	cache_save(pmda.indom[INDOM_DEV]);
	cache_save(pmda.indom[INDOM_NETIF]);
	pmda.cache_dirty = 0;
}
