/*
 * test_walk.c - the container set (walk.c, watch.c): discovery, inotify
 * updates, fallbacks and bounds on cgroup trees built in a temp directory
 * sysroot (memory and cpu v1 plus unified v2), and inotify on the real
 * kernel's cgroupfs (root only, in cgroups this test creates and removes).
 *
 * Cleanup runs in unchecked fixtures (the parent process in CK_FORK mode),
 * so it happens even when a test fails.  The "cost" test prints timings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

static const char mountinfo[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static char base[64];		/* temp dir; the unchecked teardown removes it */

static struct fx {
	char root[128];		/* sysroot of this test, under base */
	int rootfd;
	struct pcc_mounts *m;
	struct pcc_set *s;
	unsigned mem, cpu, uni;	/* present bits of the three hierarchies */
	int added, removed;
	char last_removed[PATH_MAX];
} fx;

/* A 64-hex id whose first 12 characters differ for each n. */
static const char *id64(unsigned n, char buf[PCC_ID_MAX + 1])
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 8 * i, 9, "%08x", n * 2654435761u + (unsigned)i);
	return buf;
}

/* ------------------------------------------------------------ tree helpers */

/* Open (creating if asked) every component of rel below dirfd; long paths ok. */
static int walk_rel(int dirfd, const char *rel, bool create, bool parent, char *last)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *end;
	int fd = dup(dirfd), nfd;

	while (*p == '/')
		p++;
	while (fd >= 0 && *p) {
		end = p + strcspn(p, "/");
		ck_assert_uint_le(end - p, NAME_MAX);
		memcpy(comp, p, end - p);
		comp[end - p] = '\0';
		p = end + strspn(end, "/");
		if (parent && *p == '\0') {
			strcpy(last, comp);
			break;
		}
		if (create && mkdirat(fd, comp, 0755) < 0)
			ck_assert_int_eq(errno, EEXIST);
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = nfd;
	}
	return fd;
}

static int hier_fd(const char *hier)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/%s", fx.root, hier);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* mkdir -p <hier>/<rel> in the fixture sysroot */
static void mk(const char *hier, const char *rel)
{
	int hfd = hier_fd(hier), fd = walk_rel(hfd, rel, true, false, NULL);

	ck_assert_int_ge(fd, 0);
	close(fd);
	close(hfd);
}

/* rmdir <hier>/<rel> in the fixture sysroot */
static void rm(const char *hier, const char *rel)
{
	char last[NAME_MAX + 1];
	int hfd = hier_fd(hier), fd = walk_rel(hfd, rel, false, true, last);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unlinkat(fd, last, AT_REMOVEDIR), 0);
	close(fd);
	close(hfd);
}

