/*
 * netns.c - the network namespace table: which namespace each member
 * (a container's process) is in, one entry per namespace with the socket
 * bound to it, reference counts, liveness, and rounds.  The readings
 * themselves are netns_read.c's; the public contract is in pcp-container.h.
 *
 * What always holds:
 *  - a namespace is in t->ns exactly while members > 0, and its members
 *    are the live (not gone) members whose ns points at it;
 *  - ns->pid is one of those members' pids;
 *  - every fd counted in budget->held is a namespace's socket, a kept
 *    /proc/PID/net file or the host socket, and is closed when its
 *    namespace (or the table) is;
 *  - nothing here changes the calling thread's namespace: sockets are made
 *    by pcc_nl_open on a thread of their own.
 *
 * Access pattern: attach and detach when containers come and go (a
 * namespace's first attach costs a thread, a setns and a socket), refresh
 * and read once per fetch.  Lookups by inode are a linear scan of the
 * namespaces: attach is rare, and a host has hundreds, not millions.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netns.h"

#define VERIFY_CHECKS	16	/* liveness checks per full one (see check()) */
#define VERIFY_PIDFD	128	/* the same for a member with a pidfd */
#define VERIFY_FRESH	4	/* a new member's first checks, each a full one */
#define POLL_BATCH	32	/* exits taken per epoll_wait */

/* ------------------------------------------------------------------ fds */

bool pcc_ns_fd_take(struct pcc_netns_table *t, bool socket)
{
	if (t->budget == NULL)
		return socket;
	/* the cgroup files are short of fds: they come first (pcc_fdbudget) */
	if (!socket && t->budget->tight)
		return false;
	if (t->budget->held >= t->budget->max)
		return false;
	t->budget->held++;
	return true;
}

void pcc_ns_fd_give(struct pcc_netns_table *t)
{
	if (t->budget != NULL && t->budget->held > 0)
		t->budget->held--;
}

void pcc_ns_sock_close(struct pcc_netns_table *t, struct pcc_nlsk *s)
{
	if (s->sk == NULL)
		return;
	pcc_nl_close(s);
	/* with no budget sockets are not counted; a kept file never exists then */
	pcc_ns_fd_give(t);
}

