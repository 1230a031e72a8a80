/*
 * acct.c - the per-container accounting reader: which cgroup files hold the
 * statistics a caller wants, reading each of them once, and filling a
 * sample from the table in acct_table.c.
 *
 * Access pattern: a PMDA makes one reader per container and calls
 * pcc_acct_read for a thousand or more containers on every fetch, so the
 * read path is as close to a bare pread() per file as it gets.  All work
 * that does not change between fetches is done once: the table resolved
 * against the host's hierarchies into the distinct files, the statistics
 * each yields and the keys to look for (the layout, acct_layout.c: one for
 * all the readers of a budget), and, in pcc_acct_new, this cgroup's
 * directory below each hierarchy.  A read then does, per wanted file: one
 * pread() on a kept fd (or openat+pread+close when the file has none), one
 * parse, and stores.  No allocation (after the buffer and iodev have grown
 * to size), no stat().  A reader costs ~0.4 kB (12 bytes a file, its
 * directory once); its files' layout is shared.
 *
 * Which files keep an fd is not this reader's choice alone: readers that
 * share a budget share a plan (acct_plan.c) that gives each kind of file a
 * quota, so that at thousands of containers each keeps its most-read files
 * open and the rest are opened per read.  They share its parse buffer and
 * layout too.
 *
 * What always holds for a reader:
 *  - file[i].fd >= 0 exactly for the fds counted in budget->held (and in
 *    the plan's kept[] under the file's rank);
 *  - every file not marked absent counts in the plan's users[];
 *  - a file marked absent is not tried again until the reader is rebuilt
 *    (it was missing while its cgroup directory existed: the kernel does
 *    not have it, e.g. memsw without swap accounting);
 *  - an ENOENT/ENODEV/ESRCH is the cgroup going away, which is normal: the
 *    kept fd is dropped and the statistics are left out;
 *  - a cgroup can be absent from one hierarchy and live in others (Docker's
 *    cgroupfs driver on a hybrid host makes none in the unified one): such
 *    a hierarchy is skipped, and looked at again at the next read, then
 *    after 1, 3, 7... and at most ACCT_RECHECK reads: an engine makes a
 *    container's cgroup one hierarchy after the other, and a reader made
 *    between two of them must not go without memory metrics for 32
 *    fetches (at 5000 containers made in a burst, a quarter did);
 *  - with a budget that watches settings, a setting file's values are taken
 *    from the cache only while it is fresh, which it becomes once the
 *    reader's watches are in place, before the files are read
 *    (acct_settings.c says why and what makes it stale).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acct.h"

#define ACCT_FILE_MAX	(1u << 20)	/* bytes: io.stat of a host with many disks fits */
#define ACCT_RECHECK	32		/* reads between looks at a hierarchy the cgroup is not in */
#define NWORDS		(sizeof(((struct pcc_statset *)0)->bits) / sizeof(uint64_t))

/* This container's state of one file of the layout (12 bytes). */
struct acct_fh {
	uint32_t dir;			/* offset in a->paths of the cgroup directory below
					 * the hierarchy dirfd ("." for the root cgroup),
					 * shared by the files of hierarchies with one root */
	int fd;				/* kept fd, or -1 */
	uint8_t rank;			/* the file's kind (def->rank), for the plan */
	uint8_t hier;			/* index into m->hier (< 32) */
	bool absent;			/* not there in the live cgroup: do not retry */
	bool use_alt;			/* def->name is missing, def->alt is not */
};

struct pcc_acct {
	const struct acct_layout *lay;	/* the plan's, or own_lay */
	struct acct_layout *own_lay;	/* without a budget, or for other mounts */
	struct pcc_fdbudget *budget;	/* borrowed, may be NULL (no kept fds) */
	struct pcc_acct_plan *plan;	/* budget->plan once joined, else NULL */
	unsigned gen;			/* plan->gen when the quotas were last checked */
	bool counted;			/* its files are in the plan's users[] */
	struct acct_fh *file;		/* lay->nfile entries */
	uint32_t missing;		/* hierarchies the live cgroup is not in (bits of hier index) */
	unsigned recheck;		/* reads left before missing is tried again */
	unsigned backoff;		/* reads between the last two looks, 0 once found */
	char *paths;			/* one block holding the distinct dirs */
	char **buf;			/* parse buffer, grown by pcc_read_cgfile: the */
	size_t *cap;			/* plan's, or own_buf without a budget */
	char *own_buf;
	size_t own_cap;
	struct pcc_acct_counters cnt;
	struct acct_cache cache;	/* setting files' values, with a watching budget */
};