static void rm_tree_at(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd, again = 1;

	while (again && (fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		again = 0;
		if ((d = fdopendir(fd)) == NULL) {
			close(fd);
			break;
		}
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (unlinkat(fd, de->d_name, 0) < 0)
				rm_tree_at(fd, de->d_name);
			again = 1;
		}
		closedir(d);
	}
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static void write_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx.root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* ------------------------------------------------------------ fixtures */

static void base_setup(void)
{
	strcpy(base, "/tmp/pcc-walk-XXXXXX");
	if (mkdtemp(base) == NULL)
		base[0] = '\0';
}

static void base_teardown(void)
{
	if (base[0])
		rm_tree_at(AT_FDCWD, base);
}

static int on_added(struct pcc_container *c, void *arg)
{
	struct fx *f = arg;

	c->priv = strdup(c->path);
	f->added++;
	return 0;
}

static void on_removed(struct pcc_container *c, void *arg)
{
	struct fx *f = arg;

	ck_assert_ptr_nonnull(c->priv);
	ck_assert_str_eq(c->priv, c->path);
	ck_assert_ptr_null(pcc_set_find(f->s, c->path));
	snprintf(f->last_removed, sizeof(f->last_removed), "%s", c->path);
	free(c->priv);
	c->priv = NULL;
	f->removed++;
}

static const struct pcc_set_ops ops = { on_added, on_removed, &fx, NULL };

static unsigned hier_bit(const char *mount)
{
	for (size_t i = 0; i < fx.m->nhier; i++)
		if (strcmp(fx.m->hier[i].mount, mount) == 0)
			return 1u << i;
	ck_abort_msg("no hierarchy %s", mount);
	return 0;
}

static void tree_setup(void)
{
	int rootfd;

	ck_assert_str_ne(base, "");
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.root, sizeof(fx.root), "%s/rootXXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(fx.root));
	rootfd = open(fx.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(walk_rel(rootfd, "proc/self", true, false, NULL));
	close(walk_rel(rootfd, "sys/fs/cgroup/memory", true, false, NULL));
	close(walk_rel(rootfd, "sys/fs/cgroup/cpu", true, false, NULL));
	close(walk_rel(rootfd, "sys/fs/cgroup/unified", true, false, NULL));
	close(rootfd);
	write_file("proc/self/mountinfo", mountinfo);
	write_file("sys/fs/cgroup/unified/cgroup.controllers", "");
	fx.rootfd = pcc_sysroot_open(fx.root);
	ck_assert_int_ge(fx.rootfd, 0);
	ck_assert_int_eq(pcc_mounts_load(fx.rootfd, &fx.m), 0);
	ck_assert_uint_eq(fx.m->nhier, 3);	/* cpuset is not kept */
	fx.mem = hier_bit("/sys/fs/cgroup/memory");
	fx.cpu = hier_bit("/sys/fs/cgroup/cpu");
	fx.uni = hier_bit("/sys/fs/cgroup/unified");
}

static void tree_teardown(void)
{
	pcc_set_free(fx.s);
	fx.s = NULL;
	pcc_mounts_free(fx.m);
	fx.m = NULL;
	if (fx.rootfd > 0)
		close(fx.rootfd);
	rm_tree_at(AT_FDCWD, fx.root);
}

static void new_set(unsigned rescan_secs)
{
	ck_assert_int_eq(pcc_set_new(fx.m, &ops, rescan_secs, &fx.s), 0);
}

static struct pcc_set_stats stats(void)
{
	struct pcc_set_stats st;

	pcc_set_get_stats(fx.s, &st);
	return st;
}

/* ------------------------------------------------------------ tests */

/*
 * A hybrid-ish host: A in all three hierarchies, lxc in two, nspawn only on
 * v2, a kubernetes container in its pod, a systemd-driver docker container,
 * and plain slices.  Nested cgroups in A must not show, nor the pod.
 */
static char idA[65], idB[65], idC[65], idD[65], pod[80], kube[200];

static void populate(void)
{
	char p[300];

	id64(1, idA), id64(2, idB), id64(3, idC), id64(4, idD);
	snprintf(pod, sizeof(pod), "/kubepods/besteffort/pod0e6f1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a4b");
	snprintf(kube, sizeof(kube), "%s/%s", pod, idC);
	snprintf(p, sizeof(p), "/docker/%s", idA);
	mk("memory", p);
	mk("cpu", p);
	mk("unified", p);
	snprintf(p, sizeof(p), "/docker/%s/x.slice/docker-%s.scope/deeper", idA, idB);
	mk("memory", p);
	mk("memory", "/lxc.payload.web1");
	mk("unified", "/lxc.payload.web1");
	mk("unified", "/machine.slice/machine-fedora.scope");
	mk("memory", kube);
	mk("cpu", kube);
	snprintf(p, sizeof(p), "/system.slice/docker-%s.scope", idD);
	mk("cpu", p);
	mk("memory", "/user.slice/user-1000.slice");
	write_file("sys/fs/cgroup/memory/docker/cgroup.procs", "");
}

START_TEST(initial_walk)
{
	struct pcc_container *c;
	struct pcc_set_stats st;
	char p[300];

	populate();
	new_set(0);
	ck_assert_uint_eq(pcc_set_count(fx.s), 0);	/* nothing before refresh */
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	ck_assert_uint_eq(pcc_set_count(fx.s), 5);
	ck_assert_int_eq(fx.added, 5);

	snprintf(p, sizeof(p), "/docker/%s", idA);
	c = pcc_set_find(fx.s, p);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->present, fx.mem | fx.cpu | fx.uni);
	ck_assert_int_eq(c->cid.engine, PCC_ENGINE_DOCKER);
	ck_assert_str_eq(c->cid.id, idA);
	ck_assert_int_eq(strlen(c->name), 12);
	ck_assert_int_eq(strncmp(c->name, idA, 12), 0);
	ck_assert_str_eq(c->priv, p);

	c = pcc_set_find(fx.s, "/lxc.payload.web1");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "web1");
	ck_assert_uint_eq(c->present, fx.mem | fx.uni);
	c = pcc_set_find(fx.s, "/machine.slice/machine-fedora.scope");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "fedora");
	ck_assert_uint_eq(c->present, fx.uni);
	c = pcc_set_find(fx.s, kube);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->present, fx.mem | fx.cpu);
	snprintf(p, sizeof(p), "/system.slice/docker-%s.scope", idD);
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));

	/* not containers, or inside one */
	ck_assert_ptr_null(pcc_set_find(fx.s, pod));
	snprintf(p, sizeof(p), "/docker/%s/x.slice/docker-%s.scope", idA, idB);
	ck_assert_ptr_null(pcc_set_find(fx.s, p));
	ck_assert_ptr_null(pcc_set_find(fx.s, "/user.slice/user-1000.slice"));

	/* every index answers, each container once */
	for (size_t i = 0; i < 5; i++)
		ck_assert_ptr_nonnull(pcc_set_at(fx.s, i));
	ck_assert_ptr_null(pcc_set_at(fx.s, 5));

	/* non-container directories: memory 7, cpu 6, unified 3 */
	st = stats();
	ck_assert_uint_eq(st.full_scans, 1);
	ck_assert_uint_eq(st.partial_scans, 0);
	ck_assert_uint_eq(st.dirs_walked, 16);
	ck_assert_uint_eq(st.watches, 16);
	ck_assert_int_ge(pcc_set_fd(fx.s), 0);
}
END_TEST

