/*
 * test_mounts.c - cgroup layout detection from mountinfo texts of v1, v2,
 * hybrid and odd (bind-mounted, escaped, garbage) hosts, and loading from a
 * sysroot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

static char *slurp(const char *name)
{
	char path[512], *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/mountinfo/%s", unit_fixtures(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = pcc_read_fd(fd, &buf, &cap, 1 << 20);
	close(fd);
	ck_assert_int_ge(n, 0);
	return buf;
}

static const struct pcc_hier *by(const struct pcc_mounts *m, enum pcc_ctrl c)
{
	return m->by_ctrl[c] < 0 ? NULL : &m->hier[m->by_ctrl[c]];
}

START_TEST(hybrid)
{
	char *text = slurp("hybrid.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, "hugetlb\n", &m), 0);
	ck_assert_int_eq(m->layout, PCC_LAYOUT_HYBRID);
	ck_assert_str_eq(pcc_layout_name(m->layout), "hybrid");
	/* cpu, cpuacct, memory, blkio, pids, name=systemd, unified */
	ck_assert_uint_eq(m->nhier, 7);
	ck_assert_str_eq(by(m, PCC_CTRL_CPU)->mount, "/sys/fs/cgroup/cpu");
	ck_assert_str_eq(by(m, PCC_CTRL_CPUACCT)->mount, "/sys/fs/cgroup/cpuacct");
	ck_assert_str_eq(by(m, PCC_CTRL_MEMORY)->mount, "/sys/fs/cgroup/memory");
	ck_assert_str_eq(by(m, PCC_CTRL_IO)->mount, "/sys/fs/cgroup/blkio");
	ck_assert_int_eq(by(m, PCC_CTRL_IO)->version, 1);
	ck_assert_str_eq(by(m, PCC_CTRL_PIDS)->mount, "/sys/fs/cgroup/pids");
	ck_assert_str_eq(by(m, PCC_CTRL_SYSTEMD)->mount, "/sys/fs/cgroup/systemd");
	ck_assert_str_eq(by(m, PCC_CTRL_PSI)->mount, "/sys/fs/cgroup/unified");
	ck_assert_int_eq(by(m, PCC_CTRL_PSI)->dirfd, -1);
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(hybrid_v1_wins)
{
	char *text = slurp("hybrid.txt");
	struct pcc_mounts *m = NULL;

	/* even if v2 claims memory, the v1 memory hierarchy has it */
	ck_assert_int_eq(pcc_mounts_parse(text, "memory io\n", &m), 0);
	ck_assert_int_eq(by(m, PCC_CTRL_MEMORY)->version, 1);
	ck_assert_int_eq(by(m, PCC_CTRL_IO)->version, 1);
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(v1_comounted)
{
	char *text = slurp("v1.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, NULL, &m), 0);
	ck_assert_int_eq(m->layout, PCC_LAYOUT_V1);
	ck_assert_uint_eq(m->nhier, 5);	/* net_cls,net_prio skipped */
	ck_assert_ptr_eq(by(m, PCC_CTRL_CPU), by(m, PCC_CTRL_CPUACCT));
	ck_assert_str_eq(by(m, PCC_CTRL_CPU)->mount, "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_ptr_null(by(m, PCC_CTRL_PSI));
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(v2_pure)
{
	char *text = slurp("v2.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, "cpuset cpu io memory hugetlb pids rdma misc\n", &m), 0);
	ck_assert_int_eq(m->layout, PCC_LAYOUT_V2);
	ck_assert_uint_eq(m->nhier, 1);
	for (int c = PCC_CTRL_CPU; c <= PCC_CTRL_PSI; c++)
		ck_assert_int_eq(m->by_ctrl[c], 0);
	ck_assert_int_eq(m->by_ctrl[PCC_CTRL_SYSTEMD], -1);
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(v2_without_controllers)
{
	char *text = slurp("v2.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, "", &m), 0);
	ck_assert_int_eq(m->by_ctrl[PCC_CTRL_MEMORY], -1);
	ck_assert_int_eq(m->by_ctrl[PCC_CTRL_PSI], 0);
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(bind_mounts_and_escapes)
{
	char *text = slurp("bind.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, NULL, &m), 0);
	ck_assert_uint_eq(m->nhier, 2);
	/* the root mount replaces the earlier bind of a subtree, the later bind is ignored */
	ck_assert_str_eq(by(m, PCC_CTRL_MEMORY)->mount, "/sys/fs/cgroup/mem ory");
	ck_assert_str_eq(by(m, PCC_CTRL_MEMORY)->root, "/");
	ck_assert_int_eq(m->layout, PCC_LAYOUT_HYBRID);
	pcc_mounts_free(m);
	free(text);
}
END_TEST

START_TEST(garbage)
{
	char *text = slurp("garbage.txt");
	struct pcc_mounts *m = NULL;

	ck_assert_int_eq(pcc_mounts_parse(text, NULL, &m), -EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(pcc_mounts_parse("", NULL, &m), -EINVAL);
	ck_assert_int_eq(pcc_mounts_parse(NULL, NULL, &m), -EINVAL);
	/* truncated lines are skipped, not trusted */
	ck_assert_int_eq(pcc_mounts_parse("1 2 3:4 / - cgroup\n5 6 - cgroup2\n", NULL, &m), -EINVAL);
	ck_assert_int_eq(pcc_mounts_parse("1 2 0:1 / /x rw - ext4 /dev/x rw\n", NULL, &m), 0);
	ck_assert_int_eq(m->layout, PCC_LAYOUT_NONE);
	pcc_mounts_free(m);
	pcc_mounts_free(NULL);
	free(text);
}
END_TEST

START_TEST(load_this_host)
{
	struct pcc_mounts *m = NULL;
	int root = pcc_sysroot_open("/");

	ck_assert_int_eq(pcc_mounts_load(root, &m), 0);
	ck_assert_int_ne(m->layout, PCC_LAYOUT_NONE);
	for (size_t i = 0; i < m->nhier; i++)
		ck_assert_int_ge(m->hier[i].dirfd, 0);
	pcc_mounts_free(m);
	close(root);
}
END_TEST

START_TEST(load_missing_sysroot)
{
	struct pcc_mounts *m = NULL;
	int root = pcc_sysroot_open("/nonexistent-pcc-root");

	ck_assert_int_eq(root, -ENOENT);
	root = pcc_sysroot_open("/tmp");
	ck_assert_int_ge(root, 0);
	ck_assert_int_eq(pcc_mounts_load(root, &m), -ENOENT);
	ck_assert_ptr_null(m);
	close(root);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hybrid);
	tcase_add_test(tc, hybrid_v1_wins);
	tcase_add_test(tc, v1_comounted);
	tcase_add_test(tc, v2_pure);
	tcase_add_test(tc, v2_without_controllers);
	tcase_add_test(tc, bind_mounts_and_escapes);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, load_this_host);
	tcase_add_test(tc, load_missing_sysroot);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
