/*
 * walk_cost.c - what the container set costs at N containers: the first full
 * walk, a later full rescan, a refresh with nothing changed, and one
 * container starting and stopping (a partial scan per hierarchy).
 *
 *   walk_cost [-n N] [-r]
 *
 * Without -r the containers are /docker/<id> directories in a temp sysroot
 * shaped like a hybrid host (cpu, cpuacct, memory, blkio, pids,
 * name=systemd, unified).  With -r (root) they are real cgroups,
 * /pcc-bench-<pid>.slice/docker-<id>.scope in every walked hierarchy of this
 * host, removed again at the end.  Timings only; nothing is asserted.
 *
 * Build from the top directory, after `make BUILD=build-walk`:
 *   cc -std=gnu11 -O2 -D_GNU_SOURCE -Ilibpcp-container/include \
 *      -o build-walk/walk_cost bench/walk_cost.c build-walk/libpcp-container.a
 * (add qa/unit/cid_stub.c while libpcp-container/cid.c does not exist).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pcp-container.h"

static const char *const fake_hiers[] = {
	"cpu", "cpuacct", "memory", "blkio", "pids", "systemd", "unified",
};

static char slice[64];	/* -r: the parent cgroup, below each hierarchy root */
static int nhier;
static int hfd[32];	/* O_PATH fds of the hierarchies containers go into */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void id64(unsigned n, char *buf)
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 8 * i, 9, "%08x", n * 2654435761u + (unsigned)i);
}

/* relative path of container n, below a hierarchy root */
static void ctr_path(bool real, unsigned n, char *buf, size_t len)
{
	char id[PCC_ID_MAX + 1];

	id64(n, id);
	if (real)
		snprintf(buf, len, "%s/docker-%s.scope", slice, id);
	else
		snprintf(buf, len, "docker/%s", id);
}

static int make_all(bool real, unsigned n0, unsigned n, bool rm)
{
	char rel[256];

	for (unsigned i = n0; i < n0 + n; i++) {
		ctr_path(real, i, rel, sizeof(rel));
		for (int h = 0; h < nhier; h++) {
			if ((rm ? unlinkat(hfd[h], rel, AT_REMOVEDIR)
				: mkdirat(hfd[h], rel, 0755)) < 0 && !rm) {
				perror(rel);
				return -1;
			}
		}
	}
	return 0;
}

/* A temp sysroot with a mountinfo naming seven hierarchy directories. */
static int fake_root(char *root, size_t len)
{
	char p[PATH_MAX];
	FILE *f;
	int i;

	snprintf(root, len, "/tmp/pcc-bench-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(p, sizeof(p), "mkdir -p %s/proc/self", root);
	if (system(p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/proc/self/mountinfo", root);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	for (i = 0; i < 7; i++) {
		fprintf(f, "%d 1 0:%d / /sys/fs/cgroup/%s rw - %s cgroup rw,%s%s\n",
			40 + i, 40 + i, fake_hiers[i], i == 6 ? "cgroup2" : "cgroup",
			i == 5 ? "name=" : "", fake_hiers[i]);
		snprintf(p, sizeof(p), "mkdir -p %s/sys/fs/cgroup/%s/docker", root,
			 fake_hiers[i]);
		if (system(p) != 0)
			break;
	}
	fclose(f);
	return i == 7 ? 0 : -1;
}

static void report(const char *what, double us)
{
	printf("  %-44s %10.2f us\n", what, us);
}

static int measure(const struct pcc_mounts *m, bool real)
{
	struct timespec sec = { 1, 50 * 1000 * 1000 };
	struct pcc_set_stats st;
	struct pcc_set *s;
	double t;
	int i, loops = 100000, rc;

	if (pcc_set_new(m, NULL, 1, &s) < 0)
		return -1;
	t = now_us();
	rc = pcc_set_refresh(s);
	report("first full walk", now_us() - t);
	pcc_set_get_stats(s, &st);
	printf("  (%d containers found, %zu in the set, %llu directories, %u watches)\n",
	       rc, pcc_set_count(s), (unsigned long long)st.dirs_walked, st.watches);
	t = now_us();
	for (i = 0; i < loops; i++)
		pcc_set_refresh(s);
	report("refresh, nothing changed (mean)", (now_us() - t) / loops);
	make_all(real, 900000, 1, false);
	t = now_us();
	rc = pcc_set_refresh(s);
	report("refresh, one container started", now_us() - t);
	make_all(real, 900000, 1, true);
	t = now_us();
	rc += pcc_set_refresh(s);
	report("refresh, one container stopped", now_us() - t);
	nanosleep(&sec, NULL);
	t = now_us();
	pcc_set_refresh(s);
	report("full rescan (rescan_secs elapsed)", now_us() - t);
	pcc_set_get_stats(s, &st);
	printf("  (changes seen %d; full scans %llu, partial scans %llu)\n", rc,
	       (unsigned long long)st.full_scans, (unsigned long long)st.partial_scans);
	pcc_set_free(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct pcc_mounts *m = NULL;
	char root[PATH_MAX] = "/", cmd[PATH_MAX + 16];
	unsigned n = 1000;
	bool real = false;
	int opt, rootfd, rc = 1;

	while ((opt = getopt(argc, argv, "n:r")) != -1) {
		if (opt == 'n')
			n = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'r')
			real = true;
		else
			return 2;
	}
	if (!real && fake_root(root, sizeof(root)) < 0) {
		perror("temp sysroot");
		return 1;
	}
	rootfd = pcc_sysroot_open(root);
	if (rootfd < 0 || pcc_mounts_load(rootfd, &m) < 0) {
		fprintf(stderr, "cannot load mounts below %s\n", root);
		goto out;
	}
	snprintf(slice, sizeof(slice), "pcc-bench-%d.slice", (int)getpid());
	for (size_t i = 0; i < m->nhier && nhier < 32; i++) {
		if (m->hier[i].dirfd < 0)
			continue;
		if (real && mkdirat(m->hier[i].dirfd, slice, 0755) < 0) {
			perror(slice);
			continue;
		}
		hfd[nhier++] = m->hier[i].dirfd;
	}
	printf("%s, %u containers x %d hierarchies:\n",
	       real ? "real cgroupfs" : "tmpfs sysroot", n, nhier);
	if (make_all(real, 0, n, false) == 0)
		rc = measure(m, real) < 0;
	make_all(real, 0, n, true);
	for (int h = 0; real && h < nhier; h++)
		unlinkat(hfd[h], slice, AT_REMOVEDIR);
out:
	pcc_mounts_free(m);
	if (rootfd >= 0)
		close(rootfd);
	if (!real) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			rc = 1;
	}
	return rc;
}
