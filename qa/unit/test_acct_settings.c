/*
 * test_acct_settings.c - readers of a budget that watches settings keep
 * what limits, shares and weights say until a write in their cgroup's
 * directory (inotify, drained by pcc_fdbudget_sync) or a lost event; a
 * directory removed and made again is watched again; a second reader of
 * one directory, or one past its share of the kernel's watches, reads
 * every time; pcc_acct_files leaves kept files out.
 * Fixture trees are copied to /tmp and written there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "acct.h"
#include "acct_fx.h"

#define PIDS_DIR	"/sys/fs/cgroup/pids/docker/" ID_A

static void tree_copy(struct fx *x, char *tmp, const char *tree)
{
	char cmd[1200];

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/%s' '%s/'", unit_fixtures(), tree, tmp);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(x->dir, sizeof(x->dir), "%s/%s", tmp, tree);
	x->root = pcc_sysroot_open(x->dir);
	ck_assert_int_ge(x->root, 0);
	x->m = NULL;
	ck_assert_int_eq(pcc_mounts_load(x->root, &x->m), 0);
	x->budget = (struct pcc_fdbudget){ .max = 64, .watch_settings = true };
}

static void tree_remove(struct fx *x, const char *tmp)
{
	char cmd[600];

	fx_close(x);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to file rel below the tree, as a write(2) (what inotify reports). */
static void put(const struct fx *x, const char *rel, const char *text)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", x->dir, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static uint64_t reads(const struct pcc_acct *a)
{
	struct pcc_acct_counters cnt;

	pcc_acct_get_counters(a, &cnt);
	return cnt.reads;
}

START_TEST(kept_until_written)
{
	struct pcc_statset want = just(PCC_PIDS_LIMIT, PCC_PIDS_CURRENT);
	char tmp[] = "/tmp/pcc-acct-XXXXXX";
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	tree_copy(&x, tmp, "tree-v1");
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_fdbudget_sync(&x.budget), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 100);
	ck_assert_uint_eq(reads(a), 2);

	/* nothing written: pids.max is not read again, its value stands */
	ck_assert_int_eq(pcc_fdbudget_sync(&x.budget), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 100);
	ck_assert_uint_eq(reads(a), 3);

	/* written: read again at the next read after a sync */
	put(&x, PIDS_DIR "/pids.max", "max\n");
	ck_assert_int_ge(pcc_fdbudget_sync(&x.budget), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], PCC_UNLIMITED);
	ck_assert_uint_eq(reads(a), 5);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 6);

	/* a write to another file of the directory counts too */
	put(&x, PIDS_DIR "/pids.current", "3\n");
	ck_assert_int_ge(pcc_fdbudget_sync(&x.budget), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 8);

	/* a lost event: every reader reads its settings again */
	x.budget.plan->settings_gen++;
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 10);

	pcc_acct_free(a);
	ck_assert_ptr_null(x.budget.plan);
	pcc_sample_release(&out);
	tree_remove(&x, tmp);
}
END_TEST

/* Without watch_settings every read reads them, as before. */
START_TEST(not_watching)
{
	struct pcc_statset want = just(PCC_PIDS_LIMIT, PCC_MEM_LIMIT);
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 64);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_int_eq(pcc_fdbudget_sync(&x.budget), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 4);
	ck_assert_int_eq(pcc_fdbudget_sync(NULL), -EINVAL);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

/* A cgroup removed and made again (a restarted container): watched again. */
START_TEST(removed_and_back)
{
	struct pcc_statset want = just(PCC_PIDS_LIMIT, PCC_PIDS_CURRENT);
	char tmp[] = "/tmp/pcc-acct-XXXXXX", dir[1200], away[1300];
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	tree_copy(&x, tmp, "tree-v1");
	x.budget.max = 0;	/* a kept fd of a tmpfs file outlives its directory */
	snprintf(dir, sizeof(dir), "%s" PIDS_DIR, x.dir);
	snprintf(away, sizeof(away), "%s.away", dir);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 3);

	/* a copy comes back under the name: another inode, with another limit */
	ck_assert_int_eq(rename(dir, away), 0);
	{
		char cmd[4000];

		snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s' && rm -rf '%s'", away, dir, away);
		ck_assert_int_eq(system(cmd), 0);
	}
	put(&x, PIDS_DIR "/pids.max", "7\n");
	ck_assert_int_ge(pcc_fdbudget_sync(&x.budget), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 7);
	ck_assert_uint_eq(reads(a), 5);
	/* and watched there: a write is seen */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 6);
	put(&x, PIDS_DIR "/pids.max", "9\n");
	ck_assert_int_ge(pcc_fdbudget_sync(&x.budget), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 9);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	tree_remove(&x, tmp);
}
END_TEST

/* Two readers of one cgroup: the second cannot share the watch and reads every time. */
START_TEST(second_reader)
{
	struct pcc_statset want = just(PCC_PIDS_LIMIT, PCC_PIDS_LIMIT);
	char tmp[] = "/tmp/pcc-acct-XXXXXX";
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL, *b = NULL;
	struct fx x;

	tree_copy(&x, tmp, "tree-v1");
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &b), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_int_eq(pcc_acct_read(b, &want, &out), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_int_eq(pcc_acct_read(b, &want, &out), 1);
	ck_assert_uint_eq(reads(a), 1);
	ck_assert_uint_eq(reads(b), 2);
	pcc_acct_free(b);
	put(&x, PIDS_DIR "/pids.max", "5\n");	/* a's watch is still there */
	ck_assert_int_ge(pcc_fdbudget_sync(&x.budget), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_uint_eq(out.v[PCC_PIDS_LIMIT], 5);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	tree_remove(&x, tmp);
}
END_TEST

/* Past its share of the kernel's watches a reader reads its settings every time. */
START_TEST(watch_limit)
{
	struct pcc_statset want = just(PCC_PIDS_LIMIT, PCC_MEM_LIMIT);
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 64);
	x.budget.watch_settings = true;
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_uint_gt(x.budget.plan->maxwatch, 0);
	x.budget.plan->maxwatch = 1;	/* room for one of its watches, not all */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	ck_assert_uint_eq(reads(a), 4);
	ck_assert_uint_eq(x.budget.plan->wt.n, 0);	/* the one it had, given back */
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

static void count_file(const char *mount, const char *rel, void *arg)
{
	(void)mount;
	(void)rel;
	(*(int *)arg)++;
}

/* What a read reads now: the kept setting files are not among them. */
START_TEST(files_listed)
{
	struct pcc_fdbudget plain = { .max = 0 };
	struct pcc_statset want = all_stats();
	char tmp[] = "/tmp/pcc-acct-XXXXXX";
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL, *c = NULL;
	int watched = 0, all = 0;
	struct fx x;

	tree_copy(&x, tmp, "tree-v1");
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &plain, &c), 0);
	ck_assert_int_ge(pcc_acct_read(a, &want, &out), 1);
	ck_assert_int_ge(pcc_acct_read(c, &want, &out), 1);
	pcc_acct_files(a, &want, count_file, &watched);
	pcc_acct_files(c, &want, count_file, &all);
	/* v1: memory.limit_in_bytes, cfs quota and period, shares, pids.max */
	ck_assert_int_eq(all - watched, 5);
	pcc_acct_free(c);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	tree_remove(&x, tmp);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("acct_settings");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, kept_until_written);
	tcase_add_test(tc, not_watching);
	tcase_add_test(tc, removed_and_back);
	tcase_add_test(tc, second_reader);
	tcase_add_test(tc, watch_limit);
	tcase_add_test(tc, files_listed);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
