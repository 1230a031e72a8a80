/*
 * fetch.h - the PMAPI side of pcp-container-report: which metrics feed
 * which series of the report, and one fetch turned into one sample.
 *
 * Works on the current PMAPI context, live or archive (in interpolation
 * mode: the caller does pmSetMode).  Metrics the context does not have
 * (container.net.* on an older PMDA, for instance) are left out and their
 * series stay NAN; only container.cpu.usage is required.
 */
#ifndef PCC_REPORT_FETCH_H
#define PCC_REPORT_FETCH_H

#include "report.h"

struct rpt_fetch;

/*
 * rpt_fetch_new: look up the metrics in the current context.  MEM_METRIC
 * is the container.memory metric reported as memory (usage or
 * working_set).  ONLY, if not NULL, is a NULL-terminated list of instance
 * names to report (borrowed for the fetcher's life); others are ignored.
 * Sets R->have and R->mem_metric.  Returns 0 and *RET_F, or a PMAPI error
 * (PM_ERR_NAME when container.cpu.usage is missing) with *RET_F untouched.
 */
int rpt_fetch_new(struct rpt_report *r, const char *mem_metric, char **only,
		  struct rpt_fetch **ret_f);

/* rpt_fetch_free: accepts NULL */
void rpt_fetch_free(struct rpt_fetch *f);

/*
 * rpt_fetch_sample: one pmFetch, appended to R as a sample at the fetch's
 * timestamp.  Returns 0; PM_ERR_EOL at the end of an archive (no sample
 * added); another PMAPI error or -ENOMEM.  A fetch whose container metrics
 * have no values (the PMDA gone for a while) still adds a sample.
 */
int rpt_fetch_sample(struct rpt_fetch *f, struct rpt_report *r);

#endif /* PCC_REPORT_FETCH_H */