static inline void statset_del(struct pcc_statset *s, enum pcc_stat st)
{
	s->bits[st / 64] &= ~(1ull << (st % 64));
}

/* ------------------------------------------------------------------ setup */

/*
 * "dir/name" into buf (size PATH_MAX + ACCT_NAME_ROOM), built at each open:
 * a few tens of ns beside the open's microseconds, and a thousand readers
 * keep one directory string each instead of three paths per file.
 */
#define ACCT_NAME_ROOM	64
static const char *file_path(char *buf, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);

	if (d + 1 + n + 1 > PATH_MAX + ACCT_NAME_ROOM)
		return NULL;
	memcpy(buf, dir, d);
	buf[d] = '/';
	memcpy(buf + d + 1, name, n + 1);
	return buf;
}

/*
 * Each file's cgroup directory below its hierarchy: pcc_hier_relpath() of path,
 * which differs between hierarchies only where a mount shows a subtree, so
 * the block holds each distinct one once ("." for the root cgroup).
 */
static int make_paths(struct pcc_acct *a, const char *path)
{
	const struct pcc_mounts *m = a->lay->m;
	unsigned i, j, nfile = a->lay->nfile;
	const char *d;
	size_t size = 0;
	char *p;

	/* hierarchies with one root give one pointer into path: count it once */
	for (i = 0; i < nfile; i++) {
		d = pcc_hier_relpath(&m->hier[a->file[i].hier], path);
		for (j = 0; j < i && pcc_hier_relpath(&m->hier[a->file[j].hier], path) != d; j++)
			;
		if (j == i)
			size += strlen(d) + 2;
	}
	a->paths = p = malloc(size ? size : 1);
	if (a->paths == NULL)
		return -ENOMEM;
	for (i = 0; i < nfile; i++) {
		d = pcc_hier_relpath(&m->hier[a->file[i].hier], path);
		if (*d == '\0')
			d = ".";
		for (j = 0; j < i && strcmp(a->paths + a->file[j].dir, d) != 0; j++)
			;
		if (j < i) {
			a->file[i].dir = a->file[j].dir;
			continue;
		}
		a->file[i].dir = (uint32_t)(p - a->paths);
		p = stpcpy(p, d) + 1;
	}
	return 0;
}

/* The plan's layout when it is of m (the first reader makes it), else an own one. */
static int get_layout(struct pcc_acct *a, const struct pcc_mounts *m)
{
	struct acct_layout **shared = a->plan != NULL ? &a->plan->layout : NULL;
	int rc;

	if (shared != NULL && *shared == NULL && (rc = acct_layout_new(m, shared)) < 0)
		return rc;
	if (shared != NULL && (*shared)->m == m) {
		a->lay = *shared;
		return 0;
	}
	if ((rc = acct_layout_new(m, &a->own_lay)) < 0)
		return rc;
	a->lay = a->own_lay;
	return 0;
}

/* This reader's state of each file of its layout. */
static int make_files(struct pcc_acct *a)
{
	unsigned i;

	a->file = calloc(a->lay->nfile ? a->lay->nfile : 1, sizeof(*a->file));
	if (a->file == NULL)
		return -ENOMEM;
	for (i = 0; i < a->lay->nfile; i++) {
		a->file[i].fd = -1;
		a->file[i].rank = a->lay->file[i].def->rank;
		a->file[i].hier = (uint8_t)a->lay->file[i].hier;
	}
	return 0;
}

/*
 * A watch per hierarchy with setting files, if the plan can watch (its
 * inotify fd made by the first such reader); without one, no cache.
 */
