/*
 * set.c - the container set: one record per container cgroup path however
 * many hierarchies hold it, found by path (hash table) and by index (vector
 * in insertion order), and pcc_set_refresh, which decides between doing
 * nothing, rescanning the directories inotify named, and a full walk.
 *
 * What always holds between refreshes: a container is in the set iff its
 * cgroup directory was seen, at the last scan of its parent, in at least one
 * walked hierarchy (bit i of present for hierarchy i); every container in the
 * set has been announced to ops->added; vec holds exactly the live
 * containers, in insertion order, and ctab finds each by path.  During a
 * refresh, containers created or killed are queued on s->changed, and the
 * callbacks run once at its end, when the set is consistent again.
 *
 * Access pattern: the PMDA refreshes before every fetch and nearly always
 * nothing has changed, so the common refresh is one clock read and one
 * read() of the inotify fd returning EAGAIN, and no allocation; it then
 * looks containers up by path and iterates them by index.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "walk.h"

#define FALLBACK_SECS	10	/* full scan period without inotify, rescan_secs 0 */
#define CTAB_MIN	64
#define SHORT_ID	12

/* ---------------------------------------------------------------- containers */

static size_t cslot(const struct pcc_set *s, const char *path)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*path)
		h = (h ^ (unsigned char)*path++) * 1099511628211ull;
	return (size_t)(h ^ h >> 32) & (s->nctab - 1);
}

struct pcc_ctr *pcc_ctr_find(const struct pcc_set *s, const char *path)
{
	struct pcc_ctr *c;

	for (c = s->ctab[cslot(s, path)]; c; c = c->h_next)
		if (strcmp(c->pub.path, path) == 0)
			return c;
	return NULL;
}

/* Double the table when it gets full; on ENOMEM the chains just grow. */
static void ctab_grow(struct pcc_set *s)
{
	struct pcc_ctr **old = s->ctab, *c, *next;
	size_t i, nold = s->nctab;

	if (s->nctr < s->nctab)
		return;
	s->ctab = calloc(nold * 2, sizeof(*s->ctab));
	if (s->ctab == NULL) {
		s->ctab = old;
		return;
	}
	s->nctab = nold * 2;
	for (i = 0; i < nold; i++) {
		for (c = old[i]; c; c = next) {
			next = c->h_next;
			c->h_next = s->ctab[cslot(s, c->pub.path)];
			s->ctab[cslot(s, c->pub.path)] = c;
		}
	}
	free(old);
}

static void ctab_unlink(struct pcc_set *s, struct pcc_ctr *c)
{
	struct pcc_ctr **pp;

	for (pp = &s->ctab[cslot(s, c->pub.path)]; *pp; pp = &(*pp)->h_next) {
		if (*pp == c) {
			*pp = c->h_next;
			s->nctr--;
			return;
		}
	}
}

/* Remember c for the callbacks at the end of this refresh (FIFO). */
static void note_changed(struct pcc_set *s, struct pcc_ctr *c)
{
	if (c->changed)
		return;
	c->changed = true;
	c->chg_next = NULL;
	*s->chg_tail = c;
	s->chg_tail = &c->chg_next;
}

/* Instance name: sanitized engine name, else the short id, else the path's tail. */
static char *ctr_name(const struct pcc_cid *cid, const char *path)
{
	const char *src = cid->name;
	size_t len;
	char *dst;

	if (*src == '\0' && cid->id[0] != '\0')
		return strndup(cid->id, SHORT_ID);
	if (*src == '\0')
		src = strrchr(path, '/') + 1;
	len = strlen(src);
	dst = malloc(4 * len + 1);	/* "\xHH" per byte at worst: never cut */
	if (dst != NULL)
		pcc_name_sanitize(src, len, dst, 4 * len + 1);
	return dst;
}

static void ctr_free(struct pcc_ctr *c)
{
	free(c->pub.path);
	free(c->pub.name);
	free(c);
}

