/*
 * fetch.c - a PMAPI client for the benchmarks: look up metrics once, then
 * pmFetch them ITERATIONS times back to back from pmcd on this host.
 *
 * usage: fetch ITERATIONS METRIC...
 * Prints "<fetches> <values in the last fetch> <wall ns per fetch>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <pcp/pmapi.h>

static long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int iters, n, rc, i, it, values = 0;
	pmResult *res;
	pmID *pmids;
	long long t0;

	if (argc < 3) {
		fprintf(stderr, "usage: fetch ITERATIONS METRIC...\n");
		return 2;
	}
	iters = atoi(argv[1]);
	n = argc - 2;
	if ((rc = pmNewContext(PM_CONTEXT_HOST, "local:")) < 0) {
		fprintf(stderr, "pmNewContext: %s\n", pmErrStr(rc));
		return 1;
	}
	pmids = calloc(n, sizeof(*pmids));
	if ((rc = pmLookupName(n, (const char **)&argv[2], pmids)) < 0) {
		fprintf(stderr, "pmLookupName: %s\n", pmErrStr(rc));
		return 1;
	}
	t0 = wall_ns();
	for (it = 0; it < iters; it++) {
		if ((rc = pmFetch(n, pmids, &res)) < 0) {
			fprintf(stderr, "pmFetch: %s\n", pmErrStr(rc));
			return 1;
		}
		if (it == iters - 1)
			for (i = 0, values = 0; i < res->numpmid; i++)
				values += res->vset[i]->numval > 0 ? res->vset[i]->numval : 0;
		pmFreeResult(res);
	}
	printf("%d %d %lld\n", iters, values, iters ? (wall_ns() - t0) / iters : 0);
	free(pmids);
	return 0;
}
