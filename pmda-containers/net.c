/*
 * net.c - per-container network state of pmdacontainers: which network
 * namespace each container is in, its readings, and the interface instance
 * domain ("<container>::<interface>").
 *
 * A container is attached to its namespace when it is discovered (one of
 * its processes is looked up in cgroup.procs, and the namespace entered
 * once by the library); a container that has no process yet is attached at
 * a later fetch that wants network metrics, tried again after 1, 2, 4, then
 * every 8 seconds.  A fetch that asks for network metrics reads each
 * namespace once (one RTM_GETSTATS dump on a socket kept inside it):
 * containers sharing a namespace share the reading.  Nothing here changes
 * namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmda.h"

#define NET_RETRY_MIN_MS	250	/* first wait to find a process again */
#define NET_RETRY_MAX_MS	8000	/* longest wait */

static int netif_taken(const char *name)
{
	int inst;

	return pmdaCacheLookupName(pmda.indom[INDOM_NETIF], name, &inst, NULL) ==
	       PMDA_CACHE_ACTIVE;
}

struct ctrif *ctrif_lookup(int inst)
{
	void *priv = NULL;

	if (pmdaCacheLookup(pmda.indom[INDOM_NETIF], inst, NULL, &priv) != PMDA_CACHE_ACTIVE)
		return NULL;
	return priv;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * The time of this fetch, read once for all its containers: a host with a
 * thousand containers that have no process (yet) would otherwise ask for
 * it a thousand times per fetch, for each one's retry time.
 */
static unsigned long long fetch_ms(void)
{
	if (pmda.net_ms_gen != pmda.gen) {
		pmda.net_ms_gen = pmda.gen;
		pmda.net_ms = now_ms();
	}
	return pmda.net_ms;
}

/*
 * Attach t to the namespace of one of its processes; quiet if it has none.
 * Finding a process searches the container's cgroups (some 20 system calls
 * per hierarchy), so a container that has none is tried again only after
 * NET_RETRY_MIN_MS, doubling up to NET_RETRY_MAX_MS: a thousand empty
 * container cgroups would otherwise cost each network fetch 100 ms.
 */
static void net_attach(struct ctr *t, unsigned long long now)
{
	pid_t pid;
	int rc;

	if (pmda.netns == NULL || t->netm != NULL)
		return;
	if (now < t->net_retry_ms)
		return;
	rc = pcc_cgroup_pid(pmda.mounts, t->path, &pid);
	if (rc == 0)
		rc = pcc_netns_attach(pmda.netns, pid, &t->netm);
	if (rc >= 0) {
		t->net_flags = rc;
		t->net_backoff_ms = 0;
		return;
	}
	t->netm = NULL;
	t->net_backoff_ms = t->net_backoff_ms == 0 ? NET_RETRY_MIN_MS :
			    t->net_backoff_ms >= NET_RETRY_MAX_MS / 2 ? NET_RETRY_MAX_MS :
			    2 * t->net_backoff_ms;
	t->net_retry_ms = now + t->net_backoff_ms;
	/* no process yet, or gone between the two steps: normal */
	if (rc != -ESRCH && rc != -ENOENT && rc != t->net_err)
		pmNotifyErr(LOG_WARNING, "%s: network namespace: %s", t->path, pmErrStr(rc));
	t->net_err = rc;
}

void net_added(struct ctr *t)
{
	net_attach(t, now_ms());
}

void net_removed(struct ctr *t)
{
	size_t i;

	for (i = 0; i < t->nifs; i++) {
		pmdaCacheStore(pmda.indom[INDOM_NETIF], PMDA_CACHE_HIDE, t->ifs[i]->name, NULL);
		cull_hidden(INDOM_NETIF, t->ifs[i]->inst);
		free(t->ifs[i]->name);
		free(t->ifs[i]);
	}
	free(t->ifs);
	t->ifs = NULL;
	t->nifs = 0;
	t->if_names_gen = 0;
	pcc_netns_detach(t->netm);
	t->netm = NULL;
}

/* A new interface instance of t for name; NULL if it cannot be had. */
static struct ctrif *net_if_new(struct ctr *t, const char *name)
{
	struct ctrif *f, **ifs;

