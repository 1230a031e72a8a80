/*
 * netlink.c - the rtnetlink conversations of the network readers: make a
 * NETLINK_ROUTE socket inside a network namespace, dump RTM_GETSTATS,
 * dump or get RTM_GETLINK, and ask RTM_GETNSID.  Contracts are in netns.h.
 *
 * Sockets are libnl's (nl_socket_alloc, nl_connect) and requests are built
 * with libnl (nlmsg_alloc_simple, nlmsg_append, nla_put); link and nsid
 * replies are parsed with libnl (nlmsg_parse), and the messages of each
 * datagram and the stats replies, which every fetch meets, with the
 * kernel's macros (see stats_msg).  Sending and receiving are
 * our own: one sendto of the request's bytes (nl_send goes through the
 * socket's callback set and a msghdr, touching two more structures per
 * namespace on the per-fetch path), then one recvfrom loop into a buffer
 * the table keeps, handing each message of the conversation to a parser
 * callback.  Why not nl_recvmsgs(): it mallocs a
 * receive buffer for every datagram, peeks each one first (two recvmsg
 * calls) and copies every message into a fresh nl_msg before the callback
 * sees it; on the per-fetch path that measured 1.8 us per namespace against
 * 1.2 us for this loop (lo and a veth, bench/netns_cost.c; 3.1 against 1.9
 * with 10 interfaces), and libnl's cache (nl_cache_refill of an rtnl_link
 * cache, RTM_GETLINK: libnl-route 3.7 has no RTM_GETSTATS object) 6.5 us
 * (25 us).  The dump request is built once per table; only its sequence
 * number changes.
 *
 * sendto and recvfrom are called through syscall(2), not libc's wrappers:
 * those are cancellation points, and in a process that has ever started a
 * thread (pcc_nl_open does) glibc switches the thread's cancellation type
 * around each call; at 100 namespaces that was 4% of the agent's CPU per
 * fetch.  Nothing here is ever cancelled.
 *
 * Receiving never blocks: the kernel answers a request, and produces each
 * further part of a dump, before the recvfrom that reads it returns, so
 * MSG_DONTWAIT only turns a would-be hang into -EAGAIN.  A conversation cut
 * short leaves messages behind; they carry an old sequence number and the
 * next conversation skips them.
 *
 * Entering a namespace: setns(CLONE_NEWNET) applies to the calling thread
 * only, and a socket belongs for good to the namespace it was made in.  So
 * pcc_nl_open starts a thread, which enters the namespace, makes the
 * socket and ends; the thread's namespace ends with it, so there is
 * nothing to switch back.  The caller's thread never changes namespace,
 * and the process is single-threaded again when pcc_nl_open returns.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "netns.h"

#define NL_RCVBUF	(32u << 10)	/* the kernel never puts more in one dump datagram */
#define NL_RCVLEN	(4u << 10)	/* what a socket receives with until it needs more */

/* libnl's error codes, for the few places that return them. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

/* ------------------------------------------------------------------ sockets */

static int sock_new(struct nl_sock **ret_sk)
{
	struct nl_sock *sk;
	int rc;

	sk = nl_socket_alloc();
	if (sk == NULL)
		return -ENOMEM;
	errno = 0;
	rc = nl_connect(sk, NETLINK_ROUTE);	/* SOCK_CLOEXEC since libnl 3.2.25 */
	if (rc < 0) {
		/* socket()/bind() left errno: EMFILE tells more than NLE_FAILURE */
		rc = errno != 0 ? -errno : nle_errno(rc);
		nl_socket_free(sk);
		return rc;
	}
	*ret_sk = sk;
	return 0;
}

struct enter_arg {
	int nsfd;
	struct nl_sock *sk;
	int err;
};

static void *enter_thread(void *arg)
{
	struct enter_arg *a = arg;

	if (setns(a->nsfd, CLONE_NEWNET) < 0)
		a->err = -errno;
	else
		a->err = sock_new(&a->sk);
	return NULL;
}

