/*
 * walk.c - read the cgroup hierarchies: for each walked hierarchy a tree of
 * the non-container directories (struct pcc_dnode), each with its children
 * sorted by name, kept in step with the directories by diffing.
 *
 * A hierarchy is walked if it serves cpu, cpuacct, memory, io, pids,
 * pressure or name=systemd.  A directory is opened with openat() from its
 * parent's fd during a walk, or from the hierarchy's kept fd and its stored
 * relative path when it alone is rescanned; it gets its inotify watch before
 * it is read, so nothing created meanwhile goes unnoticed.  A child directory
 * is classified once, when first seen: a container stops the walk (its nested
 * cgroups are its own), anything else becomes a dnode and is read in turn.
 * A dnode whose name now lists another inode (removed and made again between
 * two refreshes) is read again at once, and its scan moves its watch to the
 * new inode; so does a rescan by path that opens another inode.
 * Hostile trees are bounded: nothing deeper than PCC_WALK_DEPTH_MAX, no path
 * of PATH_MAX bytes or more, no symlink followed.  A directory that vanishes
 * mid-walk reads as empty; its parent's rescan then drops it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk.h"

#define WALK_CTRLS	(1u << PCC_CTRL_CPU | 1u << PCC_CTRL_CPUACCT | \
			 1u << PCC_CTRL_MEMORY | 1u << PCC_CTRL_IO | \
			 1u << PCC_CTRL_PIDS | 1u << PCC_CTRL_PSI | \
			 1u << PCC_CTRL_SYSTEMD)

static void dnode_free(struct pcc_set *s, struct pcc_dnode *d);

static void kid_drop(struct pcc_set *s, unsigned hier, struct pcc_kid *k)
{
	if (k->dir)
		dnode_free(s, k->dir);
	else
		pcc_ctr_absent(s, k->ctr, hier);
}

static void dnode_free(struct pcc_set *s, struct pcc_dnode *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nkids; i++)
		kid_drop(s, d->hier, &d->kids[i]);
	pcc_walk_undirty(s, d);
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
	d->wl.wd = -1;
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
		c = pcc_ctr_find(s, s->pathbuf);
		if (c == NULL && (c = pcc_ctr_new(s, s->pathbuf, &cid)) == NULL)
			return -ENOMEM;
		if (c->lost & 1u << d->hier) {
			c->lost &= ~(1u << d->hier);
			pcc_ctr_remade(s, c, d->hier);
		}
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

/* A subdirectory in a listing: its name and the inode the listing gives. */
struct dent {
	char *name;
	ino_t ino;		/* 0 if listed twice with two inodes: unknown */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

static void free_dents(struct dent *v, size_t n)
{
	while (n > 0)
		free(v[--n].name);
	free(v);
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

/*
 * Sort the names and drop repeats (a directory changing while it is read
 * may list a name twice); two kids of one name would share one container.
 * A name listed with two inodes was made again meanwhile: its inode is
 * unknown (0), which makes merge() read it again.  Returns the count left.
 */
static size_t dedup(struct dent *v, size_t n)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_name);
	for (i = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1].name, v[i].name) == 0) {
			if (v[k - 1].ino != v[i].ino)
				v[k - 1].ino = 0;
			free(v[i].name);
		} else {
			v[k++] = v[i];
		}
	}
	return k;
}

/* The subdirectories in dir, sorted by name, each once.  Returns 0 or -ENOMEM. */
static int read_names(DIR *dir, struct dent **ret_names, size_t *ret_n)
{
	struct dent *names = NULL, *v;
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
		if ((names[n].name = strdup(de->d_name)) == NULL)
			goto out_nomem;
		names[n++].ino = de->d_ino;
	}
	/* a readdir error here is a directory removed under us: take what we have */
	*ret_names = names;
	*ret_n = dedup(names, n);
	return 0;

out_nomem:
	free_dents(names, n);
	return -ENOMEM;
}

/*
 * Make d's children the n sorted names: drop the kids gone, keep the kids
 * still there, add new ones (their directories are read by the caller).
 * A directory kid listed with another inode than it read is a new directory
 * of the same name: it is kept, marked unscanned, and read by the caller; a
 * container kid listed with another inode is the container made again.
 * Returns 0, or -ENOMEM with d still consistent (possibly incomplete).
 */