START_TEST(no_change_is_cheap)
{
	struct pcc_set_stats a, b;

	populate();
	new_set(0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	a = stats();
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	b = stats();
	ck_assert_uint_eq(b.full_scans, a.full_scans);
	ck_assert_uint_eq(b.partial_scans, a.partial_scans);
	ck_assert_uint_eq(b.dirs_walked, a.dirs_walked);
	ck_assert_uint_eq(b.events, a.events);

	/* a plain file appearing is an event but no scan */
	write_file("sys/fs/cgroup/memory/docker/tasks", "");
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	b = stats();
	ck_assert_uint_gt(b.events, a.events);
	ck_assert_uint_eq(b.partial_scans, a.partial_scans);
	ck_assert_uint_eq(b.dirs_walked, a.dirs_walked);
}
END_TEST

START_TEST(inotify_add_remove)
{
	struct pcc_container *c;
	struct pcc_set_stats st;
	char p[300], idE[65];

	populate();
	new_set(0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	snprintf(p, sizeof(p), "/docker/%s", id64(5, idE));

	mk("memory", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	c = pcc_set_find(fx.s, p);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->present, fx.mem);
	ck_assert_str_eq(c->priv, p);
	st = stats();
	ck_assert_uint_eq(st.full_scans, 1);
	ck_assert_uint_eq(st.partial_scans, 1);
	ck_assert_uint_eq(pcc_set_count(fx.s), 6);
	ck_assert_ptr_eq(pcc_set_at(fx.s, 5), c);	/* insertion order */

	/* the same container in a second hierarchy: still one */
	mk("cpu", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_ptr_eq(pcc_set_find(fx.s, p), c);
	ck_assert_uint_eq(c->present, fx.mem | fx.cpu);
	ck_assert_uint_eq(pcc_set_count(fx.s), 6);

	/* gone from one: stays */
	rm("memory", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_uint_eq(c->present, fx.cpu);
	ck_assert_int_eq(fx.removed, 0);

	/* gone from all: removed, with the priv added set */
	rm("cpu", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_int_eq(fx.removed, 1);
	ck_assert_str_eq(fx.last_removed, p);
	ck_assert_ptr_null(pcc_set_find(fx.s, p));
	ck_assert_uint_eq(pcc_set_count(fx.s), 5);
	st = stats();
	ck_assert_uint_eq(st.full_scans, 1);
	ck_assert_uint_eq(st.partial_scans, 4);

	/* a new slice with a container: walked and watched at once */
	snprintf(p, sizeof(p), "/new.slice/docker-%s.scope", idE);
	mk("unified", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));
	snprintf(p, sizeof(p), "/new.slice/docker-%s.scope", idB);
	mk("unified", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));

	/* and the whole slice going takes its containers and watches */
	st = stats();
	rm("unified", p);
	snprintf(p, sizeof(p), "/new.slice/docker-%s.scope", idE);
	rm("unified", p);
	rm("unified", "/new.slice");
	ck_assert_int_eq(pcc_set_refresh(fx.s), 2);
	ck_assert_uint_eq(pcc_set_count(fx.s), 5);
	ck_assert_uint_eq(stats().watches, st.watches - 1);
	ck_assert_uint_eq(stats().full_scans, 1);
}
END_TEST

/* Moved to a directory scanned first: the watch is shared, then kept. */
START_TEST(rename_across_dirs)
{
	char from[300], to[300], p[300];

	id64(7, idB);
	snprintf(from, sizeof(from), "/p.slice/q.slice/docker-%s.scope", idB);
	snprintf(to, sizeof(to), "/r.slice/q.slice/docker-%s.scope", idB);
	mk("memory", from);
	mk("memory", "/r.slice");
	new_set(0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	mk("memory", "/r.slice/first.slice");	/* r.slice is dirtied first */
	{
		char a[PATH_MAX], b[PATH_MAX];

		snprintf(a, sizeof(a), "%s/sys/fs/cgroup/memory/p.slice/q.slice", fx.root);
		snprintf(b, sizeof(b), "%s/sys/fs/cgroup/memory/r.slice/q.slice", fx.root);
		ck_assert_int_eq(rename(a, b), 0);
	}
	ck_assert_int_eq(pcc_set_refresh(fx.s), 2);
	ck_assert_ptr_null(pcc_set_find(fx.s, from));
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, to));
	ck_assert_str_eq(fx.last_removed, from);
	/* the moved directory is still watched */
	snprintf(p, sizeof(p), "/r.slice/q.slice/docker-%s.scope", id64(8, idC));
	mk("memory", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));
	ck_assert_uint_eq(stats().full_scans, 1);
	/* memory: root, p.slice, r.slice, r/first.slice, r/q.slice; cpu, unified: root */
	ck_assert_uint_eq(stats().watches, 7);
}
END_TEST

START_TEST(rescan_period)
{
	struct timespec ts = { 1, 100 * 1000 * 1000 };

	populate();
	new_set(1);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_uint_eq(stats().full_scans, 1);
	nanosleep(&ts, NULL);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_uint_eq(stats().full_scans, 2);
	ck_assert_int_eq(fx.added, 5);
	ck_assert_int_eq(fx.removed, 0);
}
END_TEST

/*
 * The periodic walk can be left to a quiet moment: pcc_set_refresh_events
 * handles events only (a container made is still found by its partial
 * scan) and pcc_set_full_due_ms says when the walk is due.
 */
START_TEST(events_only_refresh)
{
	struct timespec ts = { 1, 100 * 1000 * 1000 };
	char p[300];
	int ms;

	populate();
	new_set(1);
	ck_assert_int_eq(pcc_set_full_due_ms(fx.s), 0);		/* nothing walked yet */
	ck_assert_int_eq(pcc_set_refresh_events(fx.s), 5);	/* the first walk is needed */
	ck_assert_uint_eq(stats().full_scans, 1);
	ms = pcc_set_full_due_ms(fx.s);
	ck_assert_int_gt(ms, 900);
	ck_assert_int_le(ms, 1000);
	nanosleep(&ts, NULL);
	ck_assert_int_eq(pcc_set_full_due_ms(fx.s), 0);
	snprintf(p, sizeof(p), "/docker/%s", id64(9, idB));
	mk("cpu", p);
	ck_assert_int_eq(pcc_set_refresh_events(fx.s), 1);	/* seen, by its event */
	ck_assert_uint_eq(stats().full_scans, 1);		/* the walk is still due */
	ck_assert_int_eq(pcc_set_full_due_ms(fx.s), 0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);
	ck_assert_uint_eq(stats().full_scans, 2);
	ck_assert_int_gt(pcc_set_full_due_ms(fx.s), 900);
	ck_assert_int_eq(pcc_set_full_due_ms(NULL), -EINVAL);
	pcc_set_free(fx.s);
	fx.s = NULL;
	new_set(0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 6);
	ck_assert_int_eq(pcc_set_full_due_ms(fx.s), INT_MAX);	/* never, inotify works */
}
END_TEST

/* The lowest fd number free now: with RLIMIT_NOFILE there, opens fail. */
static rlim_t lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return (rlim_t)fd;
}

