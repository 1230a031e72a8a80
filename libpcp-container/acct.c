/*
 * acct.c - the per-container accounting reader: which cgroup files hold the
 * statistics a caller wants, reading each of them once, and filling a
 * sample from the table in acct_table.c.
 *
 * Access pattern: a PMDA makes one reader per container and calls
 * pcc_acct_read for a thousand or more containers on every fetch, so the
 * read path is as close to a bare pread() per file as it gets.  All work
 * that does not change between fetches is done once in pcc_acct_new: the
 * table is resolved against the host's hierarchies into the distinct files
 * this cgroup has, each with its path below its hierarchy's dirfd, the set
 * of statistics it yields and the keys to look for.  A read then does, per
 * wanted file: one pread() on a kept fd (or openat+pread+close when the fd
 * budget is spent), one parse, and stores.  No allocation (after the buffer
 * and iodev have grown to size), no path building, no stat().
 *
 * Which files keep an fd is not this reader's choice alone: readers that
 * share a budget share a plan (acct_plan.c) that gives each kind of file a
 * quota, so that at thousands of containers each keeps its most-read files
 * open and the rest are opened per read.  They share its parse buffer too.
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
 *    a hierarchy is skipped, and looked at again every ACCT_RECHECK reads.
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

/* One cgroup file of this container. */
struct acct_fh {
	const struct acct_file *def;
	const char *dir;		/* the cgroup directory below the hierarchy dirfd,
					 * "." for the root cgroup; in a->paths, shared by
					 * the files of hierarchies with the same root */
	struct pcc_statset stats;	/* what it yields */
	int hier;			/* index into m->hier */
	int fd;				/* kept fd, or -1 */
	unsigned first, n;		/* its slots: a->slot[first, first + n) */
	unsigned flags;			/* PCC_KEYED_* for its values */
	bool absent;			/* not there in the live cgroup: do not retry */
	bool use_alt;			/* def->name is missing, def->alt is not */
};

struct pcc_acct {
	const struct pcc_mounts *m;	/* borrowed */
	struct pcc_fdbudget *budget;	/* borrowed, may be NULL (no kept fds) */
	struct pcc_acct_plan *plan;	/* budget->plan once joined, else NULL */
	unsigned gen;			/* plan->gen when the quotas were last checked */
	unsigned nfile, nslot;
	struct acct_fh *file;		/* nfile entries */
	struct acct_slot *slot;		/* nslot entries, grouped by file */
	const char **key;		/* per slot: src->key, so a file's keys are one array */
	bool swap_v1;			/* PCC_MEM_SWAP needs PCC_MEM_USAGE too */
	uint32_t missing;		/* hierarchies the live cgroup is not in (bits of hier index) */
	unsigned recheck;		/* reads left before missing is tried again */
	char *paths;			/* one block holding the distinct dirs */
	char **buf;			/* parse buffer, grown by pcc_read_cgfile: the */
	size_t *cap;			/* plan's, or own_buf without a budget */
	char *own_buf;
	size_t own_cap;
	struct pcc_acct_counters cnt;
};

static inline void statset_del(struct pcc_statset *s, enum pcc_stat st)
{
	s->bits[st / 64] &= ~(1ull << (st % 64));
}

/* ------------------------------------------------------------------ setup */

/* The source of row r on this host, and the hierarchy it is read from. */
static const struct acct_src *resolve(const struct pcc_mounts *m,
				      const struct acct_row *r, int *ret_hier)
{
	const struct acct_src *src;
	int h = m->by_ctrl[r->ctrl];

	if (h < 0 || (size_t)h >= m->nhier || m->hier[h].dirfd < 0)
		return NULL;
	src = m->hier[h].version == 1 ? &r->v1 : &r->v2;
	if (src->file == NULL)
		return NULL;
	*ret_hier = h;
	return src;
}

/* The cgroup path below hierarchy h's mount, without a leading '/'. */
static const char *below_mount(const struct pcc_hier *h, const char *path)
{
	size_t n;

	if (h->root != NULL && strcmp(h->root, "/") != 0) {
		n = strlen(h->root);
		if (strncmp(path, h->root, n) == 0 && (path[n] == '/' || path[n] == '\0'))
			path += n;
	}
	while (*path == '/')
		path++;
	return path;
}

