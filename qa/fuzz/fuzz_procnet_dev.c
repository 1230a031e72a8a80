/*
 * fuzz_procnet_dev.c - /proc/PID/net/dev texts through pcc_procnet_dev.
 * Checked: every interface passed to the callback has a name of 1 or more
 * bytes inside the buffer, within one line, with no space or ':' in it and
 * no blank in front; the return is the number of calls; a callback that
 * fails at its second call stops the walk there and its error is returned.
 */
#include <errno.h>

#include "netns.h"
#include "fuzz.h"

struct walk {
	const char *buf;
	size_t len;
	int calls;
	int fail_at;	/* fail on this call (1-based), 0 never */
};

static int one(const char *name, size_t namelen, const struct pcc_ifstats *st, void *arg)
{
	struct walk *w = arg;
	char clean[PCC_IFNAME_MAX + 1];

	FUZZ_CHECK(st != NULL);
	FUZZ_CHECK(namelen > 0 && name >= w->buf && name + namelen <= w->buf + w->len);
	FUZZ_CHECK(memchr(name, ' ', namelen) == NULL && name[0] != '\t');
	FUZZ_CHECK(memchr(name, '\n', namelen) == NULL && memchr(name, ':', namelen) == NULL);
	/* what netns_read.c does with it */
	FUZZ_CHECK(pcc_name_sanitize(name, namelen, clean, sizeof(clean)) >= 0);
	if (++w->calls == w->fail_at)
		return -EIO;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct walk w = { buf, size, 0, 0 };
	int rc, all;

	rc = pcc_procnet_dev(buf, size, one, &w);
	FUZZ_CHECK(rc >= 0 && rc == w.calls);
	all = rc;

	w.calls = 0;
	w.fail_at = 2;
	rc = pcc_procnet_dev(buf, size, one, &w);
	FUZZ_CHECK(all >= 2 ? rc == -EIO && w.calls == 2 : rc == all && w.calls == all);
	free(buf);
	return 0;
}
