/*
 * netns_read.c - taking one namespace's reading: its interfaces from an
 * RTM_GETSTATS dump on the namespace's socket (or from /proc/PID/net/dev
 * where it has none), their names and host-side peers from RTM_GETLINK
 * when needed, and protocol counters from /proc/PID/net files.
 *
 * Access pattern: pcc_netns_read calls pcc_ns_read once per namespace per
 * round for what it has not read yet in the round.  The steady state is
 * one sendto and a recvfrom or two for the interfaces, and one pread loop
 * per wanted counter file on a kept fd; no allocation.  Names are learnt
 * (RTM_GETLINK dump in the namespace, RTM_GETNSID once, and one
 * RTM_GETLINK per host peer on the host socket) only when the dump shows a
 * different set of interfaces, when a name is still missing, when the
 * kernel notified a link change in the namespace (the socket is subscribed
 * to RTNLGRP_LINK: a rename keeps the ifindex, and a name can be caught
 * between a move into the namespace and the rename that follows; the
 * notifications queue up between reads and the dump's receive loop meets
 * them first), and every RELEARN_WATCHED reads anyway, for renames of the
 * host-side peers, which the namespace is not told about (RELEARN_READS
 * where the subscription failed).  Relearning every 64 reads was a tenth
 * of the agent's CPU per fetch of the interfaces (100 podman namespaces,
 * bench/net.sh).
 *
 * Names come from inside a container and are sanitized
 * (pcc_name_sanitize) before anyone sees them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

#define RELEARN_READS	64	/* reads of the interfaces between forced RTM_GETLINKs */
#define RELEARN_WATCHED	1024	/* the same for a namespace whose link changes are notified */

/* ------------------------------------------------------------------ stats */