/* An absolute path with no ".." component. */
static bool path_ok(const char *path)
{
	const char *p;

	if (path == NULL || path[0] != '/')
		return false;
	for (p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

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

/* The distinct files of the table on this host, each with its slots. */
static int plan(struct pcc_acct *a)
{
	const struct acct_src *src;
	struct acct_slot *sl;
	struct acct_fh *f;
	const char **k;
	unsigned i, r;
	int h;

	a->file = calloc(pcc_acct_nrows, sizeof(*a->file));
	a->slot = calloc(pcc_acct_nrows, sizeof(*a->slot));
	a->key = calloc(pcc_acct_nrows, sizeof(*a->key));
	if (a->file == NULL || a->slot == NULL || a->key == NULL)
		return -ENOMEM;
	for (r = 0; r < pcc_acct_nrows; r++) {
		src = resolve(a->m, &pcc_acct_rows[r], &h);
		if (src == NULL)
			continue;
		for (i = 0; i < a->nfile; i++)
			if (a->file[i].def == src->file && a->file[i].hier == h)
				break;
		if (i == a->nfile) {
			f = &a->file[a->nfile++];
			f->def = src->file;
			f->hier = h;
			f->fd = -1;
		}
	}
	/* slots grouped by file, so each file's keys are one array */
	for (i = 0; i < a->nfile; i++) {
		f = &a->file[i];
		f->first = a->nslot;
		for (r = 0; r < pcc_acct_nrows; r++) {
			src = resolve(a->m, &pcc_acct_rows[r], &h);
			if (src == NULL || src->file != f->def || h != f->hier)
				continue;
			a->slot[a->nslot].src = src;
			a->slot[a->nslot].stat = pcc_acct_rows[r].stat;
			a->slot[a->nslot].op = src->key == NULL ? PCC_BLKIO_OTHER :
				pcc_keyed_blkio_op(src->key, strlen(src->key));
			a->key[a->nslot] = src->key ? src->key : "";
			a->nslot++;
			f->n++;
			f->flags |= pcc_acct_parse_flags(src->conv);
			pcc_statset_add(&f->stats, pcc_acct_rows[r].stat);
			if (src->conv == CONV_SWAP_V1)
				a->swap_v1 = true;
		}
	}
	/* thousands of readers: give back the worst-case room (failure is harmless) */
	if (a->nfile > 0 && (f = realloc(a->file, a->nfile * sizeof(*f))) != NULL)
		a->file = f;
	if (a->nslot > 0 && (sl = realloc(a->slot, a->nslot * sizeof(*sl))) != NULL)
		a->slot = sl;
	if (a->nslot > 0 && (k = realloc(a->key, a->nslot * sizeof(*k))) != NULL)
		a->key = k;
	return 0;
}

/*
 * Each file's cgroup directory below its hierarchy: below_mount() of path,
 * which differs between hierarchies only where a mount shows a subtree, so
 * the block holds each distinct one once ("." for the root cgroup).
 */
static int make_paths(struct pcc_acct *a, const char *path)
{
	const char *dir;
	size_t size = 0;
	unsigned i, j;
	char *p;

	for (i = 0; i < a->nfile; i++)
		size += strlen(below_mount(&a->m->hier[a->file[i].hier], path)) + 2;
	a->paths = p = malloc(size ? size : 1);
	if (a->paths == NULL)
		return -ENOMEM;
	for (i = 0; i < a->nfile; i++) {
		dir = below_mount(&a->m->hier[a->file[i].hier], path);
		if (*dir == '\0')
			dir = ".";
		for (j = 0; j < i && strcmp(a->file[j].dir, dir) != 0; j++)
			;
		if (j < i) {
			a->file[i].dir = a->file[j].dir;
			continue;
		}
		a->file[i].dir = p;
		p = stpcpy(p, dir) + 1;
	}
	return 0;
}

/* Join the budget's plan: count this reader's files, share its buffer. */
static int join(struct pcc_acct *a)
{
	unsigned i;
	int rc;

	if ((rc = acct_plan_join(a->budget)) < 0)
		return rc;
	a->plan = a->budget->plan;
	for (i = 0; i < a->nfile; i++)
		acct_plan_users(a->plan, a->file[i].def->rank, 1);
	a->gen = a->plan->gen;
	a->buf = &a->plan->buf;
	a->cap = &a->plan->cap;
	return 0;
}

int pcc_acct_new(const struct pcc_mounts *m, const char *path,
		 struct pcc_fdbudget *budget, struct pcc_acct **ret_acct)
{
	struct pcc_acct *a;
	int rc;

	if (m == NULL || ret_acct == NULL || !path_ok(path))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	a->m = m;
	a->budget = budget;
	a->buf = &a->own_buf;
	a->cap = &a->own_cap;
	rc = plan(a);
	if (rc == 0)
		rc = make_paths(a, path);
	if (rc == 0 && budget != NULL)
		rc = join(a);
	if (rc < 0) {
		pcc_acct_free(a);
		return rc;
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
	acct_plan_drop(a->budget, f->def->rank);	/* only a plan's readers keep fds */
}

/* f is not there in the live cgroup: stop trying it and drop it from the plan. */
static void fh_absent(struct pcc_acct *a, struct acct_fh *f)
{
	fh_close(a, f);
	f->absent = true;
	if (a->plan != NULL)
		acct_plan_users(a->plan, f->def->rank, -1);
}

void pcc_acct_free(struct pcc_acct *a)
{
	unsigned i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nfile; i++) {
		fh_close(a, &a->file[i]);
		if (a->plan != NULL && !a->file[i].absent)
			acct_plan_users(a->plan, a->file[i].def->rank, -1);
	}
	if (a->plan != NULL)
		acct_plan_leave(a->budget);
	free(a->file);
	free(a->slot);
	free(a->key);
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
static int fh_open(struct pcc_acct *a, struct acct_fh *f)
{
	int dirfd = a->m->hier[f->hier].dirfd, fd;
	char buf[PATH_MAX + ACCT_NAME_ROOM];
	const char *rel;

	rel = file_path(buf, f->dir, f->use_alt ? f->def->alt : f->def->name);
	if (rel == NULL)
		return -ENAMETOOLONG;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return -errno;
	a->cnt.probes++;
	if (faccessat(dirfd, f->dir, F_OK, 0) < 0)
		return -ENOENT;
	if (!f->use_alt && f->def->alt != NULL &&
	    (rel = file_path(buf, f->dir, f->def->alt)) != NULL) {
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
static ssize_t fh_read(struct pcc_acct *a, struct acct_fh *f)
{
	unsigned k = f->def->rank;
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
	fd = fh_open(a, f);
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
	for (i = 0; i < a->nfile; i++)
		if (a->file[i].fd >= 0 && acct_plan_over(a->plan, a->file[i].def->rank))
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

	for (i = 0; i < a->nfile; i++) {
		h = a->file[i].hier;
		if ((skip >> h) & 1)
			continue;
		skip |= 1u << h;
		a->cnt.probes++;
		if (faccessat(a->m->hier[h].dirfd, a->file[i].dir, F_OK, 0) == 0)
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
	struct pcc_statset need;
	unsigned i, ok = 0;
	uint32_t gone_hier = 0;		/* hierarchies where the cgroup is gone */
	int count = 0, rc;
	ssize_t n;
	size_t w;

	if (a == NULL || want == NULL || out == NULL)
		return -EINVAL;
	need = *want;
	if (a->swap_v1 && pcc_statset_has(want, PCC_MEM_SWAP))
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
	for (i = 0; i < a->nfile; i++) {
		struct acct_fh *f = &a->file[i];

		if (f->absent || ((a->missing >> f->hier) & 1) || !overlaps(&f->stats, &need))
			continue;
		n = (gone_hier >> f->hier) & 1 ? -ENOENT : fh_read(a, f);
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
		rc = pcc_acct_fill(f->def->fmt, *a->buf, (size_t)n, f->flags,
				   &a->slot[f->first], &a->key[f->first], f->n, out);
		if (rc < 0)
			return rc;
	}
	if (a->swap_v1)
		swap_v1(out);
	for (w = 0; w < NWORDS; w++) {
		out->have.bits[w] &= want->bits[w];
		count += __builtin_popcountll(out->have.bits[w]);
	}
	if (gone_hier != 0) {
		if (ok == 0 && !alive_elsewhere(a, gone_hier | a->missing))
			return -ENOENT;
		a->missing |= gone_hier;
		a->recheck = ACCT_RECHECK;
	}
	return count;
}

void pcc_acct_files(const struct pcc_acct *a, const struct pcc_statset *want,
		    void (*fn)(const char *mount, const char *rel, void *arg), void *arg)
{
	char buf[PATH_MAX + ACCT_NAME_ROOM];
	struct pcc_statset need = *want;
	const struct acct_fh *f;
	const char *rel;
	unsigned i;

	if (a->swap_v1 && pcc_statset_has(want, PCC_MEM_SWAP))
		pcc_statset_add(&need, PCC_MEM_USAGE);
	for (i = 0; i < a->nfile; i++) {
		f = &a->file[i];
		if (f->absent || ((a->missing >> f->hier) & 1) || !overlaps(&f->stats, &need))
			continue;
		if ((rel = file_path(buf, f->dir, f->use_alt ? f->def->alt : f->def->name)) != NULL)
			fn(a->m->hier[f->hier].mount, rel, arg);
	}
}

void pcc_acct_get_counters(const struct pcc_acct *a, struct pcc_acct_counters *ret_counters)
{
	if (a != NULL && ret_counters != NULL)
		*ret_counters = a->cnt;
}
