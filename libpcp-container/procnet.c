/*
 * procnet.c - parsers for the per-namespace files under /proc/PID/net:
 * snmp and netstat (pairs of a header line naming the fields and a value
 * line, both starting "Section:"), sockstat ("Section: key value key
 * value") and dev (one line per interface).  Contracts are in netns.h.
 *
 * The counters are one table, indexed by enum pcc_netstat: the file, the
 * section and the field name of each.  Adding a counter is adding a row.
 *
 * Every parser is one pass over a bounded buffer that need not be
 * NUL-terminated, with no allocation: these texts come from a kernel we
 * trust, but through files of a container we do not, and fixtures and
 * fuzzers hand over anything.  A line the kernel ends with '\n' and that
 * lacks it was cut short, so its values are not taken.
 */
#include <errno.h>
#include <string.h>

#include "netns.h"

const char *const pcc_pnf_name[PCC_PNF_N] = { "dev", "snmp", "netstat", "sockstat" };

struct pn_def {
	enum pcc_pnf file;
	const char *sect;	/* the line's prefix before ':' */
	const char *key;	/* the field name */
	size_t klen;		/* strlen(key) */
};

#define K(file, sect, key)	{ file, sect, key, sizeof(key) - 1 }

static const struct pn_def defs[PCC_NET_NSTAT] = {
	[PCC_NET_TCP_ACTIVE_OPENS]	= K(PCC_PNF_SNMP, "Tcp", "ActiveOpens"),
	[PCC_NET_TCP_PASSIVE_OPENS]	= K(PCC_PNF_SNMP, "Tcp", "PassiveOpens"),
	[PCC_NET_TCP_ATTEMPT_FAILS]	= K(PCC_PNF_SNMP, "Tcp", "AttemptFails"),
	[PCC_NET_TCP_ESTAB_RESETS]	= K(PCC_PNF_SNMP, "Tcp", "EstabResets"),
	[PCC_NET_TCP_CURR_ESTAB]	= K(PCC_PNF_SNMP, "Tcp", "CurrEstab"),
	[PCC_NET_TCP_IN_SEGS]		= K(PCC_PNF_SNMP, "Tcp", "InSegs"),
	[PCC_NET_TCP_OUT_SEGS]		= K(PCC_PNF_SNMP, "Tcp", "OutSegs"),
	[PCC_NET_TCP_RETRANS_SEGS]	= K(PCC_PNF_SNMP, "Tcp", "RetransSegs"),
	[PCC_NET_TCP_IN_ERRS]		= K(PCC_PNF_SNMP, "Tcp", "InErrs"),
	[PCC_NET_TCP_OUT_RSTS]		= K(PCC_PNF_SNMP, "Tcp", "OutRsts"),
	[PCC_NET_UDP_IN_DATAGRAMS]	= K(PCC_PNF_SNMP, "Udp", "InDatagrams"),
	[PCC_NET_UDP_NO_PORTS]		= K(PCC_PNF_SNMP, "Udp", "NoPorts"),
	[PCC_NET_UDP_IN_ERRORS]		= K(PCC_PNF_SNMP, "Udp", "InErrors"),
	[PCC_NET_UDP_OUT_DATAGRAMS]	= K(PCC_PNF_SNMP, "Udp", "OutDatagrams"),
	[PCC_NET_UDP_RCVBUF_ERRORS]	= K(PCC_PNF_SNMP, "Udp", "RcvbufErrors"),
	[PCC_NET_UDP_SNDBUF_ERRORS]	= K(PCC_PNF_SNMP, "Udp", "SndbufErrors"),
	[PCC_NET_TCP_LISTEN_OVERFLOWS]	= K(PCC_PNF_NETSTAT, "TcpExt", "ListenOverflows"),
	[PCC_NET_TCP_LISTEN_DROPS]	= K(PCC_PNF_NETSTAT, "TcpExt", "ListenDrops"),
	[PCC_NET_TCP_TIMEOUTS]		= K(PCC_PNF_NETSTAT, "TcpExt", "TCPTimeouts"),
	[PCC_NET_TCP_SYN_RETRANS]	= K(PCC_PNF_NETSTAT, "TcpExt", "TCPSynRetrans"),
	[PCC_NET_TCP_ABORT_ON_DATA]	= K(PCC_PNF_NETSTAT, "TcpExt", "TCPAbortOnData"),
	[PCC_NET_SOCK_USED]		= K(PCC_PNF_SOCKSTAT, "sockets", "used"),
	[PCC_NET_SOCK_TCP_INUSE]	= K(PCC_PNF_SOCKSTAT, "TCP", "inuse"),
	[PCC_NET_SOCK_TCP_ORPHAN]	= K(PCC_PNF_SOCKSTAT, "TCP", "orphan"),
	[PCC_NET_SOCK_TCP_TW]		= K(PCC_PNF_SOCKSTAT, "TCP", "tw"),
	[PCC_NET_SOCK_TCP_ALLOC]	= K(PCC_PNF_SOCKSTAT, "TCP", "alloc"),
	[PCC_NET_SOCK_UDP_INUSE]	= K(PCC_PNF_SOCKSTAT, "UDP", "inuse"),
};