static int make_watches(struct pcc_acct *a)
{
	const struct acct_layout *l = a->lay;
	struct acct_cache *c = &a->cache;
	uint32_t hiers = 0;
	unsigned i, n = 0;

	if (l->ncache == 0 || l->ncache > 64 || acct_settings_open(a->plan) < 0)
		return 0;
	for (i = 0; i < l->nfile; i++)
		if (acct_is_setting(l->file[i].def))
			hiers |= 1u << a->file[i].hier;
	c->watch = calloc(__builtin_popcount(hiers), sizeof(*c->watch));
	c->cval = calloc(l->ncache, sizeof(*c->cval));
	if (c->watch == NULL || c->cval == NULL)
		return -ENOMEM;
	for (i = 0; i < l->nfile; i++) {
		if (!((hiers >> a->file[i].hier) & 1))
			continue;
		hiers &= ~(1u << a->file[i].hier);	/* one watch a hierarchy */
		c->watch[n].wl.wd = -1;
		c->watch[n].hier = a->file[i].hier;
		c->watch[n].dir = a->file[i].dir;
		c->watch[n].fresh = &c->fresh;
		n++;
	}
	c->nwatch = (uint8_t)n;
	return 0;
}

int pcc_acct_new(const struct pcc_mounts *m, const char *path,
		 struct pcc_fdbudget *budget, struct pcc_acct **ret_acct)
{
	struct pcc_acct *a;
	unsigned i;
	int rc;

	if (m == NULL || ret_acct == NULL || !pcc_cgroup_path_ok(path))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	a->budget = budget;
	a->buf = &a->own_buf;
	a->cap = &a->own_cap;
	if (budget != NULL) {
		if ((rc = acct_plan_join(budget)) < 0) {
			free(a);
			return rc;
		}
		a->plan = budget->plan;
		a->buf = &a->plan->buf;		/* shared: one thread at a time */
		a->cap = &a->plan->cap;
	}
	rc = get_layout(a, m);
	if (rc == 0)
		rc = make_files(a);
	if (rc == 0)
		rc = make_paths(a, path);
	if (rc == 0 && budget != NULL && budget->watch_settings)
		rc = make_watches(a);
	if (rc < 0) {
		pcc_acct_free(a);
		return rc;
	}
	if (a->plan != NULL) {
		for (i = 0; i < a->lay->nfile; i++)
			acct_plan_users(a->plan, a->file[i].rank, 1);
		a->counted = true;
		a->gen = a->plan->gen;
	}
	*ret_acct = a;
	return 0;
}

/* ------------------------------------------------------------------ files */

static void fh_close(struct pcc_acct *a, struct acct_fh *f)
{
	if (f->fd < 0)
		return;
	close(f->fd);
	f->fd = -1;
	acct_plan_drop(a->budget, f->rank);	/* only a plan's readers keep fds */
}

/* f is not there in the live cgroup: stop trying it and drop it from the plan. */
static void fh_absent(struct pcc_acct *a, struct acct_fh *f)
{
	fh_close(a, f);
	f->absent = true;
	if (a->counted)
		acct_plan_users(a->plan, f->rank, -1);
}

void pcc_acct_free(struct pcc_acct *a)
{
	unsigned i;

	if (a == NULL)
		return;
	for (i = 0; a->file != NULL && i < a->lay->nfile; i++) {
		fh_close(a, &a->file[i]);
		if (a->counted && !a->file[i].absent)
			acct_plan_users(a->plan, a->file[i].rank, -1);
	}
	acct_cache_release(&a->cache, a->plan);
	if (a->plan != NULL)
		acct_plan_leave(a->budget);	/* may free the shared layout */
	acct_layout_free(a->own_lay);
	free(a->file);
	free(a->paths);
	free(a->own_buf);
	free(a);
}

static inline bool vanished(ssize_t err)
{
	return err == -ENOENT || err == -ENODEV || err == -ESRCH;
}

/*
 * Open f.  Returns the fd; -ENOENT if the cgroup is gone; -ENODATA if the
 * cgroup is there but the file is not (nor its fallback); other -errno.
 * ENOENT alone cannot tell the two apart, so only then is the directory
 * checked: once per missing file, after which the file is marked absent.
 */
static int fh_open(struct pcc_acct *a, const struct acct_file *def, struct acct_fh *f)
{
	int dirfd = a->lay->m->hier[f->hier].dirfd, fd;
	char buf[PATH_MAX + ACCT_NAME_ROOM];
	const char *rel;

	rel = file_path(buf, a->paths + f->dir, f->use_alt ? def->alt : def->name);
	if (rel == NULL)
		return -ENAMETOOLONG;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return -errno;
	a->cnt.probes++;
	if (faccessat(dirfd, a->paths + f->dir, F_OK, 0) < 0)
		return -ENOENT;
	if (!f->use_alt && def->alt != NULL &&
	    (rel = file_path(buf, a->paths + f->dir, def->alt)) != NULL) {
		fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			f->use_alt = true;
			return fd;
		}
		if (errno != ENOENT)
			return -errno;
	}
	return -ENODATA;
}

