/*
 * test_netns.c - readings of network namespaces on the running kernel:
 * interfaces, names and host peers, counters against the kernel's own
 * /proc/net/dev read just before and just after (each of ours between the
 * two), protocol counters against traffic this test makes, host and shared
 * namespaces, renames and new interfaces, and the /proc/PID/net/dev reading
 * when the fd budget allows no socket.  The namespaces are netns_fx.h's;
 * lifecycles (processes that go, fd counts) are test_netns_life.c's.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <netlink/socket.h>

#include "netns.h"
#include "netns_fx.h"

#define NUDP	40	/* datagrams from a to b, where nobody listens */
#define NTCP	5	/* connections over lo in a, held open while it is read */

/* The interface of r named name (sanitized), or NULL. */
static const struct pcc_netif *find_if(const struct pcc_netns_reading *r, const char *name)
{
	for (size_t i = 0; i < r->nif; i++)
		if (strcmp(r->ifs[i].name, name) == 0)
			return &r->ifs[i];
	return NULL;
}

/* A new round, then m's reading of want. */
static const struct pcc_netns_reading *read_now(struct pcc_netns_table *t,
						struct pcc_netns_member *m, uint64_t want,
						int *ret_flags)
{
	const struct pcc_netns_reading *r = NULL;

	ck_assert_int_ge(pcc_netns_table_refresh(t), 0);
	*ret_flags = pcc_netns_read(m, want, &r);
	ck_assert_int_ge(*ret_flags, 0);
	ck_assert_ptr_nonnull(r);
	return r;
}

static struct pcc_netns_table *table(struct pcc_fdbudget *budget)
{
	static int root = -1;	/* one for the process, so fd counts hold across tables */
	struct pcc_netns_table *t = NULL;

	if (root < 0)
		root = pcc_sysroot_open("/");
	ck_assert_int_ge(root, 0);
	ck_assert_int_eq(pcc_netns_table_new(root, budget, &t), 0);
	return t;
}

START_TEST(interfaces_and_peers)
{
	const struct pcc_netns_reading *r;
	const struct pcc_netif *ifp;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	struct stat self0, self1;
	pid_t pid;
	int flags;

	FX_SKIP_UNLESS_READY();
	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &self0), 0);
	pid = fx_spawn(ns_a, NULL);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	/* the caller never moved, and the entering thread is gone */
	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &self1), 0);
	ck_assert_uint_eq(self1.st_ino, self0.st_ino);
	ck_assert_uint_eq(fx_threads(), 1);

	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_int_eq(flags, 0);
	ck_assert_int_eq(r->flags, 0);
	ck_assert_uint_eq(r->members, 1);
	ck_assert_uint_eq(r->ns_ino, fx_ns_ino(ns_a));
	ck_assert_uint_eq(r->nif, 5);
	for (size_t i = 0; i < r->nif; i++)
		ck_assert_uint_gt(r->ifs[i].ifindex, 0);
	ck_assert_ptr_nonnull(find_if(r, "lo"));
	ck_assert_ptr_nonnull(find_if(r, "pcu-q2"));
	ck_assert_ptr_nonnull(find_if(r, "pcu\\x22q"));	/* pcu"q, sanitized */
	/* the host's end of pcu-h, by the host's name and ifindex */
	ifp = find_if(r, "pcu-h");
	ck_assert_ptr_nonnull(ifp);
	ck_assert_str_eq(ifp->peer, host_veth);
	ck_assert_uint_eq(ifp->peer_ifindex, if_nametoindex(host_veth));
	/* pcu-ab's peer is in b, not the host; pcu"q's is beside it */
	ifp = find_if(r, "pcu-ab");
	ck_assert_ptr_nonnull(ifp);
	ck_assert_uint_eq(ifp->peer_ifindex, 0);
	ck_assert_str_eq(ifp->peer, "");
	ck_assert_uint_eq(find_if(r, "pcu\\x22q")->peer_ifindex, 0);
	ck_assert_str_eq(find_if(r, "lo")->peer, "");
	ck_assert_uint_eq(r->have, 0);

	pcc_netns_detach(m);
	pcc_netns_table_free(t);
	fx_reap(pid);
}
END_TEST

