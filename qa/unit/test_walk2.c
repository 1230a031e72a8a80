/*
 * test_walk2.c - the container set under bursts, as the PMDA meets them when
 * it refreshes before every fetch: a slice and 1000 containers made in one
 * go in every walked hierarchy, removed in one go, made again under the same
 * names; directories removed and made again (or renamed over) between two
 * refreshes; events left for directories already freed; a container in
 * several hierarchies going from some of them; changes made while the set
 * announces, and by another process while the set refreshes.
 *
 * Every scenario runs twice: in a temp sysroot shaped like a hybrid host
 * (cpu, cpuacct, memory, blkio, pids, name=systemd and unified, on tmpfs)
 * and, as root, on this host's cgroupfs, below a slice this test makes in
 * every walked hierarchy and always removes (nothing else is touched; other
 * containers on the host are only checked for being listed once).  After
 * every refresh: no path twice, each found by pcc_set_find, callbacks
 * balanced.  After every step: exactly the containers made, each with the
 * present bits of the hierarchies that hold it.  burst_cycle prints what a
 * refresh costs after a burst.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

/* containers in a burst: 1000, or $PCC_UNIT_BURST (check-valgrind: fewer) */
static int nkids_get(void)
{
	const char *v = getenv("PCC_UNIT_BURST");
	int n = v ? atoi(v) : 0;

	return n >= 8 ? n : 1000;
}
#define NKIDS	nkids_get()

/* The sysroot's hierarchies, as on a hybrid host: mount point, type, options */
static const char *const hiers[][3] = {
	{ "cpu", "cgroup", "rw,cpu" }, { "cpuacct", "cgroup", "rw,cpuacct" },
	{ "memory", "cgroup", "rw,memory" }, { "blkio", "cgroup", "rw,blkio" },
	{ "pids", "cgroup", "rw,pids" }, { "systemd", "cgroup", "rw,name=systemd" },
	{ "unified", "cgroup2", "rw" },
};

static char base[64];	/* temp dir of the sysroots; the unchecked teardown removes it */
static char slice[64];	/* our cgroup below every hierarchy root */

static struct host {
	bool real;		/* this host's cgroupfs, else a sysroot under base */
	char root[128];		/* the sysroot */
	struct pcc_mounts *m;
	struct pcc_set *s;
	uint32_t all;		/* hierarchies we make cgroups in: every walked one */
	size_t others;		/* containers not ours at the first refresh */
	unsigned watches0;	/* watches then */
	int added, removed;	/* callbacks, for ours only */
	int remade;
	void (*hook)(void);	/* run once from the next added callback */
} h;

/* A 64-hex id whose first 12 characters differ for each n. */
static const char *id64(unsigned n, char buf[PCC_ID_MAX + 1])
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 8 * i, 9, "%08x", n * 2654435761u + (unsigned)i);
	return buf;
}

/* <slice>[/sub][/docker-<id of i>.scope]: below a hierarchy root */
static const char *rel(char buf[PATH_MAX], const char *sub, int i)
{
	char id[PCC_ID_MAX + 1];
	int n = snprintf(buf, PATH_MAX, "%s", slice);

	if (sub != NULL)
		n += snprintf(buf + n, PATH_MAX - n, "/%s", sub);
	if (i >= 0)
		snprintf(buf + n, PATH_MAX - n, "/docker-%s.scope", id64(i, id));
	return buf;
}

/* ------------------------------------------------------------ cgroup trees */

/* No ck_assert below this line and above the fixtures: the churn child uses them. */
static int hfd(size_t i)
{
	return h.m->hier[i].dirfd;
}

/* mkdir (rm: rmdir) <slice>[/sub][/kid k] in hierarchy i; -errno.  A slice
 * (k < 0) being there already is fine. */
static int op(size_t i, bool rm, const char *sub, int k)
{
	char p[PATH_MAX];
	int r = rm ? unlinkat(hfd(i), rel(p, sub, k), AT_REMOVEDIR)
		   : mkdirat(hfd(i), rel(p, sub, k), 0755);

	return r == 0 || (!rm && k < 0 && errno == EEXIST) ? 0 : -errno;
}

