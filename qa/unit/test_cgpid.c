/*
 * test_cgpid.c - a container's process from its cgroup (pcc_cgroup_pid)
 * over the hybrid fixture tree qa/fixtures/tree-cgpid: the lowest pid of
 * the container's own cgroup, v2 before v1, a v1-only cgroup, a mount that
 * shows a subtree, processes only in child cgroups (to 8 levels, not 9),
 * empty and missing cgroups, a symlink, and bad paths.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

static struct pcc_mounts *m;
static int root = -1;

static void setup(void)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/tree-cgpid", unit_fixtures());
	root = pcc_sysroot_open(dir);
	ck_assert_int_ge(root, 0);
	ck_assert_int_eq(pcc_mounts_load(root, &m), 0);
	ck_assert_int_eq(m->layout, PCC_LAYOUT_HYBRID);
}

static void teardown(void)
{
	pcc_mounts_free(m);
	m = NULL;
	close(root);
}

/* pcc_cgroup_pid of path: the pid, or the negative error. */
static int pid_of(const char *path)
{
	pid_t pid = -12345;
	int rc = pcc_cgroup_pid(m, path, &pid);

	if (rc < 0) {
		ck_assert_int_eq(pid, -12345);	/* untouched */
		return rc;
	}
	ck_assert_int_eq(rc, 0);
	return (int)pid;
}

START_TEST(own_cgroup)
{
	ck_assert_int_eq(pid_of("/own"), 20);		/* lowest; v2's, not v1's 999 */
	ck_assert_int_eq(pid_of("/v1only"), 42);	/* in the memory hierarchy only */
	ck_assert_int_eq(pid_of("/sub/ct9"), 9);	/* pids is mounted showing /sub */
}
END_TEST

START_TEST(child_cgroups)
{
	ck_assert_int_eq(pid_of("/nested"), 55);
	ck_assert_int_eq(pid_of("/deep8"), 8);
	ck_assert_int_eq(pid_of("/deep9"), -ESRCH);
	ck_assert_int_eq(pid_of("/empty"), -ESRCH);
}
END_TEST

START_TEST(missing_and_bad)
{
	pid_t pid;

	ck_assert_int_eq(pid_of("/gone"), -ENOENT);
	ck_assert_int_eq(pid_of("/linked"), -ENOENT);	/* symlinks are not followed */
	ck_assert_int_eq(pid_of("own"), -EINVAL);
	ck_assert_int_eq(pid_of("/own/../own"), -EINVAL);
	ck_assert_int_eq(pcc_cgroup_pid(NULL, "/own", &pid), -EINVAL);
	ck_assert_int_eq(pcc_cgroup_pid(m, NULL, &pid), -EINVAL);
	ck_assert_int_eq(pcc_cgroup_pid(m, "/own", NULL), -EINVAL);
}
END_TEST

START_TEST(host_root)
{
	ck_assert_int_eq(pid_of("/"), 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cgpid");
	TCase *tc = tcase_create("fixtures");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, own_cgroup);
	tcase_add_test(tc, child_cgroups);
	tcase_add_test(tc, missing_and_bad);
	tcase_add_test(tc, host_root);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
