/*
 * fetch.c - PMAPI fetches into report samples (see fetch.h).
 *
 * The metric table below is the one place that says which metric feeds
 * which series, counter or fact, and in which units it is kept.  Values
 * are converted with pmConvScale, so the report does not depend on the
 * units a PMDA chose.  Container values are matched to containers by
 * instance name, looked up once per fetch with pmGetInDom (in an archive:
 * the instance domain as of the fetch's time), so instance numbers that
 * change or get reused across PMDA restarts do not mix containers up.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcp/pmapi.h>

#include "fetch.h"

enum role {
	ROLE_RATE,		/* counter -> per-second rate series */
	ROLE_GAUGE,		/* instantaneous value series */
	ROLE_CPU_LIMIT,		/* CPUs, negative = unlimited */
	ROLE_MEM_LIMIT,		/* bytes, 2^64-1 = unlimited */
	ROLE_COUNT,		/* counter -> delta over the window */
	ROLE_INFO,		/* string fact */
	ROLE_NCPU,		/* host: hinv.ncpu */
	ROLE_PHYSMEM,		/* host: mem.physmem */
};

enum unit { U_NONE, U_SEC, U_BYTE, U_COUNT };

static const pmUnits units[] = {
	[U_NONE] = { .dimSpace = 0 },
	[U_SEC] = { .dimTime = 1, .scaleTime = PM_TIME_SEC },
	[U_BYTE] = { .dimSpace = 1, .scaleSpace = PM_SPACE_BYTE },
	[U_COUNT] = { .dimCount = 1, .scaleCount = 0 },
};

struct mdef {
	const char *name;	/* NULL: the memory metric chosen at run time */
	enum role role;
	int which;		/* series, counter or info index */
	enum unit unit;		/* kept in these units */
	int required;
};

static const struct mdef mdefs[] = {
	{ "container.cpu.usage", ROLE_RATE, RPT_CPU, U_SEC, 1 },
	{ "container.cpu.limit", ROLE_CPU_LIMIT, RPT_CPU_LIMIT, U_NONE, 0 },
	{ NULL, ROLE_GAUGE, RPT_MEM, U_BYTE, 1 },
	{ "container.memory.limit", ROLE_MEM_LIMIT, RPT_MEM_LIMIT, U_BYTE, 0 },
	{ "container.net.all.in.bytes", ROLE_RATE, RPT_NET_IN, U_BYTE, 0 },
	{ "container.net.all.out.bytes", ROLE_RATE, RPT_NET_OUT, U_BYTE, 0 },
	{ "container.io.read_bytes", ROLE_RATE, RPT_IO_READ, U_BYTE, 0 },
	{ "container.io.write_bytes", ROLE_RATE, RPT_IO_WRITE, U_BYTE, 0 },
	{ "container.cpu.nr_periods", ROLE_COUNT, RPT_PERIODS, U_COUNT, 0 },
	{ "container.cpu.nr_throttled", ROLE_COUNT, RPT_THROTTLED, U_COUNT, 0 },
	{ "container.memory.events.oom_kill", ROLE_COUNT, RPT_OOM_KILLS, U_COUNT, 0 },
	{ "container.info.engine", ROLE_INFO, RPT_ENGINE, U_NONE, 0 },
	{ "container.info.image", ROLE_INFO, RPT_IMAGE, U_NONE, 0 },
	{ "container.info.pod", ROLE_INFO, RPT_POD, U_NONE, 0 },
	{ "container.info.namespace", ROLE_INFO, RPT_NAMESPACE, U_NONE, 0 },
	{ "hinv.ncpu", ROLE_NCPU, 0, U_NONE, 0 },
	{ "mem.physmem", ROLE_PHYSMEM, 0, U_BYTE, 0 },
};
#define NDEFS	(sizeof(mdefs) / sizeof(mdefs[0]))

struct inst {
	int id;
	struct rpt_container *c;	/* NULL: filtered out */
};

struct rpt_fetch {
	int n;				/* metrics found, <= NDEFS */
	pmID pmids[NDEFS];
	pmDesc desc[NDEFS];
	const struct mdef *def[NDEFS];
	pmInDom indom;			/* the containers' instance domain */
	char **only;			/* borrowed; NULL: every container */
	char memname[64];		/* container.memory.<mem_metric> */
	struct inst *map;		/* this fetch's instances, sorted by id */
	size_t nmap, mapcap;
};

