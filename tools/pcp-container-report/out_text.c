/*
 * out_text.c - the default output: a header, the host against the sum of
 * the limits, then one table per area (CPU, memory, network and I/O) with
 * a row per container, and notes for containers near or over a limit.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define B	32	/* formatting buffers */

/* name_width: the longest name, 9 to 32: a longer name overflows its row */
static int
name_width(const struct rpt_report *r)
{
	size_t i, w = 9;

	for (i = 0; i < r->nctr; i++)
		if (strlen(r->ctr[i]->name) > w)
			w = strlen(r->ctr[i]->name);
	return w > 32 ? 32 : (int)w;
}

static void
header(FILE *f, const struct rpt_report *r)
{
	char a[B], b[B];

	fprintf(f, "Container capacity report: %s (host %s)\n", r->source,
		r->hostname ? r->hostname : "?");
	if (r->nsamples > 0)
		fprintf(f, "window: %s to %s, %zu samples every %g s\n",
			rpt_fmt_time(a, B, r->t[0], 1), rpt_fmt_time(b, B, r->t[r->nsamples - 1], 1),
			r->nsamples, r->interval);
	fprintf(f, "percentiles: nearest rank of per-interval values; memory is "
		"container.memory.%s\n", r->mem_metric);
}

static void
host(FILE *f, const struct rpt_report *r)
{
	struct rpt_host h;
	char a[B], b[B], c[B], d[B], x[B];

	rpt_host_summarise(r, &h);
	fprintf(f, "\nHOST\n");
	fprintf(f, "  CPUs   %-10s limits sum %s cores (%zu limited, %zu unlimited), "
		"overcommit %s\n", rpt_fmt_count(a, B, h.ncpu), rpt_fmt_cores(b, B, h.cpu_limit_sum),
		h.cpu_limited, h.cpu_unlimited, rpt_fmt_ratio(x, B, h.cpu_overcommit));
	fprintf(f, "  memory %-10s limits sum %s (%zu limited, %zu unlimited), overcommit %s\n",
		rpt_fmt_bytes(a, B, h.physmem), rpt_fmt_bytes(b, B, h.mem_limit_sum),
		h.mem_limited, h.mem_unlimited, rpt_fmt_ratio(x, B, h.mem_overcommit));
	fprintf(f, "  all containers: CPU p95 %s max %s cores; memory p95 %s max %s",
		rpt_fmt_cores(a, B, h.cpu_total_p95), rpt_fmt_cores(b, B, h.cpu_total_max),
		rpt_fmt_bytes(c, B, h.mem_total_p95), rpt_fmt_bytes(d, B, h.mem_total_max));
	fprintf(f, "; OOM kills %s\n", rpt_fmt_count(a, B, h.oom_kills));
}

static void
cpu_table(FILE *f, const struct rpt_report *r, int w)
{
	struct rpt_summary s;
	char a[B], b[B], c[B], d[B], e[B], hr[B], t[B];
	size_t i;

	fprintf(f, "\nCPU (cores)\n%-*s %-10s %7s %7s %7s %7s %7s %8s %9s %9s\n", w, "CONTAINER",
		"ENGINE", "SAMPLES", "P50", "P95", "MAX", "LIMIT", "P95/LIM", "HEADROOM",
		"THROTTLED");
	for (i = 0; i < r->nctr; i++) {
		const struct rpt_container *ct = r->ctr[i];

		rpt_summarise(r, ct, &s);
		rpt_fmt_cores(hr, B, s.cpu_headroom);
		if (s.cpu_headroom_host)
			strcat(hr, "*");
		fprintf(f, "%-*s %-10s %7zu %7s %7s %7s %7s %8s %9s %9s\n", w, ct->name,
			ct->info[RPT_ENGINE] ? ct->info[RPT_ENGINE] : "-", s.cpu_n,
			rpt_fmt_cores(a, B, s.cpu_p50), rpt_fmt_cores(b, B, s.cpu_p95),
			rpt_fmt_cores(c, B, s.cpu_max), rpt_fmt_cores(d, B, s.cpu_limit),
			rpt_fmt_pct(e, B, s.cpu_pct), hr, rpt_fmt_pct(t, B, s.throttled_pct));
	}
}

static void
mem_table(FILE *f, const struct rpt_report *r, int w)
{
	struct rpt_summary s;
	char a[B], b[B], c[B], d[B], e[B], hr[B];
	size_t i;

	fprintf(f, "\nMEMORY (container.memory.%s)\n%-*s %10s %10s %10s %9s %11s %9s\n",
		r->mem_metric, w, "CONTAINER", "P95", "PEAK", "LIMIT", "PEAK/LIM", "HEADROOM",
		"OOM KILLS");
	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		rpt_fmt_bytes(hr, B, s.mem_headroom);
		if (s.mem_headroom_host)
			strcat(hr, "*");
		rpt_fmt_count(d, B, s.oom_kills);
		fprintf(f, "%-*s %10s %10s %10s %9s %11s %9s\n", w, r->ctr[i]->name,
			rpt_fmt_bytes(a, B, s.mem_p95), rpt_fmt_bytes(b, B, s.mem_max),
			rpt_fmt_bytes(c, B, s.mem_limit), rpt_fmt_pct(e, B, s.mem_pct), hr, d);
	}
}

/* rate: bytes/s, or "n/a" when the metric does not exist */
static const char *
rate(char *buf, const struct rpt_report *r, enum rpt_series s, double v)
{
	if (!r->have[s])
		return "n/a";
	rpt_fmt_bytes(buf, B - 2, v);
	if (isfinite(v))
		strcat(buf, "/s");
	return buf;
}

static void
io_table(FILE *f, const struct rpt_report *r, int w)
{
	struct rpt_summary s;
	char a[B], b[B], c[B], d[B];
	size_t i;

	fprintf(f, "\nNETWORK AND BLOCK I/O PEAKS\n%-*s %12s %12s %12s %12s\n", w, "CONTAINER",
		"NET IN", "NET OUT", "IO READ", "IO WRITE");
	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		fprintf(f, "%-*s %12s %12s %12s %12s\n", w, r->ctr[i]->name,
			rate(a, r, RPT_NET_IN, s.net_in_max), rate(b, r, RPT_NET_OUT, s.net_out_max),
			rate(c, r, RPT_IO_READ, s.io_read_max), rate(d, r, RPT_IO_WRITE, s.io_write_max));
	}
}

static void
notes(FILE *f, const struct rpt_report *r)
{
	struct rpt_summary s;
	char buf[256];
	size_t i;
	int any = 0;

	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		if (rpt_notes(&s, buf, sizeof(buf)) == 0)
			continue;
		if (!any++)
			fprintf(f, "\nNOTES\n");
		fprintf(f, "  %s: %s\n", r->ctr[i]->name, buf);
	}
}

int
rpt_out_text(FILE *f, const struct rpt_report *r)
{
	int w = name_width(r);

	header(f, r);
	host(f, r);
	if (r->nctr == 0) {
		fprintf(f, "\nno containers in the window\n");
	} else {
		cpu_table(f, r, w);
		mem_table(f, r, w);
		io_table(f, r, w);
		fprintf(f, "\n* headroom against the host: the container has no limit\n");
		notes(f, r);
	}
	return ferror(f) ? -EIO : 0;
}
