/*
 * out_html.c - a self-contained HTML page: the host against the sum of
 * the limits, bar charts of each container's p95 against its limit, the
 * summary table, and per container its CPU and memory over time with the
 * limit line.  Inline CSS and SVG only: no script, nothing fetched, so it
 * can be mailed or opened from a file anywhere.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

#define B	48

static const char css[] =
	"body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
	"h3,td.l{overflow-wrap:anywhere}td.l{max-width:24em}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #ccc}h3{font-size:15px;margin:18px 0 4px}"
	".meta{color:#555;font-size:13px}"
	".cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:14px}"
	".card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:170px}"
	".card .v{font-size:22px;font-weight:bold}.card .k{font-size:12px;color:#555}"
	".warn{color:#b26a00}.crit{color:#c62828}.ok{color:#2e7d32}"
	"table{border-collapse:collapse;font-size:13px}"
	"th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}"
	"th{background:#f4f4f4}td.l,th.l{text-align:left}"
	".pair{display:flex;flex-wrap:wrap;gap:10px}"
	"svg.chart{background:#fcfcfc;border:1px solid #e4e4e4}"
	"svg .title{font-size:13px;font-weight:bold;fill:#333}"
	"svg .ylab{font-size:10px;fill:#666;text-anchor:end}"
	"svg .xlab{font-size:10px;fill:#666}"
	"svg .grid{stroke:#e6e6e6;stroke-width:1}"
	"svg .frame{fill:none;stroke:#bbb}"
	"svg .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
	"svg .limit{fill:none;stroke:#c62828;stroke-width:1.4;stroke-dasharray:6 4}"
	"svg .legend{font-size:11px;text-anchor:end}svg .limittext{fill:#c62828}"
	"svg .nodata{font-size:12px;fill:#999;text-anchor:middle}"
	"svg .barlab{font-size:12px;text-anchor:end;fill:#333}"
	"svg .bartext{font-size:11px;fill:#444}svg .track{fill:#f0f0f0}";

static void
card(FILE *f, const char *value, const char *key, const char *cls)
{
	fprintf(f, "<div class=\"card\"><div class=\"v %s\">", cls);
	html_escape(f, value);
	fputs("</div><div class=\"k\">", f);
	html_escape(f, key);
	fputs("</div></div>\n", f);
}

static const char *
level(double ratio)
{
	return isnan(ratio) ? "" : ratio < 0.7 ? "ok" : ratio < 1.0 ? "warn" : "crit";
}

static void
head(FILE *f, const struct rpt_report *r)
{
	char a[B], b[B];

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
	      "Container capacity report: ", f);
	html_escape(f, r->hostname);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>Container capacity report: ", css);
	html_escape(f, r->hostname);
	fputs("</h1>\n<div class=\"meta\">", f);
	html_escape(f, r->source);
	if (r->nsamples > 0)
		fprintf(f, " &middot; %s to %s &middot; %zu samples every %g s",
			rpt_fmt_time(a, B, r->t[0], 1), rpt_fmt_time(b, B, r->t[r->nsamples - 1], 1),
			r->nsamples, r->interval);
	fprintf(f, " &middot; percentiles: nearest rank &middot; memory: container.memory.%s</div>\n",
		r->mem_metric);
}

static void
host(FILE *f, const struct rpt_report *r)
{
	struct rpt_host h;
	char a[B], b[B], k[2 * B];

	rpt_host_summarise(r, &h);
	fputs("<div class=\"cards\">\n", f);
	snprintf(k, sizeof(k), "host CPUs, %zu containers", r->nctr);
	card(f, rpt_fmt_count(a, B, h.ncpu), k, "");
	rpt_fmt_ratio(a, B, h.cpu_overcommit);
	snprintf(k, sizeof(k), "CPU limits %s cores / CPUs (%zu unlimited)",
		 rpt_fmt_cores(b, B, h.cpu_limit_sum), h.cpu_unlimited);
	card(f, a, k, level(h.cpu_overcommit));
	card(f, rpt_fmt_bytes(a, B, h.physmem), "host memory", "");
	rpt_fmt_ratio(a, B, h.mem_overcommit);
	snprintf(k, sizeof(k), "memory limits %s / memory (%zu unlimited)",
		 rpt_fmt_bytes(b, B, h.mem_limit_sum), h.mem_unlimited);
	card(f, a, k, level(h.mem_overcommit));
	snprintf(k, sizeof(k), "cores, p95 of all containers (max %s)",
		 rpt_fmt_cores(b, B, h.cpu_total_max));
	card(f, rpt_fmt_cores(a, B, h.cpu_total_p95), k, level(h.cpu_total_p95 / h.ncpu));
	snprintf(k, sizeof(k), "memory, p95 of all containers (max %s)",
		 rpt_fmt_bytes(b, B, h.mem_total_max));
	card(f, rpt_fmt_bytes(a, B, h.mem_total_p95), k, level(h.mem_total_p95 / h.physmem));
	card(f, rpt_fmt_count(a, B, h.oom_kills), "OOM kills in the window", h.oom_kills > 0 ? "crit" : "ok");
	fputs("</div>\n", f);
}

/* a container picked for the charts, and how close to its limits it runs */
struct pick {
	const struct rpt_container *c;
	int notes;		/* has notes: first */
	double fill;		/* largest p95 as a fraction of limit (or host) */
};