/* is_host: a host-wide metric (no instance domain) */
static int
is_host(enum role role)
{
	return role == ROLE_NCPU || role == ROLE_PHYSMEM;
}

/* usable: DESC fits DEF's role; says why not on stderr */
static int
usable(const struct mdef *def, const char *name, const pmDesc *desc, pmInDom indom)
{
	const pmUnits *u = &units[def->unit];
	const char *why = NULL;

	if (is_host(def->role) != (desc->indom == PM_INDOM_NULL))
		why = "unexpected instance domain";
	else if (!is_host(def->role) && indom != PM_INDOM_NULL && desc->indom != indom)
		why = "not in the containers' instance domain";
	else if (def->role == ROLE_INFO && desc->type != PM_TYPE_STRING)
		why = "not a string";
	else if (def->role != ROLE_INFO && desc->type == PM_TYPE_STRING)
		why = "not a number";
	else if (def->unit != U_NONE && (desc->units.dimSpace != u->dimSpace ||
					 desc->units.dimTime != u->dimTime ||
					 desc->units.dimCount != u->dimCount))
		why = "unexpected units";
	if (why == NULL)
		return 1;
	fprintf(stderr, "pcp-container-report: %s: %s, ignored\n", name, why);
	return 0;
}

int
rpt_fetch_new(struct rpt_report *r, const char *mem_metric, char **only,
	      struct rpt_fetch **ret_f)
{
	struct rpt_fetch *f = calloc(1, sizeof(*f));
	const char *name;
	size_t i;
	int sts;

	if (f == NULL)
		return -ENOMEM;
	f->indom = PM_INDOM_NULL;
	f->only = only;
	snprintf(f->memname, sizeof(f->memname), "container.memory.%s", mem_metric);
	for (i = 0; i < NDEFS; i++) {
		const struct mdef *def = &mdefs[i];
		pmID pmid;
		pmDesc desc;

		name = def->name ? def->name : f->memname;
		sts = pmLookupName(1, &name, &pmid);
		if (sts >= 0)
			sts = pmLookupDesc(pmid, &desc);
		if (sts < 0) {
			if (def->required)
				goto out_free;
			continue;
		}
		if (!usable(def, name, &desc, f->indom)) {
			sts = PM_ERR_TYPE;
			if (def->required)
				goto out_free;
			continue;
		}
		if (!is_host(def->role))
			f->indom = desc.indom;
		if (def->role == ROLE_RATE || def->role == ROLE_GAUGE ||
		    def->role == ROLE_CPU_LIMIT || def->role == ROLE_MEM_LIMIT)
			r->have[def->which] = 1;
		f->pmids[f->n] = pmid;
		f->desc[f->n] = desc;
		f->def[f->n] = def;
		f->n++;
	}
	r->mem_metric = strcmp(mem_metric, "working_set") == 0 ? "working_set" : "usage";
	*ret_f = f;
	return 0;

out_free:
	fprintf(stderr, "pcp-container-report: %s: %s\n", name, pmErrStr(sts));
	rpt_fetch_free(f);
	return sts;
}

void
rpt_fetch_free(struct rpt_fetch *f)
{
	if (f == NULL)
		return;
	free(f->map);
	free(f);
}

static int
cmp_inst(const void *a, const void *b)
{
	int x = ((const struct inst *)a)->id, y = ((const struct inst *)b)->id;

	return (x > y) - (x < y);
}