int pcc_nl_open(int nsfd, struct pcc_nlsk *ret)
{
	struct enter_arg a = { .nsfd = nsfd, .sk = NULL, .err = 0 };
	pthread_attr_t attr;
	sigset_t all, old;
	cpu_set_t cpus;
	pthread_t th;
	int rc, cpu;

	if (nsfd < 0 || ret == NULL)
		return -EINVAL;
	rc = pthread_attr_init(&attr);
	if (rc != 0)
		return -rc;
	/*
	 * On the caller's CPU: the caller only waits for it, and waking an
	 * idle CPU for it cost up to milliseconds (a VM's halted vCPU).
	 */
	cpu = sched_getcpu();
	if (cpu >= 0 && cpu < CPU_SETSIZE) {
		CPU_ZERO(&cpus);
		CPU_SET(cpu, &cpus);
		pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	}
	/* the thread takes no signal meant for the caller's handlers */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, &attr, enter_thread, &a);
	if (rc == EINVAL)	/* that CPU is not ours to ask for after all */
		rc = pthread_create(&th, NULL, enter_thread, &a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return -rc;
	pthread_join(th, NULL);
	if (a.err < 0)
		return a.err;
	ret->sk = a.sk;
	ret->fd = nl_socket_get_fd(a.sk);
	ret->port = nl_socket_get_local_port(a.sk);
	ret->len = NL_RCVLEN;
	return 0;
}

int pcc_nl_watch_links(struct pcc_nlsk *s)
{
	int rc, size = NL_RCVBUF;

	if (s == NULL || s->sk == NULL)
		return -EINVAL;
	/*
	 * Notifications wait in the socket's queue until the next read, so
	 * its size (libnl asks for 1 MiB, the kernel gives up to twice
	 * rmem_max) is kernel memory a namespace whose links keep changing
	 * would hold: 32 KiB (64 with the kernel's doubling) is room for a
	 * dump's datagram and a few notifications; more overflow, which the
	 * reads take for a change (-ENOBUFS).
	 */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -errno;
	rc = nl_socket_add_membership(s->sk, RTNLGRP_LINK);
	return rc < 0 ? nle_errno(rc) : 0;
}

void pcc_nl_close(struct pcc_nlsk *s)
{
	if (s == NULL || s->sk == NULL)
		return;
	nl_socket_free(s->sk);	/* closes the fd */
	s->sk = NULL;
	s->fd = -1;
}

/* ------------------------------------------------------------------ conversations */

/* A message parser: 1 if it passed the message on, 0 if it skipped it, or < 0. */
typedef int (*msg_fn)(struct nlmsghdr *h, void *arg);

/* Send req to the kernel from port under the next sequence number. */
static int send_req(int fd, uint32_t port, struct pcc_nlbuf *b, struct nl_msg *req)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h = nlmsg_hdr(req);
	ssize_t n;

	if (++b->seq == 0)
		b->seq = 1;
	h->nlmsg_seq = b->seq;
	h->nlmsg_pid = port;
	h->nlmsg_flags |= NLM_F_REQUEST;
	do
		n = syscall(SYS_sendto, fd, h, h->nlmsg_len, 0,
			    (const struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)h->nlmsg_len ? 0 : -EIO;
}

/*
 * One datagram, received with len bytes of b's buffer.  Returns the bytes
 * read, -EAGAIN if none is waiting, -EMSGSIZE if it did not fit (it is
 * dropped), or -errno.  recvfrom with MSG_TRUNC,
 * which makes netlink return the datagram's whole length, tells a
 * truncation as recvmsg's msg_flags would, without the msghdr and iovec
 * the kernel copies in for recvmsg (~10% of each receive).
 */
static ssize_t recv_one(int fd, struct pcc_nlbuf *b, size_t len)
{
	ssize_t n;

	do
		n = syscall(SYS_recvfrom, fd, b->buf, len, MSG_DONTWAIT | MSG_TRUNC, NULL, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > len)
		return -EMSGSIZE;
	return n;
}

/*
 * The messages of one datagram of conversation c: fn for each that is not
 * a control message, until NLMSG_DONE or NLMSG_ERROR (an error, or the ack
 * of a non-dump request), counting those fn passes on to its callback.
 * The first error fn returns is kept in c->err while the rest of the dump
 * is drained: a socket with a dump left running refuses the next one
 * (-EBUSY).  Returns 1 if the conversation ended, 0
 * if more is to come, -EPROTO for an NLMSG_ERROR too short to read.
 */
