/*
 * netns.h - what the network files of libpcp-container share: the
 * /proc/PID/net parsers (procnet.c), the netlink conversations (netlink.c)
 * and the namespace table (netns.c, netns_read.c).  Internal: not part of
 * the public API; the unit tests include it to feed the parsers fixtures.
 */
#ifndef PCC_NETNS_H
#define PCC_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "pcp-container.h"

struct nl_msg;
struct nl_sock;

/* ------------------------------------------------------------------ procnet.c */

/* The /proc/PID/net files read, in the order of the bits of a file mask. */
enum pcc_pnf {
	PCC_PNF_DEV = 0,	/* dev: the interfaces, when there is no socket */
	PCC_PNF_SNMP,		/* "Tcp:", "Udp:" header/value line pairs */
	PCC_PNF_NETSTAT,	/* "TcpExt:" likewise */
	PCC_PNF_SOCKSTAT,	/* "TCP: inuse 2 orphan 0 ..." key/value lines */
	PCC_PNF_N
};

extern const char *const pcc_pnf_name[PCC_PNF_N];	/* "dev", "snmp"... */

#define PCC_PROCNET_MAX	(1u << 20)	/* bytes: bound on one file (netstat is ~4 KiB) */

/* The PCC_NETWANT() bits of the counters file f holds (0 for dev). */
uint64_t pcc_procnet_mask(enum pcc_pnf f);

/*
 * pcc_procnet_parse - the counters of snmp, netstat or sockstat (len bytes
 * of text, not necessarily NUL-terminated) that are in want: stores
 * v[stat] and sets the stat's bit in *have for each one found.  Pure.  A
 * section whose header and value lines do not pair up (missing value line,
 * a different count of values) is skipped whole; a value that is not a
 * decimal number fitting uint64_t is left out.  Returns the number of
 * counters stored (0 for garbage), -EINVAL for f dev or NULL arguments.
 */
int pcc_procnet_parse(enum pcc_pnf f, const char *buf, size_t len, uint64_t want,
		      uint64_t *v, uint64_t *have);

/*
 * pcc_procnet_dev - the interfaces of a /proc/net/dev text: calls fn for
 * each well-formed line (name, its length, the counters as
 * struct pcc_netif.st documents for PCC_NETNS_PROCFS).  Lines that are not
 * (the two headers, a short or non-numeric line) are skipped.  Pure.
 * Returns the number of interfaces passed to fn, or fn's negative return.
 */
typedef int (*pcc_procnet_dev_fn)(const char *name, size_t namelen,
				  const struct pcc_ifstats *st, void *arg);
int pcc_procnet_dev(const char *buf, size_t len, pcc_procnet_dev_fn fn, void *arg);

/* ------------------------------------------------------------------ netlink.c */

/* A table's conversation state: zeroed to start, pcc_nlbuf_release to end. */
struct pcc_nlbuf {
	char *buf;			/* receive buffer, 32 KiB once allocated */
	size_t cap;
	uint32_t seq;			/* the last sequence number used */
	struct nl_msg *stats_req;	/* the RTM_GETSTATS request, built once */
	unsigned notes;			/* link notifications met (or lost) while receiving:
					 * added to by every conversation, zeroed by the caller */
};

void pcc_nlbuf_release(struct pcc_nlbuf *b);	/* frees what b holds; b may be reused */

/* One interface from an RTM_GETLINK dump. */
struct pcc_nllink {
	uint32_t ifindex;
	uint32_t link;		/* IFLA_LINK, 0 if none */
	int32_t link_nsid;	/* IFLA_LINK_NETNSID, -1 if none (the link is local) */
	const char *name;	/* IFLA_IFNAME, not NUL-terminated */
	size_t namelen;
};

/*
 * An interface's IFLA_STATS_LINK_64: len bytes at st64, as the kernel sent
 * them (4-byte aligned: copy, do not cast).  pcc_ifstats_load puts the
 * first want bytes (at most sizeof(struct pcc_ifstats)) into a struct
 * pcc_ifstats, zeroing those an older kernel does not send.
 */
