/*
 * cull.c - forgetting instances whose container has been gone for longer
 * than the retention (-c, an hour by default).
 *
 * A removed container's instances are hidden, not deleted, so that a
 * container that comes back (docker stop/start, a host reboot) gets its
 * numbers again.  Kept for ever, they make the caches and their files grow
 * with every container ever seen (some 340 bytes of memory each, and the
 * whole file rewritten on every new name).  So each instance hidden is
 * noted here with the time it was hidden (cull_hidden), the note dropped
 * when it is added again (cull_active), and at most every CULL_EVERY
 * seconds, between requests, those hidden for longer than the retention
 * and still hidden are culled from pmdaCache (a device or interface not
 * while its container is there); a culled name that comes back gets a new
 * number.
 *
 * The notes outlive a restart: at each check that finds them changed they
 * are written, with wall-clock times, to <domain>.hidden in the copies'
 * directory (tmp + rename), and an entry loaded at start-up takes its time
 * from there, else (hidden in the last minute of the last run, or the file
 * lost) it counts as hidden since the start.  Without that, an agent
 * restarted more often than the retention would never cull.

 * Numbers are never reused.  libpcp_pmda gives a new name the number after
 * the highest one in the cache (h->last), also after a restart, so a
 * culled highest number would be handed out again; and PMDA_CACHE_REORG,
 * which frees culled entries, leaves h->last dangling when it frees that
 * entry (a use after free in PCP 6.0.3, seen with valgrind).  So the
 * highest number each indom has noted is never culled: it stays, one entry
 * per indom, until a higher number is hidden and takes its place.  That
 * leaves numbers climbing to 2^31-1 (at a thousand new names a minute, 4000
 * years) and then pmdaCache's own reuse of the lowest free ones.
 *
 * The files follow (cache_cull): the copy first loses the culled entries,
 * then the cache file is saved, then copied, so a culled entry is never
 * restored from the copy; a kill between the two leaves a complete older
 * file whose culled entries come back hidden and are culled again a
 * retention later.
 *
 * Each indom's hidden entries are an open-addressing table inst -> time
 * hidden (16 bytes a slot, at most half full), scanned whole at each check:
 * a few milliseconds for a million.  The table keeps the latest hiding of
 * each number, so a container that came back and went again is timed from
 * its last removal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmda.h"

#define CULL_EVERY	60	/* seconds between checks, at most */
#define SLOT_FREE	(-1)
#define SLOT_DROP	(-2)	/* dropped at a check, until the table is rebuilt */

struct hidden {
	int inst;			/* SLOT_FREE if none, SLOT_DROP a tombstone */
	time_t since;			/* monotonic seconds it was hidden */
};

struct tracker {
	struct hidden *slot;		/* cap slots, NULL before the first */
	size_t cap;			/* 0 or a power of 2 */
	size_t n;			/* slots not free (tombstones too), at most cap / 2 */
	size_t live;			/* notes: n less the tombstones */
	int max;			/* highest number noted (0 before any): never culled */
};

static struct tracker trk[NINDOMS];
static time_t next_check;
static int notes_dirty;		/* notes changed since the hidden file was written */
static int save_err;		/* last error writing it, logged once */

static time_t now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static size_t slot_of(const struct tracker *tr, int inst)
{
	return ((unsigned)inst * 2654435761u) & (tr->cap - 1);
}

/* Set inst's time in tr (which has room). */
static void put(struct tracker *tr, int inst, time_t since)
{
	size_t i = slot_of(tr, inst);

	while (tr->slot[i].inst != SLOT_FREE && tr->slot[i].inst != inst)
		i = (i + 1) & (tr->cap - 1);
	if (tr->slot[i].inst == SLOT_FREE) {
		tr->n++;
		tr->live++;
	}
	tr->slot[i].inst = inst;
	tr->slot[i].since = since;
}

/* inst's note in tr, or NULL */
static struct hidden *find(const struct tracker *tr, int inst)
{
	size_t i;

