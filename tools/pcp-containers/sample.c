/*
 * sample.c - the fetchgroup behind pcp-containers: which container.*
 * metrics a row is made of, with what unit and rate conversion, and how
 * one fetch becomes one row per container.
 *
 * Every metric is registered with pmExtendFetchGroup_indom into vectors of
 * `cap` entries.  A fetch that finds more containers than that (the
 * fetchgroup says PM_ERR_TOOBIG) rebuilds the fetchgroup with four times
 * the room and fetches again, so the only limit is memory.  Rows are the
 * instances of the instant and counter metrics (never of discrete ones,
 * whose last values a fetchgroup keeps when a fetch returns none).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sample.h"

/* the raw metrics, one registration each */
enum raw_id {
	R_NAME, R_ENGINE, R_POD, R_NAMESPACE, R_IMAGE,
	R_CPU, R_CPU_LIMIT,
	R_MEM_WS, R_MEM_USAGE, R_MEM_LIMIT,
	R_NET_RX, R_NET_TX, R_IO_RD, R_IO_WR,
	R_PIDS, R_PERIODS, R_THROTTLED, R_OOM,
	R_N
};

static const struct raw_spec {
	const char	*metric;
	const char	*scale;		/* pmExtendFetchGroup_indom conversion */
	int		type;		/* PM_TYPE_DOUBLE or PM_TYPE_STRING */
	int		anchor;		/* its instances make the rows */
	unsigned	has;		/* PCC_HAS_* bit it sets when found */
} raw_specs[R_N] = {
	/* the name again, as a value: an instance gone by the time the
	 * fetchgroup asks for the instance names has none there */
	[R_NAME]	= { "container.info.name", NULL, PM_TYPE_STRING, 0, 0 },
	[R_ENGINE]	= { "container.info.engine", NULL, PM_TYPE_STRING, 0, 0 },
	[R_POD]		= { "container.info.pod", NULL, PM_TYPE_STRING, 0, PCC_HAS_POD },
	[R_NAMESPACE]	= { "container.info.namespace", NULL, PM_TYPE_STRING, 0, 0 },
	[R_IMAGE]	= { "container.info.image", NULL, PM_TYPE_STRING, 0, 0 },
	/* CPU seconds per second: the share of one CPU */
	[R_CPU]		= { "container.cpu.usage", "sec/sec", PM_TYPE_DOUBLE, 1, 0 },
	[R_CPU_LIMIT]	= { "container.cpu.limit", "instant", PM_TYPE_DOUBLE, 0, 0 },
	[R_MEM_WS]	= { "container.memory.working_set", "byte", PM_TYPE_DOUBLE, 0, 0 },
	[R_MEM_USAGE]	= { "container.memory.usage", "byte", PM_TYPE_DOUBLE, 1, 0 },
	[R_MEM_LIMIT]	= { "container.memory.limit", "byte", PM_TYPE_DOUBLE, 0, 0 },
	[R_NET_RX]	= { "container.net.all.in.bytes", "byte/sec", PM_TYPE_DOUBLE, 0, PCC_HAS_NET },
	[R_NET_TX]	= { "container.net.all.out.bytes", "byte/sec", PM_TYPE_DOUBLE, 0, PCC_HAS_NET },
	[R_IO_RD]	= { "container.io.read_bytes", "byte/sec", PM_TYPE_DOUBLE, 0, 0 },
	[R_IO_WR]	= { "container.io.write_bytes", "byte/sec", PM_TYPE_DOUBLE, 0, 0 },
	[R_PIDS]	= { "container.pids.current", "instant", PM_TYPE_DOUBLE, 1, 0 },
	[R_PERIODS]	= { "container.cpu.nr_periods", "count/sec", PM_TYPE_DOUBLE, 0, 0 },
	[R_THROTTLED]	= { "container.cpu.nr_throttled", "count/sec", PM_TYPE_DOUBLE, 0, 0 },
	[R_OOM]		= { "container.memory.events.oom_kill", "instant", PM_TYPE_DOUBLE, 0, 0 },
};

/* output vectors of one registration; all NULL if the metric is absent */
struct raw {
	int		*codes;		/* instance numbers [cap] */
	char		**names;	/* instance names [cap], fetchgroup's */
	pmAtomValue	*vals;		/* values [cap] */
	int		*stss;		/* per-instance status [cap] */
	int		*order;		/* positions sorted by code [cap] */
	unsigned	num;		/* entries filled by the last fetch */
	int		sts;		/* status of the whole metric */
};

