/*
 * walk.h - the insides of a container set, shared by set.c (the container
 * records, refresh, the public API), walk.c (reading the hierarchies) and
 * watch.c (inotify watches and events).  Not installed: nothing outside the
 * library sees these structures.
 *
 * A set keeps, for every walked hierarchy, a tree of the NON-container
 * directories it has read (struct pcc_dnode), each holding its children
 * sorted by name: a child is either another dnode or a container.  Every
 * dnode holds an inotify watch when it can.  An event on a watch marks its
 * dnode dirty; a refresh rescans each dirty dnode once, diffing what the
 * directory holds now against the children it remembers.
 *
 * A dnode stands for one directory INODE, not just a path: a directory
 * removed and made again under the same name between two refreshes is
 * another inode, and cgroupfs sends no IN_DELETE_SELF/IN_IGNORED for it, so
 * the old watch stays on the dead inode and would never report the new
 * directory's children.  Each dnode therefore remembers the inode it read;
 * a scan that finds another inode there (by the parent's listing or by the
 * fstat of the directory it opened) drops the old watch, watches the new
 * directory and reads it, keeping the containers whose names are there
 * again (a container is its path).
 */
#ifndef PCC_WALK_H
#define PCC_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pcp-container.h"
#include "wdtab.h"

#define PCC_WALK_DEPTH_MAX	32	/* dnodes deeper than this are not read */

struct pcc_ctr;

/* A child of a directory: exactly one of dir and ctr is set. */
struct pcc_kid {
	const char *name;		/* last component of dir->path or ctr->pub.path */
	struct pcc_dnode *dir;
	struct pcc_ctr *ctr;
	ino_t ino;			/* a container kid's inode as last listed, 0 unknown */
};

/* A non-container directory walked in one hierarchy. */
struct pcc_dnode {
	char *path;			/* "" for the hierarchy root, else "/a/b" */
	unsigned hier;			/* index in mounts->hier */
	unsigned depth;			/* 0 for the root, <= PCC_WALK_DEPTH_MAX */
	struct pcc_wdlink wl;		/* inotify watch descriptor (-1 if none), chained
					 * in the set's watch table */
	ino_t ino;			/* inode read by the last scan, 0 before */
	size_t dirty;			/* 1 + its index in s->dirty when an event named
					 * it since its last scan, else 0 */
	bool scanned;			/* read, and ino is still what its parent lists
					 * (false: the parent's next scan reads it) */
	struct pcc_kid *kids;		/* sorted by strcmp(name) */
	size_t nkids;
};

/* A container: the public record plus the set's bookkeeping. */
struct pcc_ctr {
	struct pcc_container pub;
	struct pcc_ctr *h_next;		/* chain in the set's path table */
	struct pcc_ctr *chg_next;	/* in s->changed during a refresh */
	bool announced;			/* ops->added has run */
	bool changed;			/* on s->changed */
	bool dead;			/* present went to 0: out of the path table */
	uint32_t lost;			/* hierarchies it went from while alive in others */
};

struct pcc_set {
	const struct pcc_mounts *m;	/* borrowed */
	struct pcc_set_ops ops;
	unsigned rescan_secs;		/* 0: never (while inotify works) */
	struct pcc_dnode **root;	/* per hier, NULL if not walked (yet) */

	struct pcc_ctr **vec;		/* containers in insertion order; NULL = dead slot */
	size_t nvec, capvec, ndead;
	struct pcc_ctr **ctab;		/* path hash table, power of 2 buckets */
	size_t nctab, nctr;
	struct pcc_ctr *changed;	/* created or killed during this refresh, */
	struct pcc_ctr **chg_tail;	/* ... in order: where the next one goes */

	int ifd;			/* inotify fd, -1 if none */
	struct pcc_wdtab wt;		/* live watches by wd */
	struct pcc_dnode **dirty;	/* dnodes named by events, to rescan, in event
					 * order; NULL: scanned or freed meanwhile */
	size_t ndirty, capdirty;
	bool walked;			/* the first full walk happened */
	bool need_full;			/* overflow, lost root watch, error */
	bool watch_failed;		/* a watch could not be added: degraded */
	bool scan_watch_failed;		/* ... during the scan under way */
	int64_t last_full;		/* CLOCK_MONOTONIC ms of the last full walk */
	char *pathbuf;			/* PATH_MAX scratch for child paths */

	struct pcc_set_stats st;
};

/* set.c: container records.  find: live ones only; new: NULL on ENOMEM. */
struct pcc_ctr *pcc_ctr_find(const struct pcc_set *s, const char *path);
struct pcc_ctr *pcc_ctr_new(struct pcc_set *s, const char *path,
			    const struct pcc_cid *cid);
/* gone from hierarchy hier: the last one kills it (queued for finish) */
void pcc_ctr_absent(struct pcc_set *s, struct pcc_ctr *c, unsigned hier);
/* its directory in hierarchy hier is a new one: counts pub.remade */
void pcc_ctr_remade(struct pcc_set *s, struct pcc_ctr *c, unsigned hier);

/* walk.c: scans return 0 or the first hard error (-ENOMEM, -EMFILE...),
 * leaving the trees consistent and asking for a full scan next time. */
int pcc_walk_full(struct pcc_set *s, int64_t now_ms);
int pcc_walk_dirty(struct pcc_set *s);
void pcc_walk_free(struct pcc_set *s);	/* every tree: all containers die */
void pcc_walk_undirty(struct pcc_set *s, struct pcc_dnode *d);	/* off s->dirty */
void pcc_walk_dirty_reset(struct pcc_set *s);	/* empty s->dirty */

/* watch.c */
int pcc_watch_init(struct pcc_set *s);
void pcc_watch_fini(struct pcc_set *s);
void pcc_watch_add(struct pcc_set *s, struct pcc_dnode *d, int dirfd);
void pcc_watch_rm(struct pcc_set *s, struct pcc_dnode *d);
int pcc_watch_drain(struct pcc_set *s);

#endif /* PCC_WALK_H */