START_TEST(no_inotify)
{
	struct timespec ts = { 1, 100 * 1000 * 1000 };
	struct rlimit old, lim;
	char p[300];

	populate();
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	lim = old;
	lim.rlim_cur = lowest_free_fd();
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	new_set(1);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	if (pcc_set_fd(fx.s) >= 0) {
		fprintf(stderr, "no_inotify: could not make inotify_init fail, skipped\n");
		return;
	}
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	ck_assert_uint_eq(stats().watches, 0);
	snprintf(p, sizeof(p), "/docker/%s", id64(9, idB));
	mk("cpu", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 0);	/* not seen yet */
	nanosleep(&ts, NULL);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);	/* the timed full scan */
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));
	ck_assert_uint_eq(stats().full_scans, 2);
}
END_TEST

/* Out of fds mid-walk: an error, a consistent set, and a full retry. */
START_TEST(emfile_mid_walk)
{
	struct rlimit old, lim;
	int rc, before;

	populate();
	new_set(0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	lim = old;
	lim.rlim_cur = lowest_free_fd() + 2;	/* root and one level below */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	rc = pcc_set_refresh(fx.s);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(rc, -EMFILE);
	ck_assert_uint_eq(pcc_set_count(fx.s), (size_t)fx.added);
	ck_assert_uint_lt(pcc_set_count(fx.s), 5);
	before = fx.added;
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5 - before);
	ck_assert_uint_eq(pcc_set_count(fx.s), 5);
	ck_assert_int_eq(fx.added, 5);
	ck_assert_uint_eq(stats().full_scans, 2);
}
END_TEST