int pcc_ns_open(const struct pcc_netns_table *t, const char *path, dev_t dev, ino_t ino)
{
	struct stat st;
	int fd;

	fd = openat(t->rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	if (fstat(fd, &st) < 0 || st.st_ino != ino || st.st_dev != dev) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int pcc_ns_sock_open(struct pcc_netns_table *t, struct pcc_ns *ns, int nsfd)
{
	int rc;

	if (!pcc_ns_fd_take(t, true))
		return -EMFILE;
	rc = pcc_nl_open(nsfd, &ns->sk);
	if (rc < 0) {
		pcc_ns_fd_give(t);
		/* no privilege: /proc/PID/net/dev for good; no fd, no memory: later */
		if (rc == -EPERM || rc == -EACCES)
			ns->denied = true;
		return rc;
	}
	ns->watched = pcc_nl_watch_links(&ns->sk) == 0;
	return 0;
}

/* ------------------------------------------------------------------ namespaces */

static struct pcc_ns *ns_find(const struct pcc_netns_table *t, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < t->nns; i++)
		if (t->ns[i]->ino == ino && t->ns[i]->dev == dev)
			return t->ns[i];
	return NULL;
}

static void ns_free(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	unsigned f;

	pcc_ns_sock_close(t, &ns->sk);
	for (f = 0; f < PCC_PNF_N; f++) {
		if (ns->fd[f] >= 0) {
			close(ns->fd[f]);
			pcc_ns_fd_give(t);
		}
	}
	free(ns->ifs);
	free(ns);
}

/* Remove ns from the table and close it. */
static void ns_close(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	size_t i;

	for (i = 0; i < t->nns; i++) {
		if (t->ns[i] == ns) {
			t->ns[i] = t->ns[--t->nns];
			break;
		}
	}
	ns_free(t, ns);
}

/*
 * A new namespace entry for the one nsfd refers to (st its fstat): a socket
 * in it if the budget allows and the namespace may be entered, else the
 * entry reads /proc/PID/net/dev.  Returns 0 or -ENOMEM.
 */
static int ns_new(struct pcc_netns_table *t, int nsfd, const struct stat *st, pid_t pid,
		  struct pcc_ns **ret_ns)
{
	struct pcc_ns *ns, **grown;
	unsigned f;
	int rc;

	if (t->nns == t->nscap) {
		size_t ncap = t->nscap ? t->nscap * 2 : 16;

		grown = realloc(t->ns, ncap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		t->ns = grown;
		t->nscap = ncap;
	}
	ns = calloc(1, sizeof(*ns));
	if (ns == NULL)
		return -ENOMEM;
	ns->dev = st->st_dev;
	ns->ino = st->st_ino;
	ns->members = 1;
	ns->pid = pid;
	ns->host_nsid = -1;
	ns->links_stale = true;
	ns->round = UINT64_MAX;
	for (f = 0; f < PCC_PNF_N; f++)
		ns->fd[f] = -1;
	ns->sk.fd = -1;
	/* no privilege (-EPERM), no fd (-EMFILE): read it through procfs */
	rc = pcc_ns_sock_open(t, ns, nsfd);
	if (rc == -ENOMEM) {
		free(ns);
		return rc;
	}
	ns->r.ns_ino = (uint64_t)st->st_ino;
	pcc_ns_names_changed(t, ns);
	t->ns[t->nns++] = ns;
	*ret_ns = ns;
	return 0;
}

/* ------------------------------------------------------------------ members */

static inline bool vanished(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* Is m's process still in the namespace it was attached in? */
static bool alive(const struct pcc_netns_member *m)
{
	const struct pcc_netns_table *t = m->t;
	struct stat st;

	if (fstatat(t->rootfd, m->nspath, &st, 0) < 0)
		return !vanished(errno);	/* EACCES, ENOMEM...: not a proof of death */
	if (m->flags & MEMBER_HOST)
		return st.st_ino == t->host_ino && st.st_dev == t->host_dev;
	return st.st_ino == m->ns->ino && st.st_dev == m->ns->dev;
}

/*
 * Watch m's process for its exit: a pidfd in the table's epoll set, so that
 * one epoll_wait per round tells which members are gone (see check()).
 * Both fds count against the budget as kept files; with no room, no budget
 * or no pidfd_open (before Linux 5.3) m is checked with kill(pid, 0).
 */
static void watch(struct pcc_netns_table *t, struct pcc_netns_member *m)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = m };
	int fd;


	if (t->epfd < 0) {
		if (!pcc_ns_fd_take(t, false))
			return;
		t->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (t->epfd < 0) {
			pcc_ns_fd_give(t);
			return;
		}
	}
	if (!pcc_ns_fd_take(t, false))
		return;
	fd = (int)syscall(SYS_pidfd_open, m->pid, 0);	/* CLOEXEC always */
	if (fd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		if (fd >= 0)
			close(fd);
		pcc_ns_fd_give(t);
		return;
	}
	m->pidfd = fd;
	t->nwatched++;
}

/*
 * Stop watching m.  Taken out of the set before the close: a copy of the fd
 * in a child (fork) would keep it in the set, and its event would name a
 * freed member.
 */
static void unwatch(struct pcc_netns_member *m)
{
	if (m->pidfd < 0)
		return;
	epoll_ctl(m->t->epfd, EPOLL_CTL_DEL, m->pidfd, NULL);
	close(m->pidfd);
	m->pidfd = -1;
	m->t->nwatched--;
	pcc_ns_fd_give(m->t);
}

static void lose(struct pcc_netns_member *m);

/* Lose every watched member whose process has exited: one epoll_wait, no wait. */
static void poll_exits(struct pcc_netns_table *t)
{
	struct epoll_event ev[POLL_BATCH];
	int n, i;

	t->polled = t->round;
	do {
		n = epoll_wait(t->epfd, ev, POLL_BATCH, 0);
		for (i = 0; i < n; i++)
			lose(ev[i].data.ptr);	/* unwatches: not reported again */
	} while (n == POLL_BATCH);
}

/* m's process is gone: let go of its namespace, closing it if m was the last. */
static void lose(struct pcc_netns_member *m)
{
	struct pcc_ns *ns = m->ns;
	struct pcc_netns_member *o;

	m->flags |= MEMBER_GONE;
	m->ns = NULL;
	m->t->nlive--;
	if (m->checked == m->t->round)
		m->t->nchecked--;
	unwatch(m);
	if (ns == NULL)
		return;
	if (--ns->members == 0) {
		ns_close(m->t, ns);
		return;
	}
	if (ns->pid != m->pid)
		return;
	for (o = m->t->members; o != NULL; o = o->next) {
		if (o->ns == ns) {
			ns->pid = o->pid;
			break;
		}
	}
}

/*
 * Check m at most once per round; returns false (and loses m) if it is
 * gone.  A watched member (a pidfd) costs nothing of its own: the round's
 * first check of any watched member asks epoll once which of them have
 * exited (at 100 namespaces, a kill(pid, 0) per member was 8% of the
 * agent's CPU per fetch).  An exit after that poll is seen in the next
 * round.  An unwatched member is checked with kill(pid, 0).  A pidfd also
 * sees a zombie and is not fooled by a reused pid, which kill is; the
 * fstatat of /proc/PID/ns/net (the kernel builds an nsfs dentry each time:
 * ten kills' worth), which sees those and a process that moved to another
 * namespace, is every VERIFY_CHECKS checks, VERIFY_PIDFD with a pidfd.
 * A new member's first VERIFY_FRESH checks are each a full one: a process
 * is often in its container's cgroups before it is in the container's
 * network namespace (a runtime, or unshare(1), joins the cgroups, then
 * unshares), and one attached in that moment was read as the host's for
 * 128 fetches (QA 061 under load: a container without network values for
 * the 60 s its dashboard waited).
 */
static bool check(struct pcc_netns_member *m)
{
	struct pcc_netns_table *t = m->t;

	if (m->flags & MEMBER_GONE)
		return false;
	if (m->checked == t->round)
		return true;
	m->checked = t->round;
	t->nchecked++;
	if (m->pidfd >= 0) {
		if (t->polled != t->round)
			poll_exits(t);
		if (m->flags & MEMBER_GONE)
			return false;
	} else if (kill(m->pid, 0) < 0 && errno == ESRCH) {
		lose(m);
		return false;
	}
	if (m->fresh > 0)
		m->fresh--;
	else if (--m->verify > 0)
		return true;
	m->verify = m->pidfd >= 0 ? VERIFY_PIDFD : VERIFY_CHECKS;
	if (alive(m))
		return true;
	lose(m);
	return false;
}

int pcc_netns_attach(struct pcc_netns_table *t, pid_t pid,
		     struct pcc_netns_member **ret_member)
{
	struct pcc_netns_member *m;
	struct pcc_ns *ns;
	struct stat st;
	int fd, rc = 0;

	if (t == NULL || pid <= 0 || ret_member == NULL)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->t = t;
	m->pid = pid;
	m->pidfd = -1;
	m->checked = t->round;
	m->verify = VERIFY_CHECKS;
	m->fresh = VERIFY_FRESH;
	snprintf(m->nspath, sizeof(m->nspath), "proc/%d/ns/net", (int)pid);
	if (fstatat(t->rootfd, m->nspath, &st, 0) < 0) {
		rc = vanished(errno) ? -ENOENT : -errno;
		goto out_free;
	}
	if (st.st_ino == t->host_ino && st.st_dev == t->host_dev) {
		m->flags = MEMBER_HOST;
		goto out_link;
	}
	ns = ns_find(t, st.st_dev, st.st_ino);
	if (ns == NULL) {
		/* the process may have exited, or moved, since the fstatat */
		fd = pcc_ns_open(t, m->nspath, st.st_dev, st.st_ino);
		if (fd < 0) {
			rc = fd;
			goto out_free;
		}
		rc = ns_new(t, fd, &st, pid, &ns);
		close(fd);
		if (rc < 0)
			goto out_free;
	} else {
		ns->members++;
	}
	m->ns = ns;
out_link:
	watch(t, m);
	if (m->pidfd >= 0)
		m->verify = VERIFY_PIDFD;
	m->next = t->members;
	if (m->next != NULL)
		m->next->prev = m;
	t->members = m;
	t->nlive++;
	t->nchecked++;	/* checked in this round, above */
	*ret_member = m;
	if (m->ns == NULL)
		return PCC_NETNS_HOST;
	return (m->ns->members > 1 ? PCC_NETNS_SHARED : 0) |
		(m->ns->sk.sk == NULL ? PCC_NETNS_PROCFS : 0);
out_free:
	free(m);
	return rc;
}

void pcc_netns_detach(struct pcc_netns_member *m)
{
	struct pcc_netns_table *t;

	if (m == NULL)
		return;
	t = m->t;
	if (!(m->flags & MEMBER_GONE))
		lose(m);
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		t->members = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	free(m);
}

int pcc_netns_read(struct pcc_netns_member *m, uint64_t want,
		   const struct pcc_netns_reading **ret_reading)
{
	struct pcc_ns *ns;
	uint64_t need;

	if (m == NULL || ret_reading == NULL)
		return -EINVAL;
	if (!check(m))
		return -ENOENT;
	if (m->flags & MEMBER_HOST) {
		*ret_reading = &m->t->host_reading;
		return PCC_NETNS_HOST;
	}
	ns = m->ns;
	if (ns->round != m->t->round) {
		ns->round = m->t->round;
		ns->got = 0;
		ns->r.have = 0;
		ns->r.nif = 0;
		ns->r.st_len = 0;
		ns->r.ifs = NULL;
	}
	need = want & PCC_NETWANT_ALL & ~ns->got;
	if (need & PCC_NETWANT_IFACES)
		need |= PCC_NETWANT_IFBASE;	/* read in full: both */
	if (need != 0) {
		int rc = pcc_ns_read(m->t, ns, need);

		if (rc == -ENOMEM)
			return rc;
		ns->got |= need;	/* what failed is not retried in this round */
	}
	ns->r.flags = (ns->members > 1 ? PCC_NETNS_SHARED : 0) |
		(ns->sk.sk == NULL ? PCC_NETNS_PROCFS : 0);
	ns->r.members = ns->members;
	*ret_reading = &ns->r;
	return (int)ns->r.flags;
}

/* ------------------------------------------------------------------ table */

/* The host's namespace: PID 1's, else (not allowed to look) our thread's. */
static int host_open(int rootfd, struct stat *ret_st)
{
	static const char *const paths[] = { "/proc/1/ns/net", "/proc/thread-self/ns/net" };
	int fd = -ENOENT;
	unsigned i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fd = pcc_sysroot_openat(rootfd, paths[i], O_RDONLY);
		if (fd < 0)
			continue;
		if (fstat(fd, ret_st) == 0)
			return fd;
		close(fd);
		fd = -EIO;
	}
	return fd;
}

