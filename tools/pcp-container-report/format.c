/*
 * format.c - numbers and times for people (text and HTML output).
 *
 * Each function writes into the caller's BUF and returns BUF: no static
 * buffers.  NAN (no data) prints as "-", INFINITY (no limit) as "none".
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <pcp/pmapi.h>

#include "report.h"

static const char *
special(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (isinf(v))
		snprintf(buf, len, "none");
	else
		return NULL;
	return buf;
}

const char *
rpt_fmt_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes;
	int i = 0;

	if (special(buf, len, bytes))
		return buf;
	while (fabs(v) >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f B", v);
	else
		snprintf(buf, len, "%.*f %s", fabs(v) < 10 ? 2 : fabs(v) < 100 ? 1 : 0, v, unit[i]);
	return buf;
}

const char *
rpt_fmt_cores(char *buf, size_t len, double cores)
{
	if (special(buf, len, cores))
		return buf;
	snprintf(buf, len, "%.3f", cores);
	return buf;
}

const char *
rpt_fmt_count(char *buf, size_t len, double n)
{
	if (special(buf, len, n))
		return buf;
	snprintf(buf, len, "%.0f", n);
	return buf;
}

const char *
rpt_fmt_ratio(char *buf, size_t len, double ratio)
{
	if (special(buf, len, ratio))
		return buf;
	snprintf(buf, len, "%.2fx", ratio);
	return buf;
}

const char *
rpt_fmt_pct(char *buf, size_t len, double pct)
{
	if (special(buf, len, pct))
		return buf;
	snprintf(buf, len, "%.1f%%", pct);
	return buf;
}

const char *
rpt_fmt_time(char *buf, size_t len, double t, int with_date)
{
	time_t secs = (time_t)floor(t);
	struct tm tm;

	if (isnan(t) || pmLocaltime(&secs, &tm) == NULL) {
		snprintf(buf, len, "-");
		return buf;
	}
	strftime(buf, len, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	return buf;
}
