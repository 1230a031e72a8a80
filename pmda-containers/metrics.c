/*
 * metrics.c - the one table of pmdacontainers' metrics: descriptor, where
 * each value comes from, and how it is turned into a PCP value.
 *
 * Most metrics are one library statistic (enum pcc_stat) passed through;
 * a few are derived (cpu.limit from quota/period, memory.working_set as
 * kubelet computes it, pressure averages from the kernel's two decimals).
 * metrics_want() turns the pmIDs of a fetch into the set of statistics to
 * read, so a fetch of container.cpu.usage reads cpuacct.usage and nothing
 * else.  Names are in pmns, help text in help: keep the three in step.
 */
#include <stddef.h>

#include "pmda.h"

enum mkind {
	MK_INFO,		/* arg: which string */
	MK_STAT,		/* arg: enum pcc_stat, passed through */
	MK_CPU_LIMIT,		/* quota / period in CPUs, -1 if unlimited */
	MK_WORKING_SET,		/* usage - inactive_file, floored at 0 */
	MK_PSI_AVG,		/* arg: pcc_stat holding percent x100 */
	MK_IODEV,		/* arg: 0 rbytes, 1 wbytes, 2 rios, 3 wios */
	MK_CONTROL,		/* arg: which self-metric */
	MK_NETIF,		/* arg: offset of a uint64_t in struct pcc_ifstats */
	MK_NETPEER,		/* the interface's host-side device */
	MK_NETALL,		/* arg: offset, summed over non-loopback interfaces */
	MK_NETNS,		/* arg: NET_NETNS, NET_HOST or NET_SHARED */
	MK_NETSTAT,		/* arg: enum pcc_netstat */
};

enum { NET_NETNS, NET_HOST, NET_SHARED };
#define IFS(field)	((int)offsetof(struct pcc_ifstats, field))

enum {
	INFO_ENGINE, INFO_ID, INFO_NAME, INFO_CGROUP, INFO_IMAGE, INFO_POD,
	INFO_NAMESPACE, INFO_STATE, INFO_STARTED, INFO_PID, INFO_RUNTIME,
	INFO_RESTARTS, INFO_RESTARTS_RECENT
};
enum {
	CTL_CONTAINERS, CTL_FULL_SCANS, CTL_PARTIAL_SCANS, CTL_EVENTS,
	CTL_WATCHES, CTL_FDS, CTL_FETCHES, CTL_FETCH_TIME, CTL_DIRS_WALKED,
	CTL_DISCOVERY_TIME, CTL_FILES_READ, CTL_FILES_OPENED, CTL_FD_KINDS,
	CTL_FD_KINDS_ALL
};

struct mdef {
	unsigned cluster, item;
	int type, indom, sem;
	pmUnits units;
	enum mkind kind;
	int arg;
};

#define NS	PMDA_PMUNITS(0, 1, 0, 0, PM_TIME_NSEC, 0)
#define US	PMDA_PMUNITS(0, 1, 0, 0, PM_TIME_USEC, 0)
#define BYTES	PMDA_PMUNITS(1, 0, 0, PM_SPACE_BYTE, 0, 0)
#define COUNT	PMDA_PMUNITS(0, 0, 1, 0, 0, PM_COUNT_ONE)
#define NONE	PMDA_PMUNITS(0, 0, 0, 0, 0, 0)

#define CTR	INDOM_CTR
#define DEV	INDOM_DEV
#define NIF	INDOM_NETIF
#define NUL	-1

#define U64	PM_TYPE_U64
#define U32	PM_TYPE_U32
#define DBL	PM_TYPE_DOUBLE
#define STR	PM_TYPE_STRING

#define CNT	PM_SEM_COUNTER
#define INST	PM_SEM_INSTANT
#define DISC	PM_SEM_DISCRETE

