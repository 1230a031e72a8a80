/*
 * test_acct_plan.c - the kept-fd plan of readers sharing a budget: kinds of
 * file are kept evenly across readers in priority order (static rank, then
 * read rate), the fd limit is never passed, quotas follow readers coming
 * and going and fds held by others (the network table), the counters say
 * so, and the readers share one layout of the files.  Readers are many readers of one fixture container: what is
 * planned is files, not cgroups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "acct_fx.h"

#define NR	10	/* readers in these tests */

/* The rank of the file named name (acct_table.c). */
static unsigned rank_of(const char *name)
{
	size_t i;

	for (i = 0; i < pcc_acct_nkinds; i++)
		if (strcmp(pcc_acct_kinds[i]->name, name) == 0)
			return (unsigned)i;
	ck_abort_msg("no file %s", name);
	return 0;
}

static void new_readers(struct fx *x, struct pcc_acct **a, int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(pcc_acct_new(x->m, "/docker/" ID_A, &x->budget, &a[i]), 0);
}

/* Every reader reads want; the budget must hold at every step. */
static void read_all(struct fx *x, struct pcc_acct **a, int n, const struct pcc_statset *want)
{
	struct pcc_sample out = { 0 };

	for (int i = 0; i < n; i++) {
		if (a[i] == NULL)
			continue;
		ck_assert_int_ge(pcc_acct_read(a[i], want, &out), 1);
		ck_assert_uint_le(x->budget.held, x->budget.max);
	}
	pcc_sample_release(&out);
}

static void free_readers(struct pcc_acct **a, int n)
{
	for (int i = 0; i < n; i++) {
		pcc_acct_free(a[i]);
		a[i] = NULL;
	}
}

START_TEST(kinds_table)
{
	size_t i, r;
	bool seen;

	ck_assert_uint_le(pcc_acct_nkinds, ACCT_NKIND);
	for (i = 0; i < pcc_acct_nkinds; i++)
		ck_assert_uint_eq(pcc_acct_kinds[i]->rank, i);
	/* every file a row reads is a kind */
	for (r = 0; r < pcc_acct_nrows; r++) {
		const struct acct_file *f[2] = { pcc_acct_rows[r].v1.file, pcc_acct_rows[r].v2.file };

		for (int v = 0; v < 2; v++) {
			if (f[v] == NULL)
				continue;
			seen = f[v]->rank < pcc_acct_nkinds && pcc_acct_kinds[f[v]->rank] == f[v];
			ck_assert_msg(seen, "%s is not in pcc_acct_kinds", f[v]->name);
		}
	}
	/* counters before the limits of the same controller */
	ck_assert_uint_lt(rank_of("memory.stat"), rank_of("memory.limit_in_bytes"));
	ck_assert_uint_lt(rank_of("cpuacct.usage"), rank_of("cpu.shares"));
	ck_assert_uint_lt(rank_of("pids.current"), rank_of("pids.max"));
}
END_TEST

START_TEST(even_across_readers)
{
	struct pcc_statset want = all_stats();
	struct pcc_fdbudget_stats st;
	struct pcc_acct *a[NR];
	struct fx x;

	/* room for 3 kinds in every reader, and 4 files of a 4th: 35 - 35/32 = 34 */
	fx_open(&x, "tree-v1", 35);
	new_readers(&x, a, NR);
	read_all(&x, a, NR, &want);
	ck_assert_uint_eq(x.budget.held, 34);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/cpu.stat"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/memory.usage_in_bytes"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/memory.stat"), 4);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), 0);
	ck_assert_int_eq(pcc_fdbudget_get_stats(&x.budget, &st), 0);
	ck_assert_uint_eq(st.readers, NR);
	ck_assert_uint_eq(st.held, 34);
	ck_assert_uint_eq(st.kinds, 17);
	ck_assert_uint_eq(st.kinds_kept, 3);
	ck_assert_uint_eq(st.kinds_partial, 1);
	ck_assert_uint_eq(st.reads, NR * 17);
	ck_assert_uint_eq(st.opens, NR * 17);

	/* the next pass: kept fds are read, the rest opened again */
	read_all(&x, a, NR, &want);
	ck_assert_int_eq(pcc_fdbudget_get_stats(&x.budget, &st), 0);
	ck_assert_uint_eq(st.reads, 2 * NR * 17);
	ck_assert_uint_eq(st.opens, NR * 17 + NR * 17 - 34);

	free_readers(a, NR);
	ck_assert_uint_eq(x.budget.held, 0);
	ck_assert_ptr_null(x.budget.plan);
	ck_assert_int_eq(pcc_fdbudget_get_stats(&x.budget, &st), 0);
	ck_assert_uint_eq(st.readers, 0);
	ck_assert_int_eq(pcc_fdbudget_get_stats(NULL, &st), -EINVAL);
	fx_close(&x);
}
END_TEST

