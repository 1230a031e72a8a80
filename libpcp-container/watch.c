/*
 * watch.c - inotify change detection for a container set: one watch per
 * walked non-container directory, and the table from watch descriptor back
 * to directory.
 *
 * A watch is added through "/proc/self/fd/<fd>" on the directory fd the walk
 * has just opened to read it, and before reading it: the watch is on exactly
 * the inode read (no path to rebuild, no rename race, no PATH_MAX limit on
 * deep trees), and nothing created between the watch and the read is lost.
 * (That needs the process's own /proc, not the sysroot's; without it every
 * add fails and the set falls back to timed full scans.)
 *
 * Draining reads the inotify fd until it is empty (EAGAIN) and turns events
 * into work for walk.c: a child directory created, deleted or moved marks the
 * watched directory dirty (once per refresh; the dnode leaves the dirty list
 * when it is scanned or freed); an overflowed queue or a lost hierarchy root
 * asks for a full scan; IN_IGNORED forgets a watch the kernel dropped.
 * Events on plain files are ignored, and so are those of a watch this set
 * removed (its dnode freed, or moved to a new inode): the wd table holds live
 * watches only, and the kernel hands out wds cyclically, so a stale wd is
 * not found rather than taken for another directory's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "walk.h"

/* no IN_DONT_FOLLOW: /proc/self/fd/N is a link to follow (O_NOFOLLOW at the
 * openat already refused a symlinked directory) */
#define WATCH_MASK	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			 IN_DELETE_SELF | IN_ONLYDIR)
#define CHILD_EVENTS	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

int pcc_watch_init(struct pcc_set *s)
{
	if (pcc_wdtab_init(&s->wt) < 0)
		return -ENOMEM;
	s->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ifd < 0)
		s->watch_failed = true;	/* timed full scans only */
	return 0;
}

/* Close the fd first: the dnodes freed afterwards need no inotify_rm_watch. */
void pcc_watch_fini(struct pcc_set *s)
{
	if (s->ifd >= 0)
		close(s->ifd);
	s->ifd = -1;
}

static struct pcc_dnode *watch_lookup(const struct pcc_set *s, int wd)
{
	struct pcc_wdlink *l = pcc_wdtab_find(&s->wt, wd);

	return l ? (struct pcc_dnode *)((char *)l - offsetof(struct pcc_dnode, wl)) : NULL;
}

static void wtab_unlink(struct pcc_set *s, struct pcc_dnode *d)
{
	pcc_wdtab_del(&s->wt, &d->wl);
	s->st.watches--;
}

void pcc_watch_add(struct pcc_set *s, struct pcc_dnode *d, int dirfd)
{
	struct pcc_dnode *owner;
	char proc[40];
	int wd;

	if (s->ifd < 0 || d->wl.wd >= 0)
		return;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
	wd = inotify_add_watch(s->ifd, proc, WATCH_MASK);
	if (wd < 0) {
		s->scan_watch_failed = true;
		return;
	}
	/* same inode as a dnode we still hold (renamed): the watch is shared,
	 * and belongs to the newest; the old one must not remove it */
	owner = watch_lookup(s, wd);
	if (owner != NULL)
		wtab_unlink(s, owner);
	pcc_wdtab_put(&s->wt, &d->wl, wd);
	s->st.watches++;
}

void pcc_watch_rm(struct pcc_set *s, struct pcc_dnode *d)
{
	int wd = d->wl.wd;

	if (wd < 0)
		return;
	wtab_unlink(s, d);
	if (s->ifd >= 0)
		inotify_rm_watch(s->ifd, wd);	/* EINVAL if the kernel dropped it */
}

static void mark_dirty(struct pcc_set *s, struct pcc_dnode *d)
{
	struct pcc_dnode **v;

	if (d->dirty)
		return;
	if (s->ndirty == s->capdirty) {
		v = realloc(s->dirty, (s->capdirty ? s->capdirty * 2 : 16) * sizeof(*v));
		if (v == NULL) {
			s->need_full = true;
			return;
		}
		s->dirty = v;
		s->capdirty = s->capdirty ? s->capdirty * 2 : 16;
	}
	s->dirty[s->ndirty++] = d;
	d->dirty = s->ndirty;
}

static void one_event(struct pcc_set *s, const struct inotify_event *ev)
{
	struct pcc_dnode *d;

	s->st.events++;
	if (ev->mask & IN_Q_OVERFLOW) {
		s->need_full = true;
		s->st.overflows++;
		return;
	}
	d = watch_lookup(s, ev->wd);
	if (d == NULL)
		return;		/* a watch we removed: late events */
	if (ev->mask & IN_IGNORED) {
		wtab_unlink(s, d);
		if (d->depth == 0)
			s->need_full = true;	/* hierarchy root gone or unmounted */
		return;
	}
	if ((ev->mask & CHILD_EVENTS) && (ev->mask & IN_ISDIR))
		mark_dirty(s, d);
}

int pcc_watch_drain(struct pcc_set *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n, off;

	for (;;) {
		n = read(s->ifd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			s->need_full = true;
			return -errno;
		}
		if (n == 0)
			return 0;
		for (off = 0; off + (ssize_t)sizeof(*ev) <= n; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			one_event(s, ev);
		}
	}
}