typedef int (*pcc_nl_stats_fn)(uint32_t ifindex, const void *st64, size_t len, void *arg);
typedef int (*pcc_nl_link_fn)(const struct pcc_nllink *l, void *arg);

static inline void pcc_ifstats_load(struct pcc_ifstats *dst, const void *st64, size_t len,
				    size_t want)
{
	if (len >= want) {
		/*
		 * a newer kernel may send more.  The two sizes the readers ask
		 * for are copied with a constant length, which the compiler
		 * inlines: a call to memcpy per interface otherwise.
		 */
		if (want == PCC_IFSTATS_BASE)
			memcpy(dst, st64, PCC_IFSTATS_BASE);
		else if (want == sizeof(*dst))
			memcpy(dst, st64, sizeof(*dst));
		else
			memcpy(dst, st64, want);
		return;
	}
	memcpy(dst, st64, len);
	memset((char *)dst + len, 0, want - len);
}

/*
 * A socket and what its conversations use of it on every read, kept here
 * rather than asked of libnl each time: at 100 namespaces the libnl
 * object was one more cold cache line per namespace per fetch.
 */
struct pcc_nlsk {
	struct nl_sock *sk;		/* NULL: no socket */
	int fd;
	uint32_t port;			/* its netlink port id */
	uint32_t len;			/* bytes it receives with (see netlink.c talk()) */
};

/*
 * pcc_nl_open - a NETLINK_ROUTE socket in the network namespace nsfd
 * refers to, made on a short-lived thread (the caller's namespace does not
 * change).  Returns 0 and fills *ret (pcc_nl_close), -errno of setns
 * (-EPERM without privilege), -ENOMEM, -EMFILE...
 */
int pcc_nl_open(int nsfd, struct pcc_nlsk *ret);
void pcc_nl_close(struct pcc_nlsk *s);	/* none is fine; s has none after */

/*
 * pcc_nl_watch_links - have the kernel queue a notification on sk for every
 * link added, removed or changed (renamed...) in its namespace
 * (RTNLGRP_LINK); the conversations count those they meet in b->notes
 * (and one for notifications the kernel had to drop: -ENOBUFS).  Returns
 * 0 or -errno.
 */
int pcc_nl_watch_links(struct pcc_nlsk *s);

/*
 * Dump RTM_GETSTATS (IFLA_STATS_LINK_64), calling fn per interface.
 * Returns the number of interfaces fn took; -EOPNOTSUPP/-EINVAL on kernels
 * without it; -errno (fn's first error).
 */
int pcc_nl_stats(struct pcc_nlsk *s, struct pcc_nlbuf *b, pcc_nl_stats_fn fn, void *arg);

/*
 * The same dump when the namespace's interfaces are known: true if it
 * brought exactly ifs[0..nif) (ifindexes, in that order) in one datagram,
 * each one's first want bytes of counters loaded; false, the dump drained,
 * if it was anything else (read it with pcc_nl_stats then).  Needs b set
 * up by an earlier pcc_nl_stats.  Most interfaces it is worth trying on:
 */
#define PCC_NL_KNOWN_MAX	12	/* ~230 bytes each in NL_RCVLEN's 4 KiB */
bool pcc_nl_stats_known(struct pcc_nlsk *s, struct pcc_nlbuf *b, struct pcc_netif *ifs,
			size_t nif, size_t want);

/*
 * Dump RTM_GETLINK (ifindex 0) or get one link, calling fn.  Returns the
 * number of links fn took, or -errno.
 */
int pcc_nl_links(struct pcc_nlsk *s, struct pcc_nlbuf *b, uint32_t ifindex,
		 pcc_nl_link_fn fn, void *arg);

/*
 * The receiving end of one conversation: zero it, set seq and port to the
 * request's, then hand each datagram received to a pcc_nl_*_parse.
 */