START_TEST(rebalance_as_readers_come_and_go)
{
	struct pcc_statset want = all_stats();
	struct pcc_fdbudget_stats st;
	struct pcc_acct *a[3 * NR] = { NULL };
	struct fx x;
	unsigned gen;

	/* 2 readers: every file kept */
	fx_open(&x, "tree-v1", 64);
	new_readers(&x, a, 2);
	read_all(&x, a, 2, &want);
	ck_assert_uint_eq(x.budget.held, 34);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), 2);
	gen = x.budget.plan->gen;

	/* 8 more: 62 room, 10 x 6 kinds and 2 of a 7th; the old ones give back */
	new_readers(&x, a + 2, 8);
	read_all(&x, a, NR, &want);
	ck_assert_uint_gt(x.budget.plan->gen, gen);
	ck_assert_uint_eq(x.budget.held, 62);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), 0);
	ck_assert_int_eq(fds_open(x.dir, "/pids.current"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/blkio.throttle.io_service_bytes_recursive"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/blkio.throttle.io_serviced_recursive"), 2);
	/* a second pass changes nothing */
	read_all(&x, a, NR, &want);
	ck_assert_uint_eq(x.budget.held, 62);

	/* 20 more: only 2 kinds, and 2 files of a 3rd; the limit holds at each read */
	new_readers(&x, a + NR, 2 * NR);
	read_all(&x, a, 3 * NR, &want);
	ck_assert_uint_eq(x.budget.held, 62);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), 3 * NR);
	ck_assert_int_eq(fds_open(x.dir, "/cpu.stat"), 3 * NR);
	ck_assert_int_eq(fds_open(x.dir, "/memory.usage_in_bytes"), 2);
	ck_assert_int_eq(fds_open(x.dir, "/pids.current"), 0);

	/*
	 * They go again: the two left keep everything at their next read.  The
	 * partial kind's two fds were given back by the first readers to look
	 * (a[0] to a[7]) and stayed with a[8] and a[9], gone now.
	 */
	free_readers(a + 2, 3 * NR - 2);
	ck_assert_uint_eq(x.budget.held, 2 + 2);
	read_all(&x, a, 2, &want);
	ck_assert_uint_eq(x.budget.held, 34);
	ck_assert_int_eq(pcc_fdbudget_get_stats(&x.budget, &st), 0);
	ck_assert_uint_eq(st.kinds_kept, 17);
	ck_assert_uint_eq(st.kinds_partial, 0);
	free_readers(a, 2);
	fx_close(&x);
}
END_TEST

START_TEST(read_rate_beats_rank)
{
	struct pcc_statset all = all_stats(), limit = just(PCC_PIDS_LIMIT, PCC_PIDS_LIMIT);
	struct pcc_acct *a[NR];
	struct fx x;
	int pass;

	/* room for one kind per reader: by rank, cpuacct.usage */
	fx_open(&x, "tree-v1", NR);
	new_readers(&x, a, NR);
	read_all(&x, a, NR, &all);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), 0);

	/*
	 * A client now samples pids.max alone, pass after pass: once its read
	 * rate is over twice anything else's it takes the quota, and every
	 * reader swaps its fd at its next read.
	 */
	for (pass = 0; pass < 40; pass++)
		read_all(&x, a, NR, &limit);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), 0);
	ck_assert_uint_eq(x.budget.held, NR);

	/* everything again, at the same rate: the rank decides once the old reads decay */
	for (pass = 0; pass < 40; pass++)
		read_all(&x, a, NR, &all);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/pids.max"), 0);
	free_readers(a, NR);
	fx_close(&x);
}
END_TEST