/* ------------------------------------------------------------------ counters */

struct devrow {
	char name[PCC_IFNAME_MAX + 1];	/* sanitized, to match ours */
	unsigned long long c[16];
};

/* The kernel's /proc/net/dev as a process in ns sees it (ip netns exec ... cat). */
static int devread(const char *ns, struct devrow *rows, int max)
{
	char cmd[128], line[512], raw[64];
	struct devrow *d;
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip netns exec %s cat /proc/net/dev", ns);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		d = &rows[n];
		if (sscanf(line, "%63s", raw) != 1 ||
		    sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &d->c[0], &d->c[1], &d->c[2], &d->c[3], &d->c[4], &d->c[5],
			   &d->c[6], &d->c[7], &d->c[8], &d->c[9], &d->c[10], &d->c[11],
			   &d->c[12], &d->c[13], &d->c[14], &d->c[15]) != 16)
			continue;
		pcc_name_sanitize(raw, strlen(raw), d->name, sizeof(d->name));
		n++;
	}
	ck_assert_int_eq(pclose(f), 0);
	return n;
}

/* Our counters of ifp, folded as /proc/net/dev shows them. */
static void columns(const struct pcc_ifstats *s, unsigned long long c[16])
{
	c[0] = s->rx_bytes;
	c[1] = s->rx_packets;
	c[2] = s->rx_errors;
	c[3] = s->rx_dropped + s->rx_missed_errors;
	c[4] = s->rx_fifo_errors;
	c[5] = s->rx_length_errors + s->rx_over_errors + s->rx_crc_errors + s->rx_frame_errors;
	c[6] = s->rx_compressed;
	c[7] = s->multicast;
	c[8] = s->tx_bytes;
	c[9] = s->tx_packets;
	c[10] = s->tx_errors;
	c[11] = s->tx_dropped;
	c[12] = s->tx_fifo_errors;
	c[13] = s->collisions;
	c[14] = s->tx_carrier_errors + s->tx_aborted_errors + s->tx_window_errors +
		s->tx_heartbeat_errors;
	c[15] = s->tx_compressed;
}

static const struct devrow *row(const struct devrow *rows, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/* Every counter of every interface of r lies between before and after. */
static void bracketed(const struct pcc_netns_reading *r, const struct devrow *b, int nb,
		      const struct devrow *a, int na)
{
	unsigned long long c[16];
	const struct devrow *rb, *ra;

	ck_assert_int_eq(nb, (int)r->nif);
	ck_assert_int_eq(na, (int)r->nif);
	for (size_t i = 0; i < r->nif; i++) {
		rb = row(b, nb, r->ifs[i].name);
		ra = row(a, na, r->ifs[i].name);
		ck_assert_msg(rb && ra, "%s is not in /proc/net/dev", r->ifs[i].name);
		columns(&r->ifs[i].st, c);
		for (int k = 0; k < 16; k++)
			ck_assert_msg(rb->c[k] <= c[k] && c[k] <= ra->c[k],
				      "%s column %d: %llu not in [%llu, %llu]",
				      r->ifs[i].name, k, c[k], rb->c[k], ra->c[k]);
	}
}

/* In a: NUDP datagrams to b, NTCP connections over lo, held open. */
static void traffic(int ready)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in lo = { .sin_family = AF_INET };
	socklen_t len = sizeof(lo);
	int u, l, c;

	inet_pton(AF_INET, ADDR_B, &to.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &lo.sin_addr);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	for (int i = 0; i < NUDP; i++)
		if (sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
			_exit(10);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(l, (struct sockaddr *)&lo, sizeof(lo)) < 0 || listen(l, NTCP) < 0 ||
	    getsockname(l, (struct sockaddr *)&lo, &len) < 0)
		_exit(11);
	for (int i = 0; i < NTCP; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&lo, sizeof(lo)) < 0 || accept(l, NULL, NULL) < 0)
			_exit(12);
	}
	usleep(200 * 1000);	/* b has had the datagrams */
	if (write(ready, "r", 1) != 1)
		_exit(13);
}