static int
wanted(const struct rpt_fetch *f, const char *name)
{
	char **p;

	if (f->only == NULL)
		return 1;
	for (p = f->only; *p != NULL; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

/* map_refresh: this fetch's instances -> containers; 0 or -ENOMEM */
static int
map_refresh(struct rpt_fetch *f, struct rpt_report *r)
{
	int *ids = NULL, n, i, sts = 0;
	char **names = NULL;

	f->nmap = 0;
	if (f->indom == PM_INDOM_NULL || (n = pmGetInDom(f->indom, &ids, &names)) <= 0)
		return 0;
	if ((size_t)n > f->mapcap) {
		struct inst *m = realloc(f->map, (size_t)n * sizeof(*m));

		if (m == NULL) {
			sts = -ENOMEM;
			goto out_free;
		}
		f->map = m;
		f->mapcap = (size_t)n;
	}
	for (i = 0; i < n; i++) {
		f->map[i].id = ids[i];
		f->map[i].c = NULL;
		if (wanted(f, names[i]) &&
		    (f->map[i].c = rpt_report_container(r, names[i])) == NULL) {
			sts = -ENOMEM;
			goto out_free;
		}
	}
	f->nmap = (size_t)n;
	qsort(f->map, f->nmap, sizeof(*f->map), cmp_inst);
out_free:
	free(ids);
	free(names);
	return sts;
}

static struct rpt_container *
map_lookup(const struct rpt_fetch *f, int id)
{
	struct inst key = { .id = id }, *hit;

	if (f->nmap == 0)
		return NULL;
	hit = bsearch(&key, f->map, f->nmap, sizeof(*f->map), cmp_inst);
	return hit ? hit->c : NULL;
}

/* value_as: value J of VS as a double in UNIT; 0 or a PMAPI error */
static int
value_as(const pmValueSet *vs, int j, const pmDesc *d, enum unit unit, double *ret)
{
	pmAtomValue a, b;
	int sts;

	sts = pmExtractValue(vs->valfmt, &vs->vlist[j], d->type, &a, PM_TYPE_DOUBLE);
	if (sts < 0)
		return sts;
	if (unit != U_NONE) {
		sts = pmConvScale(PM_TYPE_DOUBLE, &a, (pmUnits *)&d->units, &b,
				  (pmUnits *)&units[unit]);
		if (sts < 0)
			return sts;
		a = b;
	}
	*ret = a.d;
	return 0;
}

/* mem_limit: 2^64-1 (and anything of that size) is no limit */
static int
mem_limit(const pmValueSet *vs, int j, const pmDesc *d, double *ret)
{
	pmAtomValue a;

	if (pmExtractValue(vs->valfmt, &vs->vlist[j], d->type, &a, PM_TYPE_U64) >= 0 &&
	    a.ull == UINT64_MAX) {
		*ret = INFINITY;
		return 0;
	}
	return value_as(vs, j, d, U_BYTE, ret);
}

/* apply: value J of VS for container C at sample K */
static int
apply(struct rpt_report *r, struct rpt_container *c, size_t k,
      const struct mdef *def, const pmDesc *d, const pmValueSet *vs, int j)
{
	pmAtomValue a;
	double v;
	int sts;

	if (def->role == ROLE_INFO) {
		if (pmExtractValue(vs->valfmt, &vs->vlist[j], d->type, &a, PM_TYPE_STRING) < 0)
			return 0;
		sts = rpt_container_set_info(c, (enum rpt_info)def->which, a.cp);
		free(a.cp);
		return sts;
	}
	if (def->role == ROLE_MEM_LIMIT)
		sts = mem_limit(vs, j, d, &v);
	else
		sts = value_as(vs, j, d, def->unit, &v);
	if (sts < 0)
		return 0;		/* an odd value is no value */
	switch (def->role) {
	case ROLE_RATE:
		rpt_container_rate(r, c, (enum rpt_series)def->which, k, v);
		break;
	case ROLE_COUNT:
		rpt_container_count(c, (enum rpt_counter)def->which, v);
		break;
	case ROLE_CPU_LIMIT:
		c->series[def->which][k] = v < 0 ? INFINITY : v;
		break;
	default:
		c->series[def->which][k] = v;
		break;
	}
	return 0;
}

int
rpt_fetch_sample(struct rpt_fetch *f, struct rpt_report *r)
{
	pmResult *res;
	long k;
	int i, j, sts;
	double v;

	sts = pmFetch(f->n, f->pmids, &res);
	if (sts < 0)
		return sts;
	k = rpt_report_add_sample(r, res->timestamp.tv_sec + res->timestamp.tv_usec / 1e6);
	if (k < 0 || (sts = map_refresh(f, r)) < 0)
		goto out_free;
	for (i = 0; i < res->numpmid && i < f->n; i++) {
		const pmValueSet *vs = res->vset[i];
		const struct mdef *def = f->def[i];

		for (j = 0; j < vs->numval; j++) {
			if (is_host(def->role)) {
				if (value_as(vs, j, &f->desc[i], def->unit, &v) < 0)
					continue;
				if (def->role == ROLE_NCPU)
					r->ncpu = v;
				else
					r->physmem = v;
				continue;
			}
			struct rpt_container *c = map_lookup(f, vs->vlist[j].inst);

			if (c != NULL && (sts = apply(r, c, (size_t)k, def, &f->desc[i], vs, j)) < 0)
				goto out_free;
		}
	}
	sts = 0;
out_free:
	pmFreeResult(res);
	return k < 0 ? (int)k : sts;
}
