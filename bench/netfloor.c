/*
 * netfloor.c - the floor of reading every container's interface counters:
 * what any reader of them must do at least, to compare pmdacontainers
 * against (bench/net.sh).
 *
 * usage: netfloor [-c] SWEEPS < pids      (root: setns)
 *
 * For each process on stdin (one pid a line), once and untimed: enter its
 * network namespace (setns on /proc/PID/ns/net, then back to ours), make a
 * NETLINK_ROUTE socket there, and keep it.  Processes sharing a namespace
 * share the socket, as the PMDA's containers share a reading.  Then each
 * sweep sends one RTM_GETSTATS dump request (IFLA_STATS_LINK_64, the
 * library's request) on every socket and receives it to NLMSG_DONE, taking
 * each interface's in/out bytes and packets: the library's conversation
 * (libpcp-container/netlink.c: one sendto, a receive loop with 4 KiB of
 * buffer) without the table, the liveness checks, the instances and the
 * PDUs.  4 KiB, not 32: the kernel sizes each dump datagram to the largest
 * receive the socket asked for, and 32 KiB ones (the page allocator) made
 * this floor 14% dearer at 100 namespaces.  The socket is a raw one: the library makes its sockets with libnl
 * (nl_connect), but only the fd and port are used on this path.
 * -c: between sweeps, 32 MB of memory is written (untimed), as pmcd, the
 * client and everything else on the host do between two fetches of the
 * agent: the kernel's data of the namespaces leaves the caches.
 *
 * Prints "netlink <namespaces> <interfaces> <cpu ns per sweep>": process
 * CPU time (CLOCK_PROCESS_CPUTIME_ID) over SWEEPS sweeps, after one
 * untimed sweep.  Exits 1 if a namespace cannot be entered or a dump
 * fails; a process gone meanwhile is skipped (said on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define RCVBUF	(4u << 10)	/* the library's receive length (NL_RCVLEN) */
#define SWEEP	(32u << 20)	/* -c: bytes written between sweeps, an L3's worth */

static volatile uint64_t sunk;		/* the counters read, so that reading them stays */

struct nsock {
	dev_t dev;		/* the namespace's nsfs inode */
	ino_t ino;
	int fd;			/* NETLINK_ROUTE socket made inside it */
};

struct req {
	struct nlmsghdr h;
	struct if_stats_msg ifsm;
};

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A socket in the namespace of nsfd; we are back in home after.  -errno on failure. */
static int sock_in(int nsfd, int home)
{
	int fd, err = 0;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		err = -errno;
	if (setns(home, CLONE_NEWNET) < 0) {
		perror("netfloor: setns back");
		exit(1);	/* the rest would run in a container's namespace */
	}
	return fd < 0 ? err : fd;
}

/* Add the namespace of pid to s[*n] (once per namespace).  0, 1 if gone, -errno. */
static int add_ns(struct nsock *s, size_t *n, pid_t pid, int home)
{
	char path[48];
	struct stat st;
	size_t i;
	int nsfd, fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return errno == ENOENT || errno == ESRCH ? 1 : -errno;
	if (fstat(nsfd, &st) < 0) {
		close(nsfd);
		return -errno;
	}
	for (i = 0; i < *n; i++) {
		if (s[i].ino == st.st_ino && s[i].dev == st.st_dev) {
			close(nsfd);
			return 0;
		}
	}
	fd = sock_in(nsfd, home);
	close(nsfd);
	if (fd < 0)
		return fd;
	s[*n].dev = st.st_dev;
	s[*n].ino = st.st_ino;
	s[*n].fd = fd;
	(*n)++;
	return 0;
}

/*
 * One dump on fd: send r under seq, receive to NLMSG_DONE, add each
 * interface's four counters to *sink.  Returns the interfaces, or -errno.
 */
static int dump(int fd, struct req *r, uint32_t seq, char *buf, uint64_t *sink)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct rtnl_link_stats64 *st;
	struct nlmsghdr *h;
	struct rtattr *a;
	int nif = 0, left, alen;
	ssize_t len;

	r->h.nlmsg_seq = seq;
	if (sendto(fd, r, sizeof(*r), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		len = recv(fd, buf, RCVBUF, 0);
		if (len < 0)
			return -errno;
		left = (int)len;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return nif;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			if (h->nlmsg_type != RTM_NEWSTATS)
				continue;
			alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(struct if_stats_msg));
			a = (struct rtattr *)((char *)NLMSG_DATA(h) +
					      NLMSG_ALIGN(sizeof(struct if_stats_msg)));
			for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type != IFLA_STATS_LINK_64 ||
				    RTA_PAYLOAD(a) < sizeof(*st))
					continue;
				st = RTA_DATA(a);
				*sink += st->rx_bytes + st->rx_packets + st->tx_bytes + st->tx_packets;
				nif++;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct nsock *s = NULL;
	struct req r;
	size_t n = 0, cap = 0, i;
	uint64_t sink = 0;
	long long t, sum = 0;
	uint32_t seq = 0;
	int sweeps, it, home, rc, nif = 0;
	char *buf, *sweep = NULL;
	long pid;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		if ((sweep = malloc(SWEEP)) == NULL)
			return 1;
		argc--;
		argv++;
	}
	if (argc != 2 || (sweeps = atoi(argv[1])) < 0) {
		fprintf(stderr, "usage: netfloor [-c] SWEEPS < pids\n");
		return 2;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	buf = malloc(RCVBUF);
	if (home < 0 || buf == NULL) {
		perror("netfloor");
		return 1;
	}
	while (scanf("%ld", &pid) == 1) {
		if (n == cap && (s = realloc(s, (cap = cap ? 2 * cap : 64) * sizeof(*s))) == NULL)
			return 1;
		rc = add_ns(s, &n, (pid_t)pid, home);
		if (rc > 0)
			fprintf(stderr, "netfloor: process %ld is gone: skipped\n", pid);
		if (rc < 0) {
			fprintf(stderr, "netfloor: namespace of %ld: %s\n", pid, strerror(-rc));
			return 1;
		}
	}
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = RTM_GETSTATS;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.ifsm.family = AF_UNSPEC;
	r.ifsm.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	for (it = -1; it < sweeps; it++) {	/* -1: untimed, the kernel's first-dump work */
		if (sweep != NULL)
			memset(sweep, it, SWEEP);
		t = cpu_ns();
		for (i = 0, nif = 0; i < n; i++) {
			rc = dump(s[i].fd, &r, ++seq, buf, &sink);
			if (rc < 0) {
				fprintf(stderr, "netfloor: dump: %s\n", strerror(-rc));
				return 1;
			}
			nif += rc;
		}
		if (it >= 0)
			sum += cpu_ns() - t;
	}
	printf("netlink %zu %d %lld\n", n, nif, sweeps ? sum / sweeps : 0);
	for (i = 0; i < n; i++)
		close(s[i].fd);
	free(s);
	free(buf);
	free(sweep);
	close(home);
	sunk = sink;
	return 0;
}
