/*
 * sample.h - one sample of every container's headline numbers, fetched
 * through a PMAPI fetchgroup (pmFetchGroup(3)) from pmcd or an archive.
 *
 * A sampler owns one fetchgroup and therefore one PMAPI context.  Each
 * pcc_sampler_fetch() makes one pmFetch and turns it into a table of rows,
 * one per container, with rates already computed by the fetchgroup from
 * this fetch and the one before it.  Metrics the source does not have
 * (container.net.* on an older pmdacontainers, container.info.pod on a
 * host without Kubernetes metadata) are skipped at setup: their columns
 * hold no value.  Usual access pattern: one fetch per refresh interval,
 * then sort, filter and print the rows; nothing is kept between samples
 * but the fetchgroup's previous result.
 */
#ifndef PCC_SAMPLE_H
#define PCC_SAMPLE_H

#include <stddef.h>
#include <sys/time.h>
#include <pcp/pmapi.h>

/* Numbers of a row, in display units; NaN where there is no value. */
enum pcc_val {
	PCC_CPU,		/* CPU used, % of one CPU (0..100*ncpu) */
	PCC_CPU_LIM,		/* CPU used, % of the container's CPU limit */
	PCC_MEM,		/* memory used (working set, else usage), bytes */
	PCC_MEM_LIMIT,		/* memory limit, bytes; NaN when unlimited */
	PCC_MEM_PCT,		/* PCC_MEM as % of PCC_MEM_LIMIT */
	PCC_NET_RX,		/* network bytes received per second */
	PCC_NET_TX,		/* network bytes sent per second */
	PCC_IO_RD,		/* block device bytes read per second */
	PCC_IO_WR,		/* block device bytes written per second */
	PCC_PIDS,		/* tasks in the container */
	PCC_THROTTLED,		/* % of CFS periods in which it was throttled */
	PCC_OOM,		/* processes killed by the OOM killer, total */
	PCC_NVALS
};

/* Strings of a row; NULL where there is no value. */
enum pcc_str {
	PCC_ENGINE,		/* docker, podman, kubernetes, lxc, ... */
	PCC_POD,		/* Kubernetes pod (container.info.pod) */
	PCC_NAMESPACE,		/* Kubernetes namespace */
	PCC_IMAGE,		/* image the container runs */
	PCC_NSTRS
};

struct pcc_row {
	int	inst;			/* instance number in pmdacontainers' indom */
	char	*name;			/* instance name, never NULL */
	char	*str[PCC_NSTRS];	/* owned by the row */
	double	val[PCC_NVALS];
};

struct pcc_sample {
	struct timeval	stamp;		/* time of the fetch (source's clock) */
	size_t		nrows;		/* containers in rows[] */
	struct pcc_row	*rows;		/* in instance number order */
};

/* Which optional metric groups the source has (bits of pcc_sampler_has). */
enum {
	PCC_HAS_NET	= 1 << 0,	/* container.net.all.* */
	PCC_HAS_POD	= 1 << 1,	/* container.info.pod */
};

struct pcc_sampler;

/*
 * pcc_sampler_new - connect to the source pmGetOptions() chose (opts->context
 * and hosts[]/archives[]; "local:" when none), complete the time window and
 * time zone options (pmGetContextOptions), and register the metrics.  For an
 * archive, sets interpolated replay from opts->origin every opts->interval.
 * Returns 0 and *ret_s, or a negative PCP error code (PM_ERR_NAME: the
 * source has no container.* metrics at all); on failure *ret_s is untouched
 * and a PCP message may have been queued with pmprintf.
 */
int pcc_sampler_new(pmOptions *opts, struct pcc_sampler **ret_s);

/* pcc_sampler_free - close the context and free everything; NULL is fine. */
void pcc_sampler_free(struct pcc_sampler *s);

/* pcc_sampler_has - PCC_HAS_* bits for the optional metrics found. */
unsigned pcc_sampler_has(const struct pcc_sampler *s);

/* pcc_sampler_host - the source's host name; borrowed from the sampler. */
const char *pcc_sampler_host(const struct pcc_sampler *s);

/*
 * pcc_sampler_fetch - fetch once and fill *sample (its previous rows are
 * freed first; start with a zeroed struct).  Rates need two fetches: after
 * the first, rate columns are NaN.  Returns >= 0, or a negative PCP error
 * (PM_ERR_EOL at the end of an archive, IPC errors when pmcd went away: the
 * next fetch tries again); on error *sample is left empty.
 */
int pcc_sampler_fetch(struct pcc_sampler *s, struct pcc_sample *sample);

/* pcc_sample_clear - free the rows of a sample and empty it. */
void pcc_sample_clear(struct pcc_sample *sample);

#endif
