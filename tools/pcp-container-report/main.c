/*
 * pcp-container-report - capacity planning for containers from PCP
 * archives (or live from pmcd): per container, CPU cores used (p50, p95,
 * max) against its limit and how often it was throttled, memory (p95,
 * peak) against its limit, OOM kills, network and block I/O peaks; for the
 * host, the sum of the limits against its CPUs and memory.  Output as
 * text, CSV, JSON or a self-contained HTML page with SVG charts.
 *
 * main.c: options (pmGetOptions: the usual -a/-h, -S/-T/-O/-A, -t, -s,
 * -z/-Z), the context, the sampling loop, and the choice of output.
 * Archives are read in interpolation mode at the -t interval from the
 * window's origin, as pmrep(1) and pmval(1) do, so their numbers can be
 * checked against each other.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcp/pmapi.h>

#include "fetch.h"
#include "report.h"

#define LIVE_SAMPLES	60	/* default -s without an archive */

static pmLongOptions longopts[] = {
	PMAPI_OPTIONS_HEADER("General options"),
	PMOPT_ALIGN,
	PMOPT_ARCHIVE,
	PMOPT_DEBUG,
	PMOPT_HOST,
	PMOPT_ORIGIN,
	PMOPT_START,
	PMOPT_SAMPLES,
	PMOPT_FINISH,
	PMOPT_INTERVAL,
	PMOPT_TIMEZONE,
	PMOPT_HOSTZONE,
	PMOPT_VERSION,
	PMOPT_HELP,
	PMAPI_OPTIONS_HEADER("Report options"),
	{ "output", 1, 'o', "FORMAT", "text (default), csv, json or html" },
	{ "instances", 1, 'i', "NAMES", "only these containers (comma-separated names)" },
	{ "memory", 1, 'm', "METRIC", "memory metric: usage (default) or working_set" },
	{ "charts", 1, 'c', "COUNT", "html: chart at most COUNT containers (default 20, 0: all)" },
	PMAPI_OPTIONS_END
};

static pmOptions opts = {
	.flags = PM_OPTFLAG_BOUNDARIES | PM_OPTFLAG_STDOUT_TZ,
	.short_options = PMAPI_OPTIONS "c:i:m:o:",
	.long_options = longopts,
	.short_usage = "[options]",
};

/* split: "a,b,c" -> NULL-terminated malloc'd list (empty names dropped) */
static char **
split(const char *arg)
{
	size_t n = 2, i = 0;
	const char *p;
	char **list, *copy, *tok, *save = NULL;

	for (p = arg; *p; p++)
		n += *p == ',';
	list = calloc(n, sizeof(char *));
	copy = strdup(arg);
	if (list == NULL || copy == NULL) {
		free(list);
		free(copy);
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		list[i++] = tok;	/* all point into copy, which list[0] owns */
	if (i == 0)
		free(copy);
	return list;
}

/* join: the archive list with commas, as pmNewContext takes it */
static char *
join(char **v, int n)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]);
	}
	return s;
}

