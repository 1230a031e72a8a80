/*
 * fuzz_nl_links.c - a received RTM_GETLINK dump datagram through
 * pcc_nl_links_parse, as pcc_nl_links hands each one over.  Checked (with
 * nl_check.h): as fuzz_nl_stats.c, and each link's name lies inside the
 * datagram with no NUL in it (or is absent with length 0) and sanitizes
 * into an interface name as netns_read.c does.
 */
#include "nl_check.h"

static int one(const struct pcc_nllink *l, void *arg)
{
	struct nl_seen *s = arg;
	char clean[PCC_IFNAME_MAX + 1];

	FUZZ_CHECK(l != NULL);
	if (l->name == NULL) {
		FUZZ_CHECK(l->namelen == 0);
	} else {
		FUZZ_CHECK(l->name >= s->buf && l->name + l->namelen <= s->buf + s->len);
		FUZZ_CHECK(memchr(l->name, '\0', l->namelen) == NULL);
	}
	FUZZ_CHECK(pcc_name_sanitize(l->name, l->namelen, clean, sizeof(clean)) >= 0);
	return nl_seen_call(s, l->ifindex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct nl_seen s = { buf, size, 0, 0 };
	struct pcc_nlconv c;
	int rc;

	nl_conv_init(&c, buf, size);
	rc = pcc_nl_links_parse(&c, buf, size, one, &s);
	nl_conv_check(&c, &s, rc);
	if (rc == 0) {
		rc = pcc_nl_links_parse(&c, buf, size, one, &s);
		nl_conv_check(&c, &s, rc);
	}
	FUZZ_CHECK(pcc_nl_links_parse(NULL, buf, size, one, &s) == -EINVAL);
	free(buf);
	return 0;
}
