/*
 * fuzz_mounts.c - mountinfo text through pcc_mounts_parse.  The input up to
 * its first NUL is the mountinfo; what follows it, if anything, is the v2
 * root's cgroup.controllers (so a seed that is a plain mountinfo file runs
 * with no controllers).  Checked: on success at most 32 hierarchies, each
 * with a mount and root, version 1 or 2, no fd; by_ctrl points at a
 * hierarchy serving that controller, v1 first, pressure only on v2; the
 * layout matches the versions present.  On failure *ret is untouched.
 */
#include <errno.h>

#include "pcp-container.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 1);
	const char *ctrls = NULL;
	struct pcc_mounts *m = (struct pcc_mounts *)&buf, *sentinel = m;
	size_t len = strlen(buf), i;
	int rc, c, v1 = 0, v2 = 0;

	if (len < size)
		ctrls = buf + len + 1;	/* NUL-terminated by fuzz_dup */
	rc = pcc_mounts_parse(buf, ctrls, &m);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc < 0) {
		FUZZ_CHECK(m == sentinel);
		free(buf);
		return 0;
	}
	FUZZ_CHECK(m->nhier <= 32);
	for (i = 0; i < m->nhier; i++) {
		const struct pcc_hier *h = &m->hier[i];

		FUZZ_CHECK(h->mount != NULL && h->root != NULL);
		FUZZ_CHECK(h->version == 1 || h->version == 2);
		FUZZ_CHECK(h->dirfd == -1);
		FUZZ_CHECK(h->version == 2 || (h->ctrls & (1u << PCC_CTRL_PSI)) == 0);
		FUZZ_CHECK((h->ctrls >> PCC_NCTRL) == 0);
		v1 |= h->version == 1;
		v2 |= h->version == 2;
	}
	for (c = 0; c < PCC_NCTRL; c++) {
		int h = m->by_ctrl[c];

		FUZZ_CHECK(h >= -1 && (h < 0 || (size_t)h < m->nhier));
		if (h < 0) {
			for (i = 0; i < m->nhier; i++)
				FUZZ_CHECK(!((m->hier[i].ctrls >> c) & 1));
			continue;
		}
		FUZZ_CHECK((m->hier[h].ctrls >> c) & 1);
		if (m->hier[h].version == 2)	/* no v1 hierarchy has it */
			for (i = 0; i < m->nhier; i++)
				FUZZ_CHECK(m->hier[i].version == 2 || !((m->hier[i].ctrls >> c) & 1));
	}
	FUZZ_CHECK(m->layout == (v1 && v2 ? PCC_LAYOUT_HYBRID : v1 ? PCC_LAYOUT_V1 :
				 v2 ? PCC_LAYOUT_V2 : PCC_LAYOUT_NONE));
	pcc_mounts_free(m);
	free(buf);
	return 0;
}
