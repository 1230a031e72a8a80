/*
 * report.h - the data model of pcp-container-report.
 *
 * A report is a common time axis of samples (t[0..nsamples-1], seconds
 * since the epoch) and, for every container seen in any sample, one value
 * per sample for each series below.  A value that was not available at a
 * sample is NAN; an unlimited limit is INFINITY.  Containers are kept
 * sorted by name, and a container is one name: a PMDA restart that gives
 * the same container a new instance number does not split it.
 *
 * Rates (CPU cores, bytes/s) are computed from two adjacent samples only,
 * as pmrep(1) does: a sample after a gap has no rate.  Counter deltas over
 * the window (throttled periods, OOM kills) are summed over successive
 * available values, across gaps; a decrease is a counter reset and the new
 * value counts in full.
 *
 * Filled by fetch.c (rpt_fetch_sample), summarised by stats.c, printed by
 * out_*.c.  Access pattern: append-only while sampling, then read-only.
 */
#ifndef PCC_REPORT_H
#define PCC_REPORT_H

#include <stddef.h>
#include <stdio.h>

/* per-sample series of a container */
enum rpt_series {
	RPT_CPU,		/* CPU used, cores (rate of container.cpu.usage) */
	RPT_CPU_LIMIT,		/* cores; INFINITY when unlimited */
	RPT_MEM,		/* bytes (container.memory.usage or working_set) */
	RPT_MEM_LIMIT,		/* bytes; INFINITY when unlimited */
	RPT_NET_IN,		/* bytes/s received, all interfaces */
	RPT_NET_OUT,		/* bytes/s sent */
	RPT_IO_READ,		/* bytes/s read from block devices */
	RPT_IO_WRITE,		/* bytes/s written */
	RPT_NSERIES
};

/* counters whose delta over the window is reported */
enum rpt_counter {
	RPT_PERIODS,		/* CFS periods */
	RPT_THROTTLED,		/* CFS periods throttled */
	RPT_OOM_KILLS,		/* processes killed by the OOM killer */
	RPT_NCOUNTERS
};

/* string facts about a container: the last value seen, or NULL */
enum rpt_info {
	RPT_ENGINE,
	RPT_IMAGE,
	RPT_POD,
	RPT_NAMESPACE,
	RPT_NINFO
};

struct rpt_container {
	char *name;				/* instance name, owned */
	char *info[RPT_NINFO];			/* owned, NULL if never seen */
	double *series[RPT_NSERIES];		/* report->cap values each */
	double delta[RPT_NCOUNTERS];		/* NAN until two values seen */
	/* sampling state */
	double prev[RPT_NSERIES];		/* last raw counter value */
	size_t prev_k[RPT_NSERIES];		/* its sample; SIZE_MAX: none */
	double last[RPT_NCOUNTERS];		/* last raw counter value, NAN: none */
};

struct rpt_report {
	size_t nsamples;			/* samples taken */
	size_t cap;				/* allocated per series */
	double *t;				/* sample times, epoch seconds */
	struct rpt_container **ctr;		/* sorted by name */
	size_t nctr, ctr_cap;
	double ncpu;				/* hinv.ncpu, NAN if unknown */
	double physmem;				/* mem.physmem in bytes, NAN if unknown */
	double interval;			/* seconds between samples */
	char *source;				/* archive(s) or host, owned */
	char *hostname;				/* pmcd's host or the archive's, owned */
	const char *mem_metric;			/* static: usage or working_set */
	int have[RPT_NSERIES];			/* metric behind the series exists */
};

/* a container's summary over the window; NAN = no data, INFINITY = no limit */
struct rpt_summary {
	size_t cpu_n;				/* CPU rate samples */
	double cpu_p50, cpu_p95, cpu_max;	/* cores */
	double cpu_limit;			/* cores, last value seen */
	double cpu_pct;				/* p95 as % of limit */
	double cpu_headroom;			/* limit (host CPUs if none) - p95 */
	int cpu_headroom_host;			/* headroom is against the host */
	double periods, throttled;		/* deltas over the window */
	double throttled_pct;			/* 100 * throttled / periods */
	size_t mem_n;				/* memory samples */
	double mem_p95, mem_max;		/* bytes */
	double mem_limit;			/* bytes, last value seen */
	double mem_pct;				/* peak as % of limit */
	double mem_headroom;			/* limit (host memory if none) - peak */
	int mem_headroom_host;
	double oom_kills;
	double net_in_max, net_out_max;		/* bytes/s */
	double io_read_max, io_write_max;	/* bytes/s */
};