int pcc_netns_table_new(int rootfd, struct pcc_fdbudget *budget,
			struct pcc_netns_table **ret_table)
{
	struct pcc_netns_table *t;
	struct stat st;
	int fd;

	if (rootfd < 0 || ret_table == NULL)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	fd = host_open(rootfd, &st);
	if (fd < 0) {
		free(t);
		return fd;
	}
	t->rootfd = rootfd;
	t->budget = budget;
	t->epfd = -1;
	t->polled = UINT64_MAX;
	t->host_fd = fd;
	t->host_dev = st.st_dev;
	t->host_ino = st.st_ino;
	t->host_reading.flags = PCC_NETNS_HOST;
	*ret_table = t;
	return 0;
}

void pcc_netns_table_free(struct pcc_netns_table *t)
{
	struct pcc_netns_member *m, *next;
	size_t i;

	if (t == NULL)
		return;
	for (m = t->members; m != NULL; m = next) {
		next = m->next;
		unwatch(m);
		free(m);
	}
	for (i = 0; i < t->nns; i++)
		ns_free(t, t->ns[i]);
	free(t->ns);
	pcc_ns_sock_close(t, &t->host_sk);
	if (t->epfd >= 0) {
		close(t->epfd);
		pcc_ns_fd_give(t);
	}
	close(t->host_fd);
	pcc_nlbuf_release(&t->nl);
	free(t->buf);
	free(t->scr);
	free(t);
}

