/*
 * pmda.c - pmdacontainers: start-up, options and the PMDA callbacks.
 *
 * Each fetch first brings the container set up to date (one non-blocking
 * inotify read when nothing changed; a directory inotify named is rescanned
 * alone), then reads for each container only the cgroup files behind the
 * requested metrics, and lets pmdaFetch hand out the values.
 *
 * Work that no request waits for is done between requests, by our own
 * main loop (pmdaMain's, plus a select on the inotify fd and a timer):
 * containers are picked up as soon as inotify reports them, and the
 * periodic safety walk of every hierarchy (-r), the engine metadata
 * re-check, the instance cache saves and the culling of instances gone
 * for longer than -c run there, never inside a fetch.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "pmda.h"

struct pmda_state pmda = { .rootfd = -1, .rescan_secs = 60, .scope = CTX_ALL,
			   .cull_secs = 3600 };

static const struct pcc_set_ops set_ops = {
	.added = ctr_added,
	.removed = ctr_removed,
	.remade = ctr_remade,
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Bring the container set up to date.  In a request (idle 0) only what
 * inotify reported is looked at; between requests the periodic safety walk
 * too when it is due, and the engine metadata of every container is
 * checked again now and then.
 */
static void refresh_set(int idle)
{
	unsigned long long t0 = now_ns();
	int rc = idle ? pcc_set_refresh(pmda.set) : pcc_set_refresh_events(pmda.set);

	if (rc < 0)
		pmNotifyErr(LOG_ERR, "container discovery: %s", pmErrStr(rc));
	if (idle)
		meta_refresh_all();
	pmda.discovery_ns += now_ns() - t0;
	pmda.discovery_runs++;
}

static void sample_one(struct ctr *t, const struct pcc_statset *want, int acct,
		       uint64_t netwant)
{
	if (acct)
		ctr_sample(t, want);
	if (netwant)
		net_sample(t, netwant);
}

static void sample_all(const struct pcc_statset *want, int acct, uint64_t netwant)
{
	size_t i, n = pcc_set_count(pmda.set);
	struct pcc_container *c;
	struct ctr *t;
	int rc;

	if (netwant && pmda.netns)
		pcc_netns_table_refresh(pmda.netns);
	if (acct && (rc = pcc_fdbudget_sync(&pmda.budget)) < 0)
		pmNotifyErr(LOG_WARNING, "settings watches: %s; all read again", pmErrStr(rc));
	if (pmda.scope != CTX_ALL) {
		if ((t = ctr_lookup(pmda.scope)) != NULL)
			sample_one(t, want, acct, netwant);
		return;
	}
	for (i = 0; i < n; i++) {
		c = pcc_set_at(pmda.set, i);
		if (c->priv)
			sample_one(c->priv, want, acct, netwant);
	}
}

static int containers_fetch(int numpmid, pmID *pmidlist, pmResult **resp, pmdaExt *pmdaext)
{
	unsigned long long t0 = now_ns();
	struct pcc_statset want;
	uint64_t netwant;
	int rc, acct = 0;
	size_t w;

	refresh_set(0);
	if ((pmda.scope = ctx_scope(pmdaext->e_context)) == PM_ERR_NOCONTAINER)
		return PM_ERR_NOCONTAINER;
	pmda.gen++;
	metrics_want(numpmid, pmidlist, &want, &netwant);
	for (w = 0; w < sizeof(want.bits) / sizeof(want.bits[0]); w++)
		acct |= want.bits[w] != 0;
	if (acct || netwant)
		sample_all(&want, acct, netwant);
	rc = fetch_values(numpmid, pmidlist, resp, pmdaext);
	pmda.fetches++;
	pmda.fetch_ns += now_ns() - t0;
	return rc;
}

static int containers_instance(pmInDom indom, int inst, char *name, pmInResult **result,
			       pmdaExt *pmdaext)
{
	refresh_set(0);
	if ((pmda.scope = ctx_scope(pmdaext->e_context)) == PM_ERR_NOCONTAINER)
		return PM_ERR_NOCONTAINER;
	if (pmda.scope != CTX_ALL)
		return ctx_instance(indom, inst, name, result);
	return pmdaInstance(indom, inst, name, result, pmdaext);
}

/*
 * fds the readers may keep open: the fd limit less 2048 for directories,
 * inotify, pmcd, logs and opens in passing (half the limit if it is under
 * 4096).  A kept fd costs ~4.6 kB of kernel memory once read (its struct
 * file and seq_file page) but saves two thirds of the CPU of each read; the
 * library spends the budget by file kind (see acct_plan.c).
 */