struct pcc_nlconv {
	uint32_t seq;		/* the request's sequence number */
	uint32_t port;		/* the socket's port id */
	int count;		/* messages passed to the callback so far (and it took) */
	int err;		/* the first error, the kernel's or the callback's; 0 if none */
	unsigned notes;		/* link notifications (RTM_NEWLINK/DELLINK from the
				 * kernel, sequence 0) met among the messages skipped */
};

/*
 * pcc_nl_stats_parse, pcc_nl_links_parse - the messages of one received
 * datagram (len bytes at buf, 4-byte aligned as recvmsg leaves it) of an
 * RTM_GETSTATS or RTM_GETLINK conversation: fn for each RTM_NEWSTATS
 * message with IFLA_STATS_LINK_64, or each RTM_NEWLINK message, of
 * conversation c.  Messages of other conversations or types and short ones
 * are skipped (link notifications among them counted in c->notes), bytes
 * after the last whole message ignored; after an error
 * the rest is drained without fn.  Pure: what pcc_nl_stats and
 * pcc_nl_links do with each datagram, for tests and fuzzers.  Returns 1 if
 * the datagram ended the conversation (NLMSG_DONE or NLMSG_ERROR: the
 * outcome is c->err if < 0, else c->count), 0 if more is to come, -EPROTO
 * for an NLMSG_ERROR too short to read, -EINVAL for NULL arguments.
 */
int pcc_nl_stats_parse(struct pcc_nlconv *c, void *buf, size_t len,
		       pcc_nl_stats_fn fn, void *arg);

/*
 * pcc_nl_stats_known's reading of its one datagram (pure, for tests and
 * fuzzers): 1 if it held exactly ifs[0..nif) of conversation c, in order,
 * then NLMSG_DONE without an error (each one's counters loaded, first want
 * bytes); 0 if it ended before NLMSG_DONE; -EPROTO if anything else came
 * (an error, another interface or more of them, a message short or without
 * IFLA_STATS_LINK_64: ifs may then be part loaded); -EINVAL for NULL
 * arguments.  Link notifications met are counted in c->notes.
 */
int pcc_nl_stats_known_parse(struct pcc_nlconv *c, void *buf, size_t len,
			     struct pcc_netif *ifs, size_t nif, size_t want);
int pcc_nl_links_parse(struct pcc_nlconv *c, void *buf, size_t len,
		       pcc_nl_link_fn fn, void *arg);

/*
 * The id the socket's namespace gives the namespace nsfd refers to
 * (RTM_GETNSID).  Returns it (>= 0), -ENOENT if it has none, -errno.
 */
int pcc_nl_nsid(struct pcc_nlsk *s, struct pcc_nlbuf *b, int nsfd);

/* ------------------------------------------------------------------ netns.c */

/* One network namespace some member is in. */
struct pcc_ns {
	/* what every read of the interfaces touches, first: one or two cache lines */
	uint64_t round;			/* the table round r belongs to */
	uint64_t got;			/* PCC_NETWANT() bits read in that round */
	struct pcc_nlsk sk;		/* bound to the namespace; none: read /proc/PID/net/dev */
	size_t nif, ifcap;
	struct pcc_netif *ifs;		/* nif interfaces as last read */
	unsigned relearn;		/* reads of the interfaces until they are learnt anyway */
	bool links_stale;		/* names and peers to be learnt at the next read */
	bool watched;			/* sk gets the namespace's link notifications */
	bool denied;			/* no socket for want of privilege: never retried */
	uint64_t sock_retry;		/* no socket: not tried again before this round */
	unsigned members;		/* live members in it, >= 1 while it exists */
	struct pcc_netns_reading r;
	dev_t dev;			/* of its nsfs inode: the key */
	ino_t ino;
	pid_t pid;			/* a live member's process: /proc/PID/net is read through it */
	int fd[PCC_PNF_N];		/* kept /proc/PID/net files, -1 if not kept */
	int32_t host_nsid;		/* the id the namespace gives the host's, -1 if none/unknown */
};

