/*
 * test_report.c - the statistics of pcp-container-report (tools/
 * pcp-container-report/stats.c and report.c), against simple reference
 * code: nearest-rank percentiles by their definition (the smallest value
 * with at least P% of the values at or below it) on seeded random data
 * with gaps; rates only between adjacent samples; counter deltas across
 * gaps and resets; limits, headroom, overcommit and notes; containers kept
 * sorted and padded with NAN when they appear late.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "unit.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* the definition: smallest x in V with count(v <= x) * 100 >= p * m */
static double ref_percentile(const double *v, size_t n, unsigned p)
{
	double best = NAN;
	size_t i, j, m = 0, below;

	for (i = 0; i < n; i++)
		m += !isnan(v[i]);
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		for (below = 0, j = 0; j < n; j++)
			below += !isnan(v[j]) && v[j] <= v[i];
		if (below * 100 >= p * m && (isnan(best) || v[i] < best))
			best = v[i];
	}
	return best;
}

START_TEST(percentile_known)
{
	/* the textbook example of the nearest-rank method */
	const double v[] = { 15, 20, 35, 40, 50 };
	const struct { unsigned p; double want; } cases[] = {
		{ 5, 15 }, { 30, 20 }, { 40, 20 }, { 50, 35 }, { 95, 50 }, { 100, 50 },
	};
	size_t i, m;

	for (i = 0; i < N(cases); i++) {
		ck_assert_double_eq(rpt_percentile(v, N(v), cases[i].p, &m), cases[i].want);
		ck_assert_uint_eq(m, 5);
	}
}
END_TEST

START_TEST(percentile_empty)
{
	const double v[] = { NAN, NAN };
	size_t m = 99;

	ck_assert(isnan(rpt_percentile(v, N(v), 95, &m)));
	ck_assert_uint_eq(m, 0);
	ck_assert(isnan(rpt_percentile(v, 0, 50, NULL)));
	ck_assert(isnan(rpt_percentile((const double[]){ 1 }, 1, 0, NULL)));
	ck_assert(isnan(rpt_percentile((const double[]){ 1 }, 1, 101, NULL)));
}
END_TEST

START_TEST(percentile_random)
{
	static const unsigned ps[] = { 1, 5, 25, 50, 75, 90, 95, 99, 100 };
	double v[200];
	size_t n, i, k;

	srand(1234 + (unsigned)_i);
	n = 1 + (size_t)rand() % N(v);
	for (i = 0; i < n; i++) {
		/* gaps, ties (small integers) and fractions */
		int r = rand() % 10;
		v[i] = r == 0 ? NAN : r < 4 ? (double)(rand() % 5) : rand() / (double)RAND_MAX;
	}
	for (k = 0; k < N(ps); k++) {
		double got = rpt_percentile(v, n, ps[k], NULL), want = ref_percentile(v, n, ps[k]);

		if (isnan(want))
			ck_assert(isnan(got));
		else
			ck_assert_double_eq(got, want);
	}
}
END_TEST

/* a report with samples at T[], one container "c" */
static struct rpt_report *report_at(const double *t, size_t n, struct rpt_container **ret_c)
{
	struct rpt_report *r = rpt_report_new();
	size_t k;

	ck_assert_ptr_nonnull(r);
	for (k = 0; k < n; k++)
		ck_assert_int_eq(rpt_report_add_sample(r, t[k]), (long)k);
	*ret_c = rpt_report_container(r, "c");
	ck_assert_ptr_nonnull(*ret_c);
	return r;
}

START_TEST(rate_adjacent_only)
{
	const double t[] = { 0, 1, 2, 3, 4, 6 };
	struct rpt_container *c;
	struct rpt_report *r = report_at(t, N(t), &c);
	double *cpu = c->series[RPT_CPU];

	rpt_container_rate(r, c, RPT_CPU, 0, 10);	/* first: no rate */
	rpt_container_rate(r, c, RPT_CPU, 1, 12);	/* 2 / 1 s */
	/* sample 2: no value */
	rpt_container_rate(r, c, RPT_CPU, 3, 20);	/* after a gap: none */
	rpt_container_rate(r, c, RPT_CPU, 4, 15);	/* went down: none */
	rpt_container_rate(r, c, RPT_CPU, 5, 21);	/* 6 / 2 s */
	ck_assert(isnan(cpu[0]));
	ck_assert_double_eq(cpu[1], 2);
	ck_assert(isnan(cpu[2]));
	ck_assert(isnan(cpu[3]));
	ck_assert(isnan(cpu[4]));
	ck_assert_double_eq(cpu[5], 3);
	rpt_report_free(r);
}
END_TEST

START_TEST(count_across_gaps_and_resets)
{
	const double t[] = { 0, 1, 2, 3, 4 };
	struct rpt_container *c;
	struct rpt_report *r = report_at(t, N(t), &c);

	rpt_container_count(c, RPT_OOM_KILLS, 5);
	ck_assert(isnan(c->delta[RPT_OOM_KILLS]));	/* one value: no delta yet */
	rpt_container_count(c, RPT_OOM_KILLS, 7);	/* +2 */
	rpt_container_count(c, RPT_OOM_KILLS, 10);	/* +3, whatever came between */
	rpt_container_count(c, RPT_OOM_KILLS, 3);	/* reset: +3 */
	rpt_container_count(c, RPT_OOM_KILLS, 4);	/* +1 */
	ck_assert_double_eq(c->delta[RPT_OOM_KILLS], 9);
	ck_assert(isnan(c->delta[RPT_PERIODS]));
	rpt_report_free(r);
}
END_TEST