static unsigned fd_budget(void)
{
	const rlim_t reserve = 2048;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 16384;
	if (rl.rlim_cur > 2 * reserve)
		return (unsigned)(rl.rlim_cur - reserve);
	return (unsigned)(rl.rlim_cur / 2);
}

static int containers_setup(void)
{
	int rc;

	if ((pmda.rootfd = pcc_sysroot_open(NULL)) < 0) {
		pmNotifyErr(LOG_ERR, "sysroot: %s", pmErrStr(pmda.rootfd));
		return pmda.rootfd;
	}
	if ((rc = pcc_mounts_load(pmda.rootfd, &pmda.mounts)) < 0) {
		pmNotifyErr(LOG_ERR, "cgroup mounts: %s", pmErrStr(rc));
		return rc;
	}
	pmNotifyErr(LOG_INFO, "cgroup layout %s, %zu hierarchies",
		    pcc_layout_name(pmda.mounts->layout), pmda.mounts->nhier);
	if (pmda.budget.max == 0)
		pmda.budget.max = fd_budget();
	/* limits, shares, weight read again only after a write (each fetch syncs) */
	pmda.budget.watch_settings = true;
	if ((rc = pcc_netns_table_new(pmda.rootfd, &pmda.budget, &pmda.netns)) < 0)
		pmNotifyErr(LOG_WARNING, "network namespaces: %s; no container.net metrics", pmErrStr(rc));
	if (pmda.no_meta)
		pmNotifyErr(LOG_INFO, "engine metadata not read (-M): containers named "
			    "from their cgroup paths");
	else if ((rc = pcc_engines_new(pmda.rootfd, &pmda.engines)) < 0)
		pmNotifyErr(LOG_WARNING, "engine metadata: %s; containers named by id", pmErrStr(rc));
	if ((rc = pcc_set_new(pmda.mounts, &set_ops, pmda.rescan_secs, &pmda.set)) < 0) {
		pmNotifyErr(LOG_ERR, "container set: %s", pmErrStr(rc));
		return rc;
	}
	return 0;
}

static void containers_init(pmdaInterface *dp)
{
	pmdaMetric *metrics;
	int nmetrics, i;
	static pmdaIndom indoms[NINDOMS];

	if (dp->status != 0)
		return;
	for (i = 0; i < NINDOMS; i++)
		indoms[i].it_indom = i;		/* serial; pmdaInit makes it ours */
	if (containers_setup() < 0) {
		dp->status = PM_ERR_GENERIC;
		return;
	}
	dp->version.seven.fetch = containers_fetch;
	dp->version.seven.instance = containers_instance;
	dp->version.seven.attribute = ctx_attribute;
	pmdaSetEndContextCallBack(dp, ctx_end);
	pmdaSetCommFlags(dp, PMDA_FLAG_CONTAINER);
	pmdaSetLabelCallBack(dp, meta_label);
	pmdaSetFetchCallBack(dp, metrics_fetch);
	fetch_init(dp);
	metrics_init(&metrics, &nmetrics);
	/* pmdaInit gives the metrics and indoms our domain */
	pmdaInit(dp, indoms, NINDOMS, metrics, nmetrics);
	for (i = 0; i < NINDOMS; i++) {
		pmda.indom[i] = indoms[i].it_indom;
		/* earlier runs' instance numbers, so they stay stable */
		cache_restore(pmda.indom[i]);
		pmdaCacheOp(pmda.indom[i], PMDA_CACHE_LOAD);
		cull_load(i);
	}
	names_load();
	refresh_set(1);
	ctr_save_caches();
}

/* Milliseconds until the next piece of work between requests is due. */
static int idle_due_ms(void)
{
	int ms = pcc_set_full_due_ms(pmda.set);

	/* the metadata sweep decides for itself; look at least every second */
	return ms < 0 || ms > 1000 ? 1000 : ms;
}

/*
 * pmdaMain, with discovery between requests: a PDU from pmcd is answered
 * first; then, DEBOUNCE_MS after inotify first has news (so that a burst
 * of containers is one partial scan per directory, not one per container),
 * or when the timer says, the set is refreshed (with the safety walk when
 * due), metadata checked and instance caches saved.  A fetch does not wait
 * for this: it handles pending events itself.
 */
#define DEBOUNCE_MS	100