/*
 * Read f into *a->buf.  Returns the length; -ENOENT if the cgroup is gone;
 * other -errno.  Keeps the fd if the plan allows.
 */
static ssize_t fh_read(struct pcc_acct *a, const struct acct_file *def, struct acct_fh *f)
{
	unsigned k = f->rank;
	ssize_t n;
	int fd;

	if (f->fd >= 0) {
		a->cnt.reads++;
		acct_plan_count(a->plan, k, false);
		n = pcc_read_cgfile(f->fd, a->buf, a->cap, ACCT_FILE_MAX);
		if (!vanished(n))
			return n;
		/* removed (ENODEV); perhaps made again, as a restarted container's is */
		fh_close(a, f);
	}
	fd = fh_open(a, def, f);
	if (fd < 0)
		return fd;
	a->cnt.opens++;
	a->cnt.reads++;
	if (a->plan != NULL)
		acct_plan_count(a->plan, k, true);
	n = pcc_read_cgfile(fd, a->buf, a->cap, ACCT_FILE_MAX);
	if (n >= 0 && a->plan != NULL && acct_plan_may_keep(a->budget, k)) {
		f->fd = fd;
		acct_plan_keep(a->budget, k);
	} else {
		close(fd);
	}
	return vanished(n) ? -ENOENT : n;
}

/* The plan's quotas shrank since this reader last looked: give back fds over them. */
static void fit_quotas(struct pcc_acct *a)
{
	unsigned i;

	a->gen = a->plan->gen;
	for (i = 0; i < a->lay->nfile; i++)
		if (a->file[i].fd >= 0 && acct_plan_over(a->plan, a->file[i].rank))
			fh_close(a, &a->file[i]);
}

/* ------------------------------------------------------------------ read */

static inline bool overlaps(const struct pcc_statset *x, const struct pcc_statset *y)
{
	uint64_t any = 0;
	size_t w;

	for (w = 0; w < NWORDS; w++)
		any |= x->bits[w] & y->bits[w];
	return any != 0;
}

/* A failed read of f that will fail again the same way: stop trying. */
static bool lasting(ssize_t err)
{
	switch (err) {
	case -EINTR:
	case -EAGAIN:
	case -EBUSY:
	case -EMFILE:
	case -ENFILE:
		return false;
	default:
		return true;
	}
}

/* Does the cgroup still exist in a hierarchy outside skip? */
static bool alive_elsewhere(struct pcc_acct *a, uint32_t skip)
{
	unsigned i;
	int h;

	for (i = 0; i < a->lay->nfile; i++) {
		h = a->file[i].hier;
		if ((skip >> h) & 1)
			continue;
		skip |= 1u << h;
		a->cnt.probes++;
		if (faccessat(a->lay->m->hier[h].dirfd, a->paths + a->file[i].dir, F_OK, 0) == 0)
			return true;
	}
	return false;
}

/* v1 swap = memsw usage - memory usage, both read just now. */
static void swap_v1(struct pcc_sample *out)
{
	uint64_t memsw = out->v[PCC_MEM_SWAP], mem = out->v[PCC_MEM_USAGE];

	if (!pcc_statset_has(&out->have, PCC_MEM_SWAP))
		return;
	if (!pcc_statset_has(&out->have, PCC_MEM_USAGE)) {
		statset_del(&out->have, PCC_MEM_SWAP);
		return;
	}
	/* read at two moments: memory may have grown in between */
	out->v[PCC_MEM_SWAP] = memsw > mem ? memsw - mem : 0;
}

int pcc_acct_read(struct pcc_acct *a, const struct pcc_statset *want,
		  struct pcc_sample *out)
{
	const struct acct_layout *l;
	struct pcc_statset need;
	unsigned i, ok = 0;
	uint32_t gone_hier = 0;		/* hierarchies where the cgroup is gone */
	int count = 0, rc;
	bool keep;			/* setting files from and into cval */
	ssize_t n;
	size_t w;

