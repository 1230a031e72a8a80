/*
 * out_csv.c - one header line, one row per container (kind "container")
 * and a last row of kind "total": the per-sample sum over containers for
 * the usage columns, the sum of the limits for the limit columns, and the
 * host's CPUs, memory and overcommit ratios (empty in container rows).
 *
 * Plain numbers in base units (cores, bytes, bytes/s, percent), full
 * precision; an empty field is no data; "unlimited" is a limit that is not
 * set.  Fields are quoted (RFC 4180) only when they need it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static const char *const columns[] = {
	"kind", "container", "engine", "image", "pod", "namespace",
	"cpu_samples", "cpu_p50", "cpu_p95", "cpu_max", "cpu_limit",
	"cpu_p95_pct_of_limit", "cpu_headroom", "cpu_headroom_basis",
	"cpu_periods", "cpu_throttled_periods", "cpu_throttled_pct",
	"mem_samples", "mem_p95_bytes", "mem_peak_bytes", "mem_limit_bytes",
	"mem_peak_pct_of_limit", "mem_headroom_bytes", "mem_headroom_basis",
	"oom_kills", "net_in_peak_bytes_per_sec", "net_out_peak_bytes_per_sec",
	"io_read_peak_bytes_per_sec", "io_write_peak_bytes_per_sec",
	"host_cpus", "host_memory_bytes", "cpu_overcommit", "mem_overcommit",
};
#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

/* str: a text field, quoted if it has a comma, quote or line break */
static void
str(FILE *f, const char *s, int last)
{
	if (s != NULL && strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s != NULL)
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

/* num: V with PREC decimals; empty for NAN, "unlimited" for INFINITY */
static void
num(FILE *f, double v, int prec)
{
	if (isnan(v))
		;
	else if (isinf(v))
		fputs("unlimited", f);
	else
		fprintf(f, "%.*f", prec, v);
	fputc(',', f);
}

static void
row(FILE *f, const struct rpt_container *c, const struct rpt_summary *s)
{
	int i;

	str(f, "container", 0);
	str(f, c->name, 0);
	for (i = 0; i < RPT_NINFO; i++)
		str(f, c->info[i], 0);
	fprintf(f, "%zu,", s->cpu_n);
	num(f, s->cpu_p50, 6);
	num(f, s->cpu_p95, 6);
	num(f, s->cpu_max, 6);
	num(f, s->cpu_limit, 6);
	num(f, s->cpu_pct, 3);
	num(f, s->cpu_headroom, 6);
	str(f, isnan(s->cpu_headroom) ? NULL : s->cpu_headroom_host ? "host" : "limit", 0);
	num(f, s->periods, 0);
	num(f, s->throttled, 0);
	num(f, s->throttled_pct, 3);
	fprintf(f, "%zu,", s->mem_n);
	num(f, s->mem_p95, 0);
	num(f, s->mem_max, 0);
	num(f, s->mem_limit, 0);
	num(f, s->mem_pct, 3);
	num(f, s->mem_headroom, 0);
	str(f, isnan(s->mem_headroom) ? NULL : s->mem_headroom_host ? "host" : "limit", 0);
	num(f, s->oom_kills, 0);
	num(f, s->net_in_max, 3);
	num(f, s->net_out_max, 3);
	num(f, s->io_read_max, 3);
	num(f, s->io_write_max, 3);
	fputs(",,,\n", f);			/* the host columns */
}

static void
total(FILE *f, const struct rpt_host *h)
{
	fputs("total,,,,,,,", f);		/* kind .. cpu_samples */
	num(f, NAN, 0);				/* cpu_p50 */
	num(f, h->cpu_total_p95, 6);
	num(f, h->cpu_total_max, 6);
	num(f, h->cpu_limit_sum, 6);
	fputs(",,,,,,,", f);			/* cpu pct .. mem_samples */
	num(f, h->mem_total_p95, 0);
	num(f, h->mem_total_max, 0);
	num(f, h->mem_limit_sum, 0);
	fputs(",,,", f);			/* mem pct, headroom, basis */
	num(f, h->oom_kills, 0);
	fputs(",,,,", f);			/* net and io */
	num(f, h->ncpu, 0);
	num(f, h->physmem, 0);
	num(f, h->cpu_overcommit, 6);
	if (!isnan(h->mem_overcommit))
		fprintf(f, "%.6f", h->mem_overcommit);
	fputc('\n', f);
}

int
rpt_out_csv(FILE *f, const struct rpt_report *r)
{
	struct rpt_summary s;
	struct rpt_host h;
	size_t i;

	for (i = 0; i < NCOLUMNS; i++)
		str(f, columns[i], i + 1 == NCOLUMNS);
	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		row(f, r->ctr[i], &s);
	}
	rpt_host_summarise(r, &h);
	total(f, &h);
	return ferror(f) ? -EIO : 0;
}