/*
 * A burst in each hierarchy of where in turn.  Make: as mkdir -p would, the
 * slice and each level of sub, then kids lo..hi-1.  Remove (rm): kids
 * lo..hi-1, then sub (or the slice) if parent.  -errno of the first failure.
 */
static int burst(bool rm, const char *sub, int lo, int hi, bool parent, uint32_t where)
{
	size_t len = sub ? strlen(sub) : 0;
	char part[256];
	int rc = 0;

	for (size_t i = 0; i < h.m->nhier && rc == 0; i++) {
		if (!(where >> i & 1))
			continue;
		for (size_t j = 0; !rm && rc == 0 && j <= len; j++) {
			if (j == 0 || sub[j] == '/' || sub[j] == '\0') {
				snprintf(part, sizeof(part), "%.*s", (int)j, sub ? sub : "");
				rc = op(i, false, j ? part : NULL, -1);
			}
		}
		for (int k = lo; k < hi && rc == 0; k++)
			rc = op(i, rm, sub, k);
		if (rm && parent && rc == 0)
			rc = op(i, true, sub, -1);
	}
	return rc;
}

#define MK(sub, lo, hi, where) \
	ck_assert_int_eq(burst(false, sub, lo, hi, false, where), 0)
#define RM(sub, lo, hi, parent, where) \
	ck_assert_int_eq(burst(true, sub, lo, hi, parent, where), 0)

/* rm -r of a tree of directories: cgroups hold files that cannot be removed
 * (nor need be), ours hold no others. */
static void rm_tree(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_type == DT_DIR && de->d_name[0] != '.')
				rm_tree(fd, de->d_name);
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(dfd, name, AT_REMOVEDIR);
}

/* Our slice (or its sub), gone from the hierarchies of where. */
static void rm_sub(const char *sub, uint32_t where)
{
	char p[PATH_MAX];

	for (size_t i = 0; h.m && i < h.m->nhier; i++)
		if (where >> i & 1)
			rm_tree(hfd(i), rel(p, sub, -1));
}

/* ------------------------------------------------------------ checks */

static bool ours(const struct pcc_container *c)
{
	size_t len = strlen(slice);

	return strncmp(c->path + 1, slice, len) == 0 && c->path[len + 1] == '/';
}

static int on_added(struct pcc_container *c, void *arg)
{
	void (*hook)(void) = h.hook;

	(void)arg;
	ck_assert_ptr_null(c->priv);
	c->priv = c;
	h.added += ours(c);
	h.hook = NULL;
	if (hook)
		hook();
	return 0;
}

static void on_removed(struct pcc_container *c, void *arg)
{
	(void)arg;
	ck_assert_ptr_eq(c->priv, c);
	ck_assert_ptr_ne(pcc_set_find(h.s, c->path), c);
	c->priv = NULL;
	h.removed += ours(c);
}

/* remade says each time the count went up, for a container in the set */
static void on_remade(struct pcc_container *c, void *arg)
{
	(void)arg;
	ck_assert_ptr_eq(c->priv, c);
	ck_assert_ptr_eq(pcc_set_find(h.s, c->path), c);
	h.remade += ours(c);
}

static const struct pcc_set_ops ops = { on_added, on_removed, NULL, on_remade };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What holds after any refresh: each container once, found by its path,
 * announced, in some hierarchy.  Returns how many are ours. */
static size_t check_set(void)
{
	size_t i, n = pcc_set_count(h.s), mine = 0;
	const char **v = malloc((n + 1) * sizeof(*v));
	struct pcc_container *c;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++) {
		c = pcc_set_at(h.s, i);
		ck_assert_ptr_eq(pcc_set_find(h.s, c->path), c);
		ck_assert_ptr_eq(c->priv, c);
		ck_assert_uint_ne(c->present, 0);
		v[i] = c->path;
		mine += ours(c);
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 1; i < n; i++)
		ck_assert_msg(strcmp(v[i - 1], v[i]) != 0, "listed twice: %s", v[i]);
	free(v);
	ck_assert_int_eq(h.added - h.removed, (int)mine);
	return mine;
}