START_TEST(counters_bracketed)
{
	struct devrow before[16], after[16];
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *ma, *mb;
	struct pcc_netns_table *t;
	pid_t pa, pb;
	int nb, na, flags;

	FX_SKIP_UNLESS_READY();
	pa = fx_spawn(ns_a, traffic);
	pb = fx_spawn(ns_b, NULL);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pa, &ma), 0);
	ck_assert_int_eq(pcc_netns_attach(t, pb, &mb), 0);
	pcc_netns_read(ma, PCC_NETWANT_IFACES, &r);	/* names learnt: not timed below */

	nb = devread(ns_a, before, 16);
	r = read_now(t, ma, PCC_NETWANT_ALL, &flags);
	na = devread(ns_a, after, 16);
	bracketed(r, before, nb, after, na);
	ck_assert_uint_ge(find_if(r, "pcu-ab")->st.tx_packets, NUDP);
	ck_assert_uint_ge(find_if(r, "lo")->st.rx_packets, 3 * NTCP);	/* handshakes */

	/* a new namespace: its counters are this test's traffic exactly */
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	ck_assert_uint_eq(r->v[PCC_NET_TCP_ACTIVE_OPENS], NTCP);
	ck_assert_uint_eq(r->v[PCC_NET_TCP_PASSIVE_OPENS], NTCP);
	ck_assert_uint_eq(r->v[PCC_NET_TCP_CURR_ESTAB], 2 * NTCP);
	ck_assert_uint_eq(r->v[PCC_NET_TCP_ATTEMPT_FAILS], 0);
	ck_assert_uint_eq(r->v[PCC_NET_UDP_OUT_DATAGRAMS], NUDP);
	ck_assert_uint_eq(r->v[PCC_NET_SOCK_TCP_INUSE], 2 * NTCP + 1);
	ck_assert_uint_eq(r->v[PCC_NET_SOCK_UDP_INUSE], 1);

	/* b got them, and nobody was listening */
	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_uint_eq(r->v[PCC_NET_UDP_NO_PORTS], NUDP);
	ck_assert_uint_eq(r->v[PCC_NET_UDP_IN_DATAGRAMS], 0);
	ck_assert_uint_eq(r->v[PCC_NET_TCP_ACTIVE_OPENS], 0);
	ck_assert_uint_ge(find_if(r, "pcu-ba")->st.rx_packets, NUDP);

	/* a second read in the round costs nothing and sees the same */
	ck_assert_int_eq(pcc_netns_read(mb, PCC_NETWANT_ALL, &r), flags);

	pcc_netns_table_free(t);	/* frees the members too */
	fx_reap(pa);
	fx_reap(pb);
}
END_TEST

/*
 * A reading of the first counters only: those bracketed by /proc/net/dev,
 * st_len says so, and the rest keep what the last full reading had; a full
 * read later in the same round reads again, all of it.
 */
