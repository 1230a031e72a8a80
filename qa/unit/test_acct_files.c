/*
 * test_acct_files.c - what an accounting read does to the filesystem: it
 * opens only the files behind the statistics asked for (checked by the
 * reader's counters and by the fds this process holds), keeps fds within a
 * shared budget and gives them back, does not look again for files a live
 * cgroup lacks, skips hierarchies a live cgroup is not in, answers -ENOENT
 * for a vanished cgroup with one directory check per hierarchy, and picks a
 * cgroup up again when it is made again under the same path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "acct.h"
#include "acct_fx.h"

START_TEST(reads_only_needed_files)
{
	struct pcc_statset want = just(PCC_CPU_USAGE, PCC_CPU_USAGE);
	struct pcc_sample out = { 0 };
	struct pcc_acct_counters cnt;
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 64);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);	/* new opens nothing */

	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.opens, 1);
	ck_assert_uint_eq(cnt.reads, 1);
	ck_assert_uint_eq(x.budget.held, 1);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 1);
	ck_assert_int_eq(fds_open(x.dir, "/" ID_A "/cpuacct.usage"), 1);

	/* again: the kept fd, one pread, no open */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.opens, 1);
	ck_assert_uint_eq(cnt.reads, 2);

	/* three stats of one file: memory.stat once */
	want = just(PCC_MEM_RSS, PCC_MEM_CACHE);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.opens, 2);
	ck_assert_uint_eq(cnt.reads, 3);
	ck_assert_int_eq(fds_open(x.dir, "/memory.stat"), 1);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 2);

	/* v1 swap needs memory usage too, but reports only what was asked */
	want = just(PCC_MEM_SWAP, PCC_MEM_SWAP);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_uint_eq(out.v[PCC_MEM_SWAP], 10485760);
	ck_assert(!pcc_statset_has(&out.have, PCC_MEM_USAGE));
	ck_assert(!pcc_statset_has(&out.have, PCC_MEM_RSS));
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.reads, 5);
	ck_assert_int_eq(fds_open(x.dir, "/memory.memsw.usage_in_bytes"), 1);
	ck_assert_int_eq(fds_open(x.dir, "/memory.usage_in_bytes"), 1);

	/* nothing wanted: nothing read, no devices left from before */
	want = (struct pcc_statset){ { 0 } };
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 0);
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.reads, 5);
	ck_assert_uint_eq(cnt.probes, 0);

	pcc_acct_free(a);
	ck_assert_uint_eq(x.budget.held, 0);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

START_TEST(absent_not_retried)
{
	struct pcc_statset want = just(PCC_CPU_USER, PCC_CPU_SYSTEM);
	struct pcc_sample out = { 0 };
	struct pcc_acct_counters c1, c2;
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 0);		/* no kept fds: every read opens */
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_B, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 0);
	pcc_acct_get_counters(a, &c1);
	ck_assert_uint_eq(c1.opens, 0);
	ck_assert_uint_eq(c1.probes, 2);	/* usage_user, usage_sys: missing, cgroup there */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 0);
	pcc_acct_get_counters(a, &c2);
	ck_assert_mem_eq(&c1, &c2, sizeof(c1));	/* not tried again */

	/* the _recursive blkio file is missing: the fallback is found once and kept */
	want = just(PCC_IO_READ_BYTES, PCC_IO_READ_BYTES);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);
	ck_assert_uint_eq(out.v[PCC_IO_READ_BYTES], 512);
	pcc_acct_get_counters(a, &c2);
	ck_assert_uint_eq(c2.probes, c1.probes + 1);
	ck_assert_uint_eq(c2.opens, 2);
	ck_assert_uint_eq(x.budget.held, 0);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