static double
fraction(double v, double limit, double host)
{
	double d = isfinite(limit) ? limit : host;

	return d > 0 && !isnan(v) ? v / d : 0;
}

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->notes != y->notes)
		return y->notes - x->notes;
	if (x->fill != y->fill)
		return x->fill < y->fill ? 1 : -1;
	return strcmp(x->c->name, y->c->name);
}

/*
 * pick: the containers to chart, those with notes first, then the closest
 * to their limits (or to the host's size); at most MAX (0: all).  Returns
 * a malloc'd array and its length in *RET_N, or NULL out of memory.
 */
static struct pick *
pick(const struct rpt_report *r, size_t max, size_t *ret_n)
{
	struct pick *p = calloc(r->nctr ? r->nctr : 1, sizeof(*p));
	struct rpt_summary s;
	char n[256];
	double cpu, mem;
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < r->nctr; i++) {
		rpt_summarise(r, r->ctr[i], &s);
		p[i].c = r->ctr[i];
		p[i].notes = rpt_notes(&s, n, sizeof(n)) > 0;
		cpu = fraction(s.cpu_p95, s.cpu_limit, r->ncpu);
		mem = fraction(s.mem_p95, s.mem_limit, r->physmem);
		p[i].fill = cpu > mem ? cpu : mem;
	}
	qsort(p, r->nctr, sizeof(*p), cmp_pick);
	*ret_n = max && max < r->nctr ? max : r->nctr;
	return p;
}

/* bars: CPU (MEM == 0) or memory p95 against the limit, per picked container */
static int
bars(FILE *f, const struct rpt_report *r, const struct pick *p, size_t np, int mem)
{
	struct svg_bar *b = calloc(np ? np : 1, sizeof(*b));
	char (*text)[96] = calloc(np ? np : 1, sizeof(*text));
	struct rpt_summary s;
	char x[B], y[B];
	double v, lim, host;
	size_t i;

	if (b == NULL || text == NULL) {
		free(b);
		free(text);
		return -ENOMEM;
	}
	for (i = 0; i < np; i++) {
		rpt_summarise(r, p[i].c, &s);
		v = mem ? s.mem_p95 : s.cpu_p95;
		lim = mem ? s.mem_limit : s.cpu_limit;
		host = mem ? r->physmem : r->ncpu;
		b[i].label = p[i].c->name;
		b[i].of_host = !isfinite(lim);
		b[i].pct = 100.0 * v / (isfinite(lim) ? lim : host);
		if (mem)
			snprintf(text[i], sizeof(text[i]), "%s of %s%s", rpt_fmt_bytes(x, B, v),
				 rpt_fmt_bytes(y, B, isfinite(lim) ? lim : host),
				 isfinite(lim) ? "" : " (host)");
		else
			snprintf(text[i], sizeof(text[i]), "%s of %s cores%s", rpt_fmt_cores(x, B, v),
				 rpt_fmt_cores(y, B, isfinite(lim) ? lim : host),
				 isfinite(lim) ? "" : " (host)");
		b[i].text = text[i];
	}
	svg_bars(f, mem ? "Memory p95 against the limit" : "CPU p95 against the limit",
		 b, np, 760);
	free(b);
	free(text);
	return 0;
}