struct pcc_sampler {
	pmFG		fg;		/* NULL until the first setup */
	int		ctx;		/* the fetchgroup's context */
	int		type;		/* PM_CONTEXT_HOST or _ARCHIVE */
	char		*source;	/* host spec or archive list */
	const pmOptions	*opts;		/* the caller's, for interval/origin */
	char		*host;		/* source's host name */
	unsigned	has;		/* PCC_HAS_* */
	unsigned	cap;		/* room per vector, >= 1 */
	int		nregistered;	/* metrics found at setup */
	struct timeval	stamp;		/* filled by each fetch */
	struct raw	raw[R_N];
	int		*work;		/* anchor instances [3 * cap] */
};

#define CAP_FIRST	256
#define CAP_MAX		(1u << 22)

static void
raw_release(struct raw *r)
{
	free(r->codes);
	free(r->names);
	free(r->vals);
	free(r->stss);
	free(r->order);
	memset(r, 0, sizeof(*r));
}

static void
sampler_release(struct pcc_sampler *s)
{
	int i;

	if (s->fg != NULL)
		pmDestroyFetchGroup(s->fg);	/* frees strings it stored */
	s->fg = NULL;
	for (i = 0; i < R_N; i++)
		raw_release(&s->raw[i]);
	free(s->work);
	s->work = NULL;
}

static int
interval_msec(const pmOptions *opts)
{
	return (int)(opts->interval.tv_sec * 1000 + opts->interval.tv_usec / 1000);
}

/* archive replay: interpolate from `from` every interval */
static int
sampler_seek(struct pcc_sampler *s, const struct timeval *from)
{
	int sts;

	if (s->type != PM_CONTEXT_ARCHIVE)
		return 0;
	if ((sts = pmUseContext(s->ctx)) < 0)
		return sts;
	return pmSetMode(PM_MODE_INTERP, from, interval_msec(s->opts));
}

/*
 * sampler_setup - (re)build the fetchgroup with `cap` entries per metric.
 * Returns the number of metrics registered, or a negative PCP error.
 */
static int
sampler_setup(struct pcc_sampler *s, unsigned cap)
{
	int i, sts;

	sampler_release(s);
	if ((sts = pmCreateFetchGroup(&s->fg, s->type, s->source)) < 0) {
		s->fg = NULL;
		return sts;
	}
	s->ctx = pmGetFetchGroupContext(s->fg);
	s->cap = cap;
	s->has = 0;
	s->nregistered = 0;
	if ((s->work = calloc(3 * (size_t)cap, sizeof(int))) == NULL)
		return -ENOMEM;
	for (i = 0; i < R_N; i++) {
		const struct raw_spec *sp = &raw_specs[i];
		struct raw *r = &s->raw[i];

		r->codes = calloc(cap, sizeof(*r->codes));
		r->names = calloc(cap, sizeof(*r->names));
		r->vals = calloc(cap, sizeof(*r->vals));
		r->stss = calloc(cap, sizeof(*r->stss));
		r->order = calloc(cap, sizeof(*r->order));
		if (!r->codes || !r->names || !r->vals || !r->stss || !r->order)
			return -ENOMEM;
		sts = pmExtendFetchGroup_indom(s->fg, sp->metric, sp->scale,
				r->codes, r->names, r->vals, sp->type, r->stss,
				cap, &r->num, &r->sts);
		if (sts < 0) {		/* absent here, or not convertible */
			raw_release(r);
			continue;
		}
		s->has |= sp->has;
		s->nregistered++;
	}
	if ((sts = pmExtendFetchGroup_timestamp(s->fg, &s->stamp)) < 0)
		return sts;
	return s->nregistered;
}

int
pcc_sampler_new(pmOptions *opts, struct pcc_sampler **ret_s)
{
	struct pcc_sampler *s;
	char host[MAXHOSTNAMELEN];
	int sts, i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->opts = opts;
	if (opts->context == PM_CONTEXT_ARCHIVE) {
		size_t len = 1;

		for (i = 0; i < opts->narchives; i++)
			len += strlen(opts->archives[i]) + 1;
		if ((s->source = calloc(1, len)) != NULL)
			for (i = 0; i < opts->narchives; i++) {
				if (i > 0)
					strcat(s->source, ",");
				strcat(s->source, opts->archives[i]);
			}
		s->type = PM_CONTEXT_ARCHIVE;
	} else {
		s->source = strdup(opts->nhosts > 0 ? opts->hosts[0] : "local:");
		s->type = PM_CONTEXT_HOST;
	}
	if (s->source == NULL) {
		sts = -ENOMEM;
		goto out_free;
	}
	if ((sts = sampler_setup(s, CAP_FIRST)) < 0)
		goto out_free;
	if (sts == 0 || s->raw[R_CPU].codes == NULL) {
		sts = PM_ERR_NAME;	/* no pmdacontainers behind this source */
		goto out_free;
	}
	if ((sts = pmUseContext(s->ctx)) < 0)
		goto out_free;
	if (pmGetContextOptions(s->ctx, opts) != 0) {
		sts = PM_ERR_GENERIC;	/* messages queued with pmprintf */
		goto out_free;
	}
	if ((sts = sampler_seek(s, &opts->origin)) < 0)
		goto out_free;
	s->host = strdup(pmGetContextHostName_r(s->ctx, host, sizeof(host)));
	if (s->host == NULL) {
		sts = -ENOMEM;
		goto out_free;
	}
	*ret_s = s;
	return 0;

out_free:
	pcc_sampler_free(s);
	return sts;
}

