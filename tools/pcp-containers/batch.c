/*
 * batch.c - pcp-containers -b: one sample at a time as aligned plain text,
 * CSV (one header, then a line per container and sample) or JSON (one
 * object per sample and line).  Also the view helpers batch and screen
 * share.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "top.h"

int
pcc_view_shown(const struct pcc_view *v, int col)
{
	if (pcc_columns[col].width == 0)
		return 0;
	if (col == COL_POD)
		return (v->has & PCC_HAS_POD) != 0;
	return 1;
}

size_t
pcc_view_prepare(const struct pcc_view *v, struct pcc_sample *sample)
{
	size_t i, n = 0;

	pcc_rows_sort(sample->rows, sample->nrows, v->sort_col, v->reverse);
	for (i = 0; i < sample->nrows; i++)
		n += pcc_row_match(&sample->rows[i], v->filter);
	return n;
}

int
pcc_name_width(const struct pcc_view *v, const struct pcc_sample *s, int max)
{
	int w = pcc_columns[COL_NAME].width;
	size_t i;

	for (i = 0; i < s->nrows; i++) {
		int len = (int)strlen(s->rows[i].name);

		if (len > w && pcc_row_match(&s->rows[i], v->filter))
			w = len;
	}
	return w > max ? max : w;
}

const char *
pcc_timestr(const struct timeval *tv, int iso, char *buf, size_t len)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	long ms = tv->tv_usec / 1000;
	char off[16];
	int gmt;

	pmLocaltime(&t, &tm);
	if (!iso) {
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
		return buf;
	}
	gmt = (int)(tm.tm_gmtoff / 60) % (24 * 60);	/* minutes east of UTC */
	snprintf(off, sizeof(off), "%c%02d:%02d", gmt < 0 ? '-' : '+',
		 abs(gmt) / 60, abs(gmt) % 60);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03ld%s", ms, off);
	return buf;
}

/* ------------------------------------------------------------ text */

static void
write_text(FILE *f, const struct pcc_view *v, const struct pcc_sample *s, size_t shown)
{
	char ts[64], buf[64];
	int nw = pcc_name_width(v, s, 64), col, w;
	size_t i;

	fprintf(f, "%s  %s  containers %zu", pcc_timestr(&s->stamp, 0, ts, sizeof(ts)),
		v->host, shown);
	if (shown != s->nrows)
		fprintf(f, " of %zu", s->nrows);
	fputc('\n', f);
	for (col = 0; col < COL_N; col++) {
		if (!pcc_view_shown(v, col))
			continue;
		w = col == COL_NAME ? nw : pcc_columns[col].width;
		if (col == COL_NAME || pcc_columns[col].kind == KIND_STR)
			fprintf(f, "%-*s ", w, pcc_columns[col].title);
		else
			fprintf(f, "%*s ", w, pcc_columns[col].title);
	}
	fputc('\n', f);
	for (i = 0; i < s->nrows; i++) {
		const struct pcc_row *row = &s->rows[i];

		if (!pcc_row_match(row, v->filter))
			continue;
		for (col = 0; col < COL_N; col++) {
			if (!pcc_view_shown(v, col))
				continue;
			w = col == COL_NAME ? nw : pcc_columns[col].width;
			pcc_col_text(row, col, buf, sizeof(buf));
			if (col == COL_NAME || pcc_columns[col].kind == KIND_STR)
				fprintf(f, "%-*s ", w, buf);
			else
				fprintf(f, "%*s ", w, buf);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* ------------------------------------------------------------ CSV */

/* a field, quoted (RFC 4180) when it holds a comma, quote or line break */
static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
write_csv(FILE *f, const struct pcc_view *v, const struct pcc_sample *s, int first)
{
	char ts[64], buf[64];
	size_t i;
	int col;

	if (first) {
		fputs("timestamp,host", f);
		for (col = 0; col < COL_N; col++)
			fprintf(f, ",%s", pcc_columns[col].key);
		fputc('\n', f);
	}
	pcc_timestr(&s->stamp, 1, ts, sizeof(ts));
	for (i = 0; i < s->nrows; i++) {
		const struct pcc_row *row = &s->rows[i];

		if (!pcc_row_match(row, v->filter))
			continue;
		fputs(ts, f);
		fputc(',', f);
		csv_field(f, v->host);
		for (col = 0; col < COL_N; col++) {
			fputc(',', f);
			csv_field(f, pcc_col_raw(row, col, buf, sizeof(buf)));
		}
		fputc('\n', f);
	}
}

/* ------------------------------------------------------------ JSON */

static json_t *
json_col(const struct pcc_row *row, int col)
{
	const char *str;
	double x;

	switch (pcc_columns[col].kind) {
	case KIND_NAME:
		return json_string(row->name);
	case KIND_STR:
		str = row->str[pcc_columns[col].src];
		return str ? json_string(str) : json_null();
	case KIND_BYTES:
	case KIND_COUNT:
		x = pcc_col_value(row, col);
		return isnan(x) ? json_null() : json_integer((json_int_t)llround(x));
	case KIND_RATE:		/* the precision of the CSV form */
		x = pcc_col_value(row, col);
		return isnan(x) ? json_null() : json_real(round(x * 10) / 10);
	default:
		x = pcc_col_value(row, col);
		return isnan(x) ? json_null() : json_real(round(x * 1000) / 1000);
	}
}

static int
write_json(FILE *f, const struct pcc_view *v, const struct pcc_sample *s)
{
	json_t *obj, *arr, *c;
	char ts[64];
	size_t i;
	int col, sts = 0;

	obj = json_object();
	arr = json_array();
	if (obj == NULL || arr == NULL) {
		json_decref(obj);
		json_decref(arr);
		return -ENOMEM;
	}
	pcc_timestr(&s->stamp, 1, ts, sizeof(ts));
	json_object_set_new(obj, "timestamp", json_string(ts));
	json_object_set_new(obj, "epoch", json_real(s->stamp.tv_sec + (double)(s->stamp.tv_usec / 1000) / 1e3));
	json_object_set_new(obj, "host", json_string(v->host));
	for (i = 0; i < s->nrows; i++) {
		const struct pcc_row *row = &s->rows[i];

		if (!pcc_row_match(row, v->filter))
			continue;
		if ((c = json_object()) == NULL) {
			sts = -ENOMEM;
			break;
		}
		for (col = 0; col < COL_N; col++) {
			json_t *val = json_col(row, col);

			/* a string that is not UTF-8 has no JSON form: null */
			json_object_set_new(c, pcc_columns[col].key, val ? val : json_null());
		}
		json_array_append_new(arr, c);
	}
	json_object_set_new(obj, "containers", arr);
	if (sts == 0 && (json_dumpf(obj, f, JSON_COMPACT | JSON_REAL_PRECISION(15)) < 0 ||
			 fputc('\n', f) == EOF))
		sts = -EIO;
	json_decref(obj);
	return sts;
}

int
pcc_batch_write(FILE *f, enum pcc_format fmt, const struct pcc_view *v,
		struct pcc_sample *s, int first)
{
	size_t shown = pcc_view_prepare(v, s);
	int sts = 0;

	switch (fmt) {
	case FMT_TEXT:
		write_text(f, v, s, shown);
		break;
	case FMT_CSV:
		write_csv(f, v, s, first);
		break;
	case FMT_JSON:
		sts = write_json(f, v, s);
		break;
	}
	if (fflush(f) == EOF || ferror(f))
		return -EIO;
	return sts;
}