static struct mdef defs[] = {
	{ CLUSTER_INFO, 0, STR, CTR, DISC, NONE, MK_INFO, INFO_ENGINE },
	{ CLUSTER_INFO, 1, STR, CTR, DISC, NONE, MK_INFO, INFO_ID },
	{ CLUSTER_INFO, 2, STR, CTR, DISC, NONE, MK_INFO, INFO_NAME },
	{ CLUSTER_INFO, 3, STR, CTR, DISC, NONE, MK_INFO, INFO_CGROUP },
	{ CLUSTER_INFO, 4, STR, CTR, DISC, NONE, MK_INFO, INFO_IMAGE },
	{ CLUSTER_INFO, 5, STR, CTR, DISC, NONE, MK_INFO, INFO_POD },
	{ CLUSTER_INFO, 6, STR, CTR, DISC, NONE, MK_INFO, INFO_NAMESPACE },
	{ CLUSTER_INFO, 7, STR, CTR, INST, NONE, MK_INFO, INFO_STATE },
	{ CLUSTER_INFO, 8, STR, CTR, DISC, NONE, MK_INFO, INFO_STARTED },
	{ CLUSTER_INFO, 9, U32, CTR, DISC, NONE, MK_INFO, INFO_PID },
	{ CLUSTER_INFO, 10, STR, CTR, DISC, NONE, MK_INFO, INFO_RUNTIME },
	{ CLUSTER_INFO, 11, U32, CTR, CNT, COUNT, MK_INFO, INFO_RESTARTS },
	{ CLUSTER_INFO, 12, U32, CTR, INST, COUNT, MK_INFO, INFO_RESTARTS_RECENT },

	{ CLUSTER_CPU, 0, U64, CTR, CNT, NS, MK_STAT, PCC_CPU_USAGE },
	{ CLUSTER_CPU, 1, U64, CTR, CNT, NS, MK_STAT, PCC_CPU_USER },
	{ CLUSTER_CPU, 2, U64, CTR, CNT, NS, MK_STAT, PCC_CPU_SYSTEM },
	{ CLUSTER_CPU, 3, U64, CTR, CNT, COUNT, MK_STAT, PCC_CPU_NR_PERIODS },
	{ CLUSTER_CPU, 4, U64, CTR, CNT, COUNT, MK_STAT, PCC_CPU_NR_THROTTLED },
	{ CLUSTER_CPU, 5, U64, CTR, CNT, NS, MK_STAT, PCC_CPU_THROTTLED },
	{ CLUSTER_CPU, 6, U64, CTR, DISC, US, MK_STAT, PCC_CPU_QUOTA },
	{ CLUSTER_CPU, 7, U64, CTR, DISC, US, MK_STAT, PCC_CPU_PERIOD },
	{ CLUSTER_CPU, 8, DBL, CTR, DISC, NONE, MK_CPU_LIMIT, 0 },
	{ CLUSTER_CPU, 9, U64, CTR, DISC, NONE, MK_STAT, PCC_CPU_SHARES },
	{ CLUSTER_CPU, 10, U64, CTR, DISC, NONE, MK_STAT, PCC_CPU_WEIGHT },

	{ CLUSTER_MEMORY, 0, U64, CTR, INST, BYTES, MK_STAT, PCC_MEM_USAGE },
	{ CLUSTER_MEMORY, 1, U64, CTR, DISC, BYTES, MK_STAT, PCC_MEM_LIMIT },
	{ CLUSTER_MEMORY, 2, U64, CTR, INST, BYTES, MK_WORKING_SET, 0 },
	{ CLUSTER_MEMORY, 3, U64, CTR, INST, BYTES, MK_STAT, PCC_MEM_RSS },
	{ CLUSTER_MEMORY, 4, U64, CTR, INST, BYTES, MK_STAT, PCC_MEM_CACHE },
	{ CLUSTER_MEMORY, 5, U64, CTR, INST, BYTES, MK_STAT, PCC_MEM_INACTIVE_FILE },
	{ CLUSTER_MEMORY, 6, U64, CTR, INST, BYTES, MK_STAT, PCC_MEM_SWAP },
	{ CLUSTER_MEMORY, 7, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_FAILCNT },
	{ CLUSTER_MEMORY, 8, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_EV_LOW },
	{ CLUSTER_MEMORY, 9, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_EV_HIGH },
	{ CLUSTER_MEMORY, 10, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_EV_MAX },
	{ CLUSTER_MEMORY, 11, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_EV_OOM },
	{ CLUSTER_MEMORY, 12, U64, CTR, CNT, COUNT, MK_STAT, PCC_MEM_EV_OOM_KILL },

