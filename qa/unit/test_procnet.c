/*
 * test_procnet.c - the /proc/PID/net parsers (procnet.c) over the fixture
 * texts in qa/fixtures/procnet: well-formed snmp, netstat, sockstat and dev
 * files, and malformed ones (short, mismatched, truncated, bad numbers,
 * garbage).  Every text is handed over in a buffer of exactly its size, so
 * a read past the end shows under ASan and valgrind.  The strongest check
 * is the reference one: each prefix of a good file, parsed, yields a subset
 * of the whole file's values and never a different value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "unit.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

struct text {
	char *buf;	/* exactly len bytes, no NUL after them */
	size_t len;
};

static struct text fixture(const char *name)
{
	char path[512], *tmp = NULL;
	struct text t;
	size_t cap = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/procnet/%s", unit_fixtures(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	n = pcc_read_fd(fd, &tmp, &cap, 1 << 20);
	close(fd);
	ck_assert_int_ge(n, 0);
	t.len = (size_t)n;
	t.buf = malloc(t.len ? t.len : 1);
	ck_assert_ptr_nonnull(t.buf);
	memcpy(t.buf, tmp, t.len);
	free(tmp);
	return t;
}

static void fill(uint64_t *v)
{
	for (unsigned i = 0; i < PCC_NET_NSTAT; i++)
		v[i] = SENTINEL;
}

/* Parse file f (name) for want; returns the count, v and have filled. */
static int parse(enum pcc_pnf f, const char *name, uint64_t want, uint64_t *v, uint64_t *have)
{
	struct text t = fixture(name);
	int rc;

	fill(v);
	*have = 0;
	rc = pcc_procnet_parse(f, t.buf, t.len, want, v, have);
	free(t.buf);
	return rc;
}

#define HAS(have, st)	(((have) >> (st)) & 1)

START_TEST(masks)
{
	uint64_t all = 0, m;
	unsigned f;

	ck_assert_uint_eq(pcc_procnet_mask(PCC_PNF_DEV), 0);
	for (f = PCC_PNF_SNMP; f < PCC_PNF_N; f++) {
		m = pcc_procnet_mask(f);
		ck_assert_uint_ne(m, 0);
		ck_assert_uint_eq(all & m, 0);		/* each counter in one file */
		all |= m;
	}
	ck_assert_uint_eq(all, PCC_NETWANT_COUNTERS);
	ck_assert_int_lt(PCC_NET_NSTAT, 63);		/* bit 63 is the interfaces */
	ck_assert_str_eq(pcc_pnf_name[PCC_PNF_SOCKSTAT], "sockstat");
}
END_TEST

START_TEST(snmp_good)
{
	uint64_t v[PCC_NET_NSTAT], have, mask = pcc_procnet_mask(PCC_PNF_SNMP);

	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp", PCC_NETWANT_ALL, v, &have), 16);
	ck_assert_uint_eq(have, mask);
	ck_assert_uint_eq(v[PCC_NET_TCP_ACTIVE_OPENS], 1001);
	ck_assert_uint_eq(v[PCC_NET_TCP_PASSIVE_OPENS], 1002);
	ck_assert_uint_eq(v[PCC_NET_TCP_ATTEMPT_FAILS], 1003);
	ck_assert_uint_eq(v[PCC_NET_TCP_ESTAB_RESETS], 1004);
	ck_assert_uint_eq(v[PCC_NET_TCP_CURR_ESTAB], 1005);
	ck_assert_uint_eq(v[PCC_NET_TCP_IN_SEGS], 1006);
	ck_assert_uint_eq(v[PCC_NET_TCP_OUT_SEGS], 1007);
	ck_assert_uint_eq(v[PCC_NET_TCP_RETRANS_SEGS], 1008);
	ck_assert_uint_eq(v[PCC_NET_TCP_IN_ERRS], 1009);
	ck_assert_uint_eq(v[PCC_NET_TCP_OUT_RSTS], 1010);
	/* Udp's, not UdpLite's (same field names, next section) */
	ck_assert_uint_eq(v[PCC_NET_UDP_IN_DATAGRAMS], 2001);
	ck_assert_uint_eq(v[PCC_NET_UDP_NO_PORTS], 2002);
	ck_assert_uint_eq(v[PCC_NET_UDP_IN_ERRORS], 2003);
	ck_assert_uint_eq(v[PCC_NET_UDP_OUT_DATAGRAMS], 2004);
	ck_assert_uint_eq(v[PCC_NET_UDP_RCVBUF_ERRORS], 2005);
	ck_assert_uint_eq(v[PCC_NET_UDP_SNDBUF_ERRORS], 2006);
	ck_assert_uint_eq(v[PCC_NET_SOCK_USED], SENTINEL);	/* not this file's */
}
END_TEST