static int merge(struct pcc_set *s, struct pcc_dnode *d, const struct dent *names,
		 size_t n)
{
	struct pcc_kid *kids, *old = d->kids;
	size_t i = 0, j = 0, k = 0, nold = d->nkids;
	int c, rc = 0, r;

	kids = malloc((nold + n ? nold + n : 1) * sizeof(*kids));
	if (kids == NULL)
		return -ENOMEM;
	while (i < nold || j < n) {
		c = i >= nold ? 1 : j >= n ? -1 : strcmp(old[i].name, names[j].name);
		if (c < 0) {
			kid_drop(s, d->hier, &old[i++]);
		} else if (c == 0) {
			if (old[i].dir && old[i].dir->ino != names[j].ino)
				old[i].dir->scanned = false;
			if (old[i].ctr && old[i].ino && names[j].ino &&
			    old[i].ino != names[j].ino)
				pcc_ctr_remade(s, old[i].ctr, d->hier);
			kids[k] = old[i++];
			kids[k++].ino = names[j++].ino;
		} else {
			r = kid_new(s, d, names[j].name, &kids[k]);
			if (r > 0)
				kids[k++].ino = names[j].ino;
			else if (r < 0)
				rc = r;
			j++;
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
 * The directory open as fd is d's from now on.  If it is not the inode d
 * read before (removed and made again, or renamed over), d's watch is on the
 * old inode (a dead one on cgroupfs, which sends no IN_IGNORED): drop it, so
 * the new directory gets its own.  Returns 0, or -errno if fd is unusable.
 */
static int claim_inode(struct pcc_set *s, struct pcc_dnode *d, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (d->ino != st.st_ino) {
		pcc_watch_rm(s, d);
		d->ino = st.st_ino;
	}
	pcc_watch_add(s, d, fd);
	return 0;
}

/*
 * Read directory d (name at in directory fd at), watch it, bring its kids up
 * to date, and read its new or replaced subdirectories (all of them if
 * deep).  A directory gone is read as empty; one we may not read is skipped.
 * Returns 0 or the first hard error (-ENOMEM, -EMFILE...).
 */
static int scan_dir(struct pcc_set *s, struct pcc_dnode *d, int at,
		    const char *name, bool deep)
{
	struct dent *names = NULL;
	size_t n = 0, i;
	DIR *dir;
	int fd, rc, r;

	pcc_walk_undirty(s, d);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		s->st.skipped++;
		return 0;
	}
	if (fd < 0)
		return vanished(errno) ? merge(s, d, NULL, 0) : -errno;
	if ((rc = claim_inode(s, d, fd)) < 0) {
		close(fd);
		return vanished(-rc) ? merge(s, d, NULL, 0) : rc;
	}
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
	free_dents(names, n);
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

int pcc_walk_full(struct pcc_set *s, int64_t now)
{
	size_t i;
	int rc = 0, r;

	s->need_full = false;
	s->walked = true;
	s->last_full = now;
	s->st.full_scans++;
	for (i = 0; i < s->m->nhier; i++) {
		if (!(s->m->hier[i].ctrls & WALK_CTRLS) || s->m->hier[i].dirfd < 0)
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

/*
 * Rescan each dnode events named, in event order.  One scanned meanwhile (a
 * new or replaced directory read with its parent) or freed (its parent's
 * rescan found it gone) has left the list.
 */
int pcc_walk_dirty(struct pcc_set *s)
{
	struct pcc_dnode *d;
	size_t i;
	int rc = 0, r;

	for (i = 0; i < s->ndirty; i++) {
		if ((d = s->dirty[i]) == NULL)
			continue;
		s->st.partial_scans++;
		r = scan_dir(s, d, s->m->hier[d->hier].dirfd,
			     d->depth ? d->path + 1 : ".", false);
		if (r < 0 && rc == 0)
			rc = r;
	}
	pcc_walk_dirty_reset(s);
	scan_done(s, false, rc);
	return rc;
}

void pcc_walk_undirty(struct pcc_set *s, struct pcc_dnode *d)
{
	if (d->dirty == 0)
		return;
	s->dirty[d->dirty - 1] = NULL;
	d->dirty = 0;
}

void pcc_walk_dirty_reset(struct pcc_set *s)
{
	size_t i;

	for (i = 0; i < s->ndirty; i++)
		if (s->dirty[i] != NULL)
			s->dirty[i]->dirty = 0;
	s->ndirty = 0;
}

void pcc_walk_free(struct pcc_set *s)
{
	size_t i;

	for (i = 0; s->root && i < s->m->nhier; i++) {
		dnode_free(s, s->root[i]);
		s->root[i] = NULL;
	}
}