	if (a == NULL || want == NULL || out == NULL)
		return -EINVAL;
	l = a->lay;
	need = *want;
	if (l->swap_v1 && pcc_statset_has(want, PCC_MEM_SWAP))
		pcc_statset_add(&need, PCC_MEM_USAGE);
	memset(&out->have, 0, sizeof(out->have));
	out->niodev = 0;
	if (a->plan != NULL) {
		acct_plan_tick(a->budget);
		if (a->gen != a->plan->gen)
			fit_quotas(a);
	}
	if (a->missing != 0 && a->recheck-- == 0)
		a->missing = 0;
	keep = acct_cache_begin(&a->cache, a->plan, l, a->paths);
	for (i = 0; i < l->nfile; i++) {
		const struct acct_lfile *lf = &l->file[i];
		struct acct_fh *f = &a->file[i];

		if (f->absent || ((a->missing >> f->hier) & 1) || !overlaps(&lf->stats, &need))
			continue;
		if (keep && ((a->cache.cached >> i) & 1)) {
			acct_cache_put(&a->cache, l, i, out);
			continue;
		}
		n = (gone_hier >> f->hier) & 1 ? -ENOENT : fh_read(a, lf->def, f);
		if (n == -ENOENT) {
			gone_hier |= 1u << f->hier;
			fh_close(a, f);
			continue;
		}
		if (n == -ENOMEM)
			return -ENOMEM;
		if (n < 0) {
			if (lasting(n))		/* -ENODATA, -EOPNOTSUPP, -EFBIG... */
				fh_absent(a, f);
			continue;
		}
		ok++;
		rc = pcc_acct_fill(lf->def->fmt, *a->buf, (size_t)n, lf->flags,
				   &l->slot[lf->first], &l->key[lf->first], lf->n, out);
		if (rc < 0)
			return rc;
		if (keep && acct_is_setting(lf->def))
			acct_cache_keep(&a->cache, l, i, out);
	}
	if (keep && gone_hier != 0)
		acct_cache_drop(&a->cache, l, gone_hier, out);
	if (l->swap_v1)
		swap_v1(out);
	for (w = 0; w < NWORDS; w++) {
		out->have.bits[w] &= want->bits[w];
		count += __builtin_popcountll(out->have.bits[w]);
	}
	if (gone_hier != 0) {
		if (ok == 0 && !alive_elsewhere(a, gone_hier | a->missing))
			return -ENOENT;
		a->missing |= gone_hier;
		a->backoff = a->backoff == 0 ? 1 : a->backoff >= ACCT_RECHECK / 2 ?
			     ACCT_RECHECK : a->backoff * 2;
		a->recheck = a->backoff - 1;
	} else if (a->missing == 0) {
		a->backoff = 0;
	}
	return count;
}

void pcc_acct_files(const struct pcc_acct *a, const struct pcc_statset *want,
		    void (*fn)(const char *mount, const char *rel, void *arg), void *arg)
{
	const struct acct_layout *l = a->lay;
	char buf[PATH_MAX + ACCT_NAME_ROOM];
	struct pcc_statset need = *want;
	const struct acct_lfile *lf;
	const struct acct_fh *f;
	const char *rel;
	unsigned i;

	if (l->swap_v1 && pcc_statset_has(want, PCC_MEM_SWAP))
		pcc_statset_add(&need, PCC_MEM_USAGE);
	for (i = 0; i < l->nfile; i++) {
		lf = &l->file[i];
		f = &a->file[i];
		if (f->absent || ((a->missing >> f->hier) & 1) || !overlaps(&lf->stats, &need))
			continue;
		if (acct_cache_fresh(&a->cache, a->plan) && ((a->cache.cached >> i) & 1))
			continue;	/* served from the cache: not read */
		if ((rel = file_path(buf, a->paths + f->dir,
				     f->use_alt ? lf->def->alt : lf->def->name)) != NULL)
			fn(l->m->hier[f->hier].mount, rel, arg);
	}
}

void pcc_acct_get_counters(const struct pcc_acct *a, struct pcc_acct_counters *ret_counters)
{
	if (a != NULL && ret_counters != NULL)
		*ret_counters = a->cnt;
}
