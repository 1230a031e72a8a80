/*
 * test_acct.c - the accounting table and what the reader makes of the fixture
 * sysroots qa/fixtures/tree-{v1,v2,hybrid}: every statistic's value and
 * presence for a full container, an old kernel with no limits, malformed
 * files, pure v2 with and without limits, hybrid with pressure from the
 * unified hierarchy, a half-removed cgroup; bad arguments.
 * Which files a read touches and what it does with fds: test_acct_files.c.
 * Against the running kernel: test_acct_kernel.c.
 */
#include <errno.h>
#include <stdio.h>

#include "acct.h"
#include "acct_fx.h"

#define U	PCC_UNLIMITED
#define N(a)	(sizeof(a) / sizeof((a)[0]))

struct ev {
	enum pcc_stat st;
	uint64_t v;
};

/* out holds exactly the statistics in e, with their values. */
static void expect(const struct pcc_sample *out, int rc, const struct ev *e, size_t n)
{
	struct pcc_statset want = { { 0 } };

	ck_assert_int_eq(rc, (int)n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(pcc_statset_has(&out->have, e[i].st), "stat %d missing", e[i].st);
		ck_assert_msg(out->v[e[i].st] == e[i].v, "stat %d: %llu, want %llu", e[i].st,
			      (unsigned long long)out->v[e[i].st], (unsigned long long)e[i].v);
		pcc_statset_add(&want, e[i].st);
	}
	for (int st = 0; st < PCC_NSTAT; st++)
		ck_assert_msg(pcc_statset_has(&out->have, st) == pcc_statset_has(&want, st),
			      "stat %d present but not expected", st);
}

static void expect_dev(const struct pcc_sample *out, size_t i, unsigned ma, unsigned mi,
		       uint64_t rb, uint64_t wb, uint64_t rio, uint64_t wio)
{
	ck_assert_uint_gt(out->niodev, i);
	ck_assert_uint_eq(out->iodev[i].major, ma);
	ck_assert_uint_eq(out->iodev[i].minor, mi);
	ck_assert_uint_eq(out->iodev[i].rbytes, rb);
	ck_assert_uint_eq(out->iodev[i].wbytes, wb);
	ck_assert_uint_eq(out->iodev[i].rios, rio);
	ck_assert_uint_eq(out->iodev[i].wios, wio);
}

/* Read every statistic of path in a fixture tree. */
static int read_all(const char *tree, const char *path, struct pcc_sample *out)
{
	struct pcc_statset want = all_stats();
	struct pcc_acct *a = NULL;
	struct fx x;
	int rc;

	fx_open(&x, tree, 64);
	ck_assert_int_eq(pcc_acct_new(x.m, path, &x.budget, &a), 0);
	rc = pcc_acct_read(a, &want, out);
	pcc_acct_free(a);
	ck_assert_uint_eq(x.budget.held, 0);
	fx_close(&x);
	return rc;
}

/* ---------------------------------------------------------------- table */

START_TEST(table_complete)
{
	ck_assert_uint_eq(pcc_acct_nrows, PCC_NSTAT);
	for (size_t r = 0; r < pcc_acct_nrows; r++) {
		const struct acct_row *row = &pcc_acct_rows[r];
		const struct acct_src *src[2] = { &row->v1, &row->v2 };

		ck_assert_int_eq(row->stat, (int)r);
		ck_assert(row->v1.file != NULL || row->v2.file != NULL);
		for (int v = 0; v < 2; v++) {
			const struct acct_file *f = src[v]->file;

			if (f == NULL)
				continue;
			if (f->fmt == ACCT_FLAT || f->fmt == ACCT_NESTED || f->fmt == ACCT_BLKIO)
				ck_assert_ptr_nonnull(src[v]->key);
			if (f->fmt == ACCT_VALUE || f->fmt == ACCT_PAIR || f->fmt == ACCT_PSI)
				ck_assert_ptr_null(src[v]->key);
		}
		if (r >= PCC_PSI_FIRST)
			ck_assert_ptr_null(row->v1.file);
	}
}
END_TEST