	{ CLUSTER_IO, 0, U64, CTR, CNT, BYTES, MK_STAT, PCC_IO_READ_BYTES },
	{ CLUSTER_IO, 1, U64, CTR, CNT, BYTES, MK_STAT, PCC_IO_WRITE_BYTES },
	{ CLUSTER_IO, 2, U64, CTR, CNT, COUNT, MK_STAT, PCC_IO_READS },
	{ CLUSTER_IO, 3, U64, CTR, CNT, COUNT, MK_STAT, PCC_IO_WRITES },

	{ CLUSTER_IODEV, 0, U64, DEV, CNT, BYTES, MK_IODEV, 0 },
	{ CLUSTER_IODEV, 1, U64, DEV, CNT, BYTES, MK_IODEV, 1 },
	{ CLUSTER_IODEV, 2, U64, DEV, CNT, COUNT, MK_IODEV, 2 },
	{ CLUSTER_IODEV, 3, U64, DEV, CNT, COUNT, MK_IODEV, 3 },

	{ CLUSTER_PIDS, 0, U64, CTR, INST, COUNT, MK_STAT, PCC_PIDS_CURRENT },
	{ CLUSTER_PIDS, 1, U64, CTR, DISC, COUNT, MK_STAT, PCC_PIDS_LIMIT },

	{ CLUSTER_CONTROL, 0, U32, NUL, INST, COUNT, MK_CONTROL, CTL_CONTAINERS },
	{ CLUSTER_CONTROL, 1, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_FULL_SCANS },
	{ CLUSTER_CONTROL, 2, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_PARTIAL_SCANS },
	{ CLUSTER_CONTROL, 3, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_EVENTS },
	{ CLUSTER_CONTROL, 4, U32, NUL, INST, COUNT, MK_CONTROL, CTL_WATCHES },
	{ CLUSTER_CONTROL, 5, U32, NUL, INST, COUNT, MK_CONTROL, CTL_FDS },
	{ CLUSTER_CONTROL, 6, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_FETCHES },
	{ CLUSTER_CONTROL, 7, U64, NUL, CNT, NS, MK_CONTROL, CTL_FETCH_TIME },
	{ CLUSTER_CONTROL, 8, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_DIRS_WALKED },
	{ CLUSTER_CONTROL, 9, U64, NUL, CNT, NS, MK_CONTROL, CTL_DISCOVERY_TIME },
	{ CLUSTER_CONTROL, 10, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_FILES_READ },
	{ CLUSTER_CONTROL, 11, U64, NUL, CNT, COUNT, MK_CONTROL, CTL_FILES_OPENED },
	{ CLUSTER_CONTROL, 12, U32, NUL, INST, COUNT, MK_CONTROL, CTL_FD_KINDS },
	{ CLUSTER_CONTROL, 13, U32, NUL, INST, COUNT, MK_CONTROL, CTL_FD_KINDS_ALL },

	{ CLUSTER_NETIF, 0, U64, NIF, CNT, BYTES, MK_NETIF, IFS(rx_bytes) },
	{ CLUSTER_NETIF, 1, U64, NIF, CNT, COUNT, MK_NETIF, IFS(rx_packets) },
	{ CLUSTER_NETIF, 2, U64, NIF, CNT, COUNT, MK_NETIF, IFS(rx_errors) },
	{ CLUSTER_NETIF, 3, U64, NIF, CNT, COUNT, MK_NETIF, IFS(rx_dropped) },
	{ CLUSTER_NETIF, 4, U64, NIF, CNT, COUNT, MK_NETIF, IFS(multicast) },
	{ CLUSTER_NETIF, 5, U64, NIF, CNT, COUNT, MK_NETIF, IFS(rx_fifo_errors) },
	{ CLUSTER_NETIF, 6, U64, NIF, CNT, BYTES, MK_NETIF, IFS(tx_bytes) },
	{ CLUSTER_NETIF, 7, U64, NIF, CNT, COUNT, MK_NETIF, IFS(tx_packets) },
	{ CLUSTER_NETIF, 8, U64, NIF, CNT, COUNT, MK_NETIF, IFS(tx_errors) },
	{ CLUSTER_NETIF, 9, U64, NIF, CNT, COUNT, MK_NETIF, IFS(tx_dropped) },
	{ CLUSTER_NETIF, 10, U64, NIF, CNT, COUNT, MK_NETIF, IFS(tx_fifo_errors) },
	{ CLUSTER_NETIF, 11, U64, NIF, CNT, COUNT, MK_NETIF, IFS(collisions) },
	{ CLUSTER_NETIF, 12, STR, NIF, DISC, NONE, MK_NETPEER, 0 },