/* The hierarchies holding directory path now. */
static uint32_t holders(const char *path)
{
	struct stat st;
	uint32_t bits = 0;

	for (size_t i = 0; i < h.m->nhier; i++)
		if ((h.all >> i & 1) && fstatat(hfd(i), path, &st, AT_SYMLINK_NOFOLLOW) == 0)
			bits |= 1u << i;
	return bits;
}

/* Exactly want containers of ours, each present where it is. */
static void verify(size_t want)
{
	struct pcc_container *c;

	ck_assert_uint_eq(check_set(), want);
	for (size_t i = 0; (c = pcc_set_at(h.s, i)) != NULL; i++)
		if (ours(c))
			ck_assert_msg(c->present == holders(c->path + 1),
				      "%s present %#x, on disk %#x", c->path,
				      c->present, holders(c->path + 1));
	if (!h.real)
		ck_assert_uint_eq(pcc_set_count(h.s), h.others + want);
}

static void expect(size_t want)
{
	ck_assert_int_ge(pcc_set_refresh(h.s), 0);
	verify(want);
}

static struct pcc_set_stats stats(void)
{
	struct pcc_set_stats st;

	pcc_set_get_stats(h.s, &st);
	return st;
}

/* All ours gone: back to the watches of the start (a sysroot has no others). */
static void expect_clean(void)
{
	rm_sub(NULL, h.all);
	expect(0);
	if (!h.real)
		ck_assert_uint_eq(stats().watches, h.watches0);
}

/* ------------------------------------------------------------ fixtures */

static void set_open(void)
{
	h.all = 0;
	for (size_t i = 0; i < h.m->nhier; i++)
		if (hfd(i) >= 0)
			h.all |= 1u << i;
	ck_assert_int_eq(pcc_set_new(h.m, &ops, 0, &h.s), 0);
	ck_assert_int_ge(pcc_set_refresh(h.s), 0);
	ck_assert_uint_eq(check_set(), 0);
	h.others = pcc_set_count(h.s);
	h.watches0 = stats().watches;
}