START_TEST(conversions)
{
	static const struct {
		enum acct_conv conv;
		uint64_t in, out;
		int rc;
	} c[] = {
		{ CONV_US, 15291461, 15291461000ull, 0 },
		{ CONV_US, UINT64_MAX / 1000 + 1, 0, -ERANGE },
		{ CONV_V1LIMIT, 9223372036854771712ull, U, 0 },	/* 4 KiB pages */
		{ CONV_V1LIMIT, 9223372036854710272ull, U, 0 },	/* 64 KiB pages */
		{ CONV_V1LIMIT, 536870912, 536870912, 0 },
		{ CONV_S2W, 2, 1, 0 },
		{ CONV_S2W, 1024, 39, 0 },
		{ CONV_S2W, 262144, 10000, 0 },
		{ CONV_S2W, 0, 1, 0 },				/* clamped */
		{ CONV_S2W, 1u << 30, 10000, 0 },
		{ CONV_W2S, 1, 2, 0 },
		{ CONV_W2S, 100, 2597, 0 },
		{ CONV_W2S, 10000, 262144, 0 },
		{ CONV_W2S, 0, 2, 0 },
		{ CONV_NONE, U, U, 0 },
	};

	for (size_t i = 0; i < N(c); i++) {
		uint64_t v = 7;

		ck_assert_int_eq(pcc_acct_convert(c[i].conv, c[i].in, &v), c[i].rc);
		ck_assert_uint_eq(v, c[i].rc ? 7 : c[i].out);
	}
}
END_TEST

/* ---------------------------------------------------------------- values */

#define V1_FULL_CPU_MEM_IO_PIDS \
	{ PCC_CPU_USAGE, 15888790832ull }, { PCC_CPU_USER, 9823748560ull },		\
	{ PCC_CPU_SYSTEM, 5463712560ull }, { PCC_CPU_NR_PERIODS, 120 },			\
	{ PCC_CPU_NR_THROTTLED, 7 }, { PCC_CPU_THROTTLED, 450000000 },			\
	{ PCC_CPU_QUOTA, 50000 }, { PCC_CPU_PERIOD, 100000 },				\
	{ PCC_CPU_SHARES, 512 }, { PCC_CPU_WEIGHT, 20 },				\
	{ PCC_MEM_USAGE, 253149184 }, { PCC_MEM_LIMIT, 536870912 },			\
	{ PCC_MEM_RSS, 19345408 }, { PCC_MEM_CACHE, 233865216 },			\
	{ PCC_MEM_INACTIVE_FILE, 163815424 }, { PCC_MEM_SWAP, 10485760 },		\
	{ PCC_MEM_FAILCNT, 3 }, { PCC_MEM_EV_OOM_KILL, 2 },				\
	{ PCC_IO_READ_BYTES, 90112 + 1048576 }, { PCC_IO_WRITE_BYTES, 4096 + 2097152 },	\
	{ PCC_IO_READS, 22 + 256 }, { PCC_IO_WRITES, 1 + 512 },				\
	{ PCC_PIDS_CURRENT, 7 }, { PCC_PIDS_LIMIT, 100 }

#define PSI_IO_SAMPLE \
	{ PSI(PCC_PSI_IO, 0, 0), 4 }, { PSI(PCC_PSI_IO, 0, 1), 282 },			\
	{ PSI(PCC_PSI_IO, 0, 2), 674 }, { PSI(PCC_PSI_IO, 0, 3), 41725235 },		\
	{ PSI(PCC_PSI_IO, 1, 0), 4 }, { PSI(PCC_PSI_IO, 1, 1), 281 },			\
	{ PSI(PCC_PSI_IO, 1, 2), 671 }, { PSI(PCC_PSI_IO, 1, 3), 41590697 }

START_TEST(v1_full)
{
	static const struct ev e[] = { V1_FULL_CPU_MEM_IO_PIDS };
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-v1", "/docker/" ID_A, &out), e, N(e));
	ck_assert_uint_eq(out.niodev, 2);
	expect_dev(&out, 0, 8, 0, 90112, 4096, 22, 1);
	expect_dev(&out, 1, 8, 16, 1048576, 2097152, 256, 512);
	pcc_sample_release(&out);
}
END_TEST

START_TEST(v1_old_kernel_unlimited)
{
	/* no usage_user/sys, no memsw, no oom_kill, no _recursive blkio; no limits */
	static const struct ev e[] = {
		{ PCC_CPU_USAGE, 1000000 }, { PCC_CPU_NR_PERIODS, 0 },
		{ PCC_CPU_NR_THROTTLED, 0 }, { PCC_CPU_THROTTLED, 0 },
		{ PCC_CPU_QUOTA, U }, { PCC_CPU_PERIOD, 100000 },
		{ PCC_CPU_SHARES, 1024 }, { PCC_CPU_WEIGHT, 39 },
		{ PCC_MEM_USAGE, 8192 }, { PCC_MEM_LIMIT, U }, { PCC_MEM_RSS, 8192 },
		{ PCC_MEM_CACHE, 0 }, { PCC_MEM_INACTIVE_FILE, 0 }, { PCC_MEM_FAILCNT, 0 },
		{ PCC_IO_READ_BYTES, 512 }, { PCC_IO_WRITE_BYTES, 0 },
		{ PCC_IO_READS, 1 }, { PCC_IO_WRITES, 0 },
		{ PCC_PIDS_CURRENT, 1 }, { PCC_PIDS_LIMIT, U },
	};
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-v1", "/docker/" ID_B, &out), e, N(e));
	ck_assert_uint_eq(out.niodev, 1);
	expect_dev(&out, 0, 253, 0, 512, 0, 1, 0);
	pcc_sample_release(&out);
}
END_TEST