START_TEST(fd_budget)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct_counters c1, c2;
	struct pcc_acct *a = NULL, *b = NULL;
	struct fx x;

	fx_open(&x, "tree-v1", 3);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_B, &x.budget, &b), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	/*
	 * Shared by kind, not first come first served: room for one kind in
	 * both readers (cpuacct.usage, rank 0) and one more file (cpu.stat,
	 * rank 1) in whichever reader reads first.
	 */
	ck_assert_uint_eq(x.budget.held, 2);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 2);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), 1);
	ck_assert_int_eq(fds_open(x.dir, "/cpu.stat"), 1);
	pcc_acct_get_counters(a, &c1);
	ck_assert_uint_eq(c1.opens, c1.reads);	/* first read: every file opened */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	pcc_acct_get_counters(a, &c2);
	ck_assert_uint_eq(c2.opens - c1.opens, c1.opens - 2);	/* 2 kept, others reopened */
	ck_assert_int_eq(pcc_acct_read(b, &want, &out), 20);
	ck_assert_uint_eq(x.budget.held, 3);
	ck_assert_int_eq(fds_open(x.dir, "/cpuacct.usage"), 2);
	/* a goes: b alone gets the three most valuable kinds */
	pcc_acct_free(a);
	ck_assert_uint_eq(x.budget.held, 1);
	ck_assert_int_eq(pcc_acct_read(b, &want, &out), 20);
	ck_assert_uint_eq(x.budget.held, 3);
	ck_assert_int_eq(fds_open(x.dir, "/cpu.stat"), 1);
	ck_assert_int_eq(fds_open(x.dir, "/memory.usage_in_bytes"), 1);
	pcc_acct_free(b);
	ck_assert_uint_eq(x.budget.held, 0);
	ck_assert_ptr_null(x.budget.plan);	/* freed with the last reader */
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);

	/* no budget at all */
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_A, NULL, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 24);
	ck_assert_int_eq(fds_open(x.dir, "/docker/"), 0);
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
}
END_TEST

START_TEST(hybrid_missing_hierarchy)
{
	/* pressure only, for a cgroup that lives in cpu and cpuacct but not unified */
	struct pcc_statset want = just(PSI(PCC_PSI_CPU, 0, PCC_PSI_AVG10),
				       PSI(PCC_PSI_IO, 1, PCC_PSI_TOTAL));
	struct pcc_sample out = { 0 };
	static const int looks[8] = { 2, 4, 8, 16, 32, 64, 96, 128 };
	struct pcc_acct_counters c1, c2;
	struct pcc_acct *a = NULL;
	struct fx x;
	int i, k;

	fx_open(&x, "tree-hybrid", 64);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_B, &x.budget, &a), 0);
	/* not -ENOENT: the cgroup is alive, just not in this hierarchy */
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 0);
	pcc_acct_get_counters(a, &c1);
	ck_assert_uint_eq(c1.probes, 2);	/* unified: gone; cpu: there */
	/*
	 * then unified is looked at again at the next read, and after gaps
	 * that double up to 32 reads; in between no system call at all
	 */
	for (i = 2, k = 0; i <= 128; i++) {
		ck_assert_int_eq(pcc_acct_read(a, &want, &out), 0);
		pcc_acct_get_counters(a, &c2);
		if (c2.probes != c1.probes) {
			ck_assert_int_lt(k, 8);
			ck_assert_int_eq(i, looks[k]);
			ck_assert_uint_eq(c2.probes, c1.probes + 2);
			k++;
		}
		c1 = c2;
	}
	ck_assert_int_eq(k, 8);
	/* everything: what cpu and cpuacct have, nothing tried in the others twice */
	want = all_stats();
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 3);
	pcc_acct_get_counters(a, &c1);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 3);
	pcc_acct_get_counters(a, &c2);
	ck_assert_uint_eq(c2.probes, c1.probes);
	ck_assert_uint_eq(c2.opens, c1.opens);
	ck_assert_uint_eq(c2.reads, c1.reads + 2);	/* cpuacct.usage, cpu.shares */
	pcc_acct_free(a);
	fx_close(&x);
}
END_TEST