START_TEST(base_counters)
{
	unsigned long long base[16], full[16];
	struct devrow before[16], after[16];
	const struct pcc_netns_reading *r;
	const struct pcc_netif *ifp;
	struct pcc_netns_member *ma;
	struct pcc_netns_table *t;
	struct pcc_ifstats last;
	int nb, na, flags;
	pid_t pa;

	FX_SKIP_UNLESS_READY();
	pa = fx_spawn(ns_a, traffic);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pa, &ma), 0);
	r = read_now(t, ma, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->st_len, sizeof(struct pcc_ifstats));
	ck_assert_ptr_nonnull(ifp = find_if(r, "pcu-ab"));
	last = ifp->st;

	nb = devread(ns_a, before, 16);
	r = read_now(t, ma, PCC_NETWANT_IFBASE, &flags);
	na = devread(ns_a, after, 16);
	ck_assert_uint_eq(r->st_len, PCC_IFSTATS_BASE);
	ck_assert_int_eq(nb, (int)r->nif);
	for (size_t i = 0; i < r->nif; i++) {
		const struct devrow *rb = row(before, nb, r->ifs[i].name);
		const struct devrow *ra = row(after, na, r->ifs[i].name);

		ck_assert(rb && ra);
		columns(&r->ifs[i].st, base);
		for (int k = 0; k < 16; k += 8) {	/* bytes, packets; rx then tx */
			ck_assert(rb->c[k] <= base[k] && base[k] <= ra->c[k]);
			ck_assert(rb->c[k + 1] <= base[k + 1] && base[k + 1] <= ra->c[k + 1]);
		}
	}
	ck_assert_ptr_nonnull(ifp = find_if(r, "pcu-ab"));
	ck_assert_uint_ge(ifp->st.tx_packets, NUDP);
	ck_assert_mem_eq((const char *)&ifp->st + PCC_IFSTATS_BASE,
			 (const char *)&last + PCC_IFSTATS_BASE, sizeof(last) - PCC_IFSTATS_BASE);

	/* IFACES after IFBASE in one round: read again, in full */
	ck_assert_int_eq(pcc_netns_read(ma, PCC_NETWANT_IFACES, &r), flags);
	ck_assert_uint_eq(r->st_len, sizeof(struct pcc_ifstats));
	nb = devread(ns_a, after, 16);
	bracketed(r, before, nb, after, nb);
	columns(&find_if(r, "pcu-ab")->st, full);
	ck_assert_uint_ge(full[9], NUDP);

	pcc_netns_table_free(t);
	fx_reap(pa);
}
END_TEST

/* ------------------------------------------------------------------ sharing */

START_TEST(host_member)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m, *self;
	struct pcc_netns_table *t;
	unsigned fds;
	pid_t pid;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(NULL, NULL);
	t = table(NULL);
	fds = fx_fds();
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), PCC_NETNS_HOST);
	ck_assert_int_eq(pcc_netns_attach(t, getpid(), &self), PCC_NETNS_HOST);
	ck_assert_uint_eq(fx_fds(), fds);		/* no socket for the host */
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(pcc_netns_read(m, PCC_NETWANT_ALL, &r), PCC_NETNS_HOST);
	ck_assert_uint_eq(r->flags, PCC_NETNS_HOST);
	ck_assert_uint_eq(r->nif, 0);
	ck_assert_ptr_null(r->ifs);
	ck_assert_uint_eq(r->have, 0);
	/* a host member that goes is gone too */
	fx_reap(pid);
	ck_assert_int_eq(pcc_netns_read(m, PCC_NETWANT_ALL, &r), PCC_NETNS_HOST);	/* checked already */
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(pcc_netns_read(m, PCC_NETWANT_ALL, &r), -ENOENT);
	pcc_netns_detach(m);
	pcc_netns_detach(self);
	pcc_netns_table_free(t);
}
END_TEST

START_TEST(shared_namespace)
{
	const struct pcc_netns_reading *r1, *r2;
	struct pcc_netns_member *m1, *m2;
	struct pcc_netns_table *t;
	unsigned fds, fds0, fds1;
	pid_t p1, p2;
	int flags;

	FX_SKIP_UNLESS_READY();
	p1 = fx_spawn(ns_a, NULL);
	p2 = fx_spawn(ns_a, NULL);
	fds = fx_fds();
	t = table(NULL);
	fds0 = fx_fds();
	ck_assert_int_eq(pcc_netns_attach(t, p1, &m1), 0);
	fds1 = fx_fds();
	ck_assert_uint_eq(fds1, fds0 + 1);		/* its socket */
	ck_assert_int_eq(pcc_netns_attach(t, p2, &m2), PCC_NETNS_SHARED);
	ck_assert_uint_eq(fx_fds(), fds1);		/* the same socket */
	r1 = read_now(t, m1, PCC_NETWANT_IFACES, &flags);
	ck_assert_int_eq(flags, PCC_NETNS_SHARED);
	ck_assert_int_eq(pcc_netns_read(m2, PCC_NETWANT_IFACES, &r2), PCC_NETNS_SHARED);
	ck_assert_ptr_eq(r1, r2);			/* one reading */
	ck_assert_uint_eq(r1->members, 2);
	ck_assert_uint_eq(r1->nif, 5);
	pcc_netns_detach(m2);
	r1 = read_now(t, m1, PCC_NETWANT_IFACES, &flags);
	ck_assert_int_eq(flags, 0);
	ck_assert_uint_eq(r1->members, 1);
	pcc_netns_detach(m1);
	/* the host socket (made to name pcu-h's peer) stays with the table */
	ck_assert_uint_eq(fx_fds(), fds0 + 1);
	pcc_netns_table_free(t);
	ck_assert_uint_le(fx_fds(), fds + 1);		/* + the sysroot fd, once */
	fx_reap(p1);
	fx_reap(p2);
}
END_TEST

