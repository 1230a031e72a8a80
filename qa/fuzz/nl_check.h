/*
 * nl_check.h - what fuzz_nl_stats.c and fuzz_nl_links.c share: the input
 * as a received datagram, and the checks on the conversation state.
 *
 * The datagram is copied into a malloc'd buffer of its exact size (the
 * 4-byte alignment recvmsg gives; reads past it show under ASan).  The
 * conversation's sequence number and port are taken from the first
 * message header, so the fuzzer reaches the parsers without guessing
 * them.  The datagram is handed over twice when the first pass leaves the
 * conversation open, as a dump's next datagram would be.
 */
#ifndef PCC_NL_CHECK_H
#define PCC_NL_CHECK_H

#include <errno.h>
#include <linux/netlink.h>

#include "netns.h"
#include "fuzz.h"

struct nl_seen {
	const char *buf;	/* the datagram */
	size_t len;
	int calls;		/* callbacks that returned >= 0 */
	int failed;		/* a callback returned < 0 */
};

/* A callback's part: fail on every ifindex that is 4 mod 5, never call after a failure. */
static inline int nl_seen_call(struct nl_seen *s, uint32_t ifindex)
{
	FUZZ_CHECK(!s->failed);
	if (ifindex % 5 == 4) {
		s->failed = 1;
		return -EIO;
	}
	s->calls++;
	return 0;
}

static inline void nl_conv_init(struct pcc_nlconv *c, const char *buf, size_t len)
{
	struct nlmsghdr h;

	memset(c, 0, sizeof(*c));
	if (len >= sizeof(h)) {
		memcpy(&h, buf, sizeof(h));
		c->seq = h.nlmsg_seq;
		c->port = h.nlmsg_pid;
	}
}

/* After one parse that returned rc. */
static inline void nl_conv_check(const struct pcc_nlconv *c, const struct nl_seen *s, int rc)
{
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EPROTO);
	FUZZ_CHECK(c->err <= 0);
	FUZZ_CHECK(c->count == s->calls);
	if (s->failed)
		FUZZ_CHECK(c->err == -EIO);
}

#endif /* PCC_NL_CHECK_H */
