/*
 * acct_fx.h - what the accounting test suites share: opening a fixture
 * sysroot with its mounts and an fd budget, statistic sets, the ids of the
 * fixture containers, and counting the fds this process holds.
 */
#ifndef PCC_ACCT_FX_H
#define PCC_ACCT_FX_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

#define PSI	PCC_PSI_STAT

/* The fixture containers (qa/fixtures/tree-*): full, old kernel, malformed. */
#define ID_A	"3f1c2b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b"
#define ID_B	"b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1"
#define ID_C	"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"

struct fx {
	char dir[512];
	int root;
	struct pcc_mounts *m;
	struct pcc_fdbudget budget;
};

static inline void fx_open(struct fx *x, const char *tree, unsigned max_fds)
{
	snprintf(x->dir, sizeof(x->dir), "%s/%s", unit_fixtures(), tree);
	x->root = pcc_sysroot_open(x->dir);
	ck_assert_int_ge(x->root, 0);
	x->m = NULL;
	ck_assert_int_eq(pcc_mounts_load(x->root, &x->m), 0);
	x->budget = (struct pcc_fdbudget){ .max = max_fds };
}

static inline void fx_close(struct fx *x)
{
	pcc_mounts_free(x->m);
	close(x->root);
}

static inline struct pcc_statset all_stats(void)
{
	struct pcc_statset s = { { 0 } };

	for (int i = 0; i < PCC_NSTAT; i++)
		pcc_statset_add(&s, (enum pcc_stat)i);
	return s;
}

static inline struct pcc_statset just(enum pcc_stat a, enum pcc_stat b)
{
	struct pcc_statset s = { { 0 } };

	pcc_statset_add(&s, a);
	pcc_statset_add(&s, b);
	return s;
}

/* Open fds of this process whose target contains both strings. */
static inline int fds_open(const char *s1, const char *s2)
{
	char target[1024];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	ssize_t n;
	int count = 0;

	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir)) != NULL) {
		n = readlinkat(dirfd(dir), d->d_name, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strstr(target, s1) && strstr(target, s2))
			count++;
	}
	closedir(dir);
	return count;
}

#endif /* PCC_ACCT_FX_H */
