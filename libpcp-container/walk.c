/*
 * walk.c - the container set: walk the cgroup hierarchies, keep every
 * container found (one record however many hierarchies hold it), and keep
 * that up to date from inotify events.
 *
 * What always holds between refreshes: a container is in the set iff its
 * cgroup directory was seen, at the last scan of its parent, in at least one
 * walked hierarchy (bit i of present for hierarchy i); every container in the
 * set has been announced to ops->added; vec holds exactly the live
 * containers, in insertion order, and ctab finds each by path.
 *
 * Access pattern: the PMDA refreshes before every fetch and nearly always
 * nothing has changed, so the common refresh is one clock read and one
 * read() of the inotify fd returning EAGAIN.  A container start or stop
 * dirties its parent directory in each hierarchy; each dirty directory is
 * read once and diffed against the children it had (both kept sorted by
 * name).  Directories are opened with openat() from their parent's fd during
 * a walk, and from the hierarchy's kept fd and the stored relative path when
 * one directory is rescanned.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "walk.h"

#define WALK_CTRLS	(1u << PCC_CTRL_CPU | 1u << PCC_CTRL_CPUACCT | \
			 1u << PCC_CTRL_MEMORY | 1u << PCC_CTRL_IO | \
			 1u << PCC_CTRL_PIDS | 1u << PCC_CTRL_PSI | \
			 1u << PCC_CTRL_SYSTEMD)
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

static struct pcc_ctr *ctab_find(const struct pcc_set *s, const char *path)
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

static struct pcc_ctr *ctr_new(struct pcc_set *s, const char *path,
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

/* The container's directory is gone from hierarchy hier. */
static void ctr_absent(struct pcc_set *s, struct pcc_ctr *c, unsigned hier)
{
	c->pub.present &= ~(1u << hier);
	if (c->pub.present != 0 || c->dead)
		return;
	c->dead = true;
	ctab_unlink(s, c);
	s->ndead++;
	note_changed(s, c);
}

/*
 * End of a refresh: drop dead containers from vec, then tell the owner:
 * removed for each announced one that died, added for each new one alive.
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

/* ---------------------------------------------------------------- directories */

static void dnode_free(struct pcc_set *s, struct pcc_dnode *d);

static void kid_drop(struct pcc_set *s, unsigned hier, struct pcc_kid *k)
{
	if (k->dir)
		dnode_free(s, k->dir);
	else
		ctr_absent(s, k->ctr, hier);
}

static void dnode_free(struct pcc_set *s, struct pcc_dnode *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nkids; i++)
		kid_drop(s, d->hier, &d->kids[i]);
	pcc_watch_rm(s, d);
	free(d->kids);
	free(d->path);
	free(d);
}

static struct pcc_dnode *dnode_new(unsigned hier, unsigned depth, const char *path)
{
	struct pcc_dnode *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->path = strdup(path);
	if (d->path == NULL) {
		free(d);
		return NULL;
	}
	d->hier = hier;
	d->depth = depth;
	d->wd = -1;
	return d;
}

/*
 * A child directory name of d seen for the first time: classify it and make
 * it a container kid or a directory kid (not read yet).  Returns 1 and fills
 * *ret_kid, 0 if it is not walked (too deep, path too long), -ENOMEM.
 */
static int kid_new(struct pcc_set *s, struct pcc_dnode *d, const char *name,
		   struct pcc_kid *ret_kid)
{
	size_t plen = strlen(d->path), nlen = strlen(name);
	struct pcc_cid cid;
	struct pcc_ctr *c;
	struct pcc_dnode *sub;