/*
 * NLMSG_OK and NLMSG_NEXT (libnl's nlmsg_ok and nlmsg_next are the same
 * checks, as calls), without the macro's comparison of the u32 length with
 * an int that clang's -Wsign-compare refuses.
 */
static inline bool msg_ok(const struct nlmsghdr *h, int left)
{
	return left >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) &&
	       h->nlmsg_len <= (unsigned)left;
}

static inline struct nlmsghdr *msg_next(struct nlmsghdr *h, int *left)
{
	int len = (int)NLMSG_ALIGN(h->nlmsg_len);

	*left -= len;
	return (struct nlmsghdr *)((char *)h + len);
}

/*
 * Is h no message of conversation c?  A link notification
 * (pcc_nl_watch_links) among those is counted in c->notes; the others are
 * left from a conversation cut short.
 */
static inline bool foreign(struct pcc_nlconv *c, const struct nlmsghdr *h)
{
	if (h->nlmsg_seq == c->seq && h->nlmsg_pid == c->port)
		return false;
	if (h->nlmsg_seq == 0 && h->nlmsg_pid == 0 &&
	    (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK))
		c->notes++;
	return true;
}

static int walk(struct pcc_nlconv *c, void *buf, size_t len, msg_fn fn, void *arg)
{
	int left = len > INT_MAX ? INT_MAX : (int)len, rc;
	struct nlmsghdr *h;
	struct nlmsgerr *e;

	for (h = buf; msg_ok(h, left); h = msg_next(h, &left)) {
		if (foreign(c, h))
			continue;
		switch (h->nlmsg_type) {
		case NLMSG_DONE:
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
			    *(int *)NLMSG_DATA(h) < 0 && c->err == 0)
				c->err = *(int *)NLMSG_DATA(h);
			return 1;
		case NLMSG_ERROR:
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			e = NLMSG_DATA(h);
			if (e->error < 0 && c->err == 0)
				c->err = e->error;
			return 1;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		}
		if (c->err < 0)
			continue;
		rc = fn(h, arg);
		if (rc < 0)
			c->err = rc;
		else if (rc > 0)
			c->count++;
	}
	return 0;
}

/* Messages that are no conversation's: only counted (notifications) by walk. */
static int skip_msg(struct nlmsghdr *h, void *arg)
{
	(void)h;
	(void)arg;
	return 0;
}

/*
 * Read and drop whatever is queued on fd (notifications, the rest of a
 * conversation that failed), counting the notifications in b->notes.
 */
static void drain(int fd, struct pcc_nlbuf *b, size_t len)
{
	struct pcc_nlconv c = { .seq = b->seq, .port = UINT32_MAX };
	ssize_t n;

	while ((n = recv_one(fd, b, len)) != -EAGAIN) {
		if (n == -ENOBUFS)
			c.notes++;
		else if (n < 0 && n != -EMSGSIZE)
			break;
		else if (n > 0)
			walk(&c, b->buf, (size_t)n, skip_msg, NULL);
	}
	b->notes += c.notes;
}

/*
 * Send req and read its replies (with len bytes of buffer), handing each
 * datagram to walk with fn.  Returns the number of messages fn passed on,
 * or -errno; *ret_passed is that number either way.
 */
static int converse(int fd, uint32_t port, struct pcc_nlbuf *b, size_t len,
		    struct nl_msg *req, msg_fn fn, void *arg, int *ret_passed)
{
	struct pcc_nlconv c = { .port = port };
	ssize_t n;
	int rc;

	*ret_passed = 0;
	rc = send_req(fd, port, b, req);
	if (rc < 0)
		return rc;
	c.seq = b->seq;
	do {
		n = recv_one(fd, b, len);
		if (n == -ENOBUFS) {	/* notifications were dropped: the reply still comes */
			c.notes++;
			continue;
		}
		if (n < 0) {
			b->notes += c.notes;
			*ret_passed = c.count;
			return (int)n;
		}
		rc = walk(&c, b->buf, (size_t)n, fn, arg);
	} while (rc == 0);
	b->notes += c.notes;
	*ret_passed = c.count;
	if (rc < 0)
		return rc;
	return c.err < 0 ? c.err : c.count;
}