static void names_setup(void)
{
	snprintf(slice, sizeof(slice), "pcc-unit-%d-burst.slice", (int)getpid());
	strcpy(base, "/tmp/pcc-walk2-XXXXXX");
	if (mkdtemp(base) == NULL)
		base[0] = '\0';
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void base_teardown(void)
{
	if (base[0])
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static FILE *sysroot_file(const char *relpath)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", h.root, relpath);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	return f;
}

static void tree_setup(void)
{
	static const char *const dirs[] = { "proc", "proc/self", "sys", "sys/fs", "sys/fs/cgroup" };
	char p[PATH_MAX];
	FILE *f;
	int rootfd;

	ck_assert_str_ne(base, "");
	memset(&h, 0, sizeof(h));
	snprintf(h.root, sizeof(h.root), "%s/rootXXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(h.root));
	for (size_t i = 0; i < 5 + 7; i++) {
		if (i < 5)
			snprintf(p, sizeof(p), "%s/%s", h.root, dirs[i]);
		else
			snprintf(p, sizeof(p), "%s/sys/fs/cgroup/%s", h.root, hiers[i - 5][0]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
	}
	f = sysroot_file("proc/self/mountinfo");
	for (int i = 0; i < 7; i++)
		fprintf(f, "%d 31 0:%d / /sys/fs/cgroup/%s rw - %s %s %s\n", 32 + i,
			29 + i, hiers[i][0], hiers[i][1], hiers[i][1], hiers[i][2]);
	fclose(f);
	fclose(sysroot_file("sys/fs/cgroup/unified/cgroup.controllers"));
	rootfd = pcc_sysroot_open(h.root);
	ck_assert_int_ge(rootfd, 0);
	ck_assert_int_eq(pcc_mounts_load(rootfd, &h.m), 0);
	close(rootfd);
	ck_assert_uint_eq(h.m->nhier, 7);
	ck_assert_int_eq(h.m->layout, PCC_LAYOUT_HYBRID);
	set_open();
	ck_assert_uint_eq(h.watches0, 7);
}

static void host_teardown(void)
{
	pcc_set_free(h.s);
	h.s = NULL;
	if (h.real)
		rm_sub(NULL, ~0u);
	pcc_mounts_free(h.m);
	h.m = NULL;
	if (!h.real && h.root[0])
		nftw(h.root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The host's cgroupfs; h.s stays NULL (tests skip) unless root with cgroups. */
static void real_setup(void)
{
	int rootfd;

	memset(&h, 0, sizeof(h));
	h.real = true;
	if (geteuid() != 0 || (rootfd = pcc_sysroot_open("/")) < 0)
		return;
	if (pcc_mounts_load(rootfd, &h.m) == 0 && h.m->nhier > 0) {
		rm_sub(NULL, ~0u);	/* left by a failed test: no teardown then */
		set_open();
	}
	close(rootfd);
}

/* Parent side (CK_FORK): whatever a failed test left behind. */
static void real_cleanup(void)
{
	int rootfd = pcc_sysroot_open("/");

	memset(&h, 0, sizeof(h));
	if (geteuid() == 0 && rootfd >= 0 && pcc_mounts_load(rootfd, &h.m) == 0)
		rm_sub(NULL, ~0u);
	pcc_mounts_free(h.m);
	h.m = NULL;
	if (rootfd >= 0)
		close(rootfd);
	base_teardown();
}

static bool ready(const char *test)
{
	if (h.s == NULL)
		fprintf(stderr, "%s: not root or no cgroup hierarchy, skipped\n", test);
	return h.s != NULL;
}

#define SCENARIO(name) \
	static void name(void); \
	START_TEST(name##_tree) { name(); } END_TEST \
	START_TEST(name##_real) { if (ready(#name "_real")) name(); } END_TEST \
	static void name(void)

/* ------------------------------------------------------------ scenarios */

/* A refresh after a burst, timed and printed (not asserted), then verified. */
static void timed(const char *what, size_t want)
{
	struct pcc_set_stats a = stats(), b;
	struct timespec t0, t1;
	double us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_ge(pcc_set_refresh(h.s), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
	b = stats();
	printf("burst on %s, %d hierarchies: refresh after %s: %.0f us, %llu events, "
	       "%llu partial scans, %llu dirs read\n", h.real ? "cgroupfs" : "tmpfs",
	       __builtin_popcount(h.all), what, us,
	       (unsigned long long)(b.events - a.events),
	       (unsigned long long)(b.partial_scans - a.partial_scans),
	       (unsigned long long)(b.dirs_walked - a.dirs_walked));
	verify(want);
}

/*
 * The reported case: a slice and its 1000 containers made in one burst in
 * every hierarchy, removed in one burst, made again under the same names;
 * the second time with a refresh in the middle of the burst, so that the
 * slice is watched while its containers are still being made.
 */
SCENARIO(burst_cycle)
{
	unsigned nh = __builtin_popcount(h.all);
	struct pcc_set_stats a, b;

	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			MK(NULL, 0, NKIDS / 3, h.all);
			expect(NKIDS / 3);
		}
		MK(NULL, round ? NKIDS / 3 : 0, NKIDS, h.all);
		timed(round ? "the rest of a burst" : "a slice and its containers made", NKIDS);
		a = stats();
		RM(NULL, 0, NKIDS, true, h.all);
		timed("the containers and their slice removed", 0);
		b = stats();
		/* one refresh read every event: the slice's and the root's */
		ck_assert_uint_ge(b.events - a.events, (uint64_t)nh * (NKIDS + 1));
		expect(0);
		if (!h.real) {
			a = stats();
			ck_assert_uint_eq(a.events, b.events);
			ck_assert_uint_eq(a.partial_scans, b.partial_scans);
			ck_assert_uint_eq(a.watches, h.watches0);
			ck_assert_uint_eq(a.full_scans, 1);
		}
	}
}

/*
 * The slice removed and made again between two refreshes: a new inode under
 * a known name, whose old watch (on cgroupfs) never reports again.  The
 * containers whose paths are back are kept, not removed and added.
 */
SCENARIO(slice_replaced)
{
	MK(NULL, 0, NKIDS, h.all);
	expect(NKIDS);
	RM(NULL, 0, NKIDS, true, h.all);
	MK(NULL, 0, NKIDS / 2, h.all);
	expect(NKIDS / 2);
	ck_assert_int_eq(h.added, NKIDS);
	ck_assert_int_eq(h.removed, NKIDS / 2);
	MK(NULL, NKIDS / 2, NKIDS, h.all);	/* seen through the new watch only */
	expect(NKIDS);
	RM(NULL, 0, NKIDS / 4, false, h.all);
	expect(NKIDS - NKIDS / 4);
	/* replaced twice over before a refresh */
	RM(NULL, NKIDS / 4, NKIDS, true, h.all);
	MK(NULL, 0, 10, h.all);
	RM(NULL, 0, 10, true, h.all);
	MK(NULL, 10, 20, h.all);
	expect(10);
	MK(NULL, 20, 30, h.all);
	expect(20);
	expect_clean();
}

/* A sub-slice replaced with its subtree: every level of the new one watched. */
SCENARIO(subtree_replaced)
{
	MK("p.slice/q.slice", 0, 100, h.all);
	MK("p.slice", 100, 200, h.all);
	expect(200);
	rm_sub("p.slice", h.all);
	MK("p.slice/q.slice", 50, 150, h.all);
	expect(100);
	MK("p.slice/q.slice", 150, 160, h.all);
	MK("p.slice", 160, 170, h.all);
	expect(120);
	expect_clean();
}

/*
 * Events still queued for a directory that its parent's rescan, earlier in
 * the same refresh, freed or found replaced: they reach no freed dnode and
 * no wrong one.  first.slice makes the slice's event come before p.slice's.
 */
SCENARIO(events_of_freed_dirs)
{
	MK("p.slice", 0, 10, h.all);
	expect(10);
	MK("first.slice", 0, 0, h.all);
	MK("p.slice", 10, 20, h.all);
	RM("p.slice", 0, 20, true, h.all);
	expect(0);
	MK("p.slice", 0, 10, h.all);
	expect(10);
	MK("second.slice", 0, 0, h.all);
	MK("p.slice", 10, 20, h.all);
	RM("p.slice", 0, 20, true, h.all);
	MK("p.slice", 20, 30, h.all);
	expect(10);
	MK("p.slice", 30, 40, h.all);
	expect(20);
	if (!h.real)	/* the slice, first, second and p in each hierarchy */
		ck_assert_uint_eq(stats().watches, h.watches0 + 4 * 7);
	expect_clean();
}

/* One container per path however many hierarchies hold it, as they change. */
SCENARIO(many_hierarchies)
{
	uint32_t a = 0, b;
	int k = 0;

	for (size_t i = 0; i < h.m->nhier; i++)
		if ((h.all >> i & 1) && k++ % 2 == 0)
			a |= 1u << i;
	b = h.all & ~a;
	MK(NULL, 0, NKIDS, h.all);
	expect(NKIDS);
	/* in a the slice is made again with the first half, from b the second half goes */
	RM(NULL, 0, NKIDS, true, a);
	MK(NULL, 0, NKIDS / 2, a);
	RM(NULL, NKIDS / 2, NKIDS, false, b);
	expect(NKIDS / 2);
	ck_assert_int_eq(h.added, NKIDS);
	ck_assert_int_eq(h.removed, NKIDS / 2);
	MK(NULL, NKIDS / 2, NKIDS, a);
	expect(NKIDS);
	RM(NULL, 0, NKIDS / 2, false, a);
	expect(b ? NKIDS : NKIDS / 2);
	expect_clean();
}

/*
 * A watched directory renamed and its name made again between refreshes:
 * its watch goes with the inode (the new name shares the wd when read
 * first), the new directory gets a watch of its own.  cgroup2 has no
 * rename, so on the host only v1 hierarchies take part.
 */
SCENARIO(rename_over)
{
	char p[PATH_MAX], q[PATH_MAX];
	uint32_t w = 0;

	for (size_t i = 0; i < h.m->nhier; i++)
		if ((h.all >> i & 1) && (!h.real || h.m->hier[i].version == 1))
			w |= 1u << i;
	if (w == 0)
		return;
	MK("p.slice", 0, 100, w);
	expect(100);
	for (int step = 0; step < 2; step++) {
		const char *to = step ? "z.slice" : "a.slice";	/* read after, before p */

		for (size_t i = 0; i < h.m->nhier; i++)
			if (w >> i & 1)
				ck_assert_int_eq(renameat(hfd(i), rel(p, "p.slice", -1), hfd(i),
							  rel(q, to, -1)), 0);
		MK("p.slice", 100 + 100 * step, 150 + 100 * step, w);
		expect(150 + 100 * step);
		MK(to, 150 + 100 * step, 175 + 100 * step, w);
		MK("p.slice", 175 + 100 * step, 200 + 100 * step, w);
		expect(200 + 100 * step);
	}
	expect_clean();
}

/* The container of kid k: counted made again n times? */
static void remade_is(int k, uint32_t n)
{
	char p[PATH_MAX + 1];
	struct pcc_container *c;

	p[0] = '/';
	rel(p + 1, NULL, k);
	c = pcc_set_find(h.s, p);
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(c->remade == n, "%s remade %u, not %u", p, c->remade, n);
}

/* kid k's inode in the lowest hierarchy */
static ino_t low_ino(int k)
{
	char p[PATH_MAX];
	struct stat st;
	size_t i = __builtin_ctz(h.all);

	ck_assert_int_eq(fstatat(hfd(i), rel(p, NULL, k), &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_ino;
}

/*
 * Containers restarted between two refreshes, as engines restart them (the
 * cgroup removed and made again in every hierarchy): kept, not removed and
 * added, and counted once each, whichever way the scans see it - as a new
 * inode under a known name, or gone from the lowest hierarchy and back
 * while the others held it.  Gone from and back in higher hierarchies
 * only is no restart.  cgroupfs never gives a removed directory's inode
 * number to the next one; a sysroot on ext4 does: there a directory made
 * again with its old number cannot be told from one left alone.
 */
SCENARIO(restart_between_refreshes)
{
	uint32_t low = h.all & -h.all, high = h.all & ~low;
	ino_t ino[20];
	int n = 0;

	MK(NULL, 0, 40, h.all);
	expect(40);
	for (int k = 0; k < 20; k++)
		ino[k] = low_ino(k);
	RM(NULL, 0, 20, false, h.all);
	MK(NULL, 0, 20, h.all);
	expect(40);
	ck_assert_int_eq(h.added, 40);
	ck_assert_int_eq(h.removed, 0);
	for (int k = 0; k < 40; k++) {
		ck_assert(!h.real || k >= 20 || low_ino(k) != ino[k]);
		remade_is(k, k < 20 && low_ino(k) != ino[k]);
		n += k < 20 && low_ino(k) != ino[k];
	}
	ck_assert_int_eq(h.remade, n);
	if (high == 0) {
		expect_clean();
		return;
	}
	/* one scan between removal and making: the lowest first, then the rest */
	RM(NULL, 20, 30, false, low);
	expect(40);
	RM(NULL, 20, 30, false, high);
	MK(NULL, 20, 30, h.all);
	expect(40);
	for (int k = 20; k < 30; k++)
		remade_is(k, 1);
	ck_assert_int_eq(h.remade, n + 10);
	/* the higher ones only */
	RM(NULL, 30, 40, false, high);
	expect(40);
	MK(NULL, 30, 40, high);
	expect(40);
	for (int k = 30; k < 40; k++)
		remade_is(k, 0);
	ck_assert_int_eq(h.remade, n + 10);
	ck_assert_int_eq(h.removed, 0);
	expect_clean();
}

/* Made while the set announces, after its walk: found by the next refresh. */
static void late(void)
{
	RM(NULL, 0, 10, true, h.all);
	MK(NULL, 5, 10, h.all);
	MK("late.slice", 10, 10 + NKIDS / 2, h.all);
}

SCENARIO(changes_while_announcing)
{
	MK(NULL, 0, 10, h.all);
	h.hook = late;
	ck_assert_int_ge(pcc_set_refresh(h.s), 10);
	ck_assert_uint_eq(check_set(), 10);
	expect(5 + NKIDS / 2);
	expect_clean();
}

/* The churn child: one step per command byte, answered when done. */
static int churn_child(int cmd, int done)
{
	int rc = 0;
	char c;

	while (rc == 0 && read(cmd, &c, 1) == 1) {
		if (c == 'm')
			rc = burst(false, NULL, 0, NKIDS, false, h.all);
		else if (c == 'R')	/* replaced, with half the names */
			rc = burst(true, NULL, 0, NKIDS, true, h.all) ?:
			     burst(false, NULL, 0, NKIDS / 2, false, h.all);
		else
			rm_sub(NULL, h.all);
		if (write(done, &c, 1) != 1)
			rc = -EPIPE;
	}
	return rc == 0 ? 0 : 1;
}

/* Refresh every ms milliseconds while the child does step c, then exactly
 * want.  Returns the refreshes. */
static int churn_step(int cmd, int done, char c, int ms, size_t want)
{
	struct pollfd pfd = { .fd = done, .events = POLLIN };
	int n = 0;

	ck_assert_int_eq(write(cmd, &c, 1), 1);
	do {
		ck_assert_int_ge(pcc_set_refresh(h.s), 0);
		check_set();
		n++;
	} while (poll(&pfd, 1, ms) == 0);
	ck_assert_int_eq(read(done, &c, 1), 1);
	expect(want);
	return n;
}

/* Another process makes, replaces and removes while the set refreshes. */
SCENARIO(concurrent_churn)
{
	int cmd[2], done[2], st, n = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(cmd), 0);
	ck_assert_int_eq(pipe(done), 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(cmd[1]);
		close(done[0]);
		_exit(churn_child(cmd[0], done[1]));
	}
	close(cmd[0]);
	close(done[1]);
	for (int ms = 0; ms <= 4; ms += 2) {	/* as fast as it goes, then slower */
		n += churn_step(cmd[1], done[0], 'm', ms, NKIDS);
		n += churn_step(cmd[1], done[0], 'R', ms, NKIDS / 2);
		n += churn_step(cmd[1], done[0], 'r', ms, 0);
	}
	close(cmd[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(done[0]);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("concurrent churn on %s: %d refreshes during 9 bursts\n",
	       h.real ? "cgroupfs" : "tmpfs", n);
	expect_clean();
}

#define ADD(tree, real, name) \
	(tcase_add_test(tree, name##_tree), tcase_add_test(real, name##_real))

static Suite *make_suite(void)
{
	Suite *s = suite_create("walk2");
	TCase *tree = tcase_create("tree"), *real = tcase_create("real");

	tcase_add_unchecked_fixture(tree, names_setup, base_teardown);
	tcase_add_checked_fixture(tree, tree_setup, host_teardown);
	tcase_add_unchecked_fixture(real, names_setup, real_cleanup);
	tcase_add_checked_fixture(real, real_setup, host_teardown);
	tcase_set_timeout(tree, 300);
	tcase_set_timeout(real, 300);
	ADD(tree, real, burst_cycle);
	ADD(tree, real, slice_replaced);
	ADD(tree, real, subtree_replaced);
	ADD(tree, real, events_of_freed_dirs);
	ADD(tree, real, many_hierarchies);
	ADD(tree, real, rename_over);
	ADD(tree, real, restart_between_refreshes);
	ADD(tree, real, changes_while_announcing);
	ADD(tree, real, concurrent_churn);
	suite_add_tcase(s, tree);
	suite_add_tcase(s, real);
	return s;
}

UNIT_MAIN()
