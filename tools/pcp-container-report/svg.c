/*
 * svg.c - line and bar charts as inline SVG (see svg.h).
 *
 * Coordinates are computed here, in C, and written as plain paths and
 * text: the page needs no script and no font or library from anywhere.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

#define ML	64	/* left margin: y labels */
#define MR	12
#define MT	24	/* title */
#define MB	22	/* x labels */

void
html_escape(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

/* nice_step: a tick step giving about 4 ticks up to MAX: 1, 2 or 5 times a
 * power of ten, or for bytes (BINARY) a power of two (256 KiB, 64 MiB) */
static double
nice_step(double max, int binary)
{
	double raw = max / 4, mag, r;

	if (binary)
		return pow(2, ceil(log2(raw)));
	mag = pow(10, floor(log10(raw)));
	r = raw / mag;
	r = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
	return r * mag;
}

/* tick_label: V as bytes, or with as many decimals as STEP needs */
static const char *
tick_label(char *buf, size_t len, double v, double step, int binary)
{
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	if (binary)
		return rpt_fmt_bytes(buf, len, v);
	snprintf(buf, len, "%.*f", dec, v);
	return buf;
}

/* a plot area and its scales */
struct frame {
	double x0, y0, w, h;		/* plot area in pixels */
	double t0, t1, ymax;
};

static double
fx(const struct frame *fr, double t)
{
	return fr->x0 + (fr->t1 > fr->t0 ? (t - fr->t0) / (fr->t1 - fr->t0) * fr->w : fr->w / 2);
}

static double
fy(const struct frame *fr, double v)
{
	return fr->y0 + fr->h - v / fr->ymax * fr->h;
}

/* bucket: reduce V to at most W points (per pixel column: the maximum, or
 * the last value when LAST); *RET_T and *RET_V get malloc'd arrays.  Returns
 * the count, or -1 out of memory */
static long
bucket(const struct svg_series *s, const double *v, const struct frame *fr, int last,
       double **ret_t, double **ret_v)
{
	size_t nb = s->n > (size_t)fr->w ? (size_t)fr->w : s->n, i, b;
	double *bt = malloc((nb ? nb : 1) * sizeof(double));
	double *bv = malloc((nb ? nb : 1) * sizeof(double));

	if (bt == NULL || bv == NULL) {
		free(bt);
		free(bv);
		return -1;
	}
	if (nb == s->n) {
		for (i = 0; i < s->n; i++) {
			bt[i] = s->t[i];
			bv[i] = v[i];
		}
	} else {
		for (b = 0; b < nb; b++) {
			bt[b] = fr->t0 + (b + 0.5) * (fr->t1 - fr->t0) / nb;
			bv[b] = NAN;
		}
		for (i = 0; i < s->n; i++) {
			b = (size_t)((s->t[i] - fr->t0) / (fr->t1 - fr->t0) * nb);
			if (b >= nb)
				b = nb - 1;
			if (isnan(v[i]))
				continue;
			if (isnan(bv[b]) || last || v[i] > bv[b])
				bv[b] = v[i];
		}
	}
	*ret_t = bt;
	*ret_v = bv;
	return (long)nb;
}

/* path: V as line segments broken at NAN and INFINITY */
static void
path(FILE *f, const struct svg_series *s, const double *v, const struct frame *fr,
     int last, const char *attrs)
{
	double *bt, *bv;
	long n = bucket(s, v, fr, last, &bt, &bv), i;
	int open = 0, any = 0;

	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		if (!isfinite(bv[i])) {
			open = 0;
			continue;
		}
		if (!any)
			fprintf(f, "<path %s d=\"", attrs);
		any = 1;
		fprintf(f, "%s%.1f %.1f", open ? " L" : " M", fx(fr, bt[i]), fy(fr, bv[i]));
		/* a point alone between gaps: a dot */
		if (!open && (i + 1 >= n || !isfinite(bv[i + 1])))
			fputs(" l0.1 0", f);
		open = 1;
	}
	if (any)
		fputs("\"/>\n", f);
	free(bt);
	free(bv);
}

static double
finite_max(const double *v, size_t n, int *ret_any)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (isfinite(v[i])) {
			*ret_any = 1;
			if (v[i] > m)
				m = v[i];
		}
	}
	return m;
}

