/*
 * pmda.h - what the parts of pmdacontainers share: the PMDA-wide state, the
 * per-container state, and the metric table's entry points.
 *
 * Ownership: struct pmda_state is one static object in pmda.c.  Each
 * container the library's set reports gets a struct ctr (c->priv of its
 * pcc_container), created in ctr_added() and freed in ctr_removed(); it
 * holds its own copies of what it reports, so nothing here keeps a
 * pcc_container pointer past a refresh.  pmdaCache owns the instance
 * numbers (persisted, so they survive PMDA restarts) and holds a struct
 * ctr * (container indom) or struct ctrdev * (device indom) as private data.
 */
#ifndef PMDA_CONTAINERS_H
#define PMDA_CONTAINERS_H

#include <time.h>

#include <pcp/pmapi.h>
#include <pcp/pmda.h>

#include "pcp-container.h"

enum { INDOM_CTR = 0, INDOM_DEV = 1, INDOM_NETIF = 2, NINDOMS };

enum {
	CLUSTER_INFO = 0,
	CLUSTER_CPU,
	CLUSTER_MEMORY,
	CLUSTER_IO,
	CLUSTER_IODEV,
	CLUSTER_PIDS,
	CLUSTER_PSI,
	CLUSTER_CONTROL,
	CLUSTER_NETIF,		/* per container interface */
	CLUSTER_NETALL,		/* per container, over its non-loopback interfaces */
	CLUSTER_NETNS,		/* per container: its namespace and protocol counters */
	NCLUSTERS
};

struct ctrdev {
	struct ctr *ctr;		/* owner */
	unsigned major, minor;
	int inst;			/* in the device indom */
	char *name;			/* "<container>::<device>" */
};

struct ctrif {
	struct ctr *ctr;		/* owner */
	char ifname[PCC_IFNAME_MAX + 1];	/* sanitized, as inside the container */
	int inst;			/* in the interface indom */
	char *name;			/* "<container>::<interface>" */
	size_t idx;			/* its place in ctr->netr->ifs, if matched == ctr->if_match */
	unsigned long long matched;
};

struct ctr {
	char *path;			/* cgroup path, as in /proc/PID/cgroup */
	char *name;			/* instance name, unique among active instances */
	int renamed;			/* name is not the plain one (collision): see names.c */
	char id[PCC_ID_MAX + 1];
	enum pcc_engine engine;
	int inst;			/* in the container indom */
	struct pcc_acct *acct;
	struct pcc_sample sample;	/* last reading */
	unsigned long long sample_gen;	/* fetch generation of sample; 0 never */
	int sample_rc;			/* pcc_acct_read's result for it */
	struct ctrdev **devs;		/* device instances seen in samples */
	size_t ndevs;
	struct pcc_meta *meta;		/* what the engine says, NULL if nothing yet */
	time_t meta_checked;		/* monotonic seconds of the last check */
	struct pcc_netns_member *netm;	/* in its network namespace, NULL if not (yet) */
	int net_flags;			/* enum pcc_netns_flag bits */
	int net_err;			/* last attach error logged */
	unsigned long long net_retry_ms;	/* no attach before (monotonic ms) */
	unsigned net_backoff_ms;	/* wait after the last failed attach, 0 after success */
	const struct pcc_netns_reading *netr;	/* this fetch's reading, NULL if none */
	unsigned long long net_gen;	/* fetch generation of netr */
	struct ctrif **ifs;		/* interface instances seen in readings */
	size_t nifs;
	uint64_t if_names_gen;		/* names_gen of the reading ifs were matched to */
	unsigned long long if_match;	/* increments with each such match */
};

struct pmda_state {
	int rootfd;			/* sysroot */
	struct pcc_mounts *mounts;
	struct pcc_set *set;
	struct pcc_fdbudget budget;
	pmInDom indom[NINDOMS];
	unsigned rescan_secs;
	int no_meta;			/* -M: no engine metadata read */
	unsigned long long gen;		/* fetch generation */
	unsigned long long fetches;
	unsigned long long fetch_ns;	/* time spent in fetches */
	unsigned long long discovery_ns;	/* time spent in discovery, in fetches and between */
	unsigned long long discovery_runs;	/* refreshes of the container set */
	struct ctr **byinst;		/* active containers by instance number, NULL where none */
	int nbyinst;			/* entries in byinst */
	int cache_dirty;		/* instance caches to be saved */
	int names_dirty;		/* the names file (names.c) to be written */
	int scope;			/* this request's container instance, or CTX_ALL */
	struct pcc_engines *engines;	/* engine metadata reader, NULL if none */
	struct pcc_netns_table *netns;	/* network namespaces, NULL if unavailable */
	time_t meta_checked;		/* monotonic seconds of the last sweep */
	unsigned cull_secs;		/* forget instances hidden this long, 0 never (-c) */
	unsigned long long net_ms;	/* monotonic ms at fetch net_ms_gen (net.c) */
	unsigned long long net_ms_gen;
};