/*
 * converse, once more if the kernel could not answer for want of room
 * (-ENOBUFS: a watched socket's queue full of notifications, which the
 * kernel takes before our request) once the queue is drained.
 *
 * How much of the buffer a socket receives with is kept in s->len:
 * NL_RCVLEN until a datagram does not fit, then NL_RCVBUF for good.  Why
 * not NL_RCVBUF always: the kernel
 * makes each dump datagram as big as the largest receive the socket ever
 * asked for (netlink's max_recvmsg_len), and a 32 KiB one comes from the
 * page allocator (order 3) where 4 KiB comes from a slab: the RTM_GETSTATS
 * dump of a namespace with lo and a veth cost 14% less (bench/netfloor at
 * 100 namespaces), and it fits in 4 KiB up to ~18 interfaces (then it
 * takes a datagram more).  A datagram that did not fit is lost: the
 * conversation is done again with the bigger buffer if nothing of it had
 * reached fn yet (a link dump: its messages do not fit one by one), else
 * it fails this time (-EMSGSIZE) and the next one has the room.
 */
static int talk(struct pcc_nlsk *s, struct pcc_nlbuf *b, struct nl_msg *req,
		msg_fn fn, void *arg)
{
	int fd = s->fd, rc, passed;
	uint32_t port = s->port;
	size_t len = s->len;

	if (b->buf == NULL) {
		b->buf = malloc(NL_RCVBUF);
		if (b->buf == NULL)
			return -ENOMEM;
		b->cap = NL_RCVBUF;
	}
	if (len == 0 || len > b->cap)
		len = len == 0 ? NL_RCVLEN : b->cap;
	rc = converse(fd, port, b, len, req, fn, arg, &passed);
	if (rc == -EMSGSIZE && len < b->cap) {
		len = b->cap;
		s->len = (uint32_t)len;
		drain(fd, b, len);
		if (passed > 0)
			return rc;
		return converse(fd, port, b, len, req, fn, arg, &passed);
	}
	if (rc != -ENOBUFS && rc != -EBUSY)
		return rc;
	drain(fd, b, len);
	b->notes++;	/* what was dropped is not known */
	return converse(fd, port, b, len, req, fn, arg, &passed);
}

/* ------------------------------------------------------------------ stats */

struct stats_arg {
	pcc_nl_stats_fn fn;
	void *arg;
};

/*
 * One RTM_NEWSTATS message to fn.  With the kernel's macros (as walk()),
 * which inline, not libnl's nlmsg and nla helpers, which are calls: on the
 * every-fetch path those were 280 of the library's 1000 instructions a
 * namespace (callgrind, 100 namespaces).  The checks are libnl's.
 */
/*
 * The IFLA_STATS_LINK_64 attribute of RTM_NEWSTATS message h (whose length
 * is at least NLMSG_LENGTH of its header), NULL if it has none.  Older
 * kernels send fewer fields, a newer one may send more: RTA_PAYLOAD says.
 */
static inline struct rtattr *stats64(struct nlmsghdr *h)
{
	struct if_stats_msg *ifsm = NLMSG_DATA(h);
	int left = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*ifsm)));
	struct rtattr *at;

	for (at = (struct rtattr *)((char *)ifsm + NLMSG_ALIGN(sizeof(*ifsm)));
	     RTA_OK(at, left); at = RTA_NEXT(at, left))
		if ((at->rta_type & NLA_TYPE_MASK) == IFLA_STATS_LINK_64)
			return at;
	return NULL;
}

static int stats_msg(struct nlmsghdr *h, void *arg)
{
	struct stats_arg *a = arg;
	struct if_stats_msg *ifsm;
	struct rtattr *at;
	int rc;

	if (h->nlmsg_type != RTM_NEWSTATS || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifsm)) ||
	    (at = stats64(h)) == NULL)
		return 0;
	ifsm = NLMSG_DATA(h);
	rc = a->fn(ifsm->ifindex, RTA_DATA(at), RTA_PAYLOAD(at), a->arg);
	return rc < 0 ? rc : 1;
}

