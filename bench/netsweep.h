/*
 * netsweep.h - the RTM_GETSTATS floor's sweep, shared by bench/netfloor
 * (sweeps back to back) and bench/pair -n (a sweep and an agent fetch in
 * turns).  Static functions: each benchmark is one translation unit.
 *
 * For each process read (one pid a line), once: enter its network
 * namespace (setns on /proc/PID/ns/net, then back to ours), make a
 * NETLINK_ROUTE socket there, and keep it.  Processes sharing a namespace
 * share the socket, as the PMDA's containers share a reading.  A sweep
 * sends one RTM_GETSTATS dump request (IFLA_STATS_LINK_64, the library's
 * request) on every socket and receives it to NLMSG_DONE, taking each
 * interface's in/out bytes and packets: the library's conversation
 * (libpcp-container/netlink.c: one sendto, a receive loop with 4 KiB of
 * buffer) without the table, the liveness checks, the instances and the
 * PDUs.  4 KiB, not 32: the kernel sizes each dump datagram to the largest
 * receive the socket asked for, and 32 KiB ones (the page allocator) made
 * this floor 14% dearer at 100 namespaces.  The socket is a raw one: the
 * library makes its sockets with libnl (nl_connect), but only the fd and
 * port are used on this path.
 */
#ifndef PCC_BENCH_NETSWEEP_H
#define PCC_BENCH_NETSWEEP_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define RCVBUF	(4u << 10)	/* the library's receive length (NL_RCVLEN) */


struct nsock {
	dev_t dev;		/* the namespace's nsfs inode */
	ino_t ino;
	int fd;			/* NETLINK_ROUTE socket made inside it */
};

struct req {
	struct nlmsghdr h;
	struct if_stats_msg ifsm;
};

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

struct netsweep {
	struct nsock *s;
	size_t n;
	struct req r;
	uint32_t seq;
	char *buf;
};

/*
 * The namespaces of the pids on in (processes gone meanwhile are skipped,
 * said on stderr).  0, or -1 said on stderr.
 */
static int netsweep_load(FILE *in, struct netsweep *w)
{
	size_t cap = 0;
	int home, rc;
	long pid;

	memset(w, 0, sizeof(*w));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	w->buf = malloc(RCVBUF);
	if (home < 0 || w->buf == NULL) {
		perror("netsweep");
		return -1;
	}
	while (fscanf(in, "%ld", &pid) == 1) {
		if (w->n == cap &&
		    (w->s = realloc(w->s, (cap = cap ? 2 * cap : 64) * sizeof(*w->s))) == NULL)
			return -1;
		rc = add_ns(w->s, &w->n, (pid_t)pid, home);
		if (rc > 0)
			fprintf(stderr, "netsweep: process %ld is gone: skipped\n", pid);
		if (rc < 0) {
			fprintf(stderr, "netsweep: namespace of %ld: %s\n", pid, strerror(-rc));
			close(home);
			return -1;
		}
	}
	close(home);
	w->r.h.nlmsg_len = sizeof(w->r);
	w->r.h.nlmsg_type = RTM_GETSTATS;
	w->r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	w->r.ifsm.family = AF_UNSPEC;
	w->r.ifsm.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	return 0;
}

/* One sweep: the interfaces read, or -errno of the first dump that failed. */
static int netsweep_pass(struct netsweep *w, uint64_t *sink)
{
	int nif = 0, rc;
	size_t i;

	for (i = 0; i < w->n; i++) {
		rc = dump(w->s[i].fd, &w->r, ++w->seq, w->buf, sink);
		if (rc < 0)
			return rc;
		nif += rc;
	}
	return nif;
}

static void netsweep_free(struct netsweep *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		close(w->s[i].fd);
	free(w->s);
	free(w->buf);
}

#endif /* PCC_BENCH_NETSWEEP_H */