	if (tr->cap == 0)
		return NULL;
	/* at most half full: a free slot ends every probe */
	for (i = slot_of(tr, inst); tr->slot[i].inst != SLOT_FREE; i = (i + 1) & (tr->cap - 1))
		if (tr->slot[i].inst == inst)
			return &tr->slot[i];
	return NULL;
}

/* Rebuild tr with cap slots, without the SLOT_DROP ones; -ENOMEM leaves it. */
static int rebuild(struct tracker *tr, size_t cap)
{
	struct tracker nt = { .cap = cap, .max = tr->max };
	size_t i;

	if ((nt.slot = malloc(cap * sizeof(*nt.slot))) == NULL)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		nt.slot[i].inst = SLOT_FREE;
	for (i = 0; i < tr->cap; i++)
		if (tr->slot[i].inst >= 0)
			put(&nt, tr->slot[i].inst, tr->slot[i].since);
	free(tr->slot);
	*tr = nt;
	return 0;
}

static void note(int idx, int inst, time_t since)
{
	struct tracker *tr = &trk[idx];
	size_t cap = 64;

	if (pmda.cull_secs == 0 || inst < 0)
		return;
	if (2 * (tr->n + 1) > tr->cap) {
		while (cap < 4 * (tr->live + 1))
			cap *= 2;	/* a quarter full, rid of tombstones */
		if (rebuild(tr, cap) < 0)
			return;	/* no memory: this one is kept for ever */
	}
	put(tr, inst, since);
	if (inst > tr->max)
		tr->max = inst;
	notes_dirty = 1;
}

void cull_hidden(int idx, int inst)
{
	note(idx, inst, now_secs());
}

void cull_active(int idx, int inst)
{
	struct tracker *tr = &trk[idx];
	struct hidden *h;

	if ((h = find(tr, inst)) == NULL)
		return;
	h->inst = SLOT_DROP;
	tr->live--;
	notes_dirty = 1;
}

static int hidden_path(char *buf, size_t len)
{
	return var_path(buf, len, "containers/%u.hidden", pmInDom_domain(pmda.indom[INDOM_CTR]));
}

/*
 * Write every note, "INDOM INST SECONDS" (SECONDS since the epoch when it
 * was hidden), to the hidden file, whole (tmp + rename).
 */
static void notes_save(void)
{
	char file[MAXPATHLEN], tmp[MAXPATHLEN + 8];
	time_t mono = now_secs(), wall = time(NULL);
	const struct hidden *h;
	int idx, rc = 0;
	size_t i;
	FILE *f;

	if (hidden_path(file, sizeof(file)) < 0)
		return;
	pmsprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if ((f = fopen(tmp, "we")) == NULL) {
		rc = -errno;
	} else {
		for (idx = 0; idx < NINDOMS; idx++)
			for (i = 0; i < trk[idx].cap; i++) {
				h = &trk[idx].slot[i];
				if (h->inst >= 0)
					fprintf(f, "%d %d %lld\n", idx, h->inst,
						(long long)(wall - (mono - h->since)));
			}
		if (ferror(f))
			rc = -EIO;
		if (fclose(f) != 0 && rc == 0)
			rc = -errno;
		if (rc == 0 && rename(tmp, file) < 0)
			rc = -errno;
		if (rc < 0)
			unlink(tmp);
	}
	if (rc < 0 && rc != save_err)
		pmNotifyErr(LOG_WARNING, "%s: %s; after a restart, removed containers are "
			    "timed from the start", file, pmErrStr(rc));
	save_err = rc;
	notes_dirty = rc < 0;
}

/* The times the last run noted, for the notes of indom idx just loaded. */
static void notes_restore(int idx, time_t mono)
{
	time_t wall = time(NULL);
	char file[MAXPATHLEN];
	struct hidden *h;
	int i, inst;
	long long t;
	FILE *f;

	if (hidden_path(file, sizeof(file)) < 0 || (f = fopen(file, "re")) == NULL)
		return;		/* none yet: timed from now */
	while (fscanf(f, "%d %d %lld\n", &i, &inst, &t) == 3)
		if (i == idx && t <= wall && (h = find(&trk[idx], inst)) != NULL)
			h->since = mono - (time_t)(wall - t);
	fclose(f);
}