uint64_t pcc_procnet_mask(enum pcc_pnf f)
{
	uint64_t m = 0;
	unsigned i;

	for (i = 0; i < PCC_NET_NSTAT; i++)
		if (defs[i].file == f)
			m |= PCC_NETWANT(i);
	return m;
}

/* ------------------------------------------------------------------ tokens */

/* A line: [p, nl) with nl the '\n', or NULL past the end. */
struct pn_line {
	const char *p, *end;	/* the line, without its '\n' */
	bool whole;		/* it ended with '\n' */
};

static bool next_line(const char **pp, const char *end, struct pn_line *l)
{
	const char *nl;

	if (*pp >= end)
		return false;
	nl = memchr(*pp, '\n', (size_t)(end - *pp));
	l->p = *pp;
	l->end = nl ? nl : end;
	l->whole = nl != NULL;
	*pp = nl ? nl + 1 : end;
	return true;
}

/* The next blank-separated token of [*pp, end); false at the end. */
static bool next_tok(const char **pp, const char *end, const char **ret_s, size_t *ret_n)
{
	const char *p = *pp, *s;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return false;
	for (s = p; p < end && *p != ' ' && *p != '\t'; p++)
		;
	*ret_s = s;
	*ret_n = (size_t)(p - s);
	*pp = p;
	return true;
}