void
pcc_sampler_free(struct pcc_sampler *s)
{
	if (s == NULL)
		return;
	sampler_release(s);
	free(s->source);
	free(s->host);
	free(s);
}

unsigned
pcc_sampler_has(const struct pcc_sampler *s)
{
	return s->has;
}

const char *
pcc_sampler_host(const struct pcc_sampler *s)
{
	return s->host;
}

/* ------------------------------------------------------------ rows */

static int
cmp_pos(const void *a, const void *b, void *arg)
{
	const struct raw *r = arg;
	int ca = r->codes[*(const int *)a];
	int cb = r->codes[*(const int *)b];

	return (ca > cb) - (ca < cb);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void
raw_index(struct raw *r)
{
	unsigned i;

	for (i = 0; i < r->num; i++)
		r->order[i] = (int)i;
	qsort_r(r->order, r->num, sizeof(int), cmp_pos, r);
}

/* position of instance `inst` in r's vectors, or -1 */
static int
raw_find(const struct raw *r, int inst)
{
	unsigned lo = 0, hi = r->codes ? r->num : 0;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = r->codes[r->order[mid]];

		if (c == inst)
			return r->order[mid];
		if (c < inst)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static double
raw_num(const struct raw *r, int inst)
{
	int p = raw_find(r, inst);

	if (p < 0 || r->stss[p] < 0)
		return NAN;
	return r->vals[p].d;
}

static const char *
raw_str(const struct raw *r, int inst)
{
	int p = raw_find(r, inst);

	if (p < 0 || r->stss[p] < 0)
		return NULL;
	return r->vals[p].cp;
}

/* a rate is NaN before two fetches, and after a counter went backwards
 * (a container restarted under the same name) */
static double
rate(double v)
{
	return v < 0 ? NAN : v;
}

static void
row_compute(const struct pcc_sampler *s, struct pcc_row *row)
{
	const struct raw *r = s->raw;
	int in = row->inst;
	double cpu = rate(raw_num(&r[R_CPU], in));
	double lim = raw_num(&r[R_CPU_LIMIT], in);
	double mem = raw_num(&r[R_MEM_WS], in);
	double mlim = raw_num(&r[R_MEM_LIMIT], in);
	double per = rate(raw_num(&r[R_PERIODS], in));
	double thr = rate(raw_num(&r[R_THROTTLED], in));
	double *v = row->val;

	if (isnan(mem))
		mem = raw_num(&r[R_MEM_USAGE], in);
	if (!(mlim > 0 && mlim < 9.2e18))	/* 2^64-1 (and v1's huge values) */
		mlim = NAN;
	if (!(lim > 0))				/* -1: no CPU limit */
		lim = NAN;
	v[PCC_CPU] = 100 * cpu;
	v[PCC_CPU_LIM] = 100 * cpu / lim;
	v[PCC_MEM] = mem;
	v[PCC_MEM_LIMIT] = mlim;
	v[PCC_MEM_PCT] = 100 * mem / mlim;
	v[PCC_NET_RX] = rate(raw_num(&r[R_NET_RX], in));
	v[PCC_NET_TX] = rate(raw_num(&r[R_NET_TX], in));
	v[PCC_IO_RD] = rate(raw_num(&r[R_IO_RD], in));
	v[PCC_IO_WR] = rate(raw_num(&r[R_IO_WR], in));
	v[PCC_PIDS] = raw_num(&r[R_PIDS], in);
	v[PCC_OOM] = raw_num(&r[R_OOM], in);
	if (per > 0)
		v[PCC_THROTTLED] = 100 * thr / per;
	else if (!isnan(per) && !isnan(lim))
		v[PCC_THROTTLED] = 0;		/* limited, but idle */
	else
		v[PCC_THROTTLED] = NAN;
}

static int
row_fill(const struct pcc_sampler *s, struct pcc_row *row)
{
	static const int strs[PCC_NSTRS] = {
		[PCC_ENGINE] = R_ENGINE, [PCC_POD] = R_POD,
		[PCC_NAMESPACE] = R_NAMESPACE, [PCC_IMAGE] = R_IMAGE,
	};
	char buf[32];
	const char *name = raw_str(&s->raw[R_NAME], row->inst);
	int i, p;

	for (i = 0; i < R_N && (name == NULL || *name == '\0'); i++)
		if ((p = raw_find(&s->raw[i], row->inst)) >= 0)
			name = s->raw[i].names[p];
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "#%d", row->inst);
		name = buf;
	}
	if ((row->name = strdup(name)) == NULL)
		return -ENOMEM;
	for (i = 0; i < PCC_NSTRS; i++) {
		const char *v = raw_str(&s->raw[strs[i]], row->inst);

		if (v != NULL && *v != '\0' && (row->str[i] = strdup(v)) == NULL)
			return -ENOMEM;
	}
	row_compute(s, row);
	return 0;
}

