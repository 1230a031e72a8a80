/*
 * acct_settings.c - the inotify watches that let the accounting readers of
 * one budget keep what their setting files say (limits, shares, weight:
 * files of rank ACCT_RANK_SETTING and up) instead of reading them on every
 * read.
 *
 * Why.  The kernel changes those files only when someone writes one of
 * them (docker update, systemd, a kubelet resize: a write(2) that fsnotify
 * reports as IN_MODIFY to a watch on the directory, whichever mount it came
 * through, the inode being the hierarchy's), yet they are 5 of the 17 files
 * of a v1 container and, measured over 1000 containers on a 2-CPU VM, about
 * a quarter of the kernel's work on a full read (a watch on the directory
 * costs ~3% more on each read of the files left, fsnotify looking at the
 * parent).  So a reader of a budget with watch_settings watches its
 * directory in each hierarchy with setting files, one watch each (v1 cpu,
 * memory, pids; v2 the unified one), before it reads them; after that read
 * it keeps their values until an event (any write in the directory, any
 * kernfs notification there: a spurious one costs one read) clears its
 * fresh flag.  The owner drains the events with pcc_fdbudget_sync() before
 * each round of reads.
 *
 * What holds: a watch is in the plan's table exactly while its wd >= 0;
 * a wd is in the table at most once (a directory watched by one reader:
 * another reader of the same directory is refused and reads every time);
 * a lost event (IN_Q_OVERFLOW, a failed read) bumps settings_gen, which
 * makes every reader's cache stale; IN_IGNORED (directory removed) drops
 * the watch, and the reader adds it again before it next reads its
 * settings.  The kernel hands out wds cyclically, so an event of a watch
 * removed here is not taken for a newer watch's.
 *
 * Watches are counted per user by the kernel (fs.inotify.max_user_watches,
 * 8192 before Linux 5.11), and the container set's discovery needs some of
 * the same user's: the readers take at most half of the limit, and those
 * that find none left read their settings every time.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "acct.h"

#define WATCH_MASK	(IN_MODIFY | IN_ONLYDIR)
#define WATCHES_DEFAULT	8192	/* the limit before Linux 5.11, if it cannot be read */

/* Half the kernel's per-user limit of inotify watches. */
static size_t max_watches(void)
{
	unsigned long v = WATCHES_DEFAULT;
	FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "re");

	if (f != NULL) {
		if (fscanf(f, "%lu", &v) != 1)
			v = WATCHES_DEFAULT;
		fclose(f);
	}
	return v / 2;
}

int acct_settings_open(struct pcc_acct_plan *p)
{
	if (p->ifd >= 0)
		return 0;
	if (p->maxwatch == 0)
		p->maxwatch = max_watches();
	if (p->wt.nb == 0 && pcc_wdtab_init(&p->wt) < 0)
		return -ENOMEM;
	p->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return p->ifd < 0 ? -errno : 0;
}

void acct_settings_close(struct pcc_acct_plan *p)
{
	if (p->ifd >= 0)
		close(p->ifd);		/* drops every watch */
	p->ifd = -1;
	pcc_wdtab_fini(&p->wt);
}

static struct acct_watch *watch_find(const struct pcc_acct_plan *p, int wd)
{
	struct pcc_wdlink *l = pcc_wdtab_find(&p->wt, wd);

	return l ? (struct acct_watch *)((char *)l - offsetof(struct acct_watch, wl)) : NULL;
}

