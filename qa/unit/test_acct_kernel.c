/*
 * test_acct_kernel.c - the accounting reader against the running kernel.
 *
 * Makes a cgroup pcc-unit-<pid> in every hierarchy the reader uses, sets
 * limits, moves a forked child that spins on the CPU into it, and checks
 * that pcc_acct_read agrees with the kernel's own files read just before
 * and just after (counters between the two, gauges within them, limits
 * equal).  Then kills the child, removes the cgroups, and checks that the
 * reader says -ENOENT and has given back every kept fd (pread on a removed
 * cgroup's file fails with ENODEV).
 *
 * The cgroups are removed before any assertion runs, and again by the
 * unchecked teardown (which runs in the parent even if the test crashed),
 * so a failure never leaves them behind.  Skipped, with a message, unless
 * run as root on a host with writable cgroup mounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keyed.h"
#include "pcp-container.h"
#include "unit.h"

static char cgname[64];		/* set in the parent, so a forked test sees the same */

static const enum pcc_ctrl used[] = {
	PCC_CTRL_CPU, PCC_CTRL_CPUACCT, PCC_CTRL_MEMORY, PCC_CTRL_IO, PCC_CTRL_PIDS,
	PCC_CTRL_PSI,
};
#define NUSED	(sizeof(used) / sizeof(used[0]))

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The directory of our cgroup in the hierarchy serving ctrl, or NULL. */
static const char *cgdir(const struct pcc_mounts *m, enum pcc_ctrl c, char *buf, size_t len)
{
	int h = m->by_ctrl[c];

	if (h < 0)
		return NULL;
	snprintf(buf, len, "%s/%s", m->hier[h].mount, cgname);
	return buf;
}

static int put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/* Kill what is left in dir and remove it; retries while the kernel lets go. */
static void remove_cgroup(const char *dir)
{
	char path[512], *buf = NULL, *p, *end;
	size_t cap = 0;
	int root = pcc_sysroot_open("/");

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (root >= 0 && pcc_read_file(root, path, &buf, &cap, 1 << 16) > 0) {
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 1)
				kill((pid_t)pid, SIGKILL);
		}
	}
	free(buf);
	if (root >= 0)
		close(root);
	for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY; i++)
		sleep_ms(20);
}

/* Remove our cgroup from every hierarchy it may be in. */
static void cleanup(void)
{
	struct pcc_mounts *m = NULL;
	char dir[512];
	int root = pcc_sysroot_open("/");

	if (root < 0)
		return;
	if (pcc_mounts_load(root, &m) == 0) {
		for (size_t i = 0; i < m->nhier; i++) {
			snprintf(dir, sizeof(dir), "%s/%s", m->hier[i].mount, cgname);
			if (access(dir, F_OK) == 0)
				remove_cgroup(dir);
		}
	}
	pcc_mounts_free(m);
	close(root);
}

static void setup(void)
{
	snprintf(cgname, sizeof(cgname), "pcc-unit-%d", (int)getpid());
	cleanup();
}

/* What the kernel says now, read without the library's table. */
struct kview {
	uint64_t usage, user, periods, mem, psi_total;
	bool have_psi;
};

static uint64_t kvalue(const char *dir, const char *name)
{
	char path[512], *buf = NULL;
	size_t cap = 0;
	uint64_t v = UINT64_MAX;
	ssize_t n;
	int root = pcc_sysroot_open("/");

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = pcc_read_file(root, path, &buf, &cap, 1 << 16);
	if (n >= 0 && pcc_keyed_value(buf, (size_t)n, 0, &v) < 0)
		v = UINT64_MAX;
	free(buf);
	close(root);
	return v;
}

static uint64_t kkey(const char *dir, const char *name, const char *key)
{
	char path[512], *buf = NULL;
	size_t cap = 0;
	uint64_t v = UINT64_MAX, found = 0;
	ssize_t n;
	int root = pcc_sysroot_open("/");

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = pcc_read_file(root, path, &buf, &cap, 1 << 16);
	if (n < 0 || pcc_keyed_flat(buf, (size_t)n, &key, 1, &v, &found) < 1)
		v = UINT64_MAX;
	free(buf);
	close(root);
	return v;
}