/* ------------------------------------------------------------------ names */

START_TEST(renamed_and_added_interfaces)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	int flags, rounds;
	uint32_t seq;
	pid_t pid;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(ns_a, NULL);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_ptr_nonnull(find_if(r, "pcu-q2"));

	/*
	 * a rename keeps the ifindex set: the kernel's notification of it
	 * (RTNLGRP_LINK) has the names learnt again at the next read
	 */
	ck_assert_int_eq(sh("ip -n %s link set pcu-q2 name pcu-q3", ns_a), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_ptr_nonnull(find_if(r, "pcu-q3"));
	ck_assert_ptr_null(find_if(r, "pcu-q2"));
	/*
	 * and without a change, reads do not learn them again, and take one
	 * conversation: the known interfaces' read (pcc_nl_stats_known), no
	 * second dump the general way
	 */
	ck_assert(t->ns[0]->watched);
	rounds = (int)t->ns[0]->relearn;
	seq = t->nl.seq;
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_int_eq((int)t->ns[0]->relearn, rounds - 1);
	ck_assert_uint_eq(t->nl.seq, seq + 1);
	ck_assert_ptr_nonnull(find_if(r, "pcu-q3"));
	sh("ip -n %s link set pcu-q3 name pcu-q2", ns_a);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_ptr_nonnull(find_if(r, "pcu-q2"));

	/* a new interface changes the set: named at once */
	ck_assert_int_eq(sh("ip -n %s link add name pcu-n1 type veth peer name pcu-n2", ns_a), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	sh("ip -n %s link del pcu-n1", ns_a);
	ck_assert_uint_eq(r->nif, 7);
	ck_assert_ptr_nonnull(find_if(r, "pcu-n1"));
	ck_assert_ptr_nonnull(find_if(r, "pcu-n2"));
	ck_assert_uint_eq(find_if(r, "pcu-n1")->peer_ifindex, 0);
	/* and gone at once */
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	ck_assert_ptr_null(find_if(r, "pcu-n1"));
	ck_assert_str_eq(find_if(r, "pcu-h")->peer, host_veth);	/* kept across */

	pcc_netns_detach(m);
	pcc_netns_table_free(t);
	fx_reap(pid);
}
END_TEST

/*
 * More link changes between two reads than the socket's queue holds: the
 * kernel drops notifications (-ENOBUFS), and may refuse the dump for want
 * of room; the read still gets every interface, named.
 */
START_TEST(notification_flood)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	char batch[] = "/tmp/pcc-unit-flood-XXXXXX";
	FILE *f;
	int flags, fd, i;
	pid_t pid;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(ns_a, NULL);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	fd = mkstemp(batch);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	for (i = 0; i < 60; i++)
		fprintf(f, "link add name pcu-f%d type veth peer name pcu-g%d\n", i, i);
	fclose(f);
	ck_assert_int_eq(sh("ip -n %s -batch %s", ns_a, batch), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 125);
	ck_assert_ptr_nonnull(find_if(r, "pcu-f59"));
	ck_assert_ptr_nonnull(find_if(r, "pcu-g0"));
	f = fopen(batch, "w");
	for (i = 0; i < 60; i++)
		fprintf(f, "link del pcu-f%d\n", i);
	fclose(f);
	ck_assert_int_eq(sh("ip -n %s -batch %s", ns_a, batch), 0);
	unlink(batch);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	ck_assert_ptr_nonnull(find_if(r, "pcu-q2"));
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	pcc_netns_detach(m);
	pcc_netns_table_free(t);
	fx_reap(pid);
}
END_TEST

