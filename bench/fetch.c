/*
 * fetch.c - a PMAPI client for the benchmarks: look up metrics once, then
 * pmFetch them ITERATIONS times back to back from pmcd on this host.
 *
 * usage: fetch [-C FILE] [-h HOST] [-p PID,...] [-e COUNTER] ITERATIONS METRIC...
 * With -C, FILE names one container per line: each gets its own context
 * ("local:?container=NAME", as pminfo --container does), and an iteration
 * fetches in every one of them.  -h: the pmcd to ask (default $PCP_HOST if
 * set, else "local:"; e.g. "local:/path/to/pmcd.socket" for a private one).
 * Prints "<fetches> <values in the last fetch> <wall ns per fetch>", and
 * with -p "<cpu ns per fetch>" of the processes PID,... (the agents that
 * answer), from the schedstat of each of their threads, read just before and
 * just after the fetches; the contexts' setup and a first, untimed fetch in
 * each are left out.  With -e (and -p), then "<delta>" of the counter
 * metric COUNTER (one value, e.g. container.control.events), fetched in
 * the first context just before and just after the timed fetches: work the
 * agents did meanwhile for other reasons.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcp/pmapi.h>

static long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU ns the processes in the comma-separated list pids have used, or -1. */
static long long pids_cpu_ns(const char *pids)
{
	char path[64], line[128];
	long long sum = 0, v;
	const char *p;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	for (p = pids; p != NULL && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		snprintf(path, sizeof(path), "/proc/%d/task", atoi(p));
		if ((dir = opendir(path)) == NULL)
			return -1;
		while ((d = readdir(dir)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat", atoi(p),
				 d->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;	/* a thread that ended */
			if (fgets(line, sizeof(line), f) && sscanf(line, "%lld", &v) == 1)
				sum += v;
			fclose(f);
		}
		closedir(dir);
	}
	return sum;
}

/* The one value of counter metric id in the current context, or -1. */
static long long counter(pmID id)
{
	pmAtomValue v;
	pmResult *res;
	long long n = -1;
	pmDesc desc;

	if (pmLookupDesc(id, &desc) < 0 || pmFetch(1, &id, &res) < 0)
		return -1;
	if (res->vset[0]->numval == 1 &&
	    pmExtractValue(res->vset[0]->valfmt, &res->vset[0]->vlist[0], desc.type, &v,
			   PM_TYPE_64) >= 0)
		n = v.ll;
	pmFreeResult(res);
	return n;
}

/* One context per line of file (a container name each), or host. */
static int open_contexts(const char *file, const char *host, int **ret_ctxs)
{
	char line[512], spec[600];
	int *ctxs = NULL, n = 0, rc;
	FILE *f;

	if (file == NULL) {
		ctxs = malloc(sizeof(int));
		if ((ctxs[0] = pmNewContext(PM_CONTEXT_HOST, host)) < 0)
			return ctxs[0];
		*ret_ctxs = ctxs;
		return 1;
	}
	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		snprintf(spec, sizeof(spec), "%s?container=%s", host, line);
		if ((rc = pmNewContext(PM_CONTEXT_HOST, spec)) < 0) {
			fprintf(stderr, "pmNewContext %s: %s\n", spec, pmErrStr(rc));
			fclose(f);
			return rc;
		}
		ctxs = realloc(ctxs, (n + 1) * sizeof(int));
		ctxs[n++] = rc;
	}
	fclose(f);
	*ret_ctxs = ctxs;
	return n;
}

int main(int argc, char **argv)
{
	int iters, n, rc, i, it, c, nctx, values = 0, *ctxs = NULL;
	const char *cfile = NULL, *host = getenv("PCP_HOST"), *pids = NULL, *ename = NULL;
	long long e0 = -1, e1 = -1;
	pmID eid = PM_ID_NULL;
	pmResult *res;
	pmID *pmids;
	long long t0, c0 = 0, c1 = 0;

	while ((c = getopt(argc, argv, "+C:h:p:e:")) != -1) {
		switch (c) {
		case 'C':
			cfile = optarg;
			break;
		case 'h':
			host = optarg;
			break;
		case 'p':
			pids = optarg;
			break;
		case 'e':
			ename = optarg;
			break;
		default:
			argc = 0;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3) {
		fprintf(stderr, "usage: fetch [-C FILE] [-h HOST] [-p PID,...] [-e COUNTER] "
			"ITERATIONS METRIC...\n");
		return 2;
	}
	iters = atoi(argv[1]);
	n = argc - 2;
	if (host == NULL || *host == '\0')
		host = "local:";
	if ((nctx = open_contexts(cfile, host, &ctxs)) <= 0) {
		fprintf(stderr, "no context: %s\n", pmErrStr(nctx));
		return 1;
	}
	if (ename != NULL && (rc = pmLookupName(1, &ename, &eid)) < 0) {
		fprintf(stderr, "pmLookupName %s: %s\n", ename, pmErrStr(rc));
		return 1;
	}
	pmids = calloc(n, sizeof(*pmids));
	if ((rc = pmLookupName(n, (const char **)&argv[2], pmids)) < 0) {
		fprintf(stderr, "pmLookupName: %s\n", pmErrStr(rc));
		return 1;
	}
	/* with -p, an untimed fetch first: a context's first costs the agents more */
	t0 = wall_ns();
	for (it = pids != NULL ? -1 : 0; it < iters; it++) {
		if (it == 0 && pids != NULL) {
			if (eid != PM_ID_NULL) {
				pmUseContext(ctxs[0]);
				e0 = counter(eid);
			}
			if ((c0 = pids_cpu_ns(pids)) < 0) {
				fprintf(stderr, "fetch: no process %s\n", pids);
				return 1;
			}
			t0 = wall_ns();
		}
		for (c = 0; c < nctx; c++) {
			pmUseContext(ctxs[c]);
			if ((rc = pmFetch(n, pmids, &res)) < 0) {
				fprintf(stderr, "pmFetch: %s\n", pmErrStr(rc));
				return 1;
			}
			if (it == iters - 1)
				for (i = 0; i < res->numpmid; i++)
					values += res->vset[i]->numval > 0 ? res->vset[i]->numval : 0;
			pmFreeResult(res);
		}
	}
	t0 = iters ? (wall_ns() - t0) / iters : 0;
	if (pids != NULL && (c1 = pids_cpu_ns(pids)) < 0) {
		fprintf(stderr, "fetch: process %s gone\n", pids);
		return 1;
	}
	if (pids != NULL && eid != PM_ID_NULL) {
		pmUseContext(ctxs[0]);
		e1 = counter(eid);
	}
	printf("%d %d %lld", iters, values, t0);
	if (pids != NULL)
		printf(" %lld", iters ? (c1 - c0) / iters : 0);
	if (pids != NULL && eid != PM_ID_NULL)
		printf(" %lld", e0 < 0 || e1 < 0 ? -1 : e1 - e0);
	printf("\n");
	free(pmids);
	free(ctxs);
	return 0;
}
