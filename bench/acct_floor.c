/*
 * acct_floor.c - how close pcc_acct_read comes to the raw-read floor.
 *
 * Makes N empty cgroups (pcc-bench-<pid>-<i>) in every hierarchy the
 * reader uses, builds one reader per cgroup with a budget that keeps every
 * fd, and times, per pass over all N:
 *   floor: pread(fd, buf, 4096, 0) on each fd the readers keep open (the
 *          same files, found in /proc/self/fd), nothing else;
 *   acct:  pcc_acct_read(all statistics) on each reader.
 * Prints both per container and their ratio (target: acct <= 1.3 x floor).
 * Removes the cgroups at the end.  Needs root.
 *
 * Build and run from the top directory after `make BUILD=build`:
 *   cc -O2 -D_GNU_SOURCE -Ilibpcp-container/include -o build/acct_floor \
 *      bench/acct_floor.c build/libpcp-container.a && build/acct_floor 900
 * The count is limited by RLIMIT_NOFILE: about 20 kept fds per container
 * on a v1/hybrid host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pcp-container.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The fds this process holds on files below cgroups named pcc-bench-. */
static int kept_fds(int *fds, int max)
{
	char target[1024];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;
	ssize_t len;

	while (dir && (d = readdir(dir)) != NULL && n < max) {
		len = readlinkat(dirfd(dir), d->d_name, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strstr(target, "/pcc-bench-") && strrchr(target, '/') > strstr(target, "/pcc-bench-"))
			fds[n++] = atoi(d->d_name);
	}
	if (dir)
		closedir(dir);
	return n;
}

int main(int argc, char **argv)
{
	static const enum pcc_ctrl used[] = { PCC_CTRL_CPU, PCC_CTRL_CPUACCT, PCC_CTRL_MEMORY,
					      PCC_CTRL_IO, PCC_CTRL_PIDS, PCC_CTRL_PSI };
	int ncg = argc > 1 ? atoi(argv[1]) : 1000, made, passes = 21, root, nfd, i, p;
	struct rlimit rl;
	struct pcc_statset want = { { 0 } };
	struct pcc_fdbudget budget = { .max = 1u << 20 };
	struct pcc_sample out = { 0 };
	struct pcc_mounts *m = NULL;
	struct pcc_acct **a;
	double tf[64], ta[64], t;
	char dir[512], buf[4096];
	int *fds;

	/* as many kept fds as the hard limit allows, less some for us */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	budget.max = rl.rlim_cur > 1100 ? (unsigned)rl.rlim_cur - 100 : 1000;
	root = pcc_sysroot_open("/");
	if (root < 0 || pcc_mounts_load(root, &m) < 0) {
		fprintf(stderr, "acct_floor: cannot load mounts\n");
		return 1;
	}
	made = ncg;
	a = calloc(ncg, sizeof(*a));
	fds = calloc(64 * ncg, sizeof(*fds));
	for (i = 0; i < ncg; i++) {
		for (size_t u = 0; u < sizeof(used) / sizeof(used[0]); u++) {
			if (m->by_ctrl[used[u]] < 0)
				continue;
			snprintf(dir, sizeof(dir), "%s/pcc-bench-%d-%d",
				 m->hier[m->by_ctrl[used[u]]].mount, (int)getpid(), i);
			if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
				perror(dir);
				ncg = i;
				goto out;
			}
		}
		snprintf(dir, sizeof(dir), "/pcc-bench-%d-%d", (int)getpid(), i);
		if (pcc_acct_new(m, dir, &budget, &a[i]) < 0)
			return 1;
	}
	for (i = 0; i < PCC_NSTAT; i++)
		pcc_statset_add(&want, (enum pcc_stat)i);
	for (i = 0; i < ncg; i++)		/* warm up: open and keep every fd */
		pcc_acct_read(a[i], &want, &out);
	nfd = kept_fds(fds, 64 * ncg);
	for (p = 0; p < passes; p++) {
		t = now();
		for (i = 0; i < nfd; i++)
			if (pread(fds[i], buf, sizeof(buf), 0) < 0)
				perror("pread");
		tf[p] = now() - t;
		t = now();
		for (i = 0; i < ncg; i++)
			pcc_acct_read(a[i], &want, &out);
		ta[p] = now() - t;
	}
	qsort(tf, passes, sizeof(tf[0]), cmp_double);
	qsort(ta, passes, sizeof(ta[0]), cmp_double);
	printf("%d containers, %d kept fds (%.1f per container), median of %d passes\n",
	       ncg, nfd, (double)nfd / ncg, passes);
	if (nfd < (int)budget.held || budget.held >= budget.max)
		printf("warning: fd limit reached, not every file has a kept fd\n");
	printf("floor (pread only):  %8.2f us/container\n", tf[passes / 2] / ncg * 1e6);
	printf("pcc_acct_read:       %8.2f us/container\n", ta[passes / 2] / ncg * 1e6);
	printf("ratio:               %8.3f\n", ta[passes / 2] / tf[passes / 2]);
out:
	for (i = 0; i < ncg; i++)
		pcc_acct_free(a[i]);
	for (i = 0; i < made; i++) {		/* also the one that failed half-way */
		for (size_t u = 0; u < sizeof(used) / sizeof(used[0]); u++) {
			if (m->by_ctrl[used[u]] < 0)
				continue;
			snprintf(dir, sizeof(dir), "%s/pcc-bench-%d-%d",
				 m->hier[m->by_ctrl[used[u]]].mount, (int)getpid(), i);
			rmdir(dir);
		}
	}
	pcc_sample_release(&out);
	pcc_mounts_free(m);
	free(a);
	free(fds);
	close(root);
	return 0;
}