extern struct pmda_state pmda;

/* ctr.c: the library set's callbacks and instance bookkeeping */
int ctr_added(struct pcc_container *c, void *arg);
void ctr_removed(struct pcc_container *c, void *arg);
void ctr_remade(struct pcc_container *c, void *arg);
struct ctr *ctr_lookup(int inst);		/* active container or NULL (an array look-up) */
struct ctrdev *ctrdev_lookup(int inst);		/* active device instance or NULL */
void ctr_sample(struct ctr *t, const struct pcc_statset *want);
void ctr_save_caches(void);
void ctr_culled(int inst, const char *name);	/* container instance inst is forgotten */

/* restarts.c: restarts per instance number (container.info.restarts*) */
int restarts_added(int inst);		/* an activation of inst */
void restarts_remade(int inst);		/* its cgroup made again, inst kept */
void restarts_forget(int inst);		/* inst culled */
uint32_t restarts_total(int inst);	/* since the agent started */
uint32_t restarts_recent(int inst);	/* in the last 15 minutes */

/* cache.c: instance caches copied after each save, restored if cut short */
void cache_restore(pmInDom indom);	/* before PMDA_CACHE_LOAD */
void cache_save(pmInDom indom);
int var_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));		/* under $PCP_VAR_DIR/config/pmda/ */		/* PMDA_CACHE_SAVE, then the copy */
void cache_cull(pmInDom indom);		/* after culls: the copy less them, save, copy */
/* the instance numbers in indom's cache file (malloc'd), their count or -errno */
ssize_t cache_insts(pmInDom indom, int **ret_insts);

/* cull.c: instances hidden longer than pmda.cull_secs are forgotten */
void cull_load(int idx);		/* after PMDA_CACHE_LOAD of pmda.indom[idx] */
void cull_hidden(int idx, int inst);	/* after each PMDA_CACHE_HIDE */
void cull_active(int idx, int inst);	/* after each PMDA_CACHE_ADD */
void cull_run(void);			/* between requests; does its own timing */

/* names.c: names given on collisions, kept across restarts */
void names_load(void);
const char *names_lookup(const char *path);	/* the name path had, or NULL */
void names_forget(const char *name);		/* name was culled: no path gets it back */
void names_save(void);

/* privs.c: keep only the capabilities the agent needs */
int privs_drop(void);

/* ctx.c: pmcd's container attribute per client context */
#define CTX_ALL	(-1)
int ctx_attribute(int ctx, int attr, const char *value, int length, pmdaExt *pmdaext);
void ctx_end(int ctx);
int ctx_scope(int ctx);		/* instance, CTX_ALL, or PM_ERR_NOCONTAINER */
int ctx_instance(pmInDom indom, int inst, char *name, pmInResult **result);

/* net.c: network namespaces and interface instances */
void net_added(struct ctr *t);
void net_removed(struct ctr *t);
void net_sample(struct ctr *t, uint64_t want);
struct ctrif *ctrif_lookup(int inst);
const struct pcc_netif *net_if(const struct ctrif *f);

/* meta.c: engine metadata and instance labels */
void meta_refresh(struct ctr *t, const struct pcc_cid *cid);
void meta_refresh_all(void);
int meta_label(pmInDom indom, unsigned int inst, pmLabelSet **lp);

/* metrics.c: the metric table */
void metrics_init(pmdaMetric **ret_tab, int *ret_n);
void metrics_want(int numpmid, pmID *pmids, struct pcc_statset *ret_want,
		  uint64_t *ret_netwant);
int metrics_fetch(pmdaMetric *mdesc, unsigned int inst, pmAtomValue *atom);
/*
 * The fast path's view (fetch.c): metrics_fast says whether pmid is a number
 * per container taken from its sample, returning its PM_TYPE (U64 or
 * DOUBLE) and the metric in *ret_def, else -1; metrics_fast_value gives
 * t's value as metrics_fetch would (PMDA_FETCH_STATIC, or NOVALUES).
 */
int metrics_fast(pmID pmid, const void **ret_def);
int metrics_fast_value(const void *def, const struct ctr *t, pmAtomValue *atom);
/*
 * The same for the numbers per interface (container.net.{in,out}.*): all
 * are PM_TYPE_U64 counters of an interface's struct pcc_ifstats, at the
 * byte offset metrics_fast_if returns (else -1).
 */
int metrics_fast_if(pmID pmid);

/* fetch.c: the fetch result, built directly for per-container and per-interface numbers */
void fetch_init(pmdaInterface *dp);
int fetch_values(int numpmid, pmID *pmids, pmResult **resp, pmdaExt *ext);
void fetch_done(pmResult *res);

#endif /* PMDA_CONTAINERS_H */