	{ CLUSTER_NETALL, 0, U64, CTR, CNT, BYTES, MK_NETALL, IFS(rx_bytes) },
	{ CLUSTER_NETALL, 1, U64, CTR, CNT, COUNT, MK_NETALL, IFS(rx_packets) },
	{ CLUSTER_NETALL, 2, U64, CTR, CNT, COUNT, MK_NETALL, IFS(rx_errors) },
	{ CLUSTER_NETALL, 3, U64, CTR, CNT, COUNT, MK_NETALL, IFS(rx_dropped) },
	{ CLUSTER_NETALL, 4, U64, CTR, CNT, BYTES, MK_NETALL, IFS(tx_bytes) },
	{ CLUSTER_NETALL, 5, U64, CTR, CNT, COUNT, MK_NETALL, IFS(tx_packets) },
	{ CLUSTER_NETALL, 6, U64, CTR, CNT, COUNT, MK_NETALL, IFS(tx_errors) },
	{ CLUSTER_NETALL, 7, U64, CTR, CNT, COUNT, MK_NETALL, IFS(tx_dropped) },

	{ CLUSTER_NETNS, 0, U64, CTR, DISC, NONE, MK_NETNS, NET_NETNS },
	{ CLUSTER_NETNS, 1, U32, CTR, DISC, NONE, MK_NETNS, NET_HOST },
	{ CLUSTER_NETNS, 2, U32, CTR, INST, NONE, MK_NETNS, NET_SHARED },
};

#define NDEFS	(sizeof(defs) / sizeof(defs[0]))
#define NPSI	(PCC_PSI_LAST - PCC_PSI_FIRST + 1)
#define NNETSTAT PCC_NET_NSTAT
#define NETSTAT_ITEM0 16	/* item of the first protocol counter */
#define MAXITEM	64

static struct mdef psidefs[NPSI];
static struct mdef netdefs[NNETSTAT];
static pmdaMetric metrictab[NDEFS + NPSI + NNETSTAT];
static struct mdef *bypmid[NCLUSTERS][MAXITEM];

static void add(pmdaMetric *m, struct mdef *d)
{
	m->m_user = d;
	m->m_desc.pmid = pmID_build(0, d->cluster, d->item);
	m->m_desc.type = d->type;
	m->m_desc.indom = d->indom < 0 ? PM_INDOM_NULL : (pmInDom)d->indom;
	m->m_desc.sem = d->sem;
	m->m_desc.units = d->units;
	bypmid[d->cluster][d->item] = d;
}

void metrics_init(pmdaMetric **ret_tab, int *ret_n)
{
	size_t i, n = 0;

	for (i = 0; i < NDEFS; i++)
		add(&metrictab[n++], &defs[i]);
	/* pressure: item = offset in the library's PSI block, see pmns */
	for (i = 0; i < NPSI; i++) {
		struct mdef *d = &psidefs[i];
		int total = i % 4 == PCC_PSI_TOTAL;

		d->cluster = CLUSTER_PSI;
		d->item = i;
		d->type = total ? U64 : DBL;
		d->indom = CTR;
		d->sem = total ? CNT : INST;
		d->units = total ? (pmUnits)US : (pmUnits)NONE;
		d->kind = total ? MK_STAT : MK_PSI_AVG;
		d->arg = PCC_PSI_FIRST + i;
		add(&metrictab[n++], d);
	}
	/* protocol counters: item = NETSTAT_ITEM0 + enum pcc_netstat, see pmns */
	for (i = 0; i < NNETSTAT; i++) {
		struct mdef *d = &netdefs[i];
		int gauge = i == PCC_NET_TCP_CURR_ESTAB || i >= PCC_NET_SOCK_USED;

		d->cluster = CLUSTER_NETNS;
		d->item = NETSTAT_ITEM0 + i;
		d->type = U64;
		d->indom = CTR;
		d->sem = gauge ? INST : CNT;
		d->units = (pmUnits)COUNT;
		d->kind = MK_NETSTAT;
		d->arg = i;
		add(&metrictab[n++], d);
	}
	*ret_tab = metrictab;
	*ret_n = n;
}

static struct mdef *lookup(pmID pmid)
{
	unsigned c = pmID_cluster(pmid), i = pmID_item(pmid);