/*
 * An engine makes a container's cgroup one hierarchy after the other: a
 * reader made in between finds the late hierarchy at its next read.
 */
START_TEST(hierarchy_made_later)
{
	struct pcc_statset want = just(PSI(PCC_PSI_CPU, 0, PCC_PSI_AVG10), PCC_CPU_USAGE);
	char tmp[] = "/tmp/pcc-acct-XXXXXX", cmd[1400];
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	struct fx x;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/tree-hybrid' '%s/'", unit_fixtures(), tmp);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(x.dir, sizeof(x.dir), "%s/tree-hybrid", tmp);
	x.root = pcc_sysroot_open(x.dir);
	ck_assert_int_eq(pcc_mounts_load(x.root, &x.m), 0);
	x.budget = (struct pcc_fdbudget){ .max = 64 };

	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_B, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 1);	/* cpu usage; no unified dir */
	snprintf(cmd, sizeof(cmd), "cp -a '%s/sys/fs/cgroup/unified/docker/" ID_A "' "
		 "'%s/sys/fs/cgroup/unified/docker/" ID_B "'", x.dir, x.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 2);	/* found at the next read */
	ck_assert(pcc_statset_has(&out.have, PSI(PCC_PSI_CPU, 0, PCC_PSI_AVG10)));
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(vanished)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct_counters cnt;
	struct pcc_acct *a = NULL;
	struct fx x;

	fx_open(&x, "tree-hybrid", 64);
	ck_assert_int_eq(pcc_acct_new(x.m, "/docker/" ID_C, &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), -ENOENT);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), -ENOENT);
	pcc_acct_get_counters(a, &cnt);
	ck_assert_uint_eq(cnt.opens, 0);
	/* one directory check per hierarchy and read, not one per file */
	ck_assert_uint_eq(cnt.probes, 2 * 6);
	ck_assert_uint_eq(x.budget.held, 0);
	pcc_acct_free(a);
	fx_close(&x);
}
END_TEST

/* A cgroup removed and made again under the same path (a restarted container). */
START_TEST(removed_and_back)
{
	struct pcc_statset want = all_stats();
	struct pcc_sample out = { 0 };
	struct pcc_acct *a = NULL;
	char tmp[] = "/tmp/pcc-acct-XXXXXX", cmd[1024], cg[900], away[1024];
	struct fx x;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/tree-v2' '%s/'", unit_fixtures(), tmp);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(x.dir, sizeof(x.dir), "%s/tree-v2", tmp);
	x.root = pcc_sysroot_open(x.dir);
	ck_assert_int_eq(pcc_mounts_load(x.root, &x.m), 0);
	x.budget = (struct pcc_fdbudget){ .max = 0 };
	snprintf(cg, sizeof(cg), "%s/sys/fs/cgroup/system.slice/docker-" ID_B ".scope", x.dir);
	snprintf(away, sizeof(away), "%s.away", cg);

	ck_assert_int_eq(pcc_acct_new(x.m, "/system.slice/docker-" ID_B ".scope", &x.budget, &a), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 50);
	ck_assert_int_eq(rename(cg, away), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), -ENOENT);
	ck_assert_int_eq(out.have.bits[0], 0);
	ck_assert_int_eq(rename(away, cg), 0);
	ck_assert_int_eq(pcc_acct_read(a, &want, &out), 50);	/* nothing marked absent */
	pcc_acct_free(a);
	pcc_sample_release(&out);
	fx_close(&x);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("acct_files");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, reads_only_needed_files);
	tcase_add_test(tc, absent_not_retried);
	tcase_add_test(tc, fd_budget);
	tcase_add_test(tc, hybrid_missing_hierarchy);
	tcase_add_test(tc, hierarchy_made_later);
	tcase_add_test(tc, vanished);
	tcase_add_test(tc, removed_and_back);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
