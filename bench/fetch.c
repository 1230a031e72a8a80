/*
 * fetch.c - a PMAPI client for the benchmarks: look up metrics once, then
 * pmFetch them ITERATIONS times back to back from pmcd on this host.
 *
 * usage: fetch [-C FILE] ITERATIONS METRIC...
 * With -C, FILE names one container per line: each gets its own context
 * ("local:?container=NAME", as pminfo --container does), and an iteration
 * fetches in every one of them.
 * The host is $PCP_HOST if set (a private pmcd: "local:/path/pmcd.socket"),
 * else "local:".
 * Prints "<fetches> <values in the last fetch> <wall ns per fetch>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcp/pmapi.h>

static long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One context per line of file (a container name each), or one of host. */
static int open_contexts(const char *host, const char *file, int **ret_ctxs)
{
	char line[512], spec[1200];
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
	const char *cfile = NULL, *host = getenv("PCP_HOST");
	pmResult *res;
	pmID *pmids;
	long long t0;

	if (argc > 2 && strcmp(argv[1], "-C") == 0) {
		cfile = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: fetch [-C FILE] ITERATIONS METRIC...\n");
		return 2;
	}
	iters = atoi(argv[1]);
	n = argc - 2;
	if (host == NULL || host[0] == '\0')
		host = "local:";
	if ((nctx = open_contexts(host, cfile, &ctxs)) <= 0) {
		fprintf(stderr, "no context: %s\n", pmErrStr(nctx));
		return 1;
	}
	pmids = calloc(n, sizeof(*pmids));
	if ((rc = pmLookupName(n, (const char **)&argv[2], pmids)) < 0) {
		fprintf(stderr, "pmLookupName: %s\n", pmErrStr(rc));
		return 1;
	}
	t0 = wall_ns();
	for (it = 0; it < iters; it++) {
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
	printf("%d %d %lld\n", iters, values, iters ? (wall_ns() - t0) / iters : 0);
	free(pmids);
	free(ctxs);
	return 0;
}