	return c < NCLUSTERS && i < MAXITEM ? bypmid[c][i] : NULL;
}

void metrics_want(int numpmid, pmID *pmids, struct pcc_statset *ret_want,
		  uint64_t *ret_netwant)
{
	uint64_t netwant = 0;
	static const enum pcc_stat iostat[] = {
		PCC_IO_READ_BYTES, PCC_IO_WRITE_BYTES, PCC_IO_READS, PCC_IO_WRITES
	};
	struct pcc_statset want = { { 0 } };
	struct mdef *d;
	int i;

	for (i = 0; i < numpmid; i++) {
		if ((d = lookup(pmids[i])) == NULL)
			continue;
		switch (d->kind) {
		case MK_STAT:
		case MK_PSI_AVG:
			pcc_statset_add(&want, d->arg);
			break;
		case MK_CPU_LIMIT:
			pcc_statset_add(&want, PCC_CPU_QUOTA);
			pcc_statset_add(&want, PCC_CPU_PERIOD);
			break;
		case MK_WORKING_SET:
			pcc_statset_add(&want, PCC_MEM_USAGE);
			pcc_statset_add(&want, PCC_MEM_INACTIVE_FILE);
			break;
		case MK_IODEV:
			pcc_statset_add(&want, iostat[d->arg]);
			break;
		case MK_NETIF:
		case MK_NETALL:		/* arg: the counter's offset */
			netwant |= (size_t)d->arg + sizeof(uint64_t) <= PCC_IFSTATS_BASE ?
				PCC_NETWANT_IFBASE : PCC_NETWANT_IFACES;
			break;
		case MK_NETPEER:
		case MK_NETNS:		/* the names, the namespace and flags come with any reading */
			netwant |= PCC_NETWANT_IFBASE;
			break;
		case MK_NETSTAT:
			netwant |= PCC_NETWANT(d->arg);
			break;
		default:
			break;
		}
	}
	*ret_want = want;
	*ret_netwant = netwant;
}

/* A string of the engine's metadata, or no value */
static int meta_str(const char *value, pmAtomValue *atom)
{
	if (value == NULL || *value == '\0')
		return PMDA_FETCH_NOVALUES;
	atom->cp = (char *)value;
	return PMDA_FETCH_STATIC;
}

static int fetch_info(const struct ctr *t, int what, pmAtomValue *atom)
{
	const struct pcc_meta *m = t->meta;

	switch (what) {
	case INFO_ENGINE:
		return meta_str(pcc_engine_name(t->engine), atom);
	case INFO_ID:
		return meta_str(t->id, atom);
	case INFO_NAME:
		return meta_str(t->name, atom);
	case INFO_CGROUP:
		return meta_str(t->path, atom);
	case INFO_IMAGE:
		return meta_str(m ? m->image : NULL, atom);
	case INFO_POD:
		return meta_str(m ? m->pod : NULL, atom);
	case INFO_NAMESPACE:
		return meta_str(m ? m->pod_namespace : NULL, atom);
	case INFO_STATE:
		return meta_str(pcc_cstate_name(m ? m->state : PCC_CSTATE_UNKNOWN), atom);
	case INFO_STARTED:
		return meta_str(m ? m->started : NULL, atom);
	case INFO_RUNTIME:
		return meta_str(pcc_engine_name(m ? m->runtime : t->engine), atom);
	case INFO_RESTARTS:
		atom->ul = restarts_total(t->inst);
		return PMDA_FETCH_STATIC;
	case INFO_RESTARTS_RECENT:
		atom->ul = restarts_recent(t->inst);
		return PMDA_FETCH_STATIC;
	case INFO_PID:
		if (m == NULL || m->pid <= 0)
			return PMDA_FETCH_NOVALUES;
		atom->ul = m->pid;
		return PMDA_FETCH_STATIC;
	default:
		return PM_ERR_PMID;
	}
}