/* More events than the queue holds: IN_Q_OVERFLOW, then a full scan. */
START_TEST(queue_overflow)
{
	char p[300], idE[65];
	int hfd, fd, i, max = 0;
	FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

	if (f == NULL || fscanf(f, "%d", &max) != 1 || max <= 0 || max > 200000) {
		fprintf(stderr, "queue_overflow: max_queued_events unusable, skipped\n");
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	populate();
	new_set(0);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 5);
	hfd = hier_fd("memory");
	fd = walk_rel(hfd, "/docker", false, false, NULL);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < max / 2 + 10; i++) {
		ck_assert_int_eq(mkdirat(fd, "churn", 0755), 0);
		ck_assert_int_eq(unlinkat(fd, "churn", AT_REMOVEDIR), 0);
	}
	close(fd);
	close(hfd);
	/* its event is dropped: only the full scan can find it */
	snprintf(p, sizeof(p), "/docker/%s", id64(6, idE));
	mk("memory", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_ptr_nonnull(pcc_set_find(fx.s, p));
	ck_assert_uint_eq(stats().overflows, 1);
	ck_assert_uint_eq(stats().full_scans, 2);
	ck_assert_uint_eq(stats().watches, 16);
	/* and events work again afterwards */
	rm("memory", p);
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	ck_assert_uint_eq(stats().full_scans, 2);
}
END_TEST

/*
 * In a child with /proc detached from a private mount namespace, every
 * inotify_add_watch("/proc/self/fd/N") fails, as at the watch limit: the set
 * must still find changes, by its timed full scans.  Plain exit codes, no
 * ck_assert, in the child.
 */
static int watch_fail_child(void)
{
	struct timespec ts = { 1, 100 * 1000 * 1000 };
	struct pcc_set_stats st;
	struct pcc_set *s = NULL;
	char p[PATH_MAX], idE[65];

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    umount2("/proc", MNT_DETACH) < 0)
		return 77;
	if (pcc_set_new(fx.m, NULL, 1, &s) < 0 || pcc_set_fd(s) < 0)
		return 1;
	if (pcc_set_refresh(s) != 5)
		return 2;
	pcc_set_get_stats(s, &st);
	if (st.watches != 0 || st.overflows != 1)
		return 3;
	snprintf(p, sizeof(p), "%s/sys/fs/cgroup/cpu/docker/%s", fx.root, id64(10, idE));
	if (mkdir(p, 0755) < 0)
		return 4;
	if (pcc_set_refresh(s) != 0)
		return 5;	/* no watch: not seen yet */
	nanosleep(&ts, NULL);
	if (pcc_set_refresh(s) != 1)
		return 6;
	pcc_set_get_stats(s, &st);
	if (st.full_scans != 2 || st.overflows != 2)
		return 7;
	pcc_set_free(s);
	return 0;
}