static void kread(const struct pcc_mounts *m, struct kview *k)
{
	char dir[512], path[600], *buf = NULL;
	uint64_t psi[8];
	unsigned lines;
	size_t cap = 0;
	ssize_t n;
	int root;

	cgdir(m, PCC_CTRL_CPUACCT, dir, sizeof(dir));
	if (m->hier[m->by_ctrl[PCC_CTRL_CPUACCT]].version == 1) {
		k->usage = kvalue(dir, "cpuacct.usage");
		k->user = kvalue(dir, "cpuacct.usage_user");
	} else {
		k->usage = kkey(dir, "cpu.stat", "usage_usec") * 1000;
		k->user = kkey(dir, "cpu.stat", "user_usec") * 1000;
	}
	k->periods = kkey(cgdir(m, PCC_CTRL_CPU, dir, sizeof(dir)), "cpu.stat", "nr_periods");
	cgdir(m, PCC_CTRL_MEMORY, dir, sizeof(dir));
	k->mem = m->hier[m->by_ctrl[PCC_CTRL_MEMORY]].version == 1 ?
		kvalue(dir, "memory.usage_in_bytes") : kvalue(dir, "memory.current");
	k->have_psi = false;
	if (cgdir(m, PCC_CTRL_PSI, dir, sizeof(dir)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/cpu.pressure", dir);
	root = pcc_sysroot_open("/");
	n = pcc_read_file(root, path, &buf, &cap, 4096);
	if (n >= 0 && pcc_keyed_psi(buf, (size_t)n, psi, &lines) > 0) {
		k->psi_total = psi[PCC_PSI_TOTAL];
		k->have_psi = true;
	}
	free(buf);
	close(root);
}

/* A child that spins until killed. */
static pid_t spawn_spinner(int go)
{
	volatile uint64_t x = 0;
	char c, *mem;
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(go, &c, 1) != 1)
		_exit(1);
	mem = malloc(4 << 20);
	if (mem != NULL)
		memset(mem, 1, 4 << 20);
	for (;;)
		x++;
}

struct result {
	int rc1, rc2, rc_gone;
	unsigned held_before, held_after;
	struct kview k0, k1, k2;
	struct pcc_sample s1, s2, s3;
	bool quota_set, mem_set, pids_set;
};

/* Everything that touches the kernel; no assertions until cleanup is done. */
static int run(const struct pcc_mounts *m, struct result *r)
{
	struct pcc_fdbudget budget = { .max = 64 };
	struct pcc_statset want = { { 0 } };
	struct pcc_acct *a = NULL;
	char dir[512], path[512], pidtext[32];
	int go[2], rc = 0;
	pid_t child;

	for (size_t i = 0; i < NUSED; i++) {
		if (cgdir(m, used[i], dir, sizeof(dir)) && mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	cgdir(m, PCC_CTRL_CPU, dir, sizeof(dir));
	r->quota_set = m->hier[m->by_ctrl[PCC_CTRL_CPU]].version == 1 ?
		put_file(dir, "cpu.cfs_quota_us", "50000") == 0 :
		put_file(dir, "cpu.max", "50000 100000") == 0;
	cgdir(m, PCC_CTRL_MEMORY, dir, sizeof(dir));
	r->mem_set = m->hier[m->by_ctrl[PCC_CTRL_MEMORY]].version == 1 ?
		put_file(dir, "memory.limit_in_bytes", "268435456") == 0 :
		put_file(dir, "memory.max", "268435456") == 0;
	r->pids_set = put_file(cgdir(m, PCC_CTRL_PIDS, dir, sizeof(dir)), "pids.max", "64") == 0;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	child = spawn_spinner(go[0]);
	close(go[0]);
	if (child < 0) {
		close(go[1]);
		return -errno;
	}
	snprintf(pidtext, sizeof(pidtext), "%d", (int)child);
	for (size_t i = 0; i < NUSED && rc == 0; i++)
		if (cgdir(m, used[i], dir, sizeof(dir)))
			rc = put_file(dir, "cgroup.procs", pidtext);
	if (write(go[1], "g", 1) != 1 && rc == 0)
		rc = -EIO;
	close(go[1]);
	if (rc == 0) {
		sleep_ms(400);
		snprintf(path, sizeof(path), "/%s", cgname);
		rc = pcc_acct_new(m, path, &budget, &a);
	}
	if (rc == 0) {
		for (int st = 0; st < PCC_NSTAT; st++)
			pcc_statset_add(&want, (enum pcc_stat)st);
		kread(m, &r->k0);
		r->rc1 = pcc_acct_read(a, &want, &r->s1);
		kread(m, &r->k1);
		sleep_ms(100);
		r->rc2 = pcc_acct_read(a, &want, &r->s2);	/* now on kept fds */
		kread(m, &r->k2);
		r->held_before = budget.held;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (size_t i = 0; i < NUSED; i++)
		if (cgdir(m, used[i], dir, sizeof(dir)))
			remove_cgroup(dir);
	if (a != NULL) {
		r->rc_gone = pcc_acct_read(a, &want, &r->s3);
		r->held_after = budget.held;
		pcc_acct_free(a);
	}
	return rc;
}

#define BETWEEN(lo, v, hi)	ck_assert_msg((lo) <= (v) && (v) <= (hi),		\
	"%s: %llu not in [%llu, %llu]", #v, (unsigned long long)(v),		\
	(unsigned long long)(lo), (unsigned long long)(hi))

static void check_sample(const struct pcc_sample *s, const struct kview *before,
			 const struct kview *after, const struct result *r)
{
	uint64_t lo = before->mem < after->mem ? before->mem : after->mem;
	uint64_t hi = before->mem < after->mem ? after->mem : before->mem;

	BETWEEN(before->usage, s->v[PCC_CPU_USAGE], after->usage);
	BETWEEN(before->user, s->v[PCC_CPU_USER], after->user);
	BETWEEN(before->periods, s->v[PCC_CPU_NR_PERIODS], after->periods);
	BETWEEN(lo, s->v[PCC_MEM_USAGE], hi);
	ck_assert_uint_gt(s->v[PCC_CPU_USAGE], 50000000);	/* it did spin: > 50 ms */
	ck_assert_uint_eq(s->v[PCC_PIDS_CURRENT], 1);
	ck_assert(pcc_statset_has(&s->have, PCC_IO_READ_BYTES));
	ck_assert_uint_eq(s->v[PCC_CPU_PERIOD], 100000);
	if (r->quota_set)
		ck_assert_uint_eq(s->v[PCC_CPU_QUOTA], 50000);
	if (r->mem_set)
		ck_assert_uint_eq(s->v[PCC_MEM_LIMIT], 268435456);
	if (r->pids_set)
		ck_assert_uint_eq(s->v[PCC_PIDS_LIMIT], 64);
	if (before->have_psi && after->have_psi)
		BETWEEN(before->psi_total, s->v[PCC_PSI_STAT(PCC_PSI_CPU, 0, PCC_PSI_TOTAL)],
			after->psi_total);
}

START_TEST(real_kernel)
{
	struct pcc_mounts *m = NULL;
	struct result r = { 0 };
	int root, rc;

	if (geteuid() != 0) {
		printf("real_kernel: skipped: needs root to make cgroups\n");
		return;
	}
	root = pcc_sysroot_open("/");
	ck_assert_int_ge(root, 0);
	ck_assert_int_eq(pcc_mounts_load(root, &m), 0);
	close(root);
	for (size_t i = 0; i < NUSED - 1; i++) {
		if (m->by_ctrl[used[i]] < 0) {
			printf("real_kernel: skipped: no hierarchy for controller %d\n", used[i]);
			pcc_mounts_free(m);
			return;
		}
	}
	rc = run(m, &r);
	pcc_mounts_free(m);
	cleanup();
	if (rc == -EROFS || rc == -EACCES || rc == -EPERM) {
		printf("real_kernel: skipped: cannot make cgroups here (%s)\n", strerror(-rc));
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_gt(r.rc1, 20);
	ck_assert_int_eq(r.rc2, r.rc1);
	check_sample(&r.s1, &r.k0, &r.k1, &r);
	check_sample(&r.s2, &r.k1, &r.k2, &r);
	ck_assert_uint_gt(r.held_before, 10);
	ck_assert_int_eq(r.rc_gone, -ENOENT);
	ck_assert_uint_eq(r.held_after, 0);
	pcc_sample_release(&r.s1);
	pcc_sample_release(&r.s2);
	pcc_sample_release(&r.s3);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("acct_kernel");
	TCase *tc = tcase_create("kernel");

	tcase_add_unchecked_fixture(tc, setup, cleanup);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, real_kernel);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