START_TEST(v1_malformed)
{
	/* empty, unterminated, garbage, truncated, negative, overflowing files */
	static const struct ev e[] = {
		{ PCC_CPU_PERIOD, 100000 }, { PCC_MEM_USAGE, 4096 },
		{ PCC_IO_READS, 5 }, { PCC_IO_WRITES, 6 }, { PCC_PIDS_LIMIT, 0 },
	};
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-v1", "/docker/" ID_C, &out), e, N(e));
	/* the truncated bytes file leaves its fields zero, the ops file fills its own */
	ck_assert_uint_eq(out.niodev, 1);
	expect_dev(&out, 0, 8, 0, 0, 0, 5, 6);
	pcc_sample_release(&out);
}
END_TEST

START_TEST(v2_full)
{
	static const struct ev e[] = {
		{ PCC_CPU_USAGE, 15291461000ull }, { PCC_CPU_USER, 9827748000ull },
		{ PCC_CPU_SYSTEM, 5463712000ull }, { PCC_CPU_NR_PERIODS, 40 },
		{ PCC_CPU_NR_THROTTLED, 2 }, { PCC_CPU_THROTTLED, 8000000 },
		{ PCC_CPU_QUOTA, U }, { PCC_CPU_PERIOD, 100000 },
		{ PCC_CPU_SHARES, 2597 }, { PCC_CPU_WEIGHT, 100 },
		{ PCC_MEM_USAGE, 33554432 }, { PCC_MEM_LIMIT, U },
		{ PCC_MEM_RSS, 18874368 }, { PCC_MEM_CACHE, 12582912 },
		{ PCC_MEM_INACTIVE_FILE, 1232896 }, { PCC_MEM_SWAP, 1048576 },
		{ PCC_MEM_EV_LOW, 0 }, { PCC_MEM_EV_HIGH, 4 }, { PCC_MEM_EV_MAX, 9 },
		{ PCC_MEM_EV_OOM, 1 }, { PCC_MEM_EV_OOM_KILL, 1 },
		{ PCC_IO_READ_BYTES, 90112 + 1048576 }, { PCC_IO_WRITE_BYTES, 4096 + 2097152 },
		{ PCC_IO_READS, 22 + 256 }, { PCC_IO_WRITES, 1 + 512 },
		{ PCC_PIDS_CURRENT, 3 }, { PCC_PIDS_LIMIT, U },
		/* cpu.pressure without a "full" line, as before Linux 5.13 */
		{ PSI(PCC_PSI_CPU, 0, 0), 24 }, { PSI(PCC_PSI_CPU, 0, 1), 7 },
		{ PSI(PCC_PSI_CPU, 0, 2), 8 }, { PSI(PCC_PSI_CPU, 0, 3), 1226649 },
		{ PSI(PCC_PSI_MEMORY, 0, 0), 0 }, { PSI(PCC_PSI_MEMORY, 0, 1), 0 },
		{ PSI(PCC_PSI_MEMORY, 0, 2), 0 }, { PSI(PCC_PSI_MEMORY, 0, 3), 0 },
		{ PSI(PCC_PSI_MEMORY, 1, 0), 0 }, { PSI(PCC_PSI_MEMORY, 1, 1), 0 },
		{ PSI(PCC_PSI_MEMORY, 1, 2), 0 }, { PSI(PCC_PSI_MEMORY, 1, 3), 0 },
		PSI_IO_SAMPLE,
	};
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-v2", "/system.slice/docker-" ID_A ".scope", &out),
	       e, N(e));
	/* "253:0 \n" (no io yet) adds no device */
	ck_assert_uint_eq(out.niodev, 2);
	expect_dev(&out, 0, 8, 0, 90112, 4096, 22, 1);
	expect_dev(&out, 1, 8, 16, 1048576, 2097152, 256, 512);
	pcc_sample_release(&out);
}
END_TEST