START_TEST(others_in_the_budget)
{
	struct pcc_statset want = all_stats();
	struct pcc_acct *a[NR];
	struct fx x;

	/* the network table holds 20 of 64: 64 - 20 - 2 = 42, 4 kinds and 2 files */
	fx_open(&x, "tree-v1", 64);
	x.budget.held = 20;
	new_readers(&x, a, NR);
	read_all(&x, a, NR, &want);
	ck_assert_uint_eq(x.budget.held, 20 + 42);
	ck_assert_int_eq(fds_open(x.dir, "/memory.stat"), NR);
	ck_assert_int_eq(fds_open(x.dir, "/pids.current"), 2);

	/* it takes the rest while the plan is not looking: the limit still holds */
	x.budget.held = x.budget.max;
	free_readers(a, 1);		/* 4 kinds and, read first, one of the partial */
	ck_assert_uint_eq(x.budget.held, x.budget.max - 5);
	new_readers(&x, a, 1);
	read_all(&x, a, NR, &want);
	ck_assert_uint_le(x.budget.held, x.budget.max);
	free_readers(a, NR);
	fx_close(&x);
}
END_TEST

START_TEST(absent_files_leave_the_plan)
{
	struct pcc_statset want = all_stats();
	struct pcc_acct *a = NULL, *b = NULL;
	struct pcc_fdbudget_stats st;
	struct pcc_sample out = { 0 };
	struct fx x;

	fx_open(&x, "tree-v1", 64);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_B, &x.budget, &b), 0);
	ck_assert_uint_eq(x.budget.plan->files, 34);
	/* B's kernel has no usage_user, usage_sys, memsw: three files fewer */
	ck_assert_int_ge(pcc_acct_read(b, &want, &out), 1);
	ck_assert_uint_eq(x.budget.plan->files, 31);
	ck_assert_uint_eq(x.budget.plan->users[rank_of("cpuacct.usage_user")], 1);
	ck_assert_uint_eq(x.budget.plan->users[rank_of("memory.memsw.usage_in_bytes")], 1);
	ck_assert_int_eq(pcc_fdbudget_get_stats(&x.budget, &st), 0);
	ck_assert_uint_eq(st.kinds, 17);
	pcc_acct_free(a);
	ck_assert_uint_eq(x.budget.plan->files, 14);
	ck_assert_uint_eq(x.budget.plan->users[rank_of("cpuacct.usage_user")], 0);
	pcc_acct_free(b);
	ck_assert_ptr_null(x.budget.plan);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

/* Readers of one budget share one layout: the first reader's mounts'. */
START_TEST(shared_layout)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct *a[3] = { NULL };
	struct pcc_mounts *m2 = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 64);
	new_readers(&x, a, 2);
	ck_assert_ptr_nonnull(x.budget.plan->layout);
	ck_assert_ptr_eq(x.budget.plan->layout->m, x.m);
	ck_assert_uint_eq(x.budget.plan->layout->nfile, 17);
	/* another mounts (same host): a layout of its own, same reading */
	ck_assert_int_eq(pcc_mounts_load(x.root, &m2), 0);
	ck_assert_int_eq(pcc_acct_new(m2, "/docker/" ID_A, &x.budget, &a[2]), 0);
	ck_assert_ptr_eq(x.budget.plan->layout->m, x.m);
	ck_assert_int_eq(pcc_acct_read(a[0], &want, &out), 24);
	ck_assert_int_eq(pcc_acct_read(a[2], &want, &out), 24);
	ck_assert_uint_eq(x.budget.plan->files, 3 * 17);
	free_readers(a, 3);
	ck_assert_ptr_null(x.budget.plan);
	pcc_mounts_free(m2);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

START_TEST(no_budget_no_plan)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, NULL, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);
	pcc_acct_free(a);
	/* a budget of 0 fds: a plan, with nothing kept */
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);
	ck_assert_uint_eq(x.budget.held, 0);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("acct_plan");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, kinds_table);
	tcase_add_test(tc, even_across_readers);
	tcase_add_test(tc, rebalance_as_readers_come_and_go);
	tcase_add_test(tc, read_rate_beats_rank);
	tcase_add_test(tc, others_in_the_budget);
	tcase_add_test(tc, absent_files_leave_the_plan);
	tcase_add_test(tc, shared_layout);
	tcase_add_test(tc, no_budget_no_plan);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
