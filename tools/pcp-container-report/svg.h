/*
 * svg.h - plain inline SVG charts for the HTML report: a time series with
 * its limit line, and horizontal bars of a value against a limit.  No
 * scripts, no external resources: what is written is what shows.
 */
#ifndef PCC_REPORT_SVG_H
#define PCC_REPORT_SVG_H

#include <stddef.h>
#include <stdio.h>

/* a value formatter: writes into BUF and returns it (format.c's rpt_fmt_*) */
typedef const char *(*svg_fmt_fn)(char *buf, size_t len, double v);

struct svg_series {
	const char *title;		/* drawn top left; escaped */
	const double *t;		/* N times, epoch seconds */
	const double *v;		/* N values, NAN = gap */
	const double *limit;		/* N limits or NULL; NAN/INFINITY not drawn */
	size_t n;
	svg_fmt_fn fmt;			/* rpt_fmt_bytes: a bytes axis */
	const char *color;		/* CSS color of the line */
	int width, height;		/* pixels */
};

/*
 * svg_series: a line chart of S->v against time, y from 0 to the larger of
 * the data and the limit, with the limit as a dashed red line.  More
 * samples than pixels are reduced to each pixel column's maximum, so
 * peaks survive.  Nothing is drawn for a series without a value (a
 * "no data" note instead).
 */
void svg_series(FILE *f, const struct svg_series *s);

struct svg_bar {
	const char *label;		/* container name; escaped */
	double pct;			/* value as % of its limit (or of the host) */
	int of_host;			/* pct is of the host: no limit */
	const char *text;		/* shown after the bar, e.g. "0.52 of 0.50 cores" */
};

/*
 * svg_bars: one horizontal bar per entry, length PCT on a scale from 0 to
 * max(100, largest PCT), a line at 100%, colored green (< 70%), amber
 * (< 90%), red (>= 90%), grey for "of host".  NAN pct draws no bar.
 */
void svg_bars(FILE *f, const char *title, const struct svg_bar *b, size_t n, int width);

/* html_escape: S with & < > " ' escaped (NULL prints nothing) */
void html_escape(FILE *f, const char *s);

#endif /* PCC_REPORT_SVG_H */