/* The dump request, built once: only its sequence number changes. */
static int stats_req(struct pcc_nlbuf *b)
{
	struct if_stats_msg ifsm;

	if (b->stats_req != NULL)
		return 0;
	memset(&ifsm, 0, sizeof(ifsm));
	ifsm.family = AF_UNSPEC;
	ifsm.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	b->stats_req = nlmsg_alloc_simple(RTM_GETSTATS, NLM_F_DUMP);
	if (b->stats_req == NULL)
		return -ENOMEM;
	if (nlmsg_append(b->stats_req, &ifsm, sizeof(ifsm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(b->stats_req);
		b->stats_req = NULL;
		return -ENOMEM;
	}
	return 0;
}

int pcc_nl_stats_parse(struct pcc_nlconv *c, void *buf, size_t len,
		       pcc_nl_stats_fn fn, void *arg)
{
	struct stats_arg a = { fn, arg };

	if (c == NULL || buf == NULL || fn == NULL)
		return -EINVAL;
	return walk(c, buf, len, stats_msg, &a);
}

int pcc_nl_stats(struct pcc_nlsk *s, struct pcc_nlbuf *b, pcc_nl_stats_fn fn, void *arg)
{
	struct stats_arg a = { fn, arg };
	int rc;

	if (s == NULL || s->sk == NULL || b == NULL || fn == NULL)
		return -EINVAL;
	rc = stats_req(b);
	if (rc < 0)
		return rc;
	return talk(s, b, b->stats_req, stats_msg, &a);
}

/*
 * The steady state of a namespace's read, in one pass: its interfaces are
 * those of the last dump, in its order, and the dump fits one datagram
 * with its NLMSG_DONE (up to ~15 interfaces in NL_RCVLEN).  Each message's
 * counters go straight into ifs[i]: no callbacks, no conversation state.
 * The general path (talk, converse, walk, stats_msg and the caller's
 * callback, ~460 user instructions a namespace) costs ~170 more: the
 * agent's user instructions per fetch at 100 namespaces went 195k -> 178k.
 * Anything else - another interface, a second datagram, an error, a
 * receive that fails - and what is left of the dump is drained and false
 * returned: the caller then reads the general way, which sorts it out (a
 * second dump, only when something changed).  Notifications met on the
 * way are counted in c->notes as walk() counts them.
 */
int pcc_nl_stats_known_parse(struct pcc_nlconv *c, void *buf, size_t len,
			     struct pcc_netif *ifs, size_t nif, size_t want)
{
	int left = len > INT_MAX ? INT_MAX : (int)len;
	struct if_stats_msg *ifsm;
	struct nlmsghdr *h;
	struct rtattr *at;
	size_t i = 0;

	if (c == NULL || buf == NULL || (ifs == NULL && nif > 0))
		return -EINVAL;
	for (h = buf; msg_ok(h, left); h = msg_next(h, &left)) {
		if (foreign(c, h))
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return i == nif && (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)) ||
					    *(int *)NLMSG_DATA(h) >= 0) ? 1 : -EPROTO;
		if (h->nlmsg_type != RTM_NEWSTATS || i == nif ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifsm)))
			return -EPROTO;
		ifsm = NLMSG_DATA(h);
		if (ifsm->ifindex != ifs[i].ifindex || (at = stats64(h)) == NULL)
			return -EPROTO;
		pcc_ifstats_load(&ifs[i++].st, RTA_DATA(at), RTA_PAYLOAD(at), want);
	}
	return 0;	/* the dump goes on in another datagram */
}

bool pcc_nl_stats_known(struct pcc_nlsk *s, struct pcc_nlbuf *b, struct pcc_netif *ifs,
			size_t nif, size_t want)
{
	struct pcc_nlconv c = { .port = s->port };
	size_t len = s->len;
	ssize_t n;
	int rc;

	if (b->buf == NULL || b->stats_req == NULL || len == 0 || len > b->cap ||
	    send_req(s->fd, s->port, b, b->stats_req) < 0)
		return false;
	c.seq = b->seq;
	n = recv_one(s->fd, b, len);
	if (n == -ENOBUFS)
		c.notes++;
	rc = n < 0 ? (int)n : pcc_nl_stats_known_parse(&c, b->buf, (size_t)n, ifs, nif, want);
	b->notes += c.notes;
	if (rc == 1)
		return true;
	drain(s->fd, b, len);	/* the rest of the dump, if it has more */
	return false;
}

