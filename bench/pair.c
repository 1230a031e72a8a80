/*
 * pair.c - the PMDA's fetch and the floor's pass taken in turns, one each
 * at a time, so that whatever the machine does meanwhile (on a shared VM
 * the same reads take twice the cycles from one second to the next) falls
 * on both alike: run.sh's rounds alternate them by the ten.
 *
 * usage: pair PID ITERATIONS FILES METRIC...
 *        pair -n PID ITERATIONS PIDS METRIC...
 *   PID    the agent (its CPU: /proc/PID/task/N/schedstat, every thread)
 *   FILES  the floor's list, as floor mirror reads it ("K|O<TAB>mount<TAB>rel":
 *          K kept fd + pread, O openat from the mount's fd per read)
 *   -n     the floor is netfloor's instead (netsweep.h: an RTM_GETSTATS dump
 *          on a socket kept in each namespace), the namespaces of the
 *          processes listed in PIDS, one a line (root: setns)
 * One untimed fetch and one untimed pass first, then ITERATIONS times: a
 * fetch of the metrics (the agent's CPU across it; a fetch's tail that
 * runs after the reply is counted with the next one, the sum is exact) and
 * a pass (this process's CPU).  Prints "<agent ns per fetch> <floor ns per
 * pass> <median of the per-turn ratios>" and, on stderr, nothing unless
 * something fails.  The host is $PCP_HOST if set, else "local:".
 */
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcp/pmapi.h>

#include "netsweep.h"

struct file {
	int fd;			/* K: the file; O: the mount's directory */
	const char *rel;	/* O: below fd */
};

static long long self_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The agent's CPU ns so far, all its threads; -1 if it has gone. */
static long long agent_ns(int pid)
{
	char path[320], line[256];
	long long sum = 0, v;
	struct dirent *d;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid, d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof(line), f) && sscanf(line, "%lld", &v) == 1)
			sum += v;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* The O_PATH fd of a mount point, opened once (a handful of them). */
static int mount_fd(const char *mount)
{
	static struct { char *mount; int fd; } tab[64];
	int i;

	for (i = 0; i < 64 && tab[i].mount; i++)
		if (strcmp(tab[i].mount, mount) == 0)
			return tab[i].fd;
	if (i == 64)
		return -1;
	tab[i].mount = strdup(mount);
	tab[i].fd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return tab[i].fd;
}

static int load(FILE *in, struct file **ret, size_t *ret_n)
{
	char *line = NULL, *t1, *t2, path[8192];
	struct file *v = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if ((t1 = strchr(line, '\t')) == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
			return -1;
		*t1 = *t2 = '\0';
		if ((v = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			return -1;
		if (line[0] == 'K') {
			snprintf(path, sizeof(path), "%s/%s", t1 + 1, t2 + 1);
			v[n].fd = open(path, O_RDONLY | O_CLOEXEC);
			v[n].rel = NULL;
		} else {
			v[n].fd = mount_fd(t1 + 1);
			v[n].rel = strdup(t2 + 1);
		}
		n++;
	}
	free(line);
	*ret = v;
	*ret_n = n;
	return 0;
}

static struct netsweep net;	/* -n: the floor's sockets */
static bool use_net;
static uint64_t net_sink;

/* One pass over the files, as floor mirror reads them (-n: one sweep). */
static void pass(const struct file *v, size_t n, char *buf, size_t len)
{
	if (use_net) {
		if (netsweep_pass(&net, &net_sink) < 0) {
			fprintf(stderr, "pair: a dump failed\n");
			exit(1);
		}
		return;
	}
	size_t i;
	int fd;

	for (i = 0; i < n; i++) {
		if (v[i].fd < 0)
			continue;	/* a cgroup gone meanwhile */
		if (v[i].rel == NULL) {
			(void)!pread(v[i].fd, buf, len, 0);
			continue;
		}
		if ((fd = openat(v[i].fd, v[i].rel, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		(void)!read(fd, buf, len);
		close(fd);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	const char *host = getenv("PCP_HOST");
	long long a0, a1, s0, s1, asum = 0, ssum = 0;
	int pid, iters, it, n, rc;
	struct file *files = NULL;
	size_t nfiles = 0;
	double *ratio;
	pmResult *res;
	pmID *pmids;
	FILE *in;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		use_net = true;
		argc--;
		argv++;
	}
	if (argc < 5 || (pid = atoi(argv[1])) <= 0 || (iters = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: pair [-n] PID ITERATIONS FILES|PIDS METRIC...\n");
		return 2;
	}
	if ((in = fopen(argv[3], "r")) == NULL ||
	    (use_net ? netsweep_load(in, &net) : load(in, &files, &nfiles)) < 0) {
		fprintf(stderr, "pair: cannot read %s\n", argv[3]);
		return 1;
	}
	fclose(in);
	if ((rc = pmNewContext(PM_CONTEXT_HOST, host && *host ? host : "local:")) < 0) {
		fprintf(stderr, "pair: no context: %s\n", pmErrStr(rc));
		return 1;
	}
	n = argc - 4;
	pmids = calloc(n, sizeof(*pmids));
	ratio = calloc(iters, sizeof(*ratio));
	if (pmids == NULL || ratio == NULL ||
	    (rc = pmLookupName(n, (const char **)&argv[4], pmids)) < 0) {
		fprintf(stderr, "pair: pmLookupName failed\n");
		return 1;
	}
	if ((rc = pmFetch(n, pmids, &res)) < 0)	/* untimed, both */
		return 1;
	pmFreeResult(res);
	pass(files, nfiles, buf, sizeof(buf));
	for (it = 0; it < iters; it++) {
		a0 = agent_ns(pid);
		if ((rc = pmFetch(n, pmids, &res)) < 0) {
			fprintf(stderr, "pair: pmFetch: %s\n", pmErrStr(rc));
			return 1;
		}
		pmFreeResult(res);
		a1 = agent_ns(pid);
		s0 = self_ns();
		pass(files, nfiles, buf, sizeof(buf));
		s1 = self_ns();
		if (a0 < 0 || a1 < 0) {
			fprintf(stderr, "pair: agent %d gone\n", pid);
			return 1;
		}
		asum += a1 - a0;
		ssum += s1 - s0;
		ratio[it] = s1 > s0 ? (double)(a1 - a0) / (double)(s1 - s0) : 0;
	}
	/* the last fetch's tail, if it was still running: into the sum */
	usleep(20000);
	asum += agent_ns(pid) - a1;
	if (use_net)
		netsweep_free(&net);
	qsort(ratio, iters, sizeof(*ratio), cmp_double);
	printf("%lld %lld %.3f\n", asum / iters, ssum / iters,
	       iters % 2 ? ratio[iters / 2] : (ratio[iters / 2 - 1] + ratio[iters / 2]) / 2);
	return 0;
}
