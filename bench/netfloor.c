/*
 * netfloor.c - the floor of reading every container's interface counters:
 * what any reader of them must do at least, to compare pmdacontainers
 * against (bench/net.sh).  The sweep is netsweep.h's.
 *
 * usage: netfloor [-c] SWEEPS < pids      (root: setns)
 *
 * -c: between sweeps, 32 MB of memory is written (untimed), as pmcd, the
 * client and everything else on the host do between two fetches of the
 * agent: the kernel's data of the namespaces leaves the caches.
 *
 * Prints "netlink <namespaces> <interfaces> <cpu ns per sweep>": process
 * CPU time (CLOCK_PROCESS_CPUTIME_ID) over SWEEPS sweeps, after one
 * untimed sweep.  Exits 1 if a namespace cannot be entered or a dump
 * fails; a process gone meanwhile is skipped (said on stderr).
 */
#include <time.h>

#include "netsweep.h"

#define SWEEP	(32u << 20)	/* -c: bytes written between sweeps, an L3's worth */

static volatile uint64_t sunk;		/* the counters read, so that reading them stays */

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct netsweep w;
	uint64_t sink = 0;
	long long t, sum = 0;
	int sweeps, it, nif = 0;
	char *sweep = NULL;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		if ((sweep = malloc(SWEEP)) == NULL)
			return 1;
		argc--;
		argv++;
	}
	if (argc != 2 || (sweeps = atoi(argv[1])) < 0) {
		fprintf(stderr, "usage: netfloor [-c] SWEEPS < pids\n");
		return 2;
	}
	if (netsweep_load(stdin, &w) < 0)
		return 1;
	for (it = -1; it < sweeps; it++) {	/* -1: untimed, the kernel's first-dump work */
		if (sweep != NULL)
			memset(sweep, it, SWEEP);
		t = cpu_ns();
		nif = netsweep_pass(&w, &sink);
		if (nif < 0) {
			fprintf(stderr, "netfloor: dump: %s\n", strerror(-nif));
			return 1;
		}
		if (it >= 0)
			sum += cpu_ns() - t;
	}
	printf("netlink %zu %d %lld\n", w.n, nif, sweeps ? sum / sweeps : 0);
	netsweep_free(&w);
	free(sweep);
	sunk = sink;
	return 0;
}