START_TEST(watch_add_fails)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "watch_add_fails: not root, skipped\n");
		return;
	}
	populate();
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(watch_fail_child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		fprintf(stderr, "watch_add_fails: no private mount namespace, skipped\n");
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* Hostile trees: 40 levels deep, and paths longer than PATH_MAX. */
START_TEST(depth_and_length_bounds)
{
	char *deep = malloc(64 * 48), *lng = malloc(30 * 260), seg[260], id[65];
	size_t len = 0;
	int i;

	ck_assert_ptr_nonnull(deep);
	ck_assert_ptr_nonnull(lng);
	deep[0] = '\0';
	for (i = 1; i <= 40; i++) {
		strcat(deep, "/n.slice");
		if (i == 10 || i == 31 || i == 32 || i == 40) {
			char p[64 * 48 + 100];

			snprintf(p, sizeof(p), "%s/docker-%s.scope", deep, id64(100 + i, id));
			mk("memory", p);
		}
	}
	memset(seg, 'a', 244);
	strcpy(seg + 244, ".slice");	/* 250 bytes */
	lng[0] = '\0';
	for (i = 1; i <= 20; i++) {
		len += snprintf(lng + len, 30 * 260 - len, "/%s", seg);
		if (i == 10 || i == 20) {
			char p[30 * 260 + 100];

			snprintf(p, sizeof(p), "%s/docker-%s.scope", lng, id64(200 + i, id));
			mk("cpu", p);
		}
	}
	new_set(0);
	/* containers whose parent is at depth 10, 31 (child at 32) and 10 long */
	ck_assert_int_eq(pcc_set_refresh(fx.s), 3);
	ck_assert_uint_gt(stats().skipped, 0);
	for (size_t j = 0; j < pcc_set_count(fx.s); j++)
		ck_assert_uint_lt(strlen(pcc_set_at(fx.s, j)->path), PATH_MAX);
	/* root + 32 levels of n.slice + root + 16 long levels that fit */
	ck_assert_uint_eq(stats().watches, 1 + 32 + 1 + 16 + 1);
	free(deep);
	free(lng);
}
END_TEST

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Timings only, printed: 1000 containers in three hierarchies. */
START_TEST(cost_1000)
{
	const char *hiers[] = { "memory", "cpu", "unified" };
	double t0, full, idle, part;
	char p[300], id[65];
	int i, h, n = 10000;

	if (getenv("PCC_UNIT_BURST")) {	/* a timing: nothing to learn under valgrind */
		printf("cost_1000: skipped (PCC_UNIT_BURST set)\n");
		return;
	}
	for (h = 0; h < 3; h++) {
		for (i = 0; i < 1000; i++) {
			snprintf(p, sizeof(p), "/docker/%s", id64(1000 + i, id));
			mk(hiers[h], p);
		}
	}
	new_set(0);
	t0 = now_us();
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1000);
	full = now_us() - t0;
	t0 = now_us();
	for (i = 0; i < n; i++)
		pcc_set_refresh(fx.s);
	idle = (now_us() - t0) / n;
	snprintf(p, sizeof(p), "/docker/%s", id64(5000, id));
	for (h = 0; h < 3; h++)
		mk(hiers[h], p);
	t0 = now_us();
	ck_assert_int_eq(pcc_set_refresh(fx.s), 1);
	part = now_us() - t0;
	printf("walk cost, tmpfs, 1000 containers x 3 hierarchies: full walk %.0f us, "
	       "no-change refresh %.2f us, one new container %.0f us (3 partial scans)\n",
	       full, idle, part);
}
END_TEST

/* ------------------------------------------------------------ real kernel */

static char real_slice[64], real_scope[160];