/* the host and the sum over containers */
struct rpt_host {
	double ncpu, physmem;
	double cpu_limit_sum;			/* cores, limited containers */
	size_t cpu_limited, cpu_unlimited;	/* containers with/without */
	double cpu_overcommit;			/* cpu_limit_sum / ncpu */
	double mem_limit_sum;			/* bytes */
	size_t mem_limited, mem_unlimited;
	double mem_overcommit;			/* mem_limit_sum / physmem */
	double cpu_total_p95, cpu_total_max;	/* per-sample sum over containers */
	double mem_total_p95, mem_total_max;
	double oom_kills;			/* sum over containers */
};

/* output formats */
enum rpt_format { RPT_TEXT, RPT_CSV, RPT_JSON, RPT_HTML };

/* report.c */

/*
 * rpt_report_new: an empty report.  Returns NULL when out of memory.
 * rpt_report_free: frees everything; accepts NULL.
 */
struct rpt_report *rpt_report_new(void);
void rpt_report_free(struct rpt_report *r);

/*
 * rpt_report_add_sample: append a sample at time T (epoch seconds); every
 * container gets NAN in every series for it.  Returns the new sample's
 * index, or -ENOMEM (the report is unchanged).
 */
long rpt_report_add_sample(struct rpt_report *r, double t);

/*
 * rpt_report_container: the container named NAME, created (sorted in,
 * NAN for every sample so far) if it is new.  Returns NULL when out of
 * memory.  The pointer stays valid until rpt_report_free.
 */
struct rpt_container *rpt_report_container(struct rpt_report *r, const char *name);

/* rpt_container_set_info: replace a string fact; -ENOMEM keeps the old */
int rpt_container_set_info(struct rpt_container *c, enum rpt_info i, const char *value);

/*
 * rpt_container_rate: record counter value V of series S at sample K: the
 * series gets (V - previous) / (t[K] - t[K-1]) when the previous value was
 * at sample K-1 and not larger; no value otherwise.
 */
void rpt_container_rate(struct rpt_report *r, struct rpt_container *c,
			enum rpt_series s, size_t k, double v);

/* rpt_container_count: add counter value V to the delta of counter N */
void rpt_container_count(struct rpt_container *c, enum rpt_counter n, double v);

/* stats.c */

/*
 * rpt_percentile: the nearest-rank P-th percentile (0 < P <= 100) of the
 * non-NAN values among V[0..N-1]: the value of rank ceil(P/100 * M) in
 * ascending order, M the number of such values.  NAN if M is 0 (or no
 * memory for sorting).  V is not modified.  *RET_M gets M when not NULL.
 */
double rpt_percentile(const double *v, size_t n, unsigned p, size_t *ret_m);

/* rpt_summarise: the summary of container C over report R */
void rpt_summarise(const struct rpt_report *r, const struct rpt_container *c,
		   struct rpt_summary *ret);

/* rpt_host_summarise: host totals over every container of R */
void rpt_host_summarise(const struct rpt_report *r, struct rpt_host *ret);

/*
 * rpt_notes: short warnings for a summary ("CPU throttled 12%", "2 OOM
 * kills", ...) joined with ", " into BUF (always terminated); returns the
 * number of notes.  Thresholds: p95 CPU or memory peak >= 90% of its
 * limit, throttled >= 10% of periods, any OOM kill.
 */
int rpt_notes(const struct rpt_summary *s, char *buf, size_t len);

/* output: each returns 0, or a negative errno (write error, no memory) */
int rpt_out_text(FILE *f, const struct rpt_report *r);
int rpt_out_csv(FILE *f, const struct rpt_report *r);
int rpt_out_json(FILE *f, const struct rpt_report *r);
/* rpt_out_html: charts for at most MAX_CHARTS containers (0: all), those
 * with notes or closest to their limits; the summary table has them all */
int rpt_out_html(FILE *f, const struct rpt_report *r, size_t max_charts);

/* format.c: human-readable numbers into BUF, "-" for NAN, "none" for INFINITY */
const char *rpt_fmt_bytes(char *buf, size_t len, double bytes);
const char *rpt_fmt_cores(char *buf, size_t len, double cores);
const char *rpt_fmt_pct(char *buf, size_t len, double pct);
const char *rpt_fmt_count(char *buf, size_t len, double n);
const char *rpt_fmt_ratio(char *buf, size_t len, double ratio);	/* 1.25x */
/* rpt_fmt_time: epoch seconds as HH:MM:SS (with the date when WITH_DATE) in PCP's zone */
const char *rpt_fmt_time(char *buf, size_t len, double t, int with_date);

#endif /* PCC_REPORT_H */
