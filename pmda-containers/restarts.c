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
 * is, to clients, a reset like any counter's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmda.h"

#define LIFE_MAX	(1 << 20)	/* as ctr.c's BYINST_MAX: numbers past it are not counted */
#define RING_MAX	64
#define WINDOW_SECS	(15 * 60)

struct life {
	uint32_t adds;		/* activations of the number, 0: never active */
	uint32_t restarts;	/* since the agent started */
	uint32_t *ring;		/* CLOCK_MONOTONIC seconds of the last RING_MAX */
};

static struct life *lives;
static int nlives;

static uint32_t now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

static struct life *life_of(int inst)
{
	return inst >= 0 && inst < nlives ? &lives[inst] : NULL;
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
	struct life *v;
	int n;

	if (inst < 0 || inst >= LIFE_MAX)
		return 0;
	if (inst >= nlives) {
		n = nlives ? nlives : 64;
		while (n <= inst)
			n *= 2;
		if ((v = realloc(lives, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		memset(v + nlives, 0, (n - nlives) * sizeof(*v));
		lives = v;
		nlives = n;
	}
	if (lives[inst].adds++ > 0)
		restarted(&lives[inst]);
	return 0;
}

void restarts_remade(int inst)
{
	struct life *l = life_of(inst);

	if (l != NULL && l->adds > 0)
		restarted(l);
}

/* The number is no more (culled): a later use of it starts from nothing. */
void restarts_forget(int inst)
{
	struct life *l = life_of(inst);

	if (l != NULL) {
		free(l->ring);
		memset(l, 0, sizeof(*l));
	}
}

uint32_t restarts_total(int inst)
{
	const struct life *l = life_of(inst);

	return l != NULL ? l->restarts : 0;
}

uint32_t restarts_recent(int inst)
{
	const struct life *l = life_of(inst);
	uint32_t now = now_secs(), n = 0, i, k;

	if (l == NULL || l->ring == NULL)
		return 0;
	k = l->restarts < RING_MAX ? l->restarts : RING_MAX;
	for (i = 0; i < k; i++)
		n += now - l->ring[i] < WINDOW_SECS;
	return n;
}