START_TEST(snmp_want_subset)
{
	uint64_t v[PCC_NET_NSTAT], have;
	uint64_t want = PCC_NETWANT(PCC_NET_TCP_RETRANS_SEGS) | PCC_NETWANT(PCC_NET_UDP_NO_PORTS);

	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp", want, v, &have), 2);
	ck_assert_uint_eq(have, want);
	ck_assert_uint_eq(v[PCC_NET_TCP_RETRANS_SEGS], 1008);
	ck_assert_uint_eq(v[PCC_NET_UDP_NO_PORTS], 2002);
	ck_assert_uint_eq(v[PCC_NET_TCP_ACTIVE_OPENS], SENTINEL);
	/* wanting only another file's counters reads nothing here */
	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp", PCC_NETWANT(PCC_NET_SOCK_USED), v, &have), 0);
	ck_assert_uint_eq(have, 0);
}
END_TEST

START_TEST(snmp_short_line)
{
	uint64_t v[PCC_NET_NSTAT], have;

	/* a Tcp value line one value short: none of Tcp is trusted */
	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp-short", PCC_NETWANT_ALL, v, &have), 6);
	ck_assert(!HAS(have, PCC_NET_TCP_ACTIVE_OPENS));
	ck_assert(!HAS(have, PCC_NET_TCP_OUT_RSTS));
	ck_assert_uint_eq(v[PCC_NET_TCP_ACTIVE_OPENS], SENTINEL);
	ck_assert_uint_eq(v[PCC_NET_UDP_OUT_DATAGRAMS], 2004);
}
END_TEST

START_TEST(snmp_truncated)
{
	uint64_t v[PCC_NET_NSTAT], have;

	/* cut inside Udp's value line: as many tokens, but the last is "20" */
	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp-truncated", PCC_NETWANT_ALL, v, &have), 10);
	ck_assert(HAS(have, PCC_NET_TCP_OUT_RSTS));
	ck_assert(!HAS(have, PCC_NET_UDP_IN_DATAGRAMS));
	ck_assert_uint_eq(v[PCC_NET_UDP_IN_DATAGRAMS], SENTINEL);
}
END_TEST

START_TEST(snmp_header_without_values)
{
	uint64_t v[PCC_NET_NSTAT], have;

	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp-noval", PCC_NETWANT_ALL, v, &have), 6);
	ck_assert(!HAS(have, PCC_NET_TCP_ACTIVE_OPENS));
	ck_assert_uint_eq(v[PCC_NET_UDP_IN_DATAGRAMS], 2001);
	ck_assert_uint_eq(v[PCC_NET_UDP_SNDBUF_ERRORS], 2006);
}
END_TEST