/*
 * The budget went short of fds for the cgroup files: the kept ones that
 * are not sockets go back to it (a kept cgroup file saves more a read,
 * pcc_fdbudget says how much): the pidfds, whose members are checked with
 * kill(pid, 0) from now on, and the kept /proc/PID/net files, opened per
 * read from now on.  While it is short none are taken (pcc_ns_fd_take).
 */
static void give_back(struct pcc_netns_table *t)
{
	struct pcc_netns_member *m;
	size_t i;
	unsigned f;

	for (m = t->members; m != NULL && t->nwatched > 0; m = m->next) {
		if (m->pidfd >= 0) {
			unwatch(m);
			m->verify = VERIFY_CHECKS;
		}
	}
	for (i = 0; i < t->nns; i++) {
		for (f = 0; f < PCC_PNF_N; f++) {
			if (t->ns[i]->fd[f] >= 0) {
				close(t->ns[i]->fd[f]);
				t->ns[i]->fd[f] = -1;
				pcc_ns_fd_give(t);
			}
		}
	}
}

int pcc_netns_table_refresh(struct pcc_netns_table *t)
{
	struct pcc_netns_member *m;
	bool all;
	int gone = 0;

	if (t == NULL)
		return -EINVAL;
	/*
	 * A fetch of the interfaces reads (so checks) every member: then there
	 * is no one to check here, and no walk of the list, which is a cache
	 * miss per member (3% of the agent's CPU at 100 namespaces).
	 */
	if (t->budget != NULL && t->budget->tight != t->tight) {
		t->tight = t->budget->tight;
		if (t->tight)
			give_back(t);
	}
	all = t->nchecked == t->nlive;
	t->round++;
	t->nchecked = 0;
	for (m = all ? NULL : t->members; m != NULL; m = m->next) {
		/* read (so checked) in the round that just ended: not again yet */
		if ((m->flags & MEMBER_GONE) || m->checked + 1 == t->round)
			continue;
		if (!check(m))
			gone++;
	}
	/* the round's first read polls again: exits until then are seen */
	t->polled = t->round - 1;
	return gone;
}
