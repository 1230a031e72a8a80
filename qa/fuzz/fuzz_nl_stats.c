/*
 * fuzz_nl_stats.c - a received RTM_GETSTATS dump datagram through
 * pcc_nl_stats_parse, as pcc_nl_stats hands each one over.  Checked (with
 * nl_check.h): the outcome is one of 0, 1, -EPROTO; messages counted are
 * the callbacks that succeeded; after a callback fails no other is made
 * and its error is the conversation's.  Then through
 * pcc_nl_stats_known_parse with the interfaces the general parse found:
 * the outcome is one of 0, 1, -EPROTO, and it claims the whole dump (1)
 * only where the general parse found that dump, whole and without error.
 */
#include "nl_check.h"

static int one(uint32_t ifindex, const void *st64, size_t len, void *arg)
{
	struct pcc_ifstats st;

	FUZZ_CHECK(st64 != NULL);
	pcc_ifstats_load(&st, st64, len, sizeof(st));	/* ASan: len bytes are the datagram's */
	return nl_seen_call(arg, ifindex);
}

#define KNOWN_MAX	64

struct known {
	uint32_t idx[KNOWN_MAX];
	size_t n;
	int over;
};

static int collect(uint32_t ifindex, const void *st64, size_t len, void *arg)
{
	struct known *k = arg;

	(void)st64;
	(void)len;
	if (k->n < KNOWN_MAX)
		k->idx[k->n++] = ifindex;
	else
		k->over = 1;
	return 0;
}

static void known_against_general(char *buf, size_t size)
{
	struct pcc_netif ifs[KNOWN_MAX];
	struct pcc_nlconv g, c;
	struct known k;
	size_t i;
	int grc, rc;

	memset(&k, 0, sizeof(k));
	nl_conv_init(&g, buf, size);
	grc = pcc_nl_stats_parse(&g, buf, size, collect, &k);
	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < k.n; i++)
		ifs[i].ifindex = k.idx[i];
	nl_conv_init(&c, buf, size);
	rc = pcc_nl_stats_known_parse(&c, buf, size, ifs, k.n, sizeof(ifs[0].st));
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EPROTO);
	if (rc == 1) {
		FUZZ_CHECK(grc == 1 && g.err == 0 && !k.over && g.count == (int)k.n);
		FUZZ_CHECK(c.notes == g.notes);
	}
	/* one interface fewer than the dump brings is never the whole of it */
	if (k.n > 0) {
		nl_conv_init(&c, buf, size);
		rc = pcc_nl_stats_known_parse(&c, buf, size, ifs, k.n - 1, sizeof(ifs[0].st));
		FUZZ_CHECK(rc == 0 || rc == -EPROTO);
	}
	FUZZ_CHECK(pcc_nl_stats_known_parse(NULL, buf, size, ifs, 0, 0) == -EINVAL);
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
	known_against_general(buf, size);
	free(buf);
	return 0;
}
