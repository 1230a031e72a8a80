/*
 * unit.h - what every Check suite under qa/unit shares: a main() that runs
 * one suite, and the path of the fixture trees.
 *
 * A test file defines `static Suite *make_suite(void)` and ends with
 * UNIT_MAIN().  Fixtures live in qa/fixtures; tests find them through
 * $PCC_FIXTURES (set by the Makefile's check targets) or relative to the
 * source tree when run from the top directory.
 */
#ifndef PCC_UNIT_H
#define PCC_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline const char *unit_fixtures(void)
{
	const char *d = getenv("PCC_FIXTURES");

	return (d && *d) ? d : "qa/fixtures";
}

#define UNIT_MAIN()							\
int main(void)								\
{									\
	SRunner *sr = srunner_create(make_suite());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

#endif /* PCC_UNIT_H */
