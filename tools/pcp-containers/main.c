/*
 * pcp-containers - a top for containers: CPU, memory, network, disk, tasks,
 * throttling and OOM kills of every container pmdacontainers knows, live
 * from pmcd (-h HOST) or replayed from an archive (-a ARCHIVE, with -S -T
 * -O), full-screen or as batch output (-b: text, CSV or JSON).
 *
 * Options are PCP's standard ones (pmGetOptions(3)) plus the reporting
 * options below; pcp-containers(1) documents them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "top.h"

#define DEFAULT_INTERVAL	2	/* seconds */

/* PCP's general options but pmtime's (-g, -p): no pmtime control here */
static pmLongOptions longopts[] = {
	PMAPI_OPTIONS_HEADER("General options"),
	PMOPT_ALIGN,
	PMOPT_ARCHIVE,
	PMOPT_DEBUG,
	PMOPT_HOST,
	PMOPT_NAMESPACE,
	PMOPT_ORIGIN,
	PMOPT_START,
	PMOPT_SAMPLES,
	PMOPT_FINISH,
	PMOPT_INTERVAL,
	PMOPT_TIMEZONE,
	PMOPT_HOSTZONE,
	PMOPT_VERSION,
	PMOPT_HELP,
	PMAPI_OPTIONS_HEADER("Reporting options"),
	{ "batch", 0, 'b', 0, "print samples to standard output, no full-screen view" },
	{ "output", 1, 'o', "FORMAT", "batch output format: text (default), csv or json" },
	{ "filter", 1, 'f', "TEXT", "only containers whose name, engine, pod, namespace or image contain TEXT" },
	{ "sort", 1, 'k', "COLUMN", "sort by COLUMN, a title or CSV name (default CPU%)" },
	{ "reverse", 0, 'r', 0, "sort the other way round" },
	PMAPI_OPTIONS_END
};

static pmOptions opts = {
	.flags = PM_OPTFLAG_BOUNDARIES,	/* no time zone note: stdout may be CSV or JSON */
	.short_options = "A:a:D:h:n:O:S:s:T:t:VZ:z?bo:f:k:r",
	.long_options = longopts,
	.short_usage = "[options]",
};

static void
add_interval(struct timespec *t, const struct timeval *iv)
{
	t->tv_sec += iv->tv_sec;
	t->tv_nsec += iv->tv_usec * 1000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

/* live -T: the finish time has passed */
static int
live_finished(void)
{
	struct timeval tv;

	if (opts.finish_optarg == NULL)
		return 0;
	gettimeofday(&tv, NULL);
	return timercmp(&tv, &opts.finish, >);
}

/*
 * run_batch - samples to stdout until -s samples were written, the archive
 * or the -T window ends.  The first fetch only primes the rates.
 */
static int
run_batch(struct pcc_sampler *s, struct pcc_view *v, enum pcc_format fmt)
{
	struct pcc_sample sample = { 0 };
	struct timespec next;
	int n, sts, rc = 0;

	sts = pcc_sampler_fetch(s, &sample);
	if (sts < 0) {
		fprintf(stderr, "%s: fetch: %s\n", pmGetProgname(), pmErrStr(sts));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (n = 0; opts.samples <= 0 || n < opts.samples; n++) {
		if (!v->archive) {
			add_interval(&next, &opts.interval);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
			if (live_finished())
				break;
		}
		sts = pcc_sampler_fetch(s, &sample);
		if (sts == PM_ERR_EOL)
			break;
		if (sts < 0) {
			fprintf(stderr, "%s: fetch: %s\n", pmGetProgname(), pmErrStr(sts));
			if (v->archive) {
				rc = 1;
				break;
			}
			continue;	/* pmcd may come back */
		}
		if (v->archive && timercmp(&sample.stamp, &opts.finish, >))
			break;
		if (pcc_batch_write(stdout, fmt, v, &sample, n == 0) < 0) {
			rc = 1;		/* stdout closed or full */
			break;
		}
	}
	pcc_sample_clear(&sample);
	return rc;
}

int
main(int argc, char **argv)
{
	struct pcc_view view = { .sort_col = COL_CPU };
	enum pcc_format fmt = FMT_TEXT;
	struct pcc_sampler *s;
	int c, batch = 0, sts, rc;

	while ((c = pmGetOptions(argc, argv, &opts)) != EOF) {
		switch (c) {
		case 'b':
			batch = 1;
			break;
		case 'o':
			if (strcmp(opts.optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(opts.optarg, "csv") == 0)
				fmt = FMT_CSV;
			else if (strcmp(opts.optarg, "json") == 0)
				fmt = FMT_JSON;
			else {
				pmprintf("%s: -o: text, csv or json, not \"%s\"\n",
					 pmGetProgname(), opts.optarg);
				opts.errors++;
			}
			break;
		case 'f':
			snprintf(view.filter, sizeof(view.filter), "%s", opts.optarg);
			break;
		case 'k':
			if ((view.sort_col = pcc_col_find(opts.optarg)) < 0) {
				pmprintf("%s: -k: no column \"%s\"\n", pmGetProgname(),
					 opts.optarg);
				opts.errors++;
			}
			break;
		case 'r':
			view.reverse = 1;
			break;
		default:
			opts.errors++;
			break;
		}
	}
	if (opts.flags & PM_OPTFLAG_EXIT) {	/* -V: done */
		pmflush();
		return 0;
	}
	if (!opts.errors && opts.optind < argc) {
		pmprintf("%s: unexpected argument \"%s\"\n", pmGetProgname(), argv[opts.optind]);
		opts.errors++;
	}
	if (!opts.errors && !batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		pmprintf("%s: not a terminal: use -b for batch output\n", pmGetProgname());
		opts.errors++;
	}
	if (opts.errors) {
		pmflush();
		pmUsageMessage(&opts);
		return 1;
	}
	if (opts.interval.tv_sec == 0 && opts.interval.tv_usec == 0)
		opts.interval.tv_sec = DEFAULT_INTERVAL;

	if ((sts = pcc_sampler_new(&opts, &s)) < 0) {
		pmflush();
		if (sts == PM_ERR_NAME)
			fprintf(stderr, "%s: no container metrics at %s (is pmdacontainers "
				"installed? see pmdacontainers(1))\n", pmGetProgname(),
				opts.context == PM_CONTEXT_ARCHIVE ? "that archive" : "that host");
		else if (sts != PM_ERR_GENERIC)
			fprintf(stderr, "%s: cannot use %s: %s\n", pmGetProgname(),
				opts.context == PM_CONTEXT_ARCHIVE ? opts.archives[0] :
				opts.nhosts > 0 ? opts.hosts[0] : "local:", pmErrStr(sts));
		return 1;
	}
	view.has = pcc_sampler_has(s);
	view.archive = opts.context == PM_CONTEXT_ARCHIVE;
	view.host = pcc_sampler_host(s);

	if (batch) {
		rc = run_batch(s, &view, fmt);
	} else if ((sts = pcc_screen_run(s, &opts, &view)) < 0) {
		fprintf(stderr, "%s: cannot use the terminal: %s\n", pmGetProgname(),
			strerror(-sts));
		rc = 1;
	} else {
		rc = 0;
	}
	pcc_sampler_free(s);
	return rc;
}