static int scr_add(struct pcc_netns_table *t, uint32_t ifindex, const void *st64, size_t len,
		   size_t want)
{
	struct pcc_scratch_if *grown;

	if (t->nscr == t->scrcap) {
		size_t ncap = t->scrcap ? t->scrcap * 2 : 16;

		grown = realloc(t->scr, ncap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		t->scr = grown;
		t->scrcap = ncap;
	}
	t->scr[t->nscr].ifindex = ifindex;
	/* a new interface's counters past want are 0, not a slot's old ones */
	memset(&t->scr[t->nscr].st, 0, sizeof(t->scr[t->nscr].st));
	pcc_ifstats_load(&t->scr[t->nscr].st, st64, len, want);
	t->nscr++;
	return 0;
}

/*
 * One dump's interfaces.  While they come in the order of ns->ifs (the
 * usual case: the set did not change), each one's numbers go straight
 * there; from the first that does not, all of them go to the table's
 * scratch list, to be merged by rebuild().  A copy of 200 bytes per
 * interface fewer, and no second pass, in the steady state.
 */
struct dump_arg {
	struct pcc_netns_table *t;
	struct pcc_ns *ns;
	size_t n;		/* interfaces of the dump so far */
	size_t st_len;		/* bytes of each one's counters to take */
	bool scratch;		/* they are in t->scr, not in ns->ifs */
};

/* The first n interfaces of ns->ifs (this dump's so far) into the scratch list. */
static int to_scratch(struct dump_arg *a)
{
	size_t i;
	int rc;

	a->scratch = true;
	a->t->nscr = 0;
	for (i = 0; i < a->n; i++)
		if ((rc = scr_add(a->t, a->ns->ifs[i].ifindex, &a->ns->ifs[i].st,
				  sizeof(a->ns->ifs[i].st), sizeof(a->ns->ifs[i].st))) < 0)
			return rc;
	return 0;
}

static int dump_add(uint32_t ifindex, const void *st64, size_t len, void *arg)
{
	struct dump_arg *a = arg;
	struct pcc_ns *ns = a->ns;
	int rc;

	if (!a->scratch && a->n < ns->nif && ns->ifs[a->n].ifindex == ifindex) {
		pcc_ifstats_load(&ns->ifs[a->n++].st, st64, len, a->st_len);
		return 0;
	}
	if (!a->scratch && (rc = to_scratch(a)) < 0)
		return rc;
	a->n++;
	return scr_add(a->t, ifindex, st64, len, a->st_len);
}

/* ns->ifs becomes the dumped list, keeping what is known of old interfaces. */
static int rebuild(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	struct pcc_netif *ifs;
	size_t i, j;

	ifs = calloc(t->nscr ? t->nscr : 1, sizeof(*ifs));
	if (ifs == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nscr; i++) {
		ifs[i].ifindex = t->scr[i].ifindex;
		ifs[i].st = t->scr[i].st;
		for (j = 0; j < ns->nif; j++) {
			if (ns->ifs[j].ifindex == ifs[i].ifindex) {
				memcpy(ifs[i].name, ns->ifs[j].name, sizeof(ifs[i].name));
				memcpy(ifs[i].peer, ns->ifs[j].peer, sizeof(ifs[i].peer));
				ifs[i].peer_ifindex = ns->ifs[j].peer_ifindex;
				break;
			}
		}
	}
	free(ns->ifs);
	ns->ifs = ifs;
	ns->nif = ns->ifcap = t->nscr;
	pcc_ns_names_changed(t, ns);
	return 0;
}

/* ------------------------------------------------------------------ names */

static struct pcc_netif *if_find(struct pcc_ns *ns, uint32_t ifindex, size_t *ret_i)
{
	size_t i;

	for (i = 0; i < ns->nif; i++) {
		if (ns->ifs[i].ifindex == ifindex) {
			*ret_i = i;
			return &ns->ifs[i];
		}
	}
	return NULL;
}

static void put_name(char *dst, size_t dstlen, const struct pcc_nllink *l)
{
	if (l->name == NULL || pcc_name_sanitize(l->name, l->namelen, dst, dstlen) < 0)
		dst[0] = '\0';
}

/* Learning links: the namespace, and per interface the nsid of its link. */
struct learn_arg {
	struct pcc_ns *ns;
	int32_t *nsid;		/* ns->nif entries */
};

static int link_cb(const struct pcc_nllink *l, void *arg)
{
	struct learn_arg *a = arg;
	struct pcc_netif *ifp;
	size_t i;

	ifp = if_find(a->ns, l->ifindex, &i);
	if (ifp == NULL)
		return 0;	/* came after the stats dump: next time */
	put_name(ifp->name, sizeof(ifp->name), l);
	if (l->link_nsid >= 0 && l->link != 0) {
		if (ifp->peer_ifindex != l->link)
			ifp->peer[0] = '\0';
		ifp->peer_ifindex = l->link;
		a->nsid[i] = l->link_nsid;
	} else {
		ifp->peer_ifindex = 0;
		ifp->peer[0] = '\0';
	}
	return 0;
}

static int peer_cb(const struct pcc_nllink *l, void *arg)
{
	struct pcc_netif *ifp = arg;

	if (l->ifindex == ifp->peer_ifindex)
		put_name(ifp->peer, sizeof(ifp->peer), l);
	return 0;
}

/* The host-side name of ifp's link; leaves it "" if it cannot be had. */
static void learn_peer(struct pcc_netns_table *t, struct pcc_netif *ifp)
{
	if (t->host_sk.sk == NULL) {
		if (!pcc_ns_fd_take(t, true))
			return;
		if (pcc_nl_open(t->host_fd, &t->host_sk) < 0) {
			pcc_ns_fd_give(t);
			return;
		}
	}
	ifp->peer[0] = '\0';
	pcc_nl_links(&t->host_sk, &t->nl, ifp->peer_ifindex, peer_cb, ifp);
}

/*
 * Names and links of every interface, then the names of the host-side
 * peers: links whose namespace is the host's (its id here is asked after
 * the dump, which is what makes the kernel give it one).
 */
static int learn(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	struct learn_arg a = { ns, NULL };
	size_t i;
	int rc;

	a.nsid = malloc((ns->nif ? ns->nif : 1) * sizeof(*a.nsid));
	if (a.nsid == NULL)
		return -ENOMEM;
	for (i = 0; i < ns->nif; i++)
		a.nsid[i] = -1;
	pcc_ns_names_changed(t, ns);	/* names and peers, even if it fails half way */
	rc = pcc_nl_links(&ns->sk, &t->nl, 0, link_cb, &a);
	if (rc < 0)
		goto out;
	if (ns->host_nsid < 0) {
		rc = pcc_nl_nsid(&ns->sk, &t->nl, t->host_fd);
		ns->host_nsid = rc >= 0 ? rc : -1;
	}
	ns->links_stale = false;
	for (i = 0; i < ns->nif; i++) {
		struct pcc_netif *ifp = &ns->ifs[i];

		if (ifp->name[0] == '\0')
			ns->links_stale = true;
		if (ifp->peer_ifindex == 0)
			continue;
		if (a.nsid[i] != ns->host_nsid || ns->host_nsid < 0) {
			ifp->peer_ifindex = 0;
			ifp->peer[0] = '\0';
			continue;
		}
		learn_peer(t, ifp);
	}
	rc = 0;
out:
	free(a.nsid);
	return rc;
}

static int ifaces_procfs(struct pcc_netns_table *t, struct pcc_ns *ns);

static int ifaces_netlink(struct pcc_netns_table *t, struct pcc_ns *ns, size_t st_len)
{
	struct dump_arg a = { t, ns, 0, st_len, false };
	int rc;

	t->nl.notes = 0;
	/* the usual read: the same interfaces as last time, straight in */
	if (ns->nif > 0 && ns->nif <= PCC_NL_KNOWN_MAX &&
	    pcc_nl_stats_known(&ns->sk, &t->nl, ns->ifs, ns->nif, st_len)) {
		a.n = ns->nif;
		rc = 0;
	} else {
		rc = pcc_nl_stats(&ns->sk, &t->nl, dump_add, &a);
	}
	if (t->nl.notes > 0)
		ns->links_stale = true;	/* a link was added, removed or renamed */
	if (rc == -EOPNOTSUPP) {
		/* before Linux 4.7: the socket is no use */
		pcc_ns_sock_close(t, &ns->sk);
		ns->nif = 0;
		return ifaces_procfs(t, ns);
	}
	if (rc < 0)
		return rc;
	/* fewer than before, the first as before: merged like any change */
	if (!a.scratch && a.n < ns->nif && (rc = to_scratch(&a)) < 0)
		return rc;
	if (a.scratch) {
		rc = rebuild(t, ns);
		if (rc < 0)
			return rc;
		ns->links_stale = true;
	}
	if (ns->links_stale || ns->relearn == 0) {
		ns->relearn = ns->watched ? RELEARN_WATCHED : RELEARN_READS;
		rc = learn(t, ns);
		if (rc == -ENOMEM)
			return rc;
	} else {
		ns->relearn--;
	}
	return 0;
}

/* ------------------------------------------------------------------ /proc/PID/net */

/* Read file f of ns into t->buf: the kept fd, else open it (and keep it if allowed). */
static ssize_t read_pnf(struct pcc_netns_table *t, struct pcc_ns *ns, enum pcc_pnf f)
{
	char path[48];
	ssize_t n;
	int fd;

	if (ns->fd[f] >= 0) {
		n = pcc_read_fd(ns->fd[f], &t->buf, &t->cap, PCC_PROCNET_MAX);
		if (n >= 0 || n == -ENOMEM)
			return n;
		close(ns->fd[f]);
		ns->fd[f] = -1;
		pcc_ns_fd_give(t);
	}
	snprintf(path, sizeof(path), "proc/%d/net/%s", (int)ns->pid, pcc_pnf_name[f]);
	fd = openat(t->rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	n = pcc_read_fd(fd, &t->buf, &t->cap, PCC_PROCNET_MAX);
	if (n >= 0 && pcc_ns_fd_take(t, false))
		ns->fd[f] = fd;
	else
		close(fd);
	return n;
}

/* One /proc/PID/net/dev read's interfaces into ns->ifs, noting a change of names. */
struct dev_arg {
	struct pcc_ns *ns;
	size_t old;		/* interfaces before this read */
	bool changed;		/* a name differs from the one in its place before */
};

static int dev_cb(const char *name, size_t namelen, const struct pcc_ifstats *st, void *arg)
{
	struct dev_arg *a = arg;
	struct pcc_ns *ns = a->ns;
	char clean[PCC_IFNAME_MAX + 1];
	struct pcc_netif *ifp, *grown;

	if (pcc_name_sanitize(name, namelen, clean, sizeof(clean)) < 0)
		clean[0] = '\0';
	if (ns->nif < a->old && strcmp(ns->ifs[ns->nif].name, clean) == 0) {
		ns->ifs[ns->nif++].st = *st;	/* the usual read: the same list */
		return 0;
	}
	a->changed = true;
	if (ns->nif == ns->ifcap) {
		size_t ncap = ns->ifcap ? ns->ifcap * 2 : 2;	/* lo and eth0: 672 bytes */

		grown = realloc(ns->ifs, ncap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		ns->ifs = grown;
		ns->ifcap = ncap;
	}
	ifp = &ns->ifs[ns->nif++];
	memset(ifp, 0, sizeof(*ifp));
	memcpy(ifp->name, clean, sizeof(ifp->name));
	ifp->st = *st;
	return 0;
}

/*
 * The interfaces from /proc/PID/net/dev.  The names generation changes only
 * when the list does: a reader matching names (the PMDA) does it again only
 * then, not at every read of the thousands of namespaces a budget with no
 * room for their sockets leaves here.
 */
static int ifaces_procfs(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	struct dev_arg a = { ns, ns->nif, false };
	ssize_t n;
	int rc;

	n = read_pnf(t, ns, PCC_PNF_DEV);
	if (n < 0)
		return (int)n;
	ns->nif = 0;
	rc = pcc_procnet_dev(t->buf, (size_t)n, dev_cb, &a);
	if (rc < 0 || a.changed || ns->nif != a.old)
		pcc_ns_names_changed(t, ns);
	return rc < 0 ? rc : 0;
}

/*
 * A namespace read through /proc/PID/net/dev (it came when the budget had
 * no room) gets a socket once the budget has room again beyond what the
 * plan keeps back for new namespaces, and no cgroup file is short of an
 * fd (containers went): taking that reserve would make the plan shrink
 * the files to restore it, and sockets would ratchet the files out (a
 * loss at 5000 containers, see pcc_fdbudget).  At most UPGRADES a round (a thread and a
 * setns each, ~50 us); one that fails for want of an fd waits RETRY_ROUNDS.
 */
#define UPGRADES	256
#define RETRY_ROUNDS	64

static void upgrade(struct pcc_netns_table *t, struct pcc_ns *ns)
{
	char path[48];
	int fd, rc;

	/* room beyond the max/32 the plan keeps back for new namespaces */
	if (t->round < ns->sock_retry || (t->budget != NULL && (t->budget->tight ||
	    t->budget->held + t->budget->max / 32 >= t->budget->max)))
		return;
	if (t->upgrade_round != t->round) {
		t->upgrade_round = t->round;
		t->upgrades = 0;
	}
	if (t->upgrades >= UPGRADES)
		return;
	t->upgrades++;
	snprintf(path, sizeof(path), "proc/%d/ns/net", (int)ns->pid);
	if ((fd = pcc_ns_open(t, path, ns->dev, ns->ino)) < 0)
		return;	/* the process is gone or moved: the member's check says so */
	rc = pcc_ns_sock_open(t, ns, fd);
	close(fd);
	if (rc == 0) {
		if (ns->fd[PCC_PNF_DEV] >= 0) {	/* no use now */
			close(ns->fd[PCC_PNF_DEV]);
			ns->fd[PCC_PNF_DEV] = -1;
			pcc_ns_fd_give(t);
		}
		ns->links_stale = true;
	} else if (!ns->denied) {
		ns->sock_retry = t->round + RETRY_ROUNDS;
	}
}

int pcc_ns_read(struct pcc_netns_table *t, struct pcc_ns *ns, uint64_t need)
{
	uint64_t mask;
	ssize_t n;
	unsigned f;
	int rc;

	if (need & (PCC_NETWANT_IFACES | PCC_NETWANT_IFBASE)) {
		size_t st_len = need & PCC_NETWANT_IFACES ? sizeof(struct pcc_ifstats) :
			PCC_IFSTATS_BASE;

		if (ns->sk.sk == NULL && !ns->denied)
			upgrade(t, ns);
		rc = ns->sk.sk != NULL ? ifaces_netlink(t, ns, st_len) : ifaces_procfs(t, ns);
		if (rc == -ENOMEM)
			return rc;
		if (rc >= 0) {
			ns->r.nif = ns->nif;
			ns->r.ifs = ns->nif ? ns->ifs : NULL;
			ns->r.st_len = ns->sk.sk != NULL ? st_len : sizeof(struct pcc_ifstats);
		}
	}
	/* the usual fetch wants interfaces only: no walk of the counter table */
	if ((need & ~(PCC_NETWANT_IFACES | PCC_NETWANT_IFBASE)) == 0)
		return 0;
	for (f = PCC_PNF_SNMP; f < PCC_PNF_N; f++) {
		mask = pcc_procnet_mask(f) & need;
		if (mask == 0)
			continue;
		n = read_pnf(t, ns, f);
		if (n == -ENOMEM)
			return -ENOMEM;
		if (n >= 0)
			pcc_procnet_parse(f, t->buf, (size_t)n, mask, ns->r.v, &ns->r.have);
	}
	return 0;
}