START_TEST(snmp_bad_numbers)
{
	uint64_t v[PCC_NET_NSTAT], have;

	/* "12x", 2^64 and "-5" are left out; their neighbours are not */
	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp-badnum", PCC_NETWANT_ALL, v, &have), 13);
	ck_assert(!HAS(have, PCC_NET_TCP_ACTIVE_OPENS));
	ck_assert(!HAS(have, PCC_NET_TCP_PASSIVE_OPENS));
	ck_assert(!HAS(have, PCC_NET_TCP_ATTEMPT_FAILS));
	ck_assert_uint_eq(v[PCC_NET_TCP_ACTIVE_OPENS], SENTINEL);
	ck_assert_uint_eq(v[PCC_NET_TCP_ESTAB_RESETS], 1004);
	ck_assert_uint_eq(v[PCC_NET_UDP_OUT_DATAGRAMS], UINT64_MAX);
}
END_TEST

START_TEST(snmp_mismatched_sections)
{
	uint64_t v[PCC_NET_NSTAT], have;

	/* a Tcp header over a Udp value line: Tcp skipped, that line is no header */
	ck_assert_int_eq(parse(PCC_PNF_SNMP, "snmp-mismatch", PCC_NETWANT_ALL, v, &have), 6);
	ck_assert(!HAS(have, PCC_NET_TCP_ACTIVE_OPENS));
	ck_assert_uint_eq(v[PCC_NET_UDP_IN_DATAGRAMS], 2001);
}
END_TEST

START_TEST(empty_and_garbage)
{
	uint64_t v[PCC_NET_NSTAT], have;
	unsigned f;

	for (f = PCC_PNF_SNMP; f < PCC_PNF_N; f++) {
		ck_assert_int_eq(parse(f, "empty", PCC_NETWANT_ALL, v, &have), 0);
		ck_assert_uint_eq(have, 0);
		ck_assert_int_ge(parse(f, "garbage", PCC_NETWANT_ALL, v, &have), 0);
	}
	ck_assert_int_eq(pcc_procnet_parse(PCC_PNF_DEV, "", 0, PCC_NETWANT_ALL, v, &have), -EINVAL);
	ck_assert_int_eq(pcc_procnet_parse(PCC_PNF_SNMP, NULL, 0, PCC_NETWANT_ALL, v, &have), -EINVAL);
}
END_TEST

START_TEST(netstat_good)
{
	uint64_t v[PCC_NET_NSTAT], have;

	ck_assert_int_eq(parse(PCC_PNF_NETSTAT, "netstat", PCC_NETWANT_ALL, v, &have), 5);
	ck_assert_uint_eq(have, pcc_procnet_mask(PCC_PNF_NETSTAT));
	ck_assert_uint_eq(v[PCC_NET_TCP_LISTEN_OVERFLOWS], 4101);
	ck_assert_uint_eq(v[PCC_NET_TCP_LISTEN_DROPS], 4102);
	ck_assert_uint_eq(v[PCC_NET_TCP_TIMEOUTS], 4103);
	ck_assert_uint_eq(v[PCC_NET_TCP_SYN_RETRANS], 4104);
	ck_assert_uint_eq(v[PCC_NET_TCP_ABORT_ON_DATA], 4105);
	ck_assert_int_eq(parse(PCC_PNF_NETSTAT, "netstat-truncated", PCC_NETWANT_ALL, v, &have), 0);
	ck_assert_uint_eq(have, 0);
}
END_TEST

START_TEST(sockstat_good)
{
	uint64_t v[PCC_NET_NSTAT], have;

	ck_assert_int_eq(parse(PCC_PNF_SOCKSTAT, "sockstat", PCC_NETWANT_ALL, v, &have), 6);
	ck_assert_uint_eq(have, pcc_procnet_mask(PCC_PNF_SOCKSTAT));
	ck_assert_uint_eq(v[PCC_NET_SOCK_USED], 301);
	ck_assert_uint_eq(v[PCC_NET_SOCK_TCP_INUSE], 302);
	ck_assert_uint_eq(v[PCC_NET_SOCK_TCP_ORPHAN], 303);
	ck_assert_uint_eq(v[PCC_NET_SOCK_TCP_TW], 304);
	ck_assert_uint_eq(v[PCC_NET_SOCK_TCP_ALLOC], 305);
	ck_assert_uint_eq(v[PCC_NET_SOCK_UDP_INUSE], 307);	/* not UDPLITE's 309 */
}
END_TEST