int acct_watch_add(struct pcc_acct_plan *p, struct acct_watch *w, int dirfd, const char *rel)
{
	char path[PATH_MAX];
	int wd;

	if (p->ifd < 0 || w->wl.wd >= 0)
		return p->ifd < 0 ? -EBADF : 0;
	if (p->wt.n >= p->maxwatch)
		return -ENOSPC;		/* the rest are discovery's */
	/* the directory as the reader opens its files: below the hierarchy's fd */
	if (snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((wd = inotify_add_watch(p->ifd, path, WATCH_MASK)) < 0)
		return -errno;
	if (watch_find(p, wd) != NULL)
		return -EEXIST;		/* the same inode: the watch is the other reader's */
	pcc_wdtab_put(&p->wt, &w->wl, wd);
	return 0;
}

void acct_watch_del(struct pcc_acct_plan *p, struct acct_watch *w)
{
	int wd = w->wl.wd;

	if (wd < 0)
		return;
	pcc_wdtab_del(&p->wt, &w->wl);
	if (p->ifd >= 0)
		inotify_rm_watch(p->ifd, wd);	/* its IN_IGNORED finds no watch */
}

int pcc_fdbudget_sync(struct pcc_fdbudget *b)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct pcc_acct_plan *p;
	struct acct_watch *w;
	int events = 0, err;
	ssize_t n, off;

	if (b == NULL)
		return -EINVAL;
	p = b->plan;
	if (p == NULL || p->ifd < 0)
		return 0;
	for (;;) {
		n = read(p->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return events;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			p->settings_gen++;	/* events may be lost: nothing is known fresh */
			return -err;
		}
		for (off = 0; off < n; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			events++;
			if (ev->mask & IN_Q_OVERFLOW) {
				p->settings_gen++;
				continue;
			}
			if ((w = watch_find(p, ev->wd)) == NULL)
				continue;
			*w->fresh = false;
			if (ev->mask & IN_IGNORED)
				pcc_wdtab_del(&p->wt, &w->wl);
		}
	}
}

/* ------------------------------------------------------------------ a reader's cache */

bool acct_cache_begin(struct acct_cache *c, struct pcc_acct_plan *p,
		      const struct acct_layout *l, const char *paths)
{
	struct acct_watch *w;
	unsigned i;
	int rc;

	if (c->watch == NULL || acct_cache_fresh(c, p))
		return c->watch != NULL;
	c->fresh = false;
	c->cached = 0;
	c->chave = 0;
	for (i = 0; i < c->nwatch; i++) {
		w = &c->watch[i];
		if (w->wl.wd >= 0)
			continue;
		rc = acct_watch_add(p, w, l->m->hier[w->hier].dirfd, paths + w->dir);
		if (rc == -ENOENT)
			return false;	/* not (yet) in that hierarchy: try again next time */
		if (rc < 0) {
			/* shared directory, no watches left...: read every time */
			acct_cache_release(c, p);
			return false;
		}
	}
	c->fresh = true;
	c->sgen = p->settings_gen;
	return true;
}

void acct_cache_put(const struct acct_cache *c, const struct acct_layout *l, unsigned i,
		    struct pcc_sample *out)
{
	const struct acct_lfile *lf = &l->file[i];
	enum pcc_stat st;
	unsigned s;

	for (s = 0; s < lf->n; s++) {
		if (!((c->chave >> (lf->cfirst + s)) & 1))
			continue;
		st = l->slot[lf->first + s].stat;
		out->v[st] = c->cval[lf->cfirst + s];
		pcc_statset_add(&out->have, st);
	}
}

void acct_cache_keep(struct acct_cache *c, const struct acct_layout *l, unsigned i,
		     const struct pcc_sample *out)
{
	const struct acct_lfile *lf = &l->file[i];
	enum pcc_stat st;
	uint64_t bit;
	bool any = false;
	unsigned s;

	for (s = 0; s < lf->n; s++) {
		st = l->slot[lf->first + s].stat;
		bit = 1ull << (lf->cfirst + s);
		c->chave &= ~bit;
		if (pcc_statset_has(&out->have, st)) {
			c->cval[lf->cfirst + s] = out->v[st];
			c->chave |= bit;
			any = true;
		}
	}
	if (any)
		c->cached |= 1u << i;
}

void acct_cache_drop(struct acct_cache *c, const struct acct_layout *l, uint32_t gone,
		     struct pcc_sample *out)
{
	const struct acct_lfile *lf;
	enum pcc_stat st;
	unsigned i, s;

	for (i = 0; i < l->nfile; i++) {
		lf = &l->file[i];
		if (!((c->cached >> i) & 1) || !((gone >> lf->hier) & 1))
			continue;
		for (s = 0; s < lf->n; s++) {
			st = l->slot[lf->first + s].stat;
			out->have.bits[st / 64] &= ~(1ull << (st % 64));
		}
	}
	c->fresh = false;
}

void acct_cache_release(struct acct_cache *c, struct pcc_acct_plan *p)
{
	unsigned i;

	for (i = 0; c->watch != NULL && i < c->nwatch; i++)
		acct_watch_del(p, &c->watch[i]);
	free(c->watch);
	free(c->cval);
	memset(c, 0, sizeof(*c));
}
