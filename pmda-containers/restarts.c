/*
 * restarts.c - how many times each container was restarted, kept by
 * instance number: container.info.restarts (since the agent started) and
 * container.info.restarts_15min (in the last 15 minutes).
 *
 * A restart shows in one of two ways.  Slower than two refreshes of the
 * container set, the cgroup is gone at one (the instance is hidden) and
 * back at a later one under the same name, which pmdaCache gives its old
 * number: every activation of a number after its first is a restart.
 * Faster, the set keeps the container and says its cgroup was made again
 * (the remade callback).
 *
 * Why a windowed count as well as the counter: a container restarting is
 * absent at some samples, and pmie has no value for it there, so neither
 * "CPU time went down" nor the rate of a restart counter is known across
 * such a sample: pmie misses exactly the restarts worth an alert.  A count
 * over a window the agent keeps is known at every sample the container
 * is present in.  15 minutes: kubelet's restart back-off grows to 5
 * minutes, so a container in a crash loop restarts at least 3 times in 15.
 * The times of the last RING_MAX restarts are kept per instance that ever
 * restarted (allocated at its first restart); more in the window count as
 * RING_MAX.  The counts live as long as this agent: a restart of the agent
 * is, to clients, a reset like any counter's.  Kept in a hash table by
 * instance number, one record per number live or hidden: numbers are never
 * given out twice, so an array by number would grow with every container
 * ever seen, and cull.c's forgetting a number frees its record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmda.h"

#define RING_MAX	64
#define WINDOW_SECS	(15 * 60)
#define NB_MIN		64

struct life {
	int inst;
	uint32_t adds;		/* activations of the number */
	uint32_t restarts;	/* since the agent started */
	uint32_t *ring;		/* CLOCK_MONOTONIC seconds of the last RING_MAX, or NULL */
	struct life *next;	/* hash chain */
};

static struct life **tab;	/* nb buckets, a power of 2 */
static size_t nb, n;

static uint32_t now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

static size_t slot(int inst, size_t nbuckets)
{
	return ((uint32_t)inst * 2654435761u) & (nbuckets - 1);
}

static struct life **find(int inst)
{
	struct life **l;

	if (nb == 0)
		return NULL;
	for (l = &tab[slot(inst, nb)]; *l; l = &(*l)->next)
		if ((*l)->inst == inst)
			return l;
	return NULL;
}

/* Double the table when it is full; without memory the chains just grow. */
static void grow(void)
{
	size_t m = nb ? 2 * nb : NB_MIN, i;
	struct life **t, *l, *next;

	if (n < nb)
		return;
	if ((t = calloc(m, sizeof(*t))) == NULL)
		return;
	for (i = 0; i < nb; i++)
		for (l = tab[i]; l; l = next) {
			next = l->next;
			l->next = t[slot(l->inst, m)];
			t[slot(l->inst, m)] = l;
		}
	free(tab);
	tab = t;
	nb = m;
}

static void restarted(struct life *l)
{
	if (l->ring == NULL && (l->ring = calloc(RING_MAX, sizeof(*l->ring))) == NULL)
		pmNotifyErr(LOG_WARNING, "no memory to time a restart: "
			    "container.info.restarts_15min leaves it out");
	if (l->ring != NULL)
		l->ring[l->restarts % RING_MAX] = now_secs();
	l->restarts++;
}

int restarts_added(int inst)
{
	struct life **p = find(inst), *l;

	if (p != NULL) {
		restarted(*p);
		(*p)->adds++;
		return 0;
	}
	grow();
	if (nb == 0 || (l = calloc(1, sizeof(*l))) == NULL)
		return -ENOMEM;
	l->inst = inst;
	l->adds = 1;
	l->next = tab[slot(inst, nb)];
	tab[slot(inst, nb)] = l;
	n++;
	return 0;
}

void restarts_remade(int inst)
{
	struct life **p = find(inst);

	if (p != NULL)
		restarted(*p);
}

/* The number is no more (culled): its record goes. */
void restarts_forget(int inst)
{
	struct life **p = find(inst), *l;

	if (p == NULL)
		return;
	l = *p;
	*p = l->next;
	free(l->ring);
	free(l);
	n--;
}

uint32_t restarts_total(int inst)
{
	struct life **p = find(inst);

	return p != NULL ? (*p)->restarts : 0;
}

uint32_t restarts_recent(int inst)
{
	struct life **p = find(inst);
	uint32_t now = now_secs(), k, i, c = 0;

	if (p == NULL || (*p)->ring == NULL)
		return 0;
	k = (*p)->restarts < RING_MAX ? (*p)->restarts : RING_MAX;
	for (i = 0; i < k; i++)
		c += now - (*p)->ring[i] < WINDOW_SECS;
	return c;
}
