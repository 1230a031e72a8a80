/*
 * netns_cost.c - what reading a container's network costs per namespace,
 * at N namespaces: the library's reading (one RTM_GETSTATS dump on a kept
 * socket) against reading /proc/PID/net/dev, and against the libnl ways of
 * doing the dump that the library chose not to use.
 *
 *   netns_cost [N...]          (root; default: 10 100)
 *   NETNS_COST_PAIRS=k netns_cost ...   k more veth pairs inside each namespace
 *
 * For each N it makes namespaces pcc-bench-<pid>-<run>-<i>, each shaped like a
 * container's (lo, and eth0 whose veth peer pcb<pid>-<run>-<i> is in the host;
 * no addresses, no traffic), and a process in each.  Then, per namespace
 * and fetch, in microseconds of wall time (all of it system calls on this
 * thread):
 *   attach      pcc_netns_attach of a new namespace (thread, setns, socket)
 *   read        pcc_netns_read of the interfaces after a refresh: the
 *               liveness check (fstatat) plus the dump, steady state
 *   dump        the dump alone (nl_send + own recvmsg loop), as the library does it
 *   recvmsgs    the same request received with libnl's nl_recvmsgs and a
 *               parse callback (peek, malloc and copy per message)
 *   cache       nl_cache_refill of a libnl rtnl_link cache (RTM_GETLINK)
 *   getlink     one RTM_GETLINK dump without counters (names only)
 *   dev open    open, read and close /proc/PID/net/dev
 *   dev pread   pread of /proc/PID/net/dev on a kept fd
 *   proto       snmp, netstat and sockstat through the library, fds kept
 * Everything it made is removed at the end, and on SIGINT/SIGTERM.
 * Prints numbers; asserts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "netns.h"

#define MAXNS	1000
#define READS	20000	/* namespace reads per measurement */