	if (d->depth >= PCC_WALK_DEPTH_MAX || plen + 1 + nlen >= PATH_MAX) {
		s->st.skipped++;
		return 0;
	}
	memcpy(s->pathbuf, d->path, plen);
	s->pathbuf[plen] = '/';
	memcpy(s->pathbuf + plen + 1, name, nlen + 1);
	if (pcc_cid_classify(s->pathbuf, &cid) == 1) {
		c = ctab_find(s, s->pathbuf);
		if (c == NULL && (c = ctr_new(s, s->pathbuf, &cid)) == NULL)
			return -ENOMEM;
		c->pub.present |= 1u << d->hier;
		ret_kid->name = c->pub.path + plen + 1;
		ret_kid->ctr = c;
		ret_kid->dir = NULL;
		return 1;
	}
	sub = dnode_new(d->hier, d->depth + 1, s->pathbuf);
	if (sub == NULL)
		return -ENOMEM;
	ret_kid->name = sub->path + plen + 1;
	ret_kid->dir = sub;
	ret_kid->ctr = NULL;
	return 1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

static bool is_dir(DIR *dir, const struct dirent *de)
{
	struct stat st;

	if (de->d_type == DT_DIR)
		return true;
	if (de->d_type != DT_UNKNOWN)
		return false;
	return fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* The names of the subdirectories in dir, sorted.  Returns 0 or -ENOMEM. */
static int read_names(DIR *dir, char ***ret_names, size_t *ret_n)
{
	char **names = NULL, **v;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		if (!is_dir(dir, de))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = realloc(names, cap * sizeof(*v));
			if (v == NULL)
				goto out_nomem;
			names = v;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto out_nomem;
		n++;
	}
	/* a readdir error here is a directory removed under us: take what we have */
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	*ret_names = names;
	*ret_n = n;
	return 0;

out_nomem:
	free_names(names, n);
	return -ENOMEM;
}

/*
 * Make d's children the n sorted names: drop the kids gone, keep the kids
 * still there, add new ones (their directories are read by the caller).
 * Returns 0, or -ENOMEM with d still consistent (possibly incomplete).
 */
static int merge(struct pcc_set *s, struct pcc_dnode *d, char **names, size_t n)
{
	struct pcc_kid *kids, *old = d->kids;
	size_t i = 0, j = 0, k = 0, nold = d->nkids;
	int c, rc = 0, r;

	kids = malloc((nold + n ? nold + n : 1) * sizeof(*kids));
	if (kids == NULL)
		return -ENOMEM;
	while (i < nold || j < n) {
		c = i >= nold ? 1 : j >= n ? -1 : strcmp(old[i].name, names[j]);
		if (c < 0) {
			kid_drop(s, d->hier, &old[i++]);
		} else if (c == 0) {
			kids[k++] = old[i++];
			j++;
		} else {
			r = kid_new(s, d, names[j++], &kids[k]);
			if (r > 0)
				k++;
			else if (r < 0)
				rc = r;
		}
	}
	free(old);
	d->kids = kids;
	d->nkids = k;
	return rc;
}

static bool vanished(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ENODEV || err == ESTALE ||
	       err == ELOOP;
}

/*
 * Read directory d (name at in directory fd at), watch it, bring its kids up
 * to date, and read its new subdirectories (all of them if deep).  A
 * directory gone is read as empty; one we may not read is skipped.
 * Returns 0 or the first hard error (-ENOMEM, -EMFILE...).
 */
static int scan_dir(struct pcc_set *s, struct pcc_dnode *d, int at,
		    const char *name, bool deep)
{
	char **names = NULL;
	size_t n = 0, i;
	DIR *dir;
	int fd, rc, r;

	d->dirty = false;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		s->st.skipped++;
		return 0;
	}
	if (fd < 0)
		return vanished(errno) ? merge(s, d, NULL, 0) : -errno;
	pcc_watch_add(s, d, fd);
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return -ENOMEM;
	}
	s->st.dirs_walked++;
	d->scanned = true;
	rc = read_names(dir, &names, &n);
	if (rc == 0)
		rc = merge(s, d, names, n);
	free_names(names, n);
	for (i = 0; i < d->nkids; i++) {
		if (d->kids[i].dir == NULL || (!deep && d->kids[i].dir->scanned))
			continue;
		r = scan_dir(s, d->kids[i].dir, dirfd(dir), d->kids[i].name, true);
		if (r < 0 && rc == 0)
			rc = r;
	}
	closedir(dir);
	return rc;
}