	if ((ifs = realloc(t->ifs, (t->nifs + 1) * sizeof(*ifs))) == NULL)
		return NULL;
	t->ifs = ifs;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->ctr = t;
	snprintf(f->ifname, sizeof(f->ifname), "%s", name);
	if (asprintf(&f->name, "%s::%s", t->name, f->ifname) < 0 || netif_taken(f->name) ||
	    (f->inst = pmdaCacheStore(pmda.indom[INDOM_NETIF], PMDA_CACHE_ADD, f->name, f)) < 0) {
		free(f->name);
		free(f);
		return NULL;
	}
	cull_active(INDOM_NETIF, f->inst);
	t->ifs[t->nifs++] = f;
	pmda.cache_dirty = 1;
	return f;
}

/*
 * Each named interface of t's reading to its instance (made if new), which
 * keeps its place in the reading, so that the values (four or more per
 * interface) are not looked up by name each.  Done again only when the
 * reading's names generation changes (an interface came, went or was
 * (re)named): at 100 namespaces comparing each name at every fetch was 5%
 * of the agent's user time.  The reading usually lists the interfaces in
 * the order t first saw them: one name compared per interface then.
 */
static void net_interfaces(struct ctr *t)
{
	const struct pcc_netns_reading *r = t->netr;
	struct ctrif *f;
	size_t i, j;

	if (r->names_gen == t->if_names_gen)
		return;
	t->if_names_gen = r->names_gen;
	t->if_match++;
	for (i = 0; i < r->nif; i++) {
		if (r->ifs[i].name[0] == '\0')
			continue;	/* not learnt yet */
		if (i < t->nifs && strcmp(t->ifs[i]->ifname, r->ifs[i].name) == 0) {
			f = t->ifs[i];
		} else {
			for (j = 0; j < t->nifs; j++)
				if (strcmp(t->ifs[j]->ifname, r->ifs[i].name) == 0)
					break;
			f = j < t->nifs ? t->ifs[j] : net_if_new(t, r->ifs[i].name);
			if (f == NULL)
				continue;
		}
		f->idx = i;
		f->matched = t->if_match;
	}
}

/* The reading of t's namespace for this fetch. */
void net_sample(struct ctr *t, uint64_t want)
{
	int rc;

	if (t->net_gen == pmda.gen)
		return;
	t->net_gen = pmda.gen;
	t->netr = NULL;
	if (t->netm == NULL)
		net_attach(t, fetch_ms());
	if (t->netm == NULL)
		return;
	rc = pcc_netns_read(t->netm, want, &t->netr);
	if (rc == -ENOENT) {
		/* the process we entered through is gone: try another one now */
		pcc_netns_detach(t->netm);
		t->netm = NULL;
		t->net_retry_ms = 0;
		net_attach(t, fetch_ms());
		if (t->netm == NULL)
			return;
		rc = pcc_netns_read(t->netm, want, &t->netr);
	}
	if (rc < 0) {
		t->netr = NULL;
		return;
	}
	t->net_flags = rc;
	if (t->netr->nif > 0)
		net_interfaces(t);
}

/*
 * The current numbers of interface f, or NULL: those of t->netr, the
 * reading of t's last net_sample, if f was matched to the reading's names
 * (and a reading with other names has not come since).
 */
const struct pcc_netif *net_if(const struct ctrif *f)
{
	const struct ctr *t = f->ctr;
	const struct pcc_netns_reading *r = t->netr;

	if (r == NULL || f->matched != t->if_match || r->names_gen != t->if_names_gen ||
	    f->idx >= r->nif)	/* this round's read of the interfaces failed */
		return NULL;
	return &r->ifs[f->idx];
}