static int fetch_control(int what, pmAtomValue *atom)
{
	struct pcc_fdbudget_stats fb;
	struct pcc_set_stats st;

	pcc_set_get_stats(pmda.set, &st);
	pcc_fdbudget_get_stats(&pmda.budget, &fb);
	switch (what) {
	case CTL_CONTAINERS: atom->ul = pcc_set_count(pmda.set); break;
	case CTL_FULL_SCANS: atom->ull = st.full_scans; break;
	case CTL_PARTIAL_SCANS: atom->ull = st.partial_scans; break;
	case CTL_EVENTS: atom->ull = st.events; break;
	case CTL_WATCHES: atom->ul = st.watches; break;
	case CTL_FDS: atom->ul = pmda.budget.held; break;
	case CTL_FETCHES: atom->ull = pmda.fetches; break;
	case CTL_FETCH_TIME: atom->ull = pmda.fetch_ns; break;
	case CTL_DIRS_WALKED: atom->ull = st.dirs_walked; break;
	case CTL_DISCOVERY_TIME: atom->ull = pmda.discovery_ns; break;
	case CTL_FILES_READ: atom->ull = fb.reads; break;
	case CTL_FILES_OPENED: atom->ull = fb.opens; break;
	case CTL_FD_KINDS: atom->ul = fb.kinds_kept; break;
	case CTL_FD_KINDS_ALL: atom->ul = fb.kinds; break;
	default: return PM_ERR_PMID;
	}
	return PMDA_FETCH_STATIC;
}

static int fetch_iodev(const struct ctrdev *dv, int what, pmAtomValue *atom)
{
	const struct pcc_sample *s = &dv->ctr->sample;
	size_t i;

	if (dv->ctr->sample_rc < 0)
		return PMDA_FETCH_NOVALUES;
	for (i = 0; i < s->niodev; i++) {
		const struct pcc_iodev *io = &s->iodev[i];

		if (io->major != dv->major || io->minor != dv->minor)
			continue;
		atom->ull = what == 0 ? io->rbytes : what == 1 ? io->wbytes :
			    what == 2 ? io->rios : io->wios;
		return PMDA_FETCH_STATIC;
	}
	return PMDA_FETCH_NOVALUES;
}

static uint64_t ifstat(const struct pcc_ifstats *st, int offset)
{
	return *(const uint64_t *)((const char *)st + offset);
}

/* Was the counter at offset read in full in this reading? */
static bool st_current(const struct pcc_netns_reading *r, int offset)
{
	return (size_t)offset + sizeof(uint64_t) <= r->st_len;
}

static int fetch_netif(const struct ctrif *f, const struct mdef *d, pmAtomValue *atom)
{
	const struct pcc_netif *nif = net_if(f);

	if (nif == NULL || (d->kind == MK_NETIF && !st_current(f->ctr->netr, d->arg)))
		return PMDA_FETCH_NOVALUES;
	if (d->kind == MK_NETPEER) {
		if (nif->peer[0] == '\0')
			return PMDA_FETCH_NOVALUES;
		atom->cp = (char *)nif->peer;
		return PMDA_FETCH_STATIC;
	}
	atom->ull = ifstat(&nif->st, d->arg);
	return PMDA_FETCH_STATIC;
}

/* Network metrics of a container: no values in the host's namespace. */
static int fetch_net(const struct ctr *t, const struct mdef *d, pmAtomValue *atom)
{
	const struct pcc_netns_reading *r = t->netr;
	size_t i;

	if (d->kind == MK_NETNS && d->arg == NET_HOST) {
		if (t->netm == NULL)
			return PMDA_FETCH_NOVALUES;
		atom->ul = (t->net_flags & PCC_NETNS_HOST) != 0;
		return PMDA_FETCH_STATIC;
	}
	if (r == NULL || (r->flags & PCC_NETNS_HOST))
		return PMDA_FETCH_NOVALUES;
	switch (d->kind) {
	case MK_NETNS:
		if (d->arg == NET_NETNS)
			atom->ull = r->ns_ino;
		else
			atom->ul = r->members > 1;
		return PMDA_FETCH_STATIC;
	case MK_NETALL:
		if (!st_current(r, d->arg))
			return PMDA_FETCH_NOVALUES;
		atom->ull = 0;
		for (i = 0; i < r->nif; i++)
			if (strcmp(r->ifs[i].name, "lo") != 0)
				atom->ull += ifstat(&r->ifs[i].st, d->arg);
		return PMDA_FETCH_STATIC;
	case MK_NETSTAT:
		if (!(r->have & PCC_NETWANT(d->arg)))
			return PMDA_FETCH_NOVALUES;
		atom->ull = r->v[d->arg];
		return PMDA_FETCH_STATIC;
	default:
		return PM_ERR_PMID;
	}
}

