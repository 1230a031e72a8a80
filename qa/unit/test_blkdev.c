/*
 * test_blkdev.c - block device names from <sysroot>/sys/dev/block/M:m/uevent
 * in the tree-v1 fixture: a plain name, a last line without newline, no
 * DEVNAME, a DEVNAME that is not a plain path component, no such device,
 * and destination buffers too small.
 */
#include <errno.h>
#include <string.h>

#include "acct_fx.h"

START_TEST(blkdev_names)
{
	char dst[32];
	struct fx x;

	fx_open(&x, "tree-v1", 0);
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 0, dst, sizeof(dst)), 3);
	ck_assert_str_eq(dst, "sda");
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 16, dst, sizeof(dst)), 3);
	ck_assert_str_eq(dst, "sdb");
	ck_assert_int_eq(pcc_blkdev_name(x.root, 253, 0, dst, sizeof(dst)), 4);
	ck_assert_str_eq(dst, "dm-0");		/* last line without a newline */
	ck_assert_int_eq(pcc_blkdev_name(x.root, 259, 0, dst, sizeof(dst)), 5);
	ck_assert_str_eq(dst, "259:0");		/* no DEVNAME */
	ck_assert_int_eq(pcc_blkdev_name(x.root, 259, 1, dst, sizeof(dst)), 5);
	ck_assert_str_eq(dst, "259:1");		/* DEVNAME=../../etc refused */
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 32, dst, sizeof(dst)), 4);
	ck_assert_str_eq(dst, "8:32");		/* no such device */
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 0, dst, 4), 3);
	strcpy(dst, "keep");
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 0, dst, 3), -ERANGE);
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 32, dst, 4), -ERANGE);
	ck_assert_str_eq(dst, "keep");
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 0, NULL, 4), -EINVAL);
	ck_assert_int_eq(pcc_blkdev_name(x.root, 8, 0, dst, 0), -EINVAL);
	fx_close(&x);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("blkdev");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, blkdev_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