struct pcc_ctr *pcc_ctr_new(struct pcc_set *s, const char *path,
			    const struct pcc_cid *cid)
{
	struct pcc_ctr **v, *c;
	size_t slot;

	if (s->nvec == s->capvec) {
		v = realloc(s->vec, (s->capvec ? s->capvec * 2 : 64) * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->vec = v;
		s->capvec = s->capvec ? s->capvec * 2 : 64;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->pub.cid = *cid;
	c->pub.path = strdup(path);
	c->pub.name = ctr_name(cid, path);
	if (c->pub.path == NULL || c->pub.name == NULL) {
		ctr_free(c);
		return NULL;
	}
	ctab_grow(s);
	slot = cslot(s, path);
	c->h_next = s->ctab[slot];
	s->ctab[slot] = c;
	s->nctr++;
	s->vec[s->nvec++] = c;
	note_changed(s, c);
	return c;
}

/*
 * c's cgroup in hierarchy hier is a new directory: gone from the hierarchy
 * and back, or listed with another inode.  An engine restarting a container
 * does that in every hierarchy, one after the other, and scans may see it in
 * some of them only: it is counted once, in the lowest hierarchy the
 * container is or was in.
 */
void pcc_ctr_remade(struct pcc_set *s, struct pcc_ctr *c, unsigned hier)
{
	if (((c->pub.present | c->lost) & ((1u << hier) - 1)) != 0)
		return;
	c->pub.remade++;
	note_changed(s, c);
}

void pcc_ctr_absent(struct pcc_set *s, struct pcc_ctr *c, unsigned hier)
{
	c->pub.present &= ~(1u << hier);
	if (c->pub.present != 0) {
		c->lost |= 1u << hier;
		return;
	}
	if (c->dead)
		return;
	c->dead = true;
	ctab_unlink(s, c);
	s->ndead++;
	note_changed(s, c);
}

/*
 * End of a refresh: drop dead containers from vec, then tell the owner:
 * remade for each announced one made again, removed for each announced one
 * that died, added for each new one alive.
 * Returns how many it told.
 */
static int finish(struct pcc_set *s)
{
	struct pcc_ctr *c, *next, *born = NULL, **tail = &born;
	size_t i, j;
	int n = 0;

	if (s->ndead) {
		for (i = j = 0; i < s->nvec; i++)
			if (!s->vec[i]->dead)
				s->vec[j++] = s->vec[i];
		s->nvec = j;
		s->ndead = 0;
	}
	for (c = s->changed; c; c = next) {
		next = c->chg_next;
		c->changed = false;
		if (!c->dead && c->announced) {
			if (s->ops.remade)
				s->ops.remade(&c->pub, s->ops.arg);
			n++;
			continue;
		}
		if (!c->dead) {
			*tail = c;
			tail = &c->chg_next;
			continue;
		}
		if (c->announced && s->ops.removed)
			s->ops.removed(&c->pub, s->ops.arg);
		n += c->announced;
		ctr_free(c);
	}
	*tail = NULL;
	s->changed = NULL;
	s->chg_tail = &s->changed;
	for (c = born; c; c = c->chg_next) {
		c->announced = true;
		if (s->ops.added)
			s->ops.added(&c->pub, s->ops.arg);
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------- the set */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The period of the safety walk in ms, 0 for none. */
static int64_t full_period(const struct pcc_set *s)
{
	unsigned period = s->rescan_secs;

	if (period == 0 && s->watch_failed)
		period = FALLBACK_SECS;
	return (int64_t)period * 1000;
}

/* Is a full walk due: always when needed, the periodic one if asked? */
static bool full_due(const struct pcc_set *s, int64_t now, bool periodic)
{
	int64_t period = full_period(s);

	if (!s->walked || s->need_full)
		return true;
	return periodic && period != 0 && now - s->last_full >= period;
}

static int refresh(struct pcc_set *s, bool periodic)
{
	int64_t now;
	int rc = 0, r, n;

	if (s == NULL)
		return -EINVAL;
	now = now_ms();
	if (s->ifd >= 0)
		rc = pcc_watch_drain(s);
	if (full_due(s, now, periodic)) {
		pcc_walk_dirty_reset(s);	/* the full scan reads them all */
		r = pcc_walk_full(s, now);
	} else if (s->ndirty > 0) {
		r = pcc_walk_dirty(s);
	} else {
		return rc;
	}
	n = finish(s);
	if (r < 0)
		rc = r;
	return rc < 0 ? rc : n;
}

int pcc_set_refresh(struct pcc_set *s)
{
	return refresh(s, true);
}

int pcc_set_refresh_events(struct pcc_set *s)
{
	return refresh(s, false);
}

int pcc_set_full_due_ms(const struct pcc_set *s)
{
	int64_t period, left;

	if (s == NULL)
		return -EINVAL;
	if (!s->walked || s->need_full)
		return 0;
	if ((period = full_period(s)) == 0)
		return INT_MAX;
	left = s->last_full + period - now_ms();
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

int pcc_set_new(const struct pcc_mounts *m, const struct pcc_set_ops *ops,
		unsigned rescan_secs, struct pcc_set **ret_set)
{
	struct pcc_set *s;

	if (m == NULL || ret_set == NULL)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->m = m;
	s->ifd = -1;
	s->chg_tail = &s->changed;
	if (ops != NULL)
		s->ops = *ops;
	s->rescan_secs = rescan_secs;
	s->root = calloc(m->nhier ? m->nhier : 1, sizeof(*s->root));
	s->ctab = calloc(CTAB_MIN, sizeof(*s->ctab));
	s->nctab = CTAB_MIN;
	s->pathbuf = malloc(PATH_MAX);
	if (s->root == NULL || s->ctab == NULL || s->pathbuf == NULL ||
	    pcc_watch_init(s) < 0) {
		pcc_set_free(s);
		return -ENOMEM;
	}
	*ret_set = s;
	return 0;
}

void pcc_set_free(struct pcc_set *s)
{
	if (s == NULL)
		return;
	pcc_watch_fini(s);
	pcc_walk_free(s);
	finish(s);	/* every container is dead now: removed callbacks */
	free(s->root);
	free(s->vec);
	free(s->ctab);
	pcc_wdtab_fini(&s->wt);
	free(s->dirty);
	free(s->pathbuf);
	free(s);
}

int pcc_set_fd(const struct pcc_set *s)
{
	return s ? s->ifd : -1;
}

size_t pcc_set_count(const struct pcc_set *s)
{
	return s ? s->nvec : 0;
}

struct pcc_container *pcc_set_at(const struct pcc_set *s, size_t i)
{
	return s && i < s->nvec ? &s->vec[i]->pub : NULL;
}

struct pcc_container *pcc_set_find(const struct pcc_set *s, const char *path)
{
	struct pcc_ctr *c;

	if (s == NULL || path == NULL)
		return NULL;
	c = pcc_ctr_find(s, path);
	return c ? &c->pub : NULL;
}

void pcc_set_get_stats(const struct pcc_set *s, struct pcc_set_stats *ret_stats)
{
	if (s != NULL && ret_stats != NULL)
		*ret_stats = s->st;
}

