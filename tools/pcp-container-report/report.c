/*
 * report.c - the report's samples and containers (see report.h).
 *
 * Series grow together: every container has report->cap values per series,
 * and a new sample appends NAN to all of them, so a container that appears
 * late or goes away early simply has NAN there.  Containers are kept sorted
 * by name for binary search; there are few compared with the lookups (one
 * per value fetched), so insertion by moving the tail is fine.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct rpt_report *
rpt_report_new(void)
{
	struct rpt_report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->ncpu = NAN;
	r->physmem = NAN;
	return r;
}

static void
container_free(struct rpt_container *c)
{
	int i;

	if (c == NULL)
		return;
	free(c->name);
	for (i = 0; i < RPT_NINFO; i++)
		free(c->info[i]);
	for (i = 0; i < RPT_NSERIES; i++)
		free(c->series[i]);
	free(c);
}

void
rpt_report_free(struct rpt_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nctr; i++)
		container_free(r->ctr[i]);
	free(r->ctr);
	free(r->t);
	free(r->source);
	free(r->hostname);
	free(r);
}

/* grow: every array to NEWCAP values; on failure the old ones stay valid */
static int
grow(struct rpt_report *r, size_t newcap)
{
	double *p;
	size_t i, k;
	int s;

	p = realloc(r->t, newcap * sizeof(double));
	if (p == NULL)
		return -ENOMEM;
	r->t = p;
	for (i = 0; i < r->nctr; i++) {
		for (s = 0; s < RPT_NSERIES; s++) {
			p = realloc(r->ctr[i]->series[s], newcap * sizeof(double));
			if (p == NULL)
				return -ENOMEM;
			for (k = r->cap; k < newcap; k++)
				p[k] = NAN;
			r->ctr[i]->series[s] = p;
		}
	}
	r->cap = newcap;
	return 0;
}

long
rpt_report_add_sample(struct rpt_report *r, double t)
{
	int sts;

	if (r->nsamples == r->cap) {
		sts = grow(r, r->cap ? r->cap * 2 : 64);
		if (sts < 0)
			return sts;
	}
	r->t[r->nsamples] = t;
	return (long)r->nsamples++;
}

/* find: index of NAME in r->ctr, or -(insertion point) - 1 */
static long
find(const struct rpt_report *r, const char *name)
{
	size_t lo = 0, hi = r->nctr, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(r->ctr[mid]->name, name);
		if (cmp == 0)
			return (long)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

static struct rpt_container *
container_new(const char *name, size_t cap)
{
	struct rpt_container *c = calloc(1, sizeof(*c));
	size_t k;
	int s;

	if (c == NULL || (c->name = strdup(name)) == NULL)
		goto out_free;
	for (s = 0; s < RPT_NSERIES; s++) {
		c->series[s] = malloc((cap ? cap : 1) * sizeof(double));
		if (c->series[s] == NULL)
			goto out_free;
		for (k = 0; k < cap; k++)
			c->series[s][k] = NAN;
		c->prev[s] = NAN;
		c->prev_k[s] = SIZE_MAX;
	}
	for (s = 0; s < RPT_NCOUNTERS; s++) {
		c->delta[s] = NAN;
		c->last[s] = NAN;
	}
	return c;

out_free:
	container_free(c);
	return NULL;
}

struct rpt_container *
rpt_report_container(struct rpt_report *r, const char *name)
{
	struct rpt_container *c, **p;
	long at = find(r, name);
	size_t pos;

	if (at >= 0)
		return r->ctr[at];
	pos = (size_t)(-at - 1);
	if (r->nctr == r->ctr_cap) {
		size_t n = r->ctr_cap ? r->ctr_cap * 2 : 16;

		p = realloc(r->ctr, n * sizeof(*p));
		if (p == NULL)
			return NULL;
		r->ctr = p;
		r->ctr_cap = n;
	}
	c = container_new(name, r->cap);
	if (c == NULL)
		return NULL;
	memmove(r->ctr + pos + 1, r->ctr + pos, (r->nctr - pos) * sizeof(*r->ctr));
	r->ctr[pos] = c;
	r->nctr++;
	return c;
}

int
rpt_container_set_info(struct rpt_container *c, enum rpt_info i, const char *value)
{
	char *s;

	if (c->info[i] != NULL && strcmp(c->info[i], value) == 0)
		return 0;
	s = strdup(value);
	if (s == NULL)
		return -ENOMEM;
	free(c->info[i]);
	c->info[i] = s;
	return 0;
}

void
rpt_container_rate(struct rpt_report *r, struct rpt_container *c,
		   enum rpt_series s, size_t k, double v)
{
	double dt;

	if (k > 0 && c->prev_k[s] == k - 1 && v >= c->prev[s]) {
		dt = r->t[k] - r->t[k - 1];
		if (dt > 0)
			c->series[s][k] = (v - c->prev[s]) / dt;
	}
	c->prev[s] = v;
	c->prev_k[s] = k;
}

void
rpt_container_count(struct rpt_container *c, enum rpt_counter n, double v)
{
	double d;

	if (!isnan(c->last[n])) {
		d = v >= c->last[n] ? v - c->last[n] : v;	/* reset: count from 0 */
		c->delta[n] = isnan(c->delta[n]) ? d : c->delta[n] + d;
	}
	c->last[n] = v;
}