START_TEST(sockstat_bad)
{
	uint64_t v[PCC_NET_NSTAT], have;

	/* "orphan" has no value, "x" is none, the cut UDPLITE line is not read */
	ck_assert_int_eq(parse(PCC_PNF_SOCKSTAT, "sockstat-bad", PCC_NETWANT_ALL, v, &have), 2);
	ck_assert_uint_eq(v[PCC_NET_SOCK_USED], 11);
	ck_assert_uint_eq(v[PCC_NET_SOCK_TCP_INUSE], 12);
	ck_assert(!HAS(have, PCC_NET_SOCK_TCP_ORPHAN));
	ck_assert(!HAS(have, PCC_NET_SOCK_UDP_INUSE));
}
END_TEST

/* ------------------------------------------------------------------ dev */

#define MAXIF	8
struct devs {
	int n;
	char name[MAXIF][32];
	struct pcc_ifstats st[MAXIF];
	int stop_at;		/* return -ECANCELED at this call, -1 never */
};

static int dev_cb(const char *name, size_t namelen, const struct pcc_ifstats *st, void *arg)
{
	struct devs *d = arg;

	if (d->n == d->stop_at)
		return -ECANCELED;
	ck_assert_int_lt(d->n, MAXIF);
	ck_assert_uint_lt(namelen, sizeof(d->name[0]));
	memcpy(d->name[d->n], name, namelen);
	d->name[d->n][namelen] = '\0';
	d->st[d->n] = *st;
	d->n++;
	return 0;
}

static int parse_dev(const char *file, struct devs *d)
{
	struct text t = fixture(file);
	int rc;

	memset(d, 0, sizeof(*d));
	d->stop_at = -1;
	rc = pcc_procnet_dev(t.buf, t.len, dev_cb, d);
	free(t.buf);
	return rc;
}

START_TEST(dev_good)
{
	struct devs d;
	const struct pcc_ifstats *e;

	ck_assert_int_eq(parse_dev("dev", &d), 3);
	ck_assert_str_eq(d.name[0], "lo");
	ck_assert_str_eq(d.name[1], "eth0");
	ck_assert_str_eq(d.name[2], "pcu\"q");		/* raw: the reader sanitizes */
	e = &d.st[1];
	ck_assert_uint_eq(e->rx_bytes, 101);
	ck_assert_uint_eq(e->rx_packets, 102);
	ck_assert_uint_eq(e->rx_errors, 103);
	ck_assert_uint_eq(e->rx_dropped, 104);
	ck_assert_uint_eq(e->rx_fifo_errors, 105);
	ck_assert_uint_eq(e->rx_frame_errors, 106);
	ck_assert_uint_eq(e->rx_compressed, 107);
	ck_assert_uint_eq(e->multicast, 108);
	ck_assert_uint_eq(e->tx_bytes, 109);
	ck_assert_uint_eq(e->tx_packets, 110);
	ck_assert_uint_eq(e->tx_errors, 111);
	ck_assert_uint_eq(e->tx_dropped, 112);
	ck_assert_uint_eq(e->tx_fifo_errors, 113);
	ck_assert_uint_eq(e->collisions, 114);
	ck_assert_uint_eq(e->tx_carrier_errors, 115);
	ck_assert_uint_eq(e->tx_compressed, 116);
	ck_assert_uint_eq(e->rx_missed_errors, 0);	/* folded into rx_dropped */
	ck_assert_uint_eq(e->rx_nohandler, 0);
}
END_TEST