/* ---------------------------------------------------------------- the set */

static void scan_done(struct pcc_set *s, bool full, int rc)
{
	if (s->scan_watch_failed) {
		s->st.overflows++;
		s->watch_failed = true;
	} else if (full && s->ifd >= 0) {
		s->watch_failed = false;	/* every directory has its watch again */
	}
	s->scan_watch_failed = false;
	if (rc < 0)
		s->need_full = true;
}

static int full_scan(struct pcc_set *s, int64_t now)
{
	size_t i;
	int rc = 0, r;

	s->need_full = false;
	s->walked = true;
	s->last_full = now;
	s->st.full_scans++;
	for (i = 0; i < s->m->nhier; i++) {
		if (!(s->walk_mask >> i & 1))
			continue;
		if (s->root[i] == NULL &&
		    (s->root[i] = dnode_new((unsigned)i, 0, "")) == NULL) {
			rc = -ENOMEM;
			continue;
		}
		r = scan_dir(s, s->root[i], s->m->hier[i].dirfd, ".", true);
		if (r < 0 && rc == 0)
			rc = r;
	}
	scan_done(s, true, rc);
	return rc;
}

static int partial_scans(struct pcc_set *s)
{
	struct pcc_dnode *d;
	size_t i;
	int rc = 0, r;

	for (i = 0; i < s->ndirty; i++) {
		d = pcc_watch_lookup(s, s->dirty[i]);
		if (d == NULL || !d->dirty)
			continue;	/* freed, or unwatched, meanwhile */
		s->st.partial_scans++;
		r = scan_dir(s, d, s->m->hier[d->hier].dirfd,
			     d->depth ? d->path + 1 : ".", false);
		if (r < 0 && rc == 0)
			rc = r;
	}
	s->ndirty = 0;
	scan_done(s, false, rc);
	return rc;
}

static bool full_due(const struct pcc_set *s, int64_t now)
{
	unsigned period = s->rescan_secs;

	if (!s->walked || s->need_full)
		return true;
	if (period == 0 && s->watch_failed)
		period = FALLBACK_SECS;
	return period != 0 && now - s->last_full >= (int64_t)period * 1000;
}

int pcc_set_refresh(struct pcc_set *s)
{
	struct timespec ts;
	int64_t now;
	int rc = 0, r, n;

	if (s == NULL)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (s->ifd >= 0)
		rc = pcc_watch_drain(s);
	if (full_due(s, now)) {
		s->ndirty = 0;	/* the full scan reads (and un-dirties) them all */
		r = full_scan(s, now);
	} else if (s->ndirty > 0) {
		r = partial_scans(s);
	} else {
		return rc;
	}
	n = finish(s);
	if (r < 0)
		rc = r;
	return rc < 0 ? rc : n;
}

int pcc_set_new(const struct pcc_mounts *m, const struct pcc_set_ops *ops,
		unsigned rescan_secs, struct pcc_set **ret_set)
{
	struct pcc_set *s;
	size_t i;

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
	for (i = 0; i < m->nhier && i < 32; i++)
		if ((m->hier[i].ctrls & WALK_CTRLS) && m->hier[i].dirfd >= 0)
			s->walk_mask |= 1u << i;
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
	size_t i;

	if (s == NULL)
		return;
	pcc_watch_fini(s);
	for (i = 0; s->root && i < s->m->nhier; i++)
		dnode_free(s, s->root[i]);
	finish(s);	/* every container is dead now: removed callbacks */
	free(s->root);
	free(s->vec);
	free(s->ctab);
	free(s->wtab);
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
	c = ctab_find(s, path);
	return c ? &c->pub : NULL;
}

void pcc_set_get_stats(const struct pcc_set *s, struct pcc_set_stats *ret_stats)
{
	if (s != NULL && ret_stats != NULL)
		*ret_stats = s->st;
}
