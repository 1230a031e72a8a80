/*
 * fuzz_nl_stats.c - a received RTM_GETSTATS dump datagram through
 * pcc_nl_stats_parse, as pcc_nl_stats hands each one over.  Checked (with
 * nl_check.h): the outcome is one of 0, 1, -EPROTO; messages counted are
 * the callbacks that succeeded; after a callback fails no other is made
 * and its error is the conversation's.
 */
#include "nl_check.h"

static int one(uint32_t ifindex, const void *st64, size_t len, void *arg)
{
	struct pcc_ifstats st;

	FUZZ_CHECK(st64 != NULL);
	pcc_ifstats_load(&st, st64, len, sizeof(st));	/* ASan: len bytes are the datagram's */
	return nl_seen_call(arg, ifindex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct nl_seen s = { buf, size, 0, 0 };
	struct pcc_nlconv c;
	int rc;

	nl_conv_init(&c, buf, size);
	rc = pcc_nl_stats_parse(&c, buf, size, one, &s);
	nl_conv_check(&c, &s, rc);
	if (rc == 0) {
		rc = pcc_nl_stats_parse(&c, buf, size, one, &s);
		nl_conv_check(&c, &s, rc);
	}
	FUZZ_CHECK(pcc_nl_stats_parse(NULL, buf, size, one, &s) == -EINVAL);
	free(buf);
	return 0;
}