static void
axes(FILE *f, const struct svg_series *s, const struct frame *fr, double step)
{
	char buf[64];
	double y, t;
	int i, binary = s->fmt == rpt_fmt_bytes;

	for (y = 0; y <= fr->ymax * 1.0001; y += step) {
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" class=\"ylab\">%s</text>\n",
			fr->x0, fr->x0 + fr->w, fy(fr, y), fy(fr, y),
			fr->x0 - 4, fy(fr, y) + 4, tick_label(buf, sizeof(buf), y, step, binary));
	}
	for (i = 0; i <= 4; i++) {
		t = fr->t0 + i * (fr->t1 - fr->t0) / 4;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"xlab\" text-anchor=\"%s\">%s</text>\n",
			fx(fr, t), fr->y0 + fr->h + 15, i == 0 ? "start" : i == 4 ? "end" : "middle",
			rpt_fmt_time(buf, sizeof(buf), t, 0));
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n",
		fr->x0, fr->y0, fr->w, fr->h);
}

void
svg_series(FILE *f, const struct svg_series *s)
{
	struct frame fr;
	int any = 0, anylimit = 0;
	double vmax, lmax, step;
	char attrs[96];

	fr.x0 = ML;
	fr.y0 = MT;
	fr.w = s->width - ML - MR;
	fr.h = s->height - MT - MB;
	fr.t0 = s->n ? s->t[0] : 0;
	fr.t1 = s->n ? s->t[s->n - 1] : 1;
	vmax = finite_max(s->v, s->n, &any);
	lmax = s->limit ? finite_max(s->limit, s->n, &anylimit) : 0;
	fr.ymax = (vmax > lmax ? vmax : lmax) * 1.08;
	if (!(fr.ymax > 0))
		fr.ymax = s->fmt == rpt_fmt_bytes ? 1024 : 1;
	step = nice_step(fr.ymax, s->fmt == rpt_fmt_bytes);
	fr.ymax = ceil(fr.ymax / step) * step;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n", s->width, s->height, s->width, s->height);
	fputs("<text x=\"4\" y=\"15\" class=\"title\">", f);
	html_escape(f, s->title);
	fputs("</text>\n", f);
	axes(f, s, &fr, step);
	if (!any)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"nodata\">no data</text>\n",
			fr.x0 + fr.w / 2, fr.y0 + fr.h / 2);
	if (anylimit) {
		path(f, s, s->limit, &fr, 1, "class=\"limit\"");
		fprintf(f, "<text x=\"%.1f\" y=\"15\" class=\"legend limittext\">- - limit</text>\n",
			fr.x0 + fr.w);
	}
	snprintf(attrs, sizeof(attrs), "class=\"line\" stroke=\"%s\"", s->color);
	path(f, s, s->v, &fr, 0, attrs);
	fputs("</svg>\n", f);
}

static const char *
bar_color(double pct, int of_host)
{
	if (of_host)
		return "#78909c";
	return pct < 70 ? "#2e7d32" : pct < 90 ? "#f9a825" : "#c62828";
}

/* short_label: LABEL escaped, cut to 22 bytes (on a character boundary)
 * with an ellipsis when longer, so it fits left of the bars */
static void
short_label(FILE *f, const char *label)
{
	char buf[24];
	size_t n = strlen(label);

	if (n <= 22) {
		html_escape(f, label);
		return;
	}
	n = 20;
	while (n > 0 && (label[n] & 0xC0) == 0x80)	/* not inside a UTF-8 sequence */
		n--;
	memcpy(buf, label, n);
	buf[n] = '\0';
	html_escape(f, buf);
	fputs("&#8230;", f);
}

void
svg_bars(FILE *f, const char *title, const struct svg_bar *b, size_t n, int width)
{
	const int row = 22, label = 150, text = 230, top = 30;
	double scale = 100, bw = width - label - text - 10, x100;
	int height = top + (int)n * row + 10;
	size_t i;

	for (i = 0; i < n; i++)
		if (isfinite(b[i].pct) && b[i].pct > scale)
			scale = b[i].pct;
	x100 = label + bw * 100 / scale;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n", width, height, width, height);
	fputs("<text x=\"4\" y=\"15\" class=\"title\">", f);
	html_escape(f, title);
	fputs("</text>\n", f);
	for (i = 0; i < n; i++) {
		double y = top + (double)i * row;

		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"barlab\"><title>", label - 6, y + 14);
		html_escape(f, b[i].label);
		fputs("</title>", f);
		short_label(f, b[i].label);
		fprintf(f, "</text><rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"16\" class=\"track\"/>",
			label, y + 2, bw);
		if (isfinite(b[i].pct))
			fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
				label, y + 2, fmax(1, bw * b[i].pct / scale),
				bar_color(b[i].pct, b[i].of_host));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"bartext\">", label + bw + 8, y + 14);
		html_escape(f, b[i].text);
		fputs("</text>\n", f);
	}
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"limit\"/>"
		"<text x=\"%.1f\" y=\"%d\" class=\"legend limittext\">100%% of limit</text>\n",
		x100, x100, top - 4, height - 6, x100, top - 8);
	fputs("</svg>\n", f);
}