void cull_load(int idx)
{
	time_t now = now_secs();
	int *insts = NULL;
	ssize_t n, i;

	if (pmda.cull_secs == 0)
		return;
	if ((n = cache_insts(pmda.indom[idx], &insts)) < 0) {
		if (n != -ENOENT)
			pmNotifyErr(LOG_WARNING, "reading the instance cache %s: %s; "
				    "its instances are kept for ever",
				    pmInDomStr(pmda.indom[idx]), pmErrStr((int)n));
		return;
	}
	/* loaded inactive; cull_active drops the notes of those added again */
	for (i = 0; i < n; i++)
		note(idx, insts[i], now);
	free(insts);
	notes_restore(idx, now);
}

/*
 * Is the container of a device or interface instance ("<container>::<x>")
 * active?  x has no "::" (interface names have no ':', block device names
 * no "::"), so the container's name is all before the last one.
 */
static int owner_active(const char *name)
{
	const char *p, *sep = NULL;
	char *owner;
	int inst, rc;

	for (p = name; (p = strstr(p, "::")) != NULL; p++)
		sep = p;
	if (sep == NULL || (owner = strndup(name, sep - name)) == NULL)
		return 0;
	rc = pmdaCacheLookupName(pmda.indom[INDOM_CTR], owner, &inst, NULL);
	free(owner);
	return rc == PMDA_CACHE_ACTIVE;
}

/* Cull what has been hidden long enough in indom idx; the count culled. */
static int cull_indom(int idx, time_t now)
{
	struct tracker *tr = &trk[idx];
	pmInDom indom = pmda.indom[idx];
	size_t i, ndrop = 0;
	char *name;
	int culled = 0;

	for (i = 0; i < tr->cap; i++) {
		struct hidden *h = &tr->slot[i];

		if (h->inst < 0 || now - h->since < (time_t)pmda.cull_secs || h->inst == tr->max)
			continue;
		/* back (active), or no longer there: just forget the note */
		if (pmdaCacheLookup(indom, h->inst, &name, NULL) == PMDA_CACHE_INACTIVE) {
			/*
			 * loaded at start-up and not seen since (no fetch of its
			 * metrics yet, or gone) while its container is there:
			 * timed from when the container goes
			 */
			if (idx != INDOM_CTR && owner_active(name)) {
				h->since = now;
				notes_dirty = 1;
				continue;
			}
			if (idx == INDOM_CTR)
				ctr_culled(h->inst, name);
			/* marks the entry empty; name stays valid until the REORG */
			pmdaCacheStore(indom, PMDA_CACHE_CULL, name, NULL);
			culled++;
		}
		h->inst = SLOT_DROP;
		ndrop++;
	}
	if (ndrop == 0)
		return 0;
	tr->live -= ndrop;
	notes_dirty = 1;
	/* shrunk when a quarter full; with no memory the dropped stay, as tombstones */
	rebuild(tr, tr->cap > 64 && 4 * tr->live < tr->cap ? tr->cap / 2 : tr->cap);
	return culled;
}

void cull_run(void)
{
	time_t now = now_secs();
	int idx, n, total = 0;

	if (pmda.cull_secs == 0 || now < next_check)
		return;
	next_check = now + (pmda.cull_secs / 4 > CULL_EVERY ? CULL_EVERY :
			    pmda.cull_secs / 4 ? pmda.cull_secs / 4 : 1);
	/* new names saved (and copied) first: the files then differ by the culls alone */
	ctr_save_caches();
	for (idx = 0; idx < NINDOMS; idx++) {
		if ((n = cull_indom(idx, now)) == 0)
			continue;
		cache_cull(pmda.indom[idx]);
		/* frees the culled entries; safe as h->last (tr->max) is never culled */
		pmdaCacheOp(pmda.indom[idx], PMDA_CACHE_REORG);
		total += n;
	}
	if (notes_dirty)
		notes_save();
	if (total > 0 && pmDebugOptions.appl0)
		pmNotifyErr(LOG_DEBUG, "culled %d instances gone for %us or more",
			    total, pmda.cull_secs);
}
