/*
 * out_json.c - the report as one JSON object (jansson does the encoding):
 *
 *   { "source", "host", "start", "end", "start_epoch", "end_epoch",
 *     "interval", "samples", "percentile": "nearest-rank",
 *     "memory_metric", "totals": {...}, "containers": [ {...}, ... ] }
 *
 * Numbers are in base units (cores, bytes, bytes/s, percent).  null is no
 * data; a limit that is not set is null with "unlimited": true.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include <jansson.h>

#include "report.h"

/* number: NAN and INFINITY are null */
static json_t *
number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
basis(double headroom, int host)
{
	return isnan(headroom) ? json_null() : json_string(host ? "host" : "limit");
}

static json_t *
container(const struct rpt_container *c, const struct rpt_summary *s)
{
	char buf[256];
	json_t *notes = json_array(), *note;
	const char *p, *q;

	rpt_notes(s, buf, sizeof(buf));
	for (p = buf; *p; p = *q ? q + 2 : q) {	/* split "a, b" */
		for (q = p; *q && !(q[0] == ',' && q[1] == ' '); q++)
			;
		note = json_stringn(p, (size_t)(q - p));
		json_array_append_new(notes, note);
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o, "
			 "s:{s:I, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}, "
			 "s:{s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o}, "
			 "s:{s:o, s:o}, s:{s:o, s:o}, s:o}",
		"name", c->name,
		"engine", string_or_null(c->info[RPT_ENGINE]),
		"image", string_or_null(c->info[RPT_IMAGE]),
		"pod", string_or_null(c->info[RPT_POD]),
		"namespace", string_or_null(c->info[RPT_NAMESPACE]),
		"cpu",
		"samples", (json_int_t)s->cpu_n,
		"p50", number(s->cpu_p50), "p95", number(s->cpu_p95), "max", number(s->cpu_max),
		"limit", number(s->cpu_limit), "unlimited", isinf(s->cpu_limit),
		"p95_pct_of_limit", number(s->cpu_pct), "headroom", number(s->cpu_headroom),
		"headroom_basis", basis(s->cpu_headroom, s->cpu_headroom_host),
		"periods", number(s->periods), "throttled_periods", number(s->throttled),
		"throttled_pct", number(s->throttled_pct),
		"memory",
		"samples", (json_int_t)s->mem_n,
		"p95", number(s->mem_p95), "peak", number(s->mem_max),
		"limit", number(s->mem_limit), "unlimited", isinf(s->mem_limit),
		"peak_pct_of_limit", number(s->mem_pct), "headroom", number(s->mem_headroom),
		"headroom_basis", basis(s->mem_headroom, s->mem_headroom_host),
		"oom_kills", number(s->oom_kills),
		"net", "in_peak", number(s->net_in_max), "out_peak", number(s->net_out_max),
		"io", "read_peak", number(s->io_read_max), "write_peak", number(s->io_write_max),
		"notes", notes);
}

static json_t *
totals(const struct rpt_report *r)
{
	struct rpt_host h;

	rpt_host_summarise(r, &h);
	return json_pack("{s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:I, s:I, s:o, "
			 "s:o, s:o, s:o, s:o, s:o}",
		"cpus", number(h.ncpu), "memory", number(h.physmem),
		"cpu_limit_sum", number(h.cpu_limit_sum),
		"cpu_limited", (json_int_t)h.cpu_limited, "cpu_unlimited", (json_int_t)h.cpu_unlimited,
		"cpu_overcommit", number(h.cpu_overcommit),
		"memory_limit_sum", number(h.mem_limit_sum),
		"memory_limited", (json_int_t)h.mem_limited,
		"memory_unlimited", (json_int_t)h.mem_unlimited,
		"memory_overcommit", number(h.mem_overcommit),
		"cpu_p95", number(h.cpu_total_p95), "cpu_max", number(h.cpu_total_max),
		"memory_p95", number(h.mem_total_p95), "memory_max", number(h.mem_total_max),
		"oom_kills", number(h.oom_kills));
}

int
rpt_out_json(FILE *f, const struct rpt_report *r)
{
	struct rpt_summary s;
	json_t *root, *list, *one;
	char a[64], b[64];
	double t0 = r->nsamples ? r->t[0] : NAN, t1 = r->nsamples ? r->t[r->nsamples - 1] : NAN;
	size_t i;
	int sts = 0;

	list = json_array();
	for (i = 0; list != NULL && i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		if ((one = container(r->ctr[i], &s)) == NULL || json_array_append_new(list, one) < 0)
			sts = -ENOMEM;
	}
	root = json_pack("{s:s, s:s?, s:s, s:s, s:o, s:o, s:f, s:I, s:s, s:s+, s:o, s:o}",
		"source", r->source, "host", r->hostname,
		"start", rpt_fmt_time(a, sizeof(a), t0, 1), "end", rpt_fmt_time(b, sizeof(b), t1, 1),
		"start_epoch", number(t0), "end_epoch", number(t1),
		"interval", r->interval, "samples", (json_int_t)r->nsamples,
		"percentile", "nearest-rank", "memory_metric", "container.memory.", r->mem_metric,
		"totals", totals(r), "containers", list);
	if (root == NULL || sts < 0) {
		json_decref(root);
		return -ENOMEM;
	}
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) < 0)
		sts = -EIO;
	fputc('\n', f);
	json_decref(root);
	return sts < 0 ? sts : ferror(f) ? -EIO : 0;
}