START_TEST(dev_bad_lines)
{
	struct devs d;

	/* 15 values, 17 values, a letter, no name, a last line cut short */
	ck_assert_int_eq(parse_dev("dev-bad", &d), 2);
	ck_assert_str_eq(d.name[0], "lo");
	ck_assert_str_eq(d.name[1], "eth0");
	ck_assert_uint_eq(d.st[1].tx_compressed, 116);
}
END_TEST

START_TEST(dev_callback_error)
{
	struct text t = fixture("dev");
	struct devs d;

	memset(&d, 0, sizeof(d));
	d.stop_at = 1;
	ck_assert_int_eq(pcc_procnet_dev(t.buf, t.len, dev_cb, &d), -ECANCELED);
	ck_assert_int_eq(d.n, 1);
	ck_assert_int_eq(pcc_procnet_dev(t.buf, t.len, NULL, &d), -EINVAL);
	free(t.buf);
}
END_TEST

/* ------------------------------------------------------------------ prefixes */

/* Every prefix of a good file gives a subset of its values, never another value. */
static void prefixes(enum pcc_pnf f, const char *name)
{
	struct text t = fixture(name);
	uint64_t full[PCC_NET_NSTAT], v[PCC_NET_NSTAT], have_full = 0, have;
	char *cut;
	size_t len;
	unsigned i;

	fill(full);
	pcc_procnet_parse(f, t.buf, t.len, PCC_NETWANT_ALL, full, &have_full);
	for (len = 0; len <= t.len; len++) {
		cut = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, t.buf, len);
		fill(v);
		have = 0;
		ck_assert_int_ge(pcc_procnet_parse(f, cut, len, PCC_NETWANT_ALL, v, &have), 0);
		ck_assert_uint_eq(have & ~have_full, 0);
		for (i = 0; i < PCC_NET_NSTAT; i++)
			if (HAS(have, i))
				ck_assert_msg(v[i] == full[i], "%s cut at %zu: stat %u is %llu, not %llu",
					      name, len, i, (unsigned long long)v[i],
					      (unsigned long long)full[i]);
		free(cut);
	}
	ck_assert_uint_ne(have, 0);	/* the whole file, last */
	free(t.buf);
}

START_TEST(prefixes_counters)
{
	prefixes(PCC_PNF_SNMP, "snmp");
	prefixes(PCC_PNF_NETSTAT, "netstat");
	prefixes(PCC_PNF_SOCKSTAT, "sockstat");
}
END_TEST

START_TEST(prefixes_dev)
{
	struct text t = fixture("dev");
	struct devs full, d;
	size_t len;
	char *cut;
	int j;

	ck_assert_int_eq(parse_dev("dev", &full), 3);
	for (len = 0; len <= t.len; len++) {
		cut = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, t.buf, len);
		memset(&d, 0, sizeof(d));
		d.stop_at = -1;
		ck_assert_int_ge(pcc_procnet_dev(cut, len, dev_cb, &d), 0);
		for (j = 0; j < d.n; j++) {
			ck_assert_str_eq(d.name[j], full.name[j]);
			ck_assert_mem_eq(&d.st[j], &full.st[j], sizeof(d.st[j]));
		}
		free(cut);
	}
	free(t.buf);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("procnet");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, masks);
	tcase_add_test(tc, snmp_good);
	tcase_add_test(tc, snmp_want_subset);
	tcase_add_test(tc, snmp_short_line);
	tcase_add_test(tc, snmp_truncated);
	tcase_add_test(tc, snmp_header_without_values);
	tcase_add_test(tc, snmp_bad_numbers);
	tcase_add_test(tc, snmp_mismatched_sections);
	tcase_add_test(tc, empty_and_garbage);
	tcase_add_test(tc, netstat_good);
	tcase_add_test(tc, sockstat_good);
	tcase_add_test(tc, sockstat_bad);
	tcase_add_test(tc, dev_good);
	tcase_add_test(tc, dev_bad_lines);
	tcase_add_test(tc, dev_callback_error);
	tcase_add_test(tc, prefixes_counters);
	tcase_add_test(tc, prefixes_dev);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