static int nns, run, pairs;	/* run: names differ from one N to the next (deletion is lazy) */
static pid_t kids[MAXNS];
static char names[MAXNS][40];

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int sh(const char *cmd)
{
	char full[300];
	int rc;

	snprintf(full, sizeof(full), "%s >/dev/null 2>&1", cmd);
	rc = system(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void cleanup(void)
{
	char cmd[96];

	for (int i = 0; i < nns; i++) {
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
			kids[i] = 0;
		}
		snprintf(cmd, sizeof(cmd), "ip netns del %s", names[i]);
		sh(cmd);	/* takes the veth pair with it */
	}
	nns = 0;
}

static void on_signal(int sig)
{
	cleanup();
	_exit(128 + sig);
}

/* Namespace i: lo, eth0 (peer in the host), and a process in it. */
static int make_ns(int i)
{
	char cmd[200], path[80];
	pid_t parent = getpid();
	int p[2], fd;
	char c;

	snprintf(names[i], sizeof(names[i]), "pcc-bench-%d-%d-%d", (int)parent, run, i);
	nns = i + 1;
	snprintf(cmd, sizeof(cmd), "ip netns add %.39s", names[i]);
	if (sh(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "ip -n %.39s link set lo up", names[i]);
	sh(cmd);
	snprintf(cmd, sizeof(cmd), "ip link add name pcb%d-%d-%d type veth peer name eth0 netns %.39s",
		 (int)parent % 10000, run % 10, i, names[i]);
	if (sh(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "ip -n %.39s link set eth0 up", names[i]);
	sh(cmd);
	for (int k = 0; k < pairs; k++) {
		snprintf(cmd, sizeof(cmd), "ip -n %.39s link add name vx%d type veth peer name vy%d",
			 names[i], k, k);
		if (sh(cmd) != 0)
			return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	kids[i] = fork();
	if (kids[i] == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(path, sizeof(path), "/run/netns/%.39s", names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (getppid() != parent || fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	fd = read(p[0], &c, 1) == 1 ? 0 : -1;
	close(p[0]);
	return fd;
}

static int count_cb(uint32_t ifindex, const void *st64, size_t len, void *arg)
{
	struct pcc_ifstats st;

	(void)ifindex;
	pcc_ifstats_load(&st, st64, len, sizeof(st));
	(*(unsigned long *)arg) += st.rx_packets + 1;
	return 0;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (nlmsg_find_attr(h, sizeof(struct if_stats_msg), IFLA_STATS_LINK_64) != NULL)
		(*(unsigned long *)arg)++;
	return NL_OK;
}

static int link_cb(const struct pcc_nllink *l, void *arg)
{
	(*(unsigned long *)arg) += l->ifindex;
	return 0;
}

static void bench(int n, int rootfd)
{
	struct pcc_fdbudget budget = { .max = 100000, .held = 0 };
	struct pcc_netns_member *m[MAXNS];
	struct nl_cache *cache[MAXNS];
	const struct pcc_netns_reading *r;
	struct pcc_netns_table *t;
	struct if_stats_msg ifsm;
	struct pcc_nlbuf nb;
	int rounds = READS / n, devfd[MAXNS], fd;
	unsigned long sink = 0;
	char path[64], *buf = NULL;
	size_t cap = 0;
	double t0, attach, rd, dump, recvmsgs, refill, getlink, devopen, devpread, proto;

	run++;
	for (int i = 0; i < n; i++) {
		if (make_ns(i) < 0) {
			fprintf(stderr, "netns_cost: cannot make namespace %d\n", i);
			cleanup();
			return;
		}
	}
	if (pcc_netns_table_new(rootfd, &budget, &t) < 0) {
		cleanup();
		return;
	}

	t0 = now_us();
	for (int i = 0; i < n; i++)
		if (pcc_netns_attach(t, kids[i], &m[i]) != 0)
			fprintf(stderr, "netns_cost: attach %d failed\n", i);
	attach = (now_us() - t0) / n;
	for (int i = 0; i < n; i++)		/* names and peers learnt */
		pcc_netns_read(m[i], PCC_NETWANT_IFACES, &r);

	t0 = now_us();
	for (int k = 0; k < rounds; k++) {
		pcc_netns_table_refresh(t);
		for (int i = 0; i < n; i++)
			if (pcc_netns_read(m[i], PCC_NETWANT_IFACES, &r) >= 0)
				sink += r->nif;
	}
	rd = (now_us() - t0) / rounds / n;

	memset(&nb, 0, sizeof(nb));
	t0 = now_us();
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < n; i++)
			pcc_nl_stats(&t->ns[i]->sk, &nb, count_cb, &sink);
	dump = (now_us() - t0) / rounds / n;

	memset(&ifsm, 0, sizeof(ifsm));
	ifsm.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	for (int i = 0; i < n; i++) {
		nl_socket_disable_auto_ack(t->ns[i]->sk.sk);
		nl_socket_modify_cb(t->ns[i]->sk.sk, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &sink);
	}
	t0 = now_us();
	for (int k = 0; k < rounds; k++) {
		for (int i = 0; i < n; i++) {
			nl_send_simple(t->ns[i]->sk.sk, RTM_GETSTATS, NLM_F_DUMP, &ifsm, sizeof(ifsm));
			nl_recvmsgs_default(t->ns[i]->sk.sk);
		}
	}
	recvmsgs = (now_us() - t0) / rounds / n;

	for (int i = 0; i < n; i++)
		rtnl_link_alloc_cache(t->ns[i]->sk.sk, AF_UNSPEC, &cache[i]);
	t0 = now_us();
	for (int k = 0; k < rounds / 4; k++)
		for (int i = 0; i < n; i++)
			nl_cache_refill(t->ns[i]->sk.sk, cache[i]);
	refill = (now_us() - t0) / (rounds / 4) / n;
	for (int i = 0; i < n; i++)
		nl_cache_free(cache[i]);

	t0 = now_us();
	for (int k = 0; k < rounds / 4; k++)
		for (int i = 0; i < n; i++)
			pcc_nl_links(&t->ns[i]->sk, &nb, 0, link_cb, &sink);
	getlink = (now_us() - t0) / (rounds / 4) / n;
	pcc_nlbuf_release(&nb);

	t0 = now_us();
	for (int k = 0; k < rounds; k++) {
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "proc/%d/net/dev", (int)kids[i]);
			fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				sink += (unsigned long)pcc_read_fd(fd, &buf, &cap, 1 << 20);
				close(fd);
			}
		}
	}
	devopen = (now_us() - t0) / rounds / n;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "proc/%d/net/dev", (int)kids[i]);
		devfd[i] = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
	}
	t0 = now_us();
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < n; i++)
			sink += (unsigned long)pcc_read_fd(devfd[i], &buf, &cap, 1 << 20);
	devpread = (now_us() - t0) / rounds / n;
	for (int i = 0; i < n; i++)
		close(devfd[i]);
	free(buf);

	t0 = now_us();
	for (int k = 0; k < rounds / 4; k++) {
		pcc_netns_table_refresh(t);
		for (int i = 0; i < n; i++)
			if (pcc_netns_read(m[i], PCC_NETWANT_COUNTERS, &r) >= 0)
				sink += r->have;
	}
	proto = (now_us() - t0) / (rounds / 4) / n;

	printf("%5d %8.1f %7.2f %7.2f %9.2f %7.2f %8.2f %9.2f %10.2f %7.2f\n", n, attach, rd,
	       dump, recvmsgs, refill, getlink, devopen, devpread, proto);
	fflush(stdout);
	pcc_netns_table_free(t);
	cleanup();
	(void)sink;
}

int main(int argc, char **argv)
{
	int defaults[] = { 10, 100 }, rootfd;

	if (geteuid() != 0) {
		fprintf(stderr, "netns_cost: needs root (namespaces, setns)\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rootfd = pcc_sysroot_open("/");
	if (rootfd < 0)
		return 1;
	if (getenv("NETNS_COST_PAIRS") != NULL)
		pairs = atoi(getenv("NETNS_COST_PAIRS"));
	printf("per namespace, us: %d reads per point; %d interfaces per namespace (lo, eth0%s)\n",
	       READS, 2 + 2 * pairs, pairs ? ", veth pairs" : "");
	printf("%5s %8s %7s %7s %9s %7s %8s %9s %10s %7s\n", "N", "attach", "read", "dump",
	       "recvmsgs", "cache", "getlink", "dev open", "dev pread", "proto");
	if (argc > 1) {
		for (int a = 1; a < argc; a++) {
			int n = atoi(argv[a]);

			if (n > 0 && n <= MAXNS)
				bench(n, rootfd);
		}
	} else {
		for (size_t a = 0; a < sizeof(defaults) / sizeof(defaults[0]); a++)
			bench(defaults[a], rootfd);
	}
	close(rootfd);
	return 0;
}