/* One interface of a dump, before it is merged into a namespace's list. */
struct pcc_scratch_if {
	uint32_t ifindex;
	struct pcc_ifstats st;
};

struct pcc_netns_table {
	int rootfd;			/* borrowed */
	struct pcc_fdbudget *budget;	/* borrowed, may be NULL */
	dev_t host_dev;			/* the host's namespace */
	ino_t host_ino;
	int host_fd;			/* an fd of it, for setns and RTM_GETNSID */
	struct pcc_nlsk host_sk;	/* a socket in it, made when a peer is first looked up */
	uint64_t round;			/* incremented by pcc_netns_table_refresh */
	int epfd;			/* epoll set of the members' pidfds, -1 until the first */
	uint64_t polled;		/* the round it was last polled in by a read */
	uint64_t names_gen;		/* the last pcc_netns_reading.names_gen given out */
	size_t nlive;			/* members not gone */
	size_t nchecked;		/* of them, those checked in this round */
	size_t nwatched;		/* members with a pidfd */
	bool tight;			/* the budget's tight at the last refresh */
	uint64_t upgrade_round;		/* the round upgrades were last counted in */
	unsigned upgrades;		/* procfs namespaces given a socket in it */
	size_t nns, nscap;
	struct pcc_ns **ns;		/* every namespace with members */
	struct pcc_netns_member *members;	/* every member, a doubly linked list */
	struct pcc_nlbuf nl;
	char *buf;			/* /proc file buffer */
	size_t cap;
	size_t nscr, scrcap;
	struct pcc_scratch_if *scr;	/* the last stats dump */
	struct pcc_netns_reading host_reading;	/* what host members read: nothing */
};

enum {
	MEMBER_HOST = PCC_NETNS_HOST,
	MEMBER_GONE = 1 << 8,		/* its process is gone: ns is NULL */
};

struct pcc_netns_member {
	struct pcc_netns_table *t;
	struct pcc_ns *ns;		/* NULL for host and gone members */
	pid_t pid;
	unsigned flags;			/* MEMBER_* */
	uint64_t checked;		/* the round its liveness was last checked in */
	unsigned verify;		/* checks left until its namespace is verified */
	unsigned fresh;			/* first checks left that each verify it */
	int pidfd;			/* in t->epfd: readable once pid has exited; -1 if
					 * none (no budget left, no pidfd_open): kill(pid, 0) */
	char nspath[32];		/* "proc/PID/ns/net", below the sysroot */
	struct pcc_netns_member *prev, *next;
};

/* Take one fd from the budget: a socket (NULL budget: always) or a kept file (never). */
bool pcc_ns_fd_take(struct pcc_netns_table *t, bool socket);
void pcc_ns_fd_give(struct pcc_netns_table *t);
/* Close s (none is fine) and give its fd back to the budget. */
void pcc_ns_sock_close(struct pcc_netns_table *t, struct pcc_nlsk *s);
/*
 * An fd of the namespace file path (below the table's root: "proc/PID/ns/net")
 * if it is still the namespace (dev, ino); -ENOENT if the process has gone or
 * moved, -errno.
 */
int pcc_ns_open(const struct pcc_netns_table *t, const char *path, dev_t dev, ino_t ino);
/* A socket in ns, made through nsfd; 0, or -errno (-EPERM/-EACCES set ns->denied). */
int pcc_ns_sock_open(struct pcc_netns_table *t, struct pcc_ns *ns, int nsfd);

/* ------------------------------------------------------------------ netns_read.c */

/* ns's list or names may have changed: a new ns->r.names_gen. */
static inline void pcc_ns_names_changed(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	ns->r.names_gen = ++t->names_gen;
}

/* Read what need (PCC_NETWANT bits) asks into ns->r; what fails is left out. */
int pcc_ns_read(struct pcc_netns_table *t, struct pcc_ns *ns, uint64_t need);

#endif /* PCC_NETNS_H */