void pcc_nlbuf_release(struct pcc_nlbuf *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	b->buf = NULL;
	b->cap = 0;
	nlmsg_free(b->stats_req);	/* NULL is fine */
	b->stats_req = NULL;
}

/* ------------------------------------------------------------------ links */

struct link_arg {
	pcc_nl_link_fn fn;
	void *arg;
};

static int link_msg(struct nlmsghdr *h, void *arg)
{
	struct link_arg *a = arg;
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;
	struct pcc_nllink l;
	int rc;

	if (h->nlmsg_type != RTM_NEWLINK || !nlmsg_valid_hdr(h, sizeof(*ifi)))
		return 0;
	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return 0;
	ifi = nlmsg_data(h);
	memset(&l, 0, sizeof(l));
	l.ifindex = (uint32_t)ifi->ifi_index;
	l.link_nsid = -1;
	if (tb[IFLA_IFNAME] != NULL) {
		l.name = nla_data(tb[IFLA_IFNAME]);
		l.namelen = strnlen(l.name, (size_t)nla_len(tb[IFLA_IFNAME]));
	}
	if (tb[IFLA_LINK] != NULL && nla_len(tb[IFLA_LINK]) >= 4)
		l.link = nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINK_NETNSID] != NULL && nla_len(tb[IFLA_LINK_NETNSID]) >= 4)
		l.link_nsid = nla_get_s32(tb[IFLA_LINK_NETNSID]);
	rc = a->fn(&l, a->arg);
	return rc < 0 ? rc : 1;
}

int pcc_nl_links_parse(struct pcc_nlconv *c, void *buf, size_t len,
		       pcc_nl_link_fn fn, void *arg)
{
	struct link_arg a = { fn, arg };

	if (c == NULL || buf == NULL || fn == NULL)
		return -EINVAL;
	return walk(c, buf, len, link_msg, &a);
}

int pcc_nl_links(struct pcc_nlsk *s, struct pcc_nlbuf *b, uint32_t ifindex,
		 pcc_nl_link_fn fn, void *arg)
{
	struct link_arg a = { fn, arg };
	struct ifinfomsg ifi;
	struct nl_msg *req;
	int rc;

	if (s == NULL || s->sk == NULL || b == NULL || fn == NULL)
		return -EINVAL;
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = (int)ifindex;
	req = nlmsg_alloc_simple(RTM_GETLINK, ifindex ? NLM_F_ACK : NLM_F_DUMP);
	if (req == NULL)
		return -ENOMEM;
	/* names and links only: leave the counters out of every message */
	if (nlmsg_append(req, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(req, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
		rc = -ENOMEM;
	else
		rc = talk(s, b, req, link_msg, &a);
	nlmsg_free(req);
	return rc;
}

/* ------------------------------------------------------------------ nsid */

static int nsid_msg(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[NETNSA_MAX + 1];
	int32_t *ret = arg;

	if (h->nlmsg_type != RTM_NEWNSID ||
	    nlmsg_parse(h, sizeof(struct rtgenmsg), tb, NETNSA_MAX, NULL) < 0)
		return 0;
	if (tb[NETNSA_NSID] != NULL && nla_len(tb[NETNSA_NSID]) >= 4)
		*ret = nla_get_s32(tb[NETNSA_NSID]);
	return 0;
}

int pcc_nl_nsid(struct pcc_nlsk *s, struct pcc_nlbuf *b, int nsfd)
{
	struct rtgenmsg g = { .rtgen_family = AF_UNSPEC };
	int32_t nsid = NETNSA_NSID_NOT_ASSIGNED;
	struct nl_msg *req;
	int rc;

	if (s == NULL || s->sk == NULL || b == NULL || nsfd < 0)
		return -EINVAL;
	req = nlmsg_alloc_simple(RTM_GETNSID, NLM_F_ACK);
	if (req == NULL)
		return -ENOMEM;
	if (nlmsg_append(req, &g, sizeof(g), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(req, NETNSA_FD, (uint32_t)nsfd) < 0)
		rc = -ENOMEM;
	else
		rc = talk(s, b, req, nsid_msg, &nsid);
	nlmsg_free(req);
	if (rc < 0)
		return rc;
	return nsid >= 0 ? nsid : -ENOENT;
}
