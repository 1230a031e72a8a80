/*
 * stats.c - percentiles and the per-container and host summaries.
 *
 * Percentiles are nearest-rank (the definition pmrep-based QA recomputes
 * in awk): of M values sorted ascending, the P-th percentile is the value
 * of rank ceil(P * M / 100), 1-based.  p100 is the maximum; no value is
 * ever interpolated between two samples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
rpt_percentile(const double *v, size_t n, unsigned p, size_t *ret_m)
{
	double *s, res;
	size_t i, m = 0, rank;

	if (ret_m != NULL)
		*ret_m = 0;
	s = malloc((n ? n : 1) * sizeof(double));
	if (s == NULL)
		return NAN;
	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[m++] = v[i];
	if (m == 0 || p == 0 || p > 100) {
		free(s);
		return NAN;
	}
	qsort(s, m, sizeof(double), cmp_double);
	rank = (p * m + 99) / 100;		/* ceil(p * m / 100) */
	res = s[rank - 1];
	free(s);
	if (ret_m != NULL)
		*ret_m = m;
	return res;
}

/* last_value: the last non-NAN value of V[0..N-1], NAN if none */
static double
last_value(const double *v, size_t n)
{
	while (n > 0)
		if (!isnan(v[--n]))
			return v[n];
	return NAN;
}

static double
series_max(const double *v, size_t n)
{
	return rpt_percentile(v, n, 100, NULL);
}

/* pct: 100 * X / LIMIT for a finite positive limit, else NAN */
static double
pct(double x, double limit)
{
	return isfinite(limit) && limit > 0 && !isnan(x) ? 100.0 * x / limit : NAN;
}

/* headroom: LIMIT - X, or HOST - X (and *RET_HOST = 1) without a limit */
static double
headroom(double x, double limit, double host, int *ret_host)
{
	*ret_host = 0;
	if (isnan(x))
		return NAN;
	if (isfinite(limit))
		return limit - x;
	if (isinf(limit) && !isnan(host)) {
		*ret_host = 1;
		return host - x;
	}
	return NAN;
}

void
rpt_summarise(const struct rpt_report *r, const struct rpt_container *c,
	      struct rpt_summary *ret)
{
	size_t n = r->nsamples;
	struct rpt_summary s;

	memset(&s, 0, sizeof(s));
	s.cpu_p50 = rpt_percentile(c->series[RPT_CPU], n, 50, &s.cpu_n);
	s.cpu_p95 = rpt_percentile(c->series[RPT_CPU], n, 95, NULL);
	s.cpu_max = series_max(c->series[RPT_CPU], n);
	s.cpu_limit = last_value(c->series[RPT_CPU_LIMIT], n);
	s.cpu_pct = pct(s.cpu_p95, s.cpu_limit);
	s.cpu_headroom = headroom(s.cpu_p95, s.cpu_limit, r->ncpu, &s.cpu_headroom_host);
	s.periods = c->delta[RPT_PERIODS];
	s.throttled = c->delta[RPT_THROTTLED];
	s.throttled_pct = s.periods > 0 ? 100.0 * s.throttled / s.periods : NAN;

	s.mem_p95 = rpt_percentile(c->series[RPT_MEM], n, 95, &s.mem_n);
	s.mem_max = series_max(c->series[RPT_MEM], n);
	s.mem_limit = last_value(c->series[RPT_MEM_LIMIT], n);
	s.mem_pct = pct(s.mem_max, s.mem_limit);
	s.mem_headroom = headroom(s.mem_max, s.mem_limit, r->physmem, &s.mem_headroom_host);
	s.oom_kills = c->delta[RPT_OOM_KILLS];

	s.net_in_max = series_max(c->series[RPT_NET_IN], n);
	s.net_out_max = series_max(c->series[RPT_NET_OUT], n);
	s.io_read_max = series_max(c->series[RPT_IO_READ], n);
	s.io_write_max = series_max(c->series[RPT_IO_WRITE], n);
	*ret = s;
}

/* total: per-sample sum of series S over the containers (NAN where none had one) */
static double *
total(const struct rpt_report *r, enum rpt_series s)
{
	double *sum = malloc((r->nsamples ? r->nsamples : 1) * sizeof(double));
	size_t i, k;
	double v;

	if (sum == NULL)
		return NULL;
	for (k = 0; k < r->nsamples; k++) {
		sum[k] = NAN;
		for (i = 0; i < r->nctr; i++) {
			v = r->ctr[i]->series[s][k];
			if (!isnan(v))
				sum[k] = isnan(sum[k]) ? v : sum[k] + v;
		}
	}
	return sum;
}

void
rpt_host_summarise(const struct rpt_report *r, struct rpt_host *ret)
{
	struct rpt_host h;
	struct rpt_summary s;
	double *sum;
	size_t i;

	memset(&h, 0, sizeof(h));
	h.ncpu = r->ncpu;
	h.physmem = r->physmem;
	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		if (isfinite(s.cpu_limit)) {
			h.cpu_limit_sum += s.cpu_limit;
			h.cpu_limited++;
		} else if (isinf(s.cpu_limit))
			h.cpu_unlimited++;
		if (isfinite(s.mem_limit)) {
			h.mem_limit_sum += s.mem_limit;
			h.mem_limited++;
		} else if (isinf(s.mem_limit))
			h.mem_unlimited++;
		if (!isnan(s.oom_kills))
			h.oom_kills += s.oom_kills;
	}
	h.cpu_overcommit = h.ncpu > 0 ? h.cpu_limit_sum / h.ncpu : NAN;
	h.mem_overcommit = h.physmem > 0 ? h.mem_limit_sum / h.physmem : NAN;
	h.cpu_total_p95 = h.cpu_total_max = NAN;
	h.mem_total_p95 = h.mem_total_max = NAN;
	if ((sum = total(r, RPT_CPU)) != NULL) {
		h.cpu_total_p95 = rpt_percentile(sum, r->nsamples, 95, NULL);
		h.cpu_total_max = series_max(sum, r->nsamples);
		free(sum);
	}
	if ((sum = total(r, RPT_MEM)) != NULL) {
		h.mem_total_p95 = rpt_percentile(sum, r->nsamples, 95, NULL);
		h.mem_total_max = series_max(sum, r->nsamples);
		free(sum);
	}
	*ret = h;
}

/* note: append one note to BUF */
static void
note(char *buf, size_t len, int *count, const char *text)
{
	size_t used = strlen(buf);

	if (used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s", *count ? ", " : "", text);
	(*count)++;
}

int
rpt_notes(const struct rpt_summary *s, char *buf, size_t len)
{
	char one[64];
	int count = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (s->cpu_pct >= 90) {
		snprintf(one, sizeof(one), "CPU p95 %.0f%% of limit", s->cpu_pct);
		note(buf, len, &count, one);
	}
	if (s->throttled_pct >= 10) {
		snprintf(one, sizeof(one), "throttled %.0f%%", s->throttled_pct);
		note(buf, len, &count, one);
	}
	if (s->mem_pct >= 90) {
		snprintf(one, sizeof(one), "memory peak %.0f%% of limit", s->mem_pct);
		note(buf, len, &count, one);
	}
	if (s->oom_kills > 0) {
		snprintf(one, sizeof(one), "%.0f OOM kill%s", s->oom_kills,
			 s->oom_kills == 1 ? "" : "s");
		note(buf, len, &count, one);
	}
	return count;
}