/* ------------------------------------------------------------------ budget */

START_TEST(budget_spent_reads_procfs)
{
	struct pcc_fdbudget b = { .max = 1, .held = 0 };
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *ma, *mb;
	struct pcc_netns_table *t;
	uint64_t gen;
	pid_t pa, pb;
	int flags;

	FX_SKIP_UNLESS_READY();
	pa = fx_spawn(ns_a, NULL);
	pb = fx_spawn(ns_b, NULL);
	t = table(&b);
	ck_assert_int_eq(pcc_netns_attach(t, pa, &ma), 0);
	ck_assert_uint_eq(b.held, 1);
	ck_assert_int_eq(pcc_netns_attach(t, pb, &mb), PCC_NETNS_PROCFS);
	ck_assert_uint_eq(b.held, 1);

	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_int_eq(flags, PCC_NETNS_PROCFS);
	ck_assert_uint_eq(r->nif, 2);
	ck_assert_ptr_nonnull(find_if(r, "lo"));
	ck_assert_ptr_nonnull(find_if(r, "pcu-ba"));
	ck_assert_uint_eq(find_if(r, "pcu-ba")->ifindex, 0);
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	ck_assert_uint_eq(b.held, 1);			/* nothing kept: no room */
	/* the same list read again: the same names generation */
	gen = r->names_gen;
	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_int_eq(flags, PCC_NETNS_PROCFS);
	ck_assert_uint_eq(r->names_gen, gen);

	/* room again: the namespace gets its socket (its dev file is no use
	 * then), the counter files read are kept, and read again through them */
	pcc_netns_detach(ma);
	ck_assert_uint_eq(b.held, 0);
	b.max = 16;
	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_int_eq(flags, 0);
	ck_assert_uint_gt(find_if(r, "pcu-ba")->ifindex, 0);
	ck_assert_uint_ne(r->names_gen, gen);
	ck_assert_uint_eq(b.held, PCC_PNF_N);		/* the socket, 3 counter files */
	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_uint_eq(r->nif, 2);
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	ck_assert_uint_eq(b.held, PCC_PNF_N);
	pcc_netns_detach(mb);
	ck_assert_uint_eq(b.held, 0);

	/* with a socket: the socket, the three counter files, and now that there
	 * is room, the exit watch (the epoll set and mb's pidfd) */
	fx_reap(pb);
	pb = fx_spawn(ns_b, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pb, &mb), 0);
	r = read_now(t, mb, PCC_NETWANT_ALL, &flags);
	ck_assert_int_eq(mb->pidfd >= 0, fx_have_pidfd());
	ck_assert_uint_eq(b.held, 5 + fx_have_pidfd());
	ck_assert_uint_eq(r->nif, 2);
	ck_assert_uint_gt(find_if(r, "pcu-ba")->ifindex, 0);
	pcc_netns_table_free(t);
	ck_assert_uint_eq(b.held, 0);
	fx_reap(pa);
	fx_reap(pb);
}
END_TEST

/* Drop CAP_SYS_ADMIN from this process's effective set; 0 or -errno. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/*
 * Without CAP_SYS_ADMIN no namespace can be entered: the reading comes
 * from /proc/PID/net/dev.  In a child, so the test process keeps its
 * privileges; the child says what went wrong through its exit status.
 */