void
pcc_sample_clear(struct pcc_sample *sample)
{
	size_t i;
	int j;

	for (i = 0; i < sample->nrows; i++) {
		free(sample->rows[i].name);
		for (j = 0; j < PCC_NSTRS; j++)
			free(sample->rows[i].str[j]);
	}
	free(sample->rows);
	sample->rows = NULL;
	sample->nrows = 0;
}

static int
sample_build(struct pcc_sampler *s, struct pcc_sample *sample)
{
	size_t n = 0, k, m = 0;
	unsigned i;
	int j, sts;

	for (j = 0; j < R_N; j++) {
		struct raw *r = &s->raw[j];

		if (r->codes == NULL)
			continue;
		raw_index(r);
		if (raw_specs[j].anchor)
			for (i = 0; i < r->num; i++)
				s->work[n++] = r->codes[i];
	}
	qsort(s->work, n, sizeof(int), cmp_int);
	for (k = 0; k < n; k++)
		if (m == 0 || s->work[m - 1] != s->work[k])
			s->work[m++] = s->work[k];
	/* interpolated archive times can come with tv_usec >= 10^6 */
	sample->stamp.tv_sec = s->stamp.tv_sec + s->stamp.tv_usec / 1000000;
	sample->stamp.tv_usec = s->stamp.tv_usec % 1000000;
	if (m == 0)
		return 0;
	if ((sample->rows = calloc(m, sizeof(*sample->rows))) == NULL)
		return -ENOMEM;
	for (k = 0; k < m; k++) {
		struct pcc_row *row = &sample->rows[k];

		row->inst = s->work[k];
		sample->nrows = k + 1;
		if ((sts = row_fill(s, row)) < 0) {
			pcc_sample_clear(sample);
			return sts;
		}
	}
	return 0;
}

static int
sampler_toobig(const struct pcc_sampler *s)
{
	int i;

	for (i = 0; i < R_N; i++)
		if (s->raw[i].codes != NULL && s->raw[i].sts == PM_ERR_TOOBIG)
			return 1;
	return 0;
}

/* more containers than room: rebuild bigger; an archive goes back one
 * interval and fetches that again, so rates survive */
static int
sampler_grow(struct pcc_sampler *s)
{
	struct timeval back = s->stamp;
	int msec = interval_msec(s->opts);
	int sts;

	if (s->cap >= CAP_MAX)
		return PM_ERR_TOOBIG;
	if ((sts = sampler_setup(s, s->cap * 4)) < 0)
		return sts;
	if (s->type != PM_CONTEXT_ARCHIVE)
		return 0;
	back.tv_sec -= msec / 1000;
	back.tv_usec -= (msec % 1000) * 1000;
	if (back.tv_usec < 0) {
		back.tv_usec += 1000000;
		back.tv_sec--;
	}
	if ((sts = sampler_seek(s, &back)) < 0)
		return sts;
	sts = pmFetchGroup(s->fg);
	return sts < 0 ? sts : 0;
}

int
pcc_sampler_fetch(struct pcc_sampler *s, struct pcc_sample *sample)
{
	int sts;

	pcc_sample_clear(sample);
	/* a rebuild while pmcd had no pmdacontainers registered nothing:
	 * try again (the agent may be back) */
	if (s->raw[R_CPU].codes == NULL && (sts = sampler_setup(s, s->cap)) < 0)
		return sts;
	if (s->raw[R_CPU].codes == NULL)
		return PM_ERR_NAME;
	for (;;) {
		if ((sts = pmFetchGroup(s->fg)) < 0)
			return sts;
		if (!sampler_toobig(s))
			break;
		if ((sts = sampler_grow(s)) < 0)
			return sts;
	}
	return sample_build(s, sample);
}