static double
tv_secs(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* sample_archive: from the origin every INTERVAL until the finish (or -s) */
static int
sample_archive(struct rpt_fetch *f, struct rpt_report *r)
{
	double end = tv_secs(&opts.finish), t = tv_secs(&opts.origin);
	int sts, delta = (int)lround(r->interval * 1000);
	long k;

	if ((sts = pmSetMode(PM_MODE_INTERP, &opts.origin, delta)) < 0)
		return sts;
	for (k = 0; opts.samples <= 0 || k < opts.samples; k++) {
		if (t + k * r->interval > end + 1e-6)
			break;
		sts = rpt_fetch_sample(f, r);
		if (sts == PM_ERR_EOL)
			break;
		if (sts < 0)
			return sts;
	}
	return 0;
}

/* sample_live: -s samples (default LIVE_SAMPLES), -t apart */
static int
sample_live(struct rpt_fetch *f, struct rpt_report *r)
{
	struct timespec start, next;
	long k, n = opts.samples > 0 ? opts.samples : LIVE_SAMPLES;
	double at;
	int sts;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (k = 0; k < n; k++) {
		if ((sts = rpt_fetch_sample(f, r)) < 0)
			return sts;
		if (k + 1 == n)
			break;
		at = start.tv_sec + start.tv_nsec / 1e9 + (k + 1) * r->interval;
		next.tv_sec = (time_t)floor(at);
		next.tv_nsec = (long)((at - floor(at)) * 1e9);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return 0;
}

static int
output(enum rpt_format fmt, const struct rpt_report *r, size_t charts)
{
	int sts;

	switch (fmt) {
	case RPT_CSV:	sts = rpt_out_csv(stdout, r); break;
	case RPT_JSON:	sts = rpt_out_json(stdout, r); break;
	case RPT_HTML:	sts = rpt_out_html(stdout, r, charts); break;
	default:	sts = rpt_out_text(stdout, r); break;
	}
	if (fflush(stdout) != 0 && sts == 0)
		sts = -errno;
	return sts;
}

static int
parse_format(const char *s, enum rpt_format *ret)
{
	static const char *const names[] = { "text", "csv", "json", "html" };
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum rpt_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

int
main(int argc, char **argv)
{
	enum rpt_format fmt = RPT_TEXT;
	const char *mem = "usage";
	size_t charts = 20;
	char *end;
	char **only = NULL, host[MAXHOSTNAMELEN];
	struct rpt_report *r = NULL;
	struct rpt_fetch *f = NULL;
	int c, ctx, type, sts = 1;
	char *source;

	while ((c = pmGetOptions(argc, argv, &opts)) != EOF) {
		switch (c) {
		case 'o':
			if (parse_format(opts.optarg, &fmt) < 0) {
				pmprintf("%s: -o: text, csv, json or html, not \"%s\"\n",
					 pmGetProgname(), opts.optarg);
				opts.errors++;
			}
			break;
		case 'i':
			free(only ? only[0] : NULL);
			free(only);
			if ((only = split(opts.optarg)) == NULL)
				opts.errors++;
			break;
		case 'c':
			charts = strtoul(opts.optarg, &end, 10);
			if (*opts.optarg == '\0' || *end != '\0' || *opts.optarg == '-') {
				pmprintf("%s: -c: a count, not \"%s\"\n", pmGetProgname(),
					 opts.optarg);
				opts.errors++;
			}
			break;
		case 'm':
			if (strcmp(opts.optarg, "usage") != 0 &&
			    strcmp(opts.optarg, "working_set") != 0) {
				pmprintf("%s: -m: usage or working_set, not \"%s\"\n",
					 pmGetProgname(), opts.optarg);
				opts.errors++;
			}
			mem = opts.optarg;
			break;
		default:
			opts.errors++;
			break;
		}
	}
	if (opts.flags & PM_OPTFLAG_EXIT) {
		pmflush();
		pmUsageMessage(&opts);
		return 0;
	}
	if (opts.errors || opts.optind != argc) {
		pmflush();
		pmUsageMessage(&opts);
		return 1;
	}

	if (opts.narchives > 0) {
		type = PM_CONTEXT_ARCHIVE;
		source = join(opts.archives, opts.narchives);
	} else {
		type = PM_CONTEXT_HOST;
		source = strdup(opts.nhosts > 0 ? opts.hosts[0] : "local:");
	}
	if (source == NULL || (r = rpt_report_new()) == NULL) {
		fprintf(stderr, "%s: out of memory\n", pmGetProgname());
		free(source);
		goto out;
	}
	r->source = source;
	if ((ctx = pmNewContext(type, source)) < 0) {
		fprintf(stderr, "%s: cannot open %s: %s\n", pmGetProgname(), source, pmErrStr(ctx));
		goto out;
	}
	if (pmGetContextOptions(ctx, &opts) < 0) {
		pmflush();
		goto out;
	}
	if (pmGetContextHostName_r(ctx, host, sizeof(host)) != NULL && host[0] != '\0')
		r->hostname = strdup(host);
	r->interval = opts.interval.tv_sec || opts.interval.tv_usec ? tv_secs(&opts.interval) : 1;
	if ((sts = rpt_fetch_new(r, mem, only, &f)) < 0) {
		fprintf(stderr, "%s: %s has no container metrics (is pmdacontainers installed?)\n",
			pmGetProgname(), source);
		sts = 1;
		goto out;
	}
	sts = type == PM_CONTEXT_ARCHIVE ? sample_archive(f, r) : sample_live(f, r);
	if (sts < 0) {
		fprintf(stderr, "%s: fetch: %s\n", pmGetProgname(), pmErrStr(sts));
		sts = 1;
		goto out;
	}
	if ((sts = output(fmt, r, charts)) < 0) {
		fprintf(stderr, "%s: output: %s\n", pmGetProgname(), strerror(-sts));
		sts = 1;
		goto out;
	}
	sts = 0;
out:
	rpt_fetch_free(f);
	rpt_report_free(r);
	if (only != NULL)
		free(only[0]);
	free(only);
	return sts;
}