START_TEST(no_privilege_reads_procfs)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	int status, flags;
	pid_t pid, kid;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(ns_b, NULL);
	t = table(NULL);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		if (drop_sys_admin() < 0)
			_exit(10);
		if (pcc_netns_attach(t, pid, &m) != PCC_NETNS_PROCFS)
			_exit(11);
		if (pcc_netns_table_refresh(t) < 0 ||
		    (flags = pcc_netns_read(m, PCC_NETWANT_ALL, &r)) != PCC_NETNS_PROCFS)
			_exit(12);
		if (r->nif != 2 || find_if(r, "pcu-ba") == NULL || find_if(r, "lo") == NULL)
			_exit(13);
		if (r->have != PCC_NETWANT_COUNTERS)
			_exit(14);
		pcc_netns_table_free(t);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(kid, &status, 0), kid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child failed with status %d", WEXITSTATUS(status));
	pcc_netns_table_free(t);
	fx_reap(pid);
}
END_TEST

/*
 * A socket receives with 4 KiB until a datagram does not fit; then the
 * conversation is done again with 32 KiB, kept for the socket.  Forced
 * here with 256 bytes: the dump of ns_a's five interfaces is ~1.1 KiB.
 */
START_TEST(small_receive_grows)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	struct pcc_nlsk *sk;
	pid_t pid;
	int flags;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(ns_a, NULL);
	t = table(NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	sk = &t->ns[0]->sk;
	ck_assert_uint_eq(sk->len, 4u << 10);	/* the default */
	sk->len = 256;
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	ck_assert_ptr_nonnull(find_if(r, "lo"));
	ck_assert_uint_eq(sk->len, 32u << 10);
	r = read_now(t, m, PCC_NETWANT_IFACES, &flags);
	ck_assert_uint_eq(r->nif, 5);
	pcc_netns_detach(m);
	pcc_netns_table_free(t);
	fx_reap(pid);
}
END_TEST

static bool cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

START_TEST(every_fd_cloexec)
{
	struct pcc_fdbudget b = { .max = 16, .held = 0 };
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	struct pcc_ns *ns;
	pid_t pid;
	int flags;

	FX_SKIP_UNLESS_READY();
	pid = fx_spawn(ns_a, NULL);
	t = table(&b);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	r = read_now(t, m, PCC_NETWANT_ALL, &flags);
	ck_assert_ptr_nonnull(find_if(r, "pcu-h"));
	ns = t->ns[0];
	ck_assert(cloexec(t->host_fd));
	ck_assert_ptr_nonnull(t->host_sk.sk);
	ck_assert_int_eq(t->host_sk.fd, nl_socket_get_fd(t->host_sk.sk));
	ck_assert(cloexec(t->host_sk.fd));
	ck_assert(cloexec(ns->sk.fd));
	for (unsigned f = PCC_PNF_SNMP; f < PCC_PNF_N; f++) {
		ck_assert_int_ge(ns->fd[f], 0);
		ck_assert(cloexec(ns->fd[f]));
	}
	ck_assert_int_ge(t->epfd, 0);
	ck_assert(cloexec(t->epfd));
	ck_assert_int_eq(m->pidfd >= 0, fx_have_pidfd());
	ck_assert(m->pidfd < 0 || cloexec(m->pidfd));
	/* socket, 3 files, host socket, epoll set, pidfd */
	ck_assert_uint_eq(b.held, 6 + fx_have_pidfd());
	pcc_netns_table_free(t);
	ck_assert_uint_eq(b.held, 0);
	fx_reap(pid);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("netns");
	TCase *tc = tcase_create("kernel");

	tcase_add_unchecked_fixture(tc, fx_setup, fx_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, interfaces_and_peers);
	tcase_add_test(tc, counters_bracketed);
	tcase_add_test(tc, base_counters);
	tcase_add_test(tc, host_member);
	tcase_add_test(tc, shared_namespace);
	tcase_add_test(tc, renamed_and_added_interfaces);
	tcase_add_test(tc, notification_flood);
	tcase_add_test(tc, budget_spent_reads_procfs);
	tcase_add_test(tc, every_fd_cloexec);
	tcase_add_test(tc, small_receive_grows);
	tcase_add_test(tc, no_privilege_reads_procfs);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