static void real_setup(void)
{
	char id[65];

	snprintf(real_slice, sizeof(real_slice), "pcc-unit-%d.slice", (int)getpid());
	snprintf(real_scope, sizeof(real_scope), "%s/docker-%s.scope", real_slice,
		 id64((unsigned)getpid(), id));
}

/* rmdir what this test may have made, in every v1/v2 hierarchy mounted */
static void real_teardown(void)
{
	struct pcc_mounts *m = NULL;
	int rootfd = pcc_sysroot_open("/");

	if (rootfd >= 0 && pcc_mounts_load(rootfd, &m) == 0) {
		for (size_t i = 0; i < m->nhier; i++) {
			if (m->hier[i].dirfd < 0)
				continue;
			unlinkat(m->hier[i].dirfd, real_scope, AT_REMOVEDIR);
			unlinkat(m->hier[i].dirfd, real_slice, AT_REMOVEDIR);
		}
	}
	pcc_mounts_free(m);
	if (rootfd >= 0)
		close(rootfd);
}

START_TEST(real_kernel)
{
	struct pcc_container *c;
	struct pcc_set_stats st;
	uint32_t mine = 0;
	char path[200];
	int rootfd;

	if (geteuid() != 0) {
		fprintf(stderr, "real_kernel: not root, skipped\n");
		return;
	}
	memset(&fx, 0, sizeof(fx));
	rootfd = pcc_sysroot_open("/");
	ck_assert_int_ge(rootfd, 0);
	ck_assert_int_eq(pcc_mounts_load(rootfd, &fx.m), 0);
	close(rootfd);
	for (size_t i = 0; i < fx.m->nhier; i++) {
		if (fx.m->hier[i].dirfd < 0)
			continue;
		ck_assert_int_eq(mkdirat(fx.m->hier[i].dirfd, real_slice, 0755), 0);
		mine |= 1u << i;
	}
	if (mine == 0) {
		fprintf(stderr, "real_kernel: no cgroup hierarchy, skipped\n");
		pcc_mounts_free(fx.m);
		return;
	}
	new_set(0);
	ck_assert_int_ge(pcc_set_refresh(fx.s), 0);
	snprintf(path, sizeof(path), "/%s", real_scope);
	ck_assert_ptr_null(pcc_set_find(fx.s, path));
	st = stats();

	for (size_t i = 0; i < fx.m->nhier; i++)
		if (mine >> i & 1)
			ck_assert_int_eq(mkdirat(fx.m->hier[i].dirfd, real_scope, 0755), 0);
	ck_assert_int_ge(pcc_set_refresh(fx.s), 1);
	c = pcc_set_find(fx.s, path);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->present, mine);
	ck_assert_uint_eq(stats().full_scans, st.full_scans);
	ck_assert_uint_ge(stats().partial_scans, st.partial_scans + __builtin_popcount(mine));

	for (size_t i = 0; i < fx.m->nhier; i++)
		if (mine >> i & 1)
			ck_assert_int_eq(unlinkat(fx.m->hier[i].dirfd, real_scope, AT_REMOVEDIR), 0);
	ck_assert_int_ge(pcc_set_refresh(fx.s), 1);
	ck_assert_ptr_null(pcc_set_find(fx.s, path));
	ck_assert_str_eq(fx.last_removed, path);
	ck_assert_uint_eq(stats().full_scans, st.full_scans);
	pcc_set_free(fx.s);
	fx.s = NULL;
	pcc_mounts_free(fx.m);
	fx.m = NULL;
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("tree"), *real = tcase_create("real");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, initial_walk);
	tcase_add_test(tc, no_change_is_cheap);
	tcase_add_test(tc, inotify_add_remove);
	tcase_add_test(tc, rename_across_dirs);
	tcase_add_test(tc, rescan_period);
	tcase_add_test(tc, events_only_refresh);
	tcase_add_test(tc, no_inotify);
	tcase_add_test(tc, emfile_mid_walk);
	tcase_add_test(tc, queue_overflow);
	tcase_add_test(tc, watch_add_fails);
	tcase_add_test(tc, depth_and_length_bounds);
	tcase_add_test(tc, cost_1000);
	suite_add_tcase(s, tc);

	tcase_add_unchecked_fixture(real, real_setup, real_teardown);
	suite_add_tcase(s, real);
	tcase_add_test(real, real_kernel);
	return s;
}

UNIT_MAIN()