/* Value of a sampled statistic, or -1 if the sample does not have it. */
static int stat_of(const struct ctr *t, enum pcc_stat st, uint64_t *ret)
{
	if (t->sample_rc < 0 || !pcc_statset_has(&t->sample.have, st))
		return -1;
	*ret = t->sample.v[st];
	return 0;
}

static int fetch_stat(const struct ctr *t, const struct mdef *d, pmAtomValue *atom)
{
	uint64_t a, b;

	switch (d->kind) {
	case MK_STAT:
		if (stat_of(t, d->arg, &a) < 0)
			return PMDA_FETCH_NOVALUES;
		atom->ull = a;
		return PMDA_FETCH_STATIC;
	case MK_PSI_AVG:
		if (stat_of(t, d->arg, &a) < 0)
			return PMDA_FETCH_NOVALUES;
		atom->d = a / 100.0;
		return PMDA_FETCH_STATIC;
	case MK_CPU_LIMIT:
		if (stat_of(t, PCC_CPU_QUOTA, &a) < 0)
			return PMDA_FETCH_NOVALUES;
		if (a == PCC_UNLIMITED) {
			atom->d = -1.0;
			return PMDA_FETCH_STATIC;
		}
		if (stat_of(t, PCC_CPU_PERIOD, &b) < 0 || b == 0)
			return PMDA_FETCH_NOVALUES;
		atom->d = (double)a / (double)b;
		return PMDA_FETCH_STATIC;
	case MK_WORKING_SET:
		if (stat_of(t, PCC_MEM_USAGE, &a) < 0)
			return PMDA_FETCH_NOVALUES;
		if (stat_of(t, PCC_MEM_INACTIVE_FILE, &b) < 0)
			b = 0;
		atom->ull = a > b ? a - b : 0;
		return PMDA_FETCH_STATIC;
	default:
		return PM_ERR_PMID;
	}
}

int metrics_fast(pmID pmid, const void **ret_def)
{
	const struct mdef *d = lookup(pmid);

	if (d == NULL || d->indom != INDOM_CTR)
		return -1;
	switch (d->kind) {
	case MK_STAT:
	case MK_PSI_AVG:
	case MK_CPU_LIMIT:
	case MK_WORKING_SET:
		*ret_def = d;
		return d->type;
	default:
		return -1;
	}
}

int metrics_fast_value(const void *def, const struct ctr *t, pmAtomValue *atom)
{
	return fetch_stat(t, def, atom);
}

int metrics_fast_if(pmID pmid)
{
	const struct mdef *d = lookup(pmid);

	if (d == NULL || d->indom != INDOM_NETIF || d->kind != MK_NETIF || d->type != PM_TYPE_U64)
		return -1;
	return d->arg;
}

int metrics_fetch(pmdaMetric *mdesc, unsigned int inst, pmAtomValue *atom)
{
	const struct mdef *d = mdesc->m_user;
	struct ctrdev *dv;
	struct ctr *t;

	if (d == NULL)
		return PM_ERR_PMID;
	if (d->kind == MK_CONTROL)
		return inst == PM_IN_NULL ? fetch_control(d->arg, atom) : PM_ERR_INST;
	if (d->kind == MK_IODEV) {
		if ((dv = ctrdev_lookup(inst)) == NULL)
			return PM_ERR_INST;
		if (pmda.scope != CTX_ALL && dv->ctr->inst != pmda.scope)
			return PMDA_FETCH_NOVALUES;
		return fetch_iodev(dv, d->arg, atom);
	}
	if (d->kind == MK_NETIF || d->kind == MK_NETPEER) {
		struct ctrif *f = ctrif_lookup(inst);

		if (f == NULL)
			return PM_ERR_INST;
		if (pmda.scope != CTX_ALL && f->ctr->inst != pmda.scope)
			return PMDA_FETCH_NOVALUES;
		return fetch_netif(f, d, atom);
	}
	if ((t = ctr_lookup(inst)) == NULL)
		return PM_ERR_INST;
	if (pmda.scope != CTX_ALL && t->inst != pmda.scope)
		return PMDA_FETCH_NOVALUES;
	if (d->kind == MK_INFO)
		return fetch_info(t, d->arg, atom);
	if (d->kind == MK_NETALL || d->kind == MK_NETNS || d->kind == MK_NETSTAT)
		return fetch_net(t, d, atom);
	return fetch_stat(t, d, atom);
}