START_TEST(summary_limits_and_notes)
{
	const double t[] = { 0, 1, 2, 3 }, cpu[] = { NAN, 0.46, 0.47, 0.48 };
	struct rpt_container *c, *u;
	struct rpt_report *r = report_at(t, N(t), &c);
	struct rpt_summary s;
	struct rpt_host h;
	char notes[256];
	size_t k;

	r->ncpu = 4;
	r->physmem = 1000;
	u = rpt_report_container(r, "u");	/* no limits */
	for (k = 0; k < N(t); k++) {
		c->series[RPT_CPU][k] = cpu[k];
		c->series[RPT_CPU_LIMIT][k] = 0.5;
		c->series[RPT_MEM][k] = 95;
		c->series[RPT_MEM_LIMIT][k] = 100;
		u->series[RPT_CPU][k] = 1;
		u->series[RPT_CPU_LIMIT][k] = INFINITY;
		u->series[RPT_MEM][k] = 10;
		u->series[RPT_MEM_LIMIT][k] = INFINITY;
	}
	rpt_container_count(c, RPT_PERIODS, 100);
	rpt_container_count(c, RPT_PERIODS, 300);
	rpt_container_count(c, RPT_THROTTLED, 0);
	rpt_container_count(c, RPT_THROTTLED, 50);
	rpt_container_count(c, RPT_OOM_KILLS, 0);
	rpt_container_count(c, RPT_OOM_KILLS, 2);

	rpt_summarise(r, c, &s);
	ck_assert_uint_eq(s.cpu_n, 3);
	ck_assert_double_eq(s.cpu_p50, 0.47);
	ck_assert_double_eq(s.cpu_p95, 0.48);
	ck_assert_double_eq_tol(s.cpu_pct, 96, 1e-9);
	ck_assert_double_eq_tol(s.cpu_headroom, 0.02, 1e-12);
	ck_assert_int_eq(s.cpu_headroom_host, 0);
	ck_assert_double_eq(s.throttled_pct, 25);
	ck_assert_double_eq(s.mem_pct, 95);
	ck_assert_double_eq(s.mem_headroom, 5);
	ck_assert_double_eq(s.oom_kills, 2);
	ck_assert_int_eq(rpt_notes(&s, notes, sizeof(notes)), 4);
	ck_assert_str_eq(notes, "CPU p95 96% of limit, throttled 25%, memory peak 95% of limit, "
			 "2 OOM kills");

	rpt_summarise(r, u, &s);
	ck_assert(isinf(s.cpu_limit) && isinf(s.mem_limit));
	ck_assert(isnan(s.cpu_pct) && isnan(s.throttled_pct));
	ck_assert_double_eq(s.cpu_headroom, 3);		/* against the 4 CPUs */
	ck_assert_int_eq(s.cpu_headroom_host, 1);
	ck_assert_double_eq(s.mem_headroom, 990);
	ck_assert_int_eq(rpt_notes(&s, notes, sizeof(notes)), 0);
	ck_assert_str_eq(notes, "");

	rpt_host_summarise(r, &h);
	ck_assert_double_eq(h.cpu_limit_sum, 0.5);
	ck_assert_uint_eq(h.cpu_limited, 1);
	ck_assert_uint_eq(h.cpu_unlimited, 1);
	ck_assert_double_eq(h.cpu_overcommit, 0.125);
	ck_assert_double_eq(h.mem_overcommit, 0.1);
	ck_assert_double_eq_tol(h.cpu_total_p95, 1.48, 1e-12);	/* sums 1 1.46 1.47 1.48 */
	ck_assert_double_eq(h.mem_total_max, 105);
	ck_assert_double_eq(h.oom_kills, 2);
	rpt_report_free(r);
}
END_TEST

START_TEST(containers_sorted_and_padded)
{
	static const char *const names[] = { "m", "b", "z", "a", "k", "b", "a" };
	struct rpt_report *r = rpt_report_new();
	struct rpt_container *late;
	size_t i, k;

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < N(names); i++)
		ck_assert_ptr_nonnull(rpt_report_container(r, names[i]));
	ck_assert_uint_eq(r->nctr, 5);
	for (i = 1; i < r->nctr; i++)
		ck_assert_int_lt(strcmp(r->ctr[i - 1]->name, r->ctr[i]->name), 0);
	for (k = 0; k < 100; k++)			/* past the first growth */
		ck_assert_int_ge(rpt_report_add_sample(r, (double)k), 0);
	late = rpt_report_container(r, "late");
	ck_assert_ptr_nonnull(late);
	late->series[RPT_MEM][99] = 1;
	for (k = 0; k < 99; k++)
		ck_assert(isnan(late->series[RPT_MEM][k]) && isnan(r->ctr[0]->series[RPT_MEM][k]));
	ck_assert_ptr_eq(rpt_report_container(r, "late"), late);
	ck_assert_int_eq(rpt_container_set_info(late, RPT_ENGINE, "docker"), 0);
	ck_assert_int_eq(rpt_container_set_info(late, RPT_ENGINE, "podman"), 0);
	ck_assert_str_eq(late->info[RPT_ENGINE], "podman");
	rpt_report_free(r);
	rpt_report_free(NULL);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, percentile_known);
	tcase_add_test(tc, percentile_empty);
	tcase_add_loop_test(tc, percentile_random, 0, 200);
	tcase_add_test(tc, rate_adjacent_only);
	tcase_add_test(tc, count_across_gaps_and_resets);
	tcase_add_test(tc, summary_limits_and_notes);
	tcase_add_test(tc, containers_sorted_and_padded);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