static void containers_main(pmdaInterface *dp)
{
	int infd = __pmdaInFd(dp), ifd, nfds, rc, pending = 0;
	unsigned long long next = now_ns(), now, wait;
	struct timeval tv;
	fd_set rfds;

	if (infd < 0 || infd >= FD_SETSIZE) {
		pmdaMain(dp);
		return;
	}
	for (;;) {
		ifd = pcc_set_fd(pmda.set);
		FD_ZERO(&rfds);
		FD_SET(infd, &rfds);
		nfds = infd + 1;
		if (!pending && ifd >= 0 && ifd < FD_SETSIZE) {
			FD_SET(ifd, &rfds);
			nfds = ifd >= nfds ? ifd + 1 : nfds;
		}
		now = now_ns();
		wait = next > now ? next - now : 0;
		tv.tv_sec = wait / 1000000000;
		tv.tv_usec = wait % 1000000000 / 1000;
		rc = select(nfds, &rfds, NULL, NULL, &tv);
		if (rc < 0 && errno != EINTR) {
			pmNotifyErr(LOG_ERR, "select: %s", pmErrStr(-errno));
			break;
		}
		if (rc > 0 && FD_ISSET(infd, &rfds) && __pmdaMainPDU(dp) < 0)
			break;
		now = now_ns();
		if (rc > 0 && !pending && ifd >= 0 && ifd < FD_SETSIZE && FD_ISSET(ifd, &rfds)) {
			pending = 1;
			if (next > now + DEBOUNCE_MS * 1000000ull)
				next = now + DEBOUNCE_MS * 1000000ull;
		}
		if (now >= next) {
			refresh_set(1);
			ctr_save_caches();
			cull_run();
			pending = 0;
			next = now_ns() + (unsigned long long)idle_due_ms() * 1000000;
		}
	}
	ctr_save_caches();
}

static pmLongOptions longopts[] = {
	PMDA_OPTIONS_HEADER("Options"),
	PMDAOPT_DEBUG,
	PMDAOPT_DOMAIN,
	PMDAOPT_LOGFILE,
	PMDAOPT_HELPTEXT,
	{ "rescan", 1, 'r', "SECS", "safety rescan of the cgroup tree every SECS [60, 0: never]" },
	{ "fd-budget", 1, 'b', "N", "keep at most N fds open: cgroup files, netns sockets, pidfds [fd limit - 2048]" },
	{ "cull", 1, 'c', "SECS", "forget instances gone for SECS [3600, 0: never]" },
	{ "no-metadata", 0, 'M', NULL, "read no engine files: names and labels from cgroup paths" },
	PMOPT_HELP,
	PMDA_OPTIONS_END
};

static pmdaOptions opts = {
	.short_options = "b:c:D:d:h:l:Mr:?",
	.long_options = longopts,
};

int main(int argc, char **argv)
{
	pmdaInterface dispatch;
	char helppath[MAXPATHLEN];
	char *end;
	int sep = pmPathSeparator(), c;

#ifdef M_ARENA_MAX
	/*
	 * One malloc arena: the only other threads are the short-lived ones
	 * that enter a network namespace while this one waits for them, and
	 * glibc gives each new thread an arena of its own (up to 8 per CPU)
	 * whose freed memory stays resident: a one-time step of 3.6 MB in
	 * VmRSS during qa/lab/churn.sh, none with one arena.
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
	pmSetProgname(argv[0]);
	pmsprintf(helppath, sizeof(helppath), "%s%c" "containers" "%c" "help",
		  pmGetConfig("PCP_PMDAS_DIR"), sep, sep);
	pmdaDaemon(&dispatch, PMDA_INTERFACE_7, pmGetProgname(), CONTAINERS,
		   "containers.log", helppath);

	while ((c = pmdaGetOptions(argc, argv, &opts, &dispatch)) != EOF) {
		switch (c) {
		case 'r':
			pmda.rescan_secs = strtoul(opts.optarg, &end, 10);
			if (*end != '\0')
				opts.errors++;
			break;
		case 'c':
			pmda.cull_secs = strtoul(opts.optarg, &end, 10);
			if (*end != '\0')
				opts.errors++;
			break;
		case 'M':
			pmda.no_meta = 1;
			break;
		case 'b':
			pmda.budget.max = strtoul(opts.optarg, &end, 10);
			if (*end != '\0' || pmda.budget.max == 0)
				opts.errors++;
			break;
		}
	}
	if (opts.errors) {
		pmdaUsageMessage(&opts);
		exit(1);
	}

	pmdaOpenLog(&dispatch);
	privs_drop();
	containers_init(&dispatch);
	pmdaConnect(&dispatch);
	containers_main(&dispatch);
	exit(0);
}