START_TEST(v2_limits)
{
	struct pcc_sample out = { 0 };
	int rc = read_all("tree-v2", "/system.slice/docker-" ID_B ".scope", &out);

	/* 26 + 24 pressure; no memory.swap.current (swap controller off) */
	ck_assert_int_eq(rc, 50);
	ck_assert_uint_eq(out.v[PCC_CPU_QUOTA], 50000);
	ck_assert_uint_eq(out.v[PCC_CPU_PERIOD], 100000);
	ck_assert_uint_eq(out.v[PCC_CPU_WEIGHT], 10000);
	ck_assert_uint_eq(out.v[PCC_CPU_SHARES], 262144);
	ck_assert_uint_eq(out.v[PCC_MEM_LIMIT], 536870912);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 100);
	ck_assert(!pcc_statset_has(&out.have, PCC_MEM_SWAP));
	ck_assert(!pcc_statset_has(&out.have, PCC_MEM_FAILCNT));
	/* an empty io.stat: no devices, sums of zero */
	ck_assert(pcc_statset_has(&out.have, PCC_IO_READ_BYTES));
	ck_assert_uint_eq(out.v[PCC_IO_READ_BYTES], 0);
	ck_assert_uint_eq(out.niodev, 0);
	ck_assert_uint_eq(out.v[PSI(PCC_PSI_CPU, 1, PCC_PSI_TOTAL)], 5);
	pcc_sample_release(&out);
}
END_TEST

START_TEST(v2_root_cgroup)
{
	struct pcc_statset want = just(PCC_CPU_USAGE, PCC_CPU_USER);
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v2", 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/", &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_CPU_USAGE], 987654321000ull);
	ck_assert_uint_eq(out.v[PCC_CPU_USER], 600000000000ull);
	pcc_acct_free(a);
	fx_close(&x);
}
END_TEST

START_TEST(hybrid_full)
{
	static const struct ev e[] = {
		V1_FULL_CPU_MEM_IO_PIDS,
		{ PSI(PCC_PSI_CPU, 0, 0), 24 }, { PSI(PCC_PSI_CPU, 0, 1), 7 },
		{ PSI(PCC_PSI_CPU, 0, 2), 8 }, { PSI(PCC_PSI_CPU, 0, 3), 1226649 },
		{ PSI(PCC_PSI_CPU, 1, 0), 0 }, { PSI(PCC_PSI_CPU, 1, 1), 0 },
		{ PSI(PCC_PSI_CPU, 1, 2), 0 }, { PSI(PCC_PSI_CPU, 1, 3), 0 },
		{ PSI(PCC_PSI_MEMORY, 0, 0), 150 }, { PSI(PCC_PSI_MEMORY, 0, 1), 30 },
		{ PSI(PCC_PSI_MEMORY, 0, 2), 10 }, { PSI(PCC_PSI_MEMORY, 0, 3), 52000 },
		{ PSI(PCC_PSI_MEMORY, 1, 0), 100 }, { PSI(PCC_PSI_MEMORY, 1, 1), 20 },
		{ PSI(PCC_PSI_MEMORY, 1, 2), 5 }, { PSI(PCC_PSI_MEMORY, 1, 3), 41000 },
		PSI_IO_SAMPLE,
	};
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-hybrid", "/docker/" ID_A, &out), e, N(e));
	pcc_sample_release(&out);
}
END_TEST

START_TEST(hybrid_half_removed)
{
	/* B is still in cpu and cpuacct, gone from memory, blkio, pids, unified */
	static const struct ev e[] = {
		{ PCC_CPU_USAGE, 777 }, { PCC_CPU_SHARES, 2048 }, { PCC_CPU_WEIGHT, 79 },
	};
	struct pcc_sample out = { 0 };

	expect(&out, read_all("tree-hybrid", "/docker/" ID_B, &out), e, N(e));
	pcc_sample_release(&out);
}
END_TEST

START_TEST(bad_args)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 4);
	ck_assert_int_eq(pcc_acct_new(x.m, "docker/" ID_A, &x.budget, &a), -EINVAL);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/../docker/" ID_A, &x.budget, &a), -EINVAL);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/..", &x.budget, &a), -EINVAL);
	ck_assert_int_eq(pcc_acct_new(x.m, NULL, &x.budget, &a), -EINVAL);
	ck_assert_int_eq(pcc_acct_new(NULL, "/", &x.budget, &a), -EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/..x", &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), -ENOENT);
	ck_assert_int_eq(pcc_acct_read(a, NULL, &out), -EINVAL);
	ck_assert_int_eq(pcc_acct_read(NULL, &want, &out), -EINVAL);
	pcc_acct_free(a);
	pcc_acct_free(NULL);
	pcc_sample_release(NULL);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("acct");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, table_complete);
	tcase_add_test(tc, conversions);
	tcase_add_test(tc, v1_full);
	tcase_add_test(tc, v1_old_kernel_unlimited);
	tcase_add_test(tc, v1_malformed);
	tcase_add_test(tc, v2_full);
	tcase_add_test(tc, v2_limits);
	tcase_add_test(tc, v2_root_cgroup);
	tcase_add_test(tc, hybrid_full);
	tcase_add_test(tc, hybrid_half_removed);
	tcase_add_test(tc, bad_args);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