/* table: every container, in the order of P (NP of them) */
static void
table(FILE *f, const struct rpt_report *r, const struct pick *p, size_t np)
{
	struct rpt_summary s;
	char a[B], b[B], c[B], d[B], e[B], g[B], n[256];
	size_t i;

	fputs("<table><tr><th class=\"l\">container</th><th class=\"l\">engine</th>"
	      "<th>CPU p50</th><th>p95</th><th>max</th><th>limit</th><th>throttled</th>"
	      "<th>memory p95</th><th>peak</th><th>limit</th><th>OOM kills</th>"
	      "<th class=\"l\">notes</th></tr>\n", f);
	for (i = 0; i < np; i++) {
		const struct rpt_container *ct = p[i].c;

		rpt_summarise(r, ct, &s);
		fputs("<tr><td class=\"l\">", f);
		html_escape(f, ct->name);
		fputs("</td><td class=\"l\">", f);
		html_escape(f, ct->info[RPT_ENGINE] ? ct->info[RPT_ENGINE] : "-");
		fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
			rpt_fmt_cores(a, B, s.cpu_p50), rpt_fmt_cores(b, B, s.cpu_p95),
			rpt_fmt_cores(c, B, s.cpu_max), rpt_fmt_cores(d, B, s.cpu_limit),
			rpt_fmt_pct(e, B, s.throttled_pct));
		fprintf(f, "<td>%s</td><td>%s</td><td>%s</td>", rpt_fmt_bytes(a, B, s.mem_p95),
			rpt_fmt_bytes(b, B, s.mem_max), rpt_fmt_bytes(c, B, s.mem_limit));
		fprintf(f, "<td>%s</td><td class=\"l crit\">", rpt_fmt_count(g, B, s.oom_kills));
		rpt_notes(&s, n, sizeof(n));
		html_escape(f, n);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
charts(FILE *f, const struct rpt_report *r, const struct rpt_container *c)
{
	struct rpt_summary s;
	char n[256], title[160];
	struct svg_series sv = {
		.t = r->t, .n = r->nsamples, .width = 560, .height = 210,
	};

	rpt_summarise(r, c, &s);
	fputs("<h3>", f);
	html_escape(f, c->name);
	if (c->info[RPT_ENGINE]) {
		fputs(" <span class=\"meta\">", f);
		html_escape(f, c->info[RPT_ENGINE]);
		fputs("</span>", f);
	}
	if (rpt_notes(&s, n, sizeof(n)) > 0) {
		fputs(" <span class=\"crit\">", f);
		html_escape(f, n);
		fputs("</span>", f);
	}
	fputs("</h3>\n<div class=\"pair\">\n", f);
	snprintf(title, sizeof(title), "CPU (cores)");
	sv.title = title;
	sv.v = c->series[RPT_CPU];
	sv.limit = c->series[RPT_CPU_LIMIT];
	sv.fmt = rpt_fmt_cores;
	sv.color = "#1565c0";
	svg_series(f, &sv);
	snprintf(title, sizeof(title), "memory (%s)", r->mem_metric);
	sv.v = c->series[RPT_MEM];
	sv.limit = c->series[RPT_MEM_LIMIT];
	sv.fmt = rpt_fmt_bytes;
	sv.color = "#6a1b9a";
	svg_series(f, &sv);
	fputs("</div>\n", f);
}

int
rpt_out_html(FILE *f, const struct rpt_report *r, size_t max_charts)
{
	struct pick *p = NULL;
	size_t i, np = 0, nall = 0;

	head(f, r);
	host(f, r);
	if (r->nctr == 0) {
		fputs("<p>No containers in the window.</p>\n", f);
	} else {
		if ((p = pick(r, 0, &nall)) == NULL)
			return -ENOMEM;
		np = max_charts && max_charts < nall ? max_charts : nall;
		fputs("<h2>p95 against the limit</h2>\n", f);
		if (np < r->nctr)
			fprintf(f, "<p class=\"meta\">The %zu of %zu containers with notes or "
				"closest to their limits; all are in the summary.</p>\n", np, r->nctr);
		fputs("<div class=\"pair\">\n", f);
		if (bars(f, r, p, np, 0) < 0 || bars(f, r, p, np, 1) < 0) {
			free(p);
			return -ENOMEM;
		}
		fputs("</div>\n<p class=\"meta\">Green below 70%, amber below 90%, red from 90% "
		      "of the limit; grey bars are containers without a limit, against the "
		      "whole host.</p>\n<h2>Summary</h2>\n<p class=\"meta\">Containers with "
		      "notes first, then the closest to their limits.</p>\n", f);
		table(f, r, p, nall);
		fputs("<h2>Over time</h2>\n", f);
		for (i = 0; i < np; i++)
			charts(f, r, p[i].c);
		free(p);
	}
	fputs("<p class=\"meta\">Made by pcp-container-report from Performance Co-Pilot "
	      "container.* metrics. CPU is the rate of container.cpu.usage between "
	      "adjacent samples; throttled is the share of CFS periods throttled.</p>\n"
	      "</body></html>\n", f);
	return ferror(f) ? -EIO : 0;
}