/* A whole token of decimal digits as a u64. */
static bool u64_of(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned d;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

static bool tok_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* The section of a line ("Tcp" of "Tcp: ..."); moves *pp past the ':'. */
static bool section_of(const struct pn_line *l, const char **pp, const char **ret_s,
		       size_t *ret_n)
{
	const char *colon = memchr(l->p, ':', (size_t)(l->end - l->p));

	if (colon == NULL || colon == l->p)
		return false;
	*ret_s = l->p;
	*ret_n = (size_t)(colon - l->p);
	*pp = colon + 1;
	return true;
}

/* The wanted counters of file f in section [s, s+n), as stat bits. */
static uint64_t in_section(enum pcc_pnf f, const char *s, size_t n, uint64_t want)
{
	uint64_t m = 0;
	unsigned i;

	for (i = 0; i < PCC_NET_NSTAT; i++)
		if (((want >> i) & 1) && defs[i].file == f && tok_is(s, n, defs[i].sect))
			m |= PCC_NETWANT(i);
	return m;
}

/* The counters to look for in one section: indexes into defs. */
struct pn_cand {
	unsigned n;
	unsigned char idx[PCC_NET_NSTAT];
};

static void cand_of(uint64_t bits, struct pn_cand *c)
{
	unsigned i;

	c->n = 0;
	for (i = 0; i < PCC_NET_NSTAT; i++)
		if ((bits >> i) & 1)
			c->idx[c->n++] = (unsigned char)i;
}

/* Which candidate has field name [k, k+n): its stat, or -1. */
static int field_of(const struct pn_cand *c, const char *k, size_t n)
{
	const struct pn_def *d;
	unsigned j;

	for (j = 0; j < c->n; j++) {
		d = &defs[c->idx[j]];
		if (d->klen == n && memcmp(k, d->key, n) == 0)
			return c->idx[j];
	}
	return -1;
}

/* ------------------------------------------------------------------ counters */

/*
 * One header/value pair of snmp or netstat, walked together.  Values are
 * taken into tmp and stored only if both lines end together: a pair with
 * more names than values (or fewer) is not trusted at all.
 */
static int pair(const struct pn_line *hdr, const char *hp, const struct pn_line *val,
		const char *vp, uint64_t bits, uint64_t *v, uint64_t *have)
{
	uint64_t tmp[PCC_NET_NSTAT], got = 0, x;
	struct pn_cand cand;
	const char *k, *s;
	size_t kn, sn;
	bool more_k, more_v;
	int i, count = 0;

	if (!val->whole)
		return 0;
	cand_of(bits, &cand);
	for (;;) {
		more_k = next_tok(&hp, hdr->end, &k, &kn);
		more_v = next_tok(&vp, val->end, &s, &sn);
		if (!more_k || !more_v)
			break;
		i = field_of(&cand, k, kn);
		if (i >= 0 && u64_of(s, sn, &x)) {
			tmp[i] = x;
			got |= PCC_NETWANT(i);
		}
	}
	if (more_k != more_v)
		return 0;
	for (i = 0; got != 0; i++, got >>= 1) {
		if (got & 1) {
			v[i] = tmp[i];
			*have |= PCC_NETWANT(i);
			count++;
		}
	}
	return count;
}

/* Does [p, end) start with a field name, not a value (a header line, then)? */
static bool names_line(const char *p, const char *end)
{
	const char *s;
	size_t n;

	return next_tok(&p, end, &s, &n) && !(*s == '-' || (*s >= '0' && *s <= '9'));
}

static int parse_pairs(enum pcc_pnf f, const char *p, const char *end, uint64_t want,
		       uint64_t *v, uint64_t *have)
{
	struct pn_line hdr, val;
	const char *hs, *vs, *hp, *vp;
	size_t hn, vn;
	uint64_t cand;
	int count = 0;
	bool pending = false;

	/*
	 * val is read ahead; a line that is not hdr's partner becomes the next
	 * hdr, and is skipped unless it names fields: out of step, a value line
	 * must not pair with the header after it.
	 */
	for (;;) {
		if (pending)
			hdr = val;
		else if (!next_line(&p, end, &hdr))
			break;
		pending = false;
		if (!section_of(&hdr, &hp, &hs, &hn) || !names_line(hp, hdr.end))
			continue;
		if (!next_line(&p, end, &val))
			break;
		if (!section_of(&val, &vp, &vs, &vn) || vn != hn || memcmp(hs, vs, hn) != 0) {
			pending = true;
			continue;
		}
		cand = in_section(f, hs, hn, want);
		if (cand != 0)
			count += pair(&hdr, hp, &val, vp, cand, v, have);
	}
	return count;
}

static int parse_sockstat(const char *p, const char *end, uint64_t want, uint64_t *v,
			  uint64_t *have)
{
	struct pn_line l;
	const char *sect, *lp, *k, *s;
	struct pn_cand cand;
	size_t sn, kn, n;
	uint64_t bits, x;
	int i, count = 0;

	while (next_line(&p, end, &l)) {
		if (!l.whole || !section_of(&l, &lp, &sect, &sn))
			continue;
		bits = in_section(PCC_PNF_SOCKSTAT, sect, sn, want);
		if (bits == 0)
			continue;
		cand_of(bits, &cand);
		while (next_tok(&lp, l.end, &k, &kn) && next_tok(&lp, l.end, &s, &n)) {
			i = field_of(&cand, k, kn);
			if (i < 0 || !u64_of(s, n, &x))
				continue;
			v[i] = x;
			*have |= PCC_NETWANT(i);
			count++;
		}
	}
	return count;
}

int pcc_procnet_parse(enum pcc_pnf f, const char *buf, size_t len, uint64_t want,
		      uint64_t *v, uint64_t *have)
{
	if (buf == NULL || v == NULL || have == NULL)
		return -EINVAL;
	switch (f) {
	case PCC_PNF_SNMP:
	case PCC_PNF_NETSTAT:
		return parse_pairs(f, buf, buf + len, want, v, have);
	case PCC_PNF_SOCKSTAT:
		return parse_sockstat(buf, buf + len, want, v, have);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ dev */

/*
 * Where each of the 16 columns of a /proc/net/dev line goes (offsets into
 * struct pcc_ifstats): rx bytes packets errs drop fifo frame compressed
 * multicast, tx bytes packets errs drop fifo colls carrier compressed.
 */
#define ST(field)	offsetof(struct pcc_ifstats, field) / sizeof(uint64_t)
static const unsigned char dev_col[16] = {
	ST(rx_bytes), ST(rx_packets), ST(rx_errors), ST(rx_dropped),
	ST(rx_fifo_errors), ST(rx_frame_errors), ST(rx_compressed), ST(multicast),
	ST(tx_bytes), ST(tx_packets), ST(tx_errors), ST(tx_dropped),
	ST(tx_fifo_errors), ST(collisions), ST(tx_carrier_errors), ST(tx_compressed),
};
#undef ST

int pcc_procnet_dev(const char *buf, size_t len, pcc_procnet_dev_fn fn, void *arg)
{
	const char *p = buf, *end, *lp, *name, *s;
	struct pcc_ifstats st;
	uint64_t *col = (uint64_t *)&st;
	struct pn_line l;
	size_t namelen, n;
	unsigned c;
	int rc, count = 0;

	if (buf == NULL || fn == NULL)
		return -EINVAL;
	end = buf + len;
	while (next_line(&p, end, &l)) {
		if (!l.whole || !section_of(&l, &lp, &name, &namelen))
			continue;
		while (namelen > 0 && (*name == ' ' || *name == '\t')) {
			name++;
			namelen--;
		}
		if (namelen == 0 || memchr(name, ' ', namelen) != NULL)
			continue;
		memset(&st, 0, sizeof(st));
		for (c = 0; c < 16 && next_tok(&lp, l.end, &s, &n); c++)
			if (!u64_of(s, n, &col[dev_col[c]]))
				break;
		if (c < 16 || next_tok(&lp, l.end, &s, &n))
			continue;
		rc = fn(name, namelen, &st, arg);
		if (rc < 0)
			return rc;
		count++;
	}
	return count;
}
