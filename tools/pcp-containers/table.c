/*
 * table.c - columns of pcp-containers: titles, units, text forms, sort
 * order and the filter.  See table.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "table.h"

const struct pcc_column pcc_columns[COL_N] = {
	[COL_NAME]	= { "NAME", "name", 14, KIND_NAME, 0,
			    "container (instance name)" },
	[COL_ENGINE]	= { "ENGINE", "engine", 10, KIND_STR, PCC_ENGINE,
			    "engine that runs it" },
	[COL_POD]	= { "POD", "pod", 16, KIND_STR, PCC_POD,
			    "Kubernetes pod" },
	[COL_CPU]	= { "CPU%", "cpu_pct", 6, KIND_PCT, PCC_CPU,
			    "CPU used, % of one CPU" },
	[COL_CPU_LIM]	= { "CPULIM%", "cpu_limit_pct", 7, KIND_PCT, PCC_CPU_LIM,
			    "CPU used, % of its CPU limit" },
	[COL_MEM]	= { "MEM", "mem_bytes", 6, KIND_BYTES, PCC_MEM,
			    "memory used (working set)" },
	[COL_MEM_LIMIT]	= { "MEMLIM", "mem_limit_bytes", 6, KIND_BYTES, PCC_MEM_LIMIT,
			    "memory limit" },
	[COL_MEM_PCT]	= { "MEM%", "mem_pct", 6, KIND_PCT, PCC_MEM_PCT,
			    "memory used, % of its limit" },
	[COL_NET_RX]	= { "RX/s", "net_rx_bytes_per_sec", 7, KIND_RATE, PCC_NET_RX,
			    "network bytes received per second" },
	[COL_NET_TX]	= { "TX/s", "net_tx_bytes_per_sec", 7, KIND_RATE, PCC_NET_TX,
			    "network bytes sent per second" },
	[COL_IO_RD]	= { "READ/s", "io_read_bytes_per_sec", 7, KIND_RATE, PCC_IO_RD,
			    "block device bytes read per second" },
	[COL_IO_WR]	= { "WRITE/s", "io_write_bytes_per_sec", 7, KIND_RATE, PCC_IO_WR,
			    "block device bytes written per second" },
	[COL_PIDS]	= { "PIDS", "pids", 5, KIND_COUNT, PCC_PIDS,
			    "tasks (processes and threads)" },
	[COL_THROTTLED]	= { "THR%", "throttled_pct", 5, KIND_PCT, PCC_THROTTLED,
			    "% of CPU periods in which it was throttled" },
	[COL_OOM]	= { "OOM", "oom_kills", 4, KIND_COUNT, PCC_OOM,
			    "processes killed by the OOM killer" },
	[COL_NAMESPACE]	= { "NAMESPACE", "namespace", 0, KIND_STR, PCC_NAMESPACE,
			    "Kubernetes namespace" },
	[COL_IMAGE]	= { "IMAGE", "image", 0, KIND_STR, PCC_IMAGE,
			    "image" },
};

static int
numeric(int col)
{
	enum pcc_kind k = pcc_columns[col].kind;

	return k != KIND_NAME && k != KIND_STR;
}

double
pcc_col_value(const struct pcc_row *row, int col)
{
	return numeric(col) ? row->val[pcc_columns[col].src] : NAN;
}

static const char *
col_string(const struct pcc_row *row, int col)
{
	if (pcc_columns[col].kind == KIND_NAME)
		return row->name;
	return row->str[pcc_columns[col].src];
}

/* 1023 -> "1023", 1536 -> "1.5K", 12345678 -> "12M" */
static void
human(double v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (v >= 1024 && u < (int)sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%.0f", v);
	else if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

const char *
pcc_col_text(const struct pcc_row *row, int col, char *buf, size_t len)
{
	double v;
	const char *s;

	if (!numeric(col)) {
		s = col_string(row, col);
		snprintf(buf, len, "%s", s ? s : "-");
		return buf;
	}
	v = pcc_col_value(row, col);
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (pcc_columns[col].kind) {
	case KIND_PCT:
		snprintf(buf, len, "%.1f", v);
		break;
	case KIND_BYTES:
	case KIND_RATE:
		human(v, buf, len);
		break;
	default:
		snprintf(buf, len, "%.0f", v);
		break;
	}
	return buf;
}

const char *
pcc_col_raw(const struct pcc_row *row, int col, char *buf, size_t len)
{
	double v;
	const char *s;

	if (!numeric(col)) {
		s = col_string(row, col);
		return s ? s : "";
	}
	v = pcc_col_value(row, col);
	if (isnan(v))
		snprintf(buf, len, "%s", "");
	else if (pcc_columns[col].kind == KIND_PCT)
		snprintf(buf, len, "%.3f", v);
	else if (pcc_columns[col].kind == KIND_RATE)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

int
pcc_col_find(const char *name)
{
	int i;

	for (i = 0; i < COL_N; i++)
		if (strcasecmp(name, pcc_columns[i].title) == 0 ||
		    strcasecmp(name, pcc_columns[i].key) == 0)
			return i;
	return -1;
}

struct sort_key {
	int	col;		/* enum pcc_col */
	int	reverse;
};

static int
cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct pcc_row *a = pa, *b = pb;
	const struct sort_key *k = arg;
	int sort_col = k->col, sort_reverse = k->reverse;
	int c = 0;

	if (numeric(sort_col)) {
		double x = pcc_col_value(a, sort_col), y = pcc_col_value(b, sort_col);

		if (isnan(x) || isnan(y))
			c = isnan(x) - isnan(y);	/* no value: last */
		else if (x != y)
			c = sort_reverse ? (x > y) - (x < y) : (x < y) - (x > y);
	} else {
		const char *x = col_string(a, sort_col), *y = col_string(b, sort_col);

		if (x == NULL || y == NULL)
			c = (x == NULL) - (y == NULL);
		else if ((c = strcmp(x, y)) != 0 && sort_reverse)
			c = -c;
	}
	if (c == 0)
		c = strcmp(a->name, b->name);
	return c;
}

void
pcc_rows_sort(struct pcc_row *rows, size_t n, int col, int reverse)
{
	struct sort_key k = { .col = col, .reverse = reverse };

	qsort_r(rows, n, sizeof(*rows), cmp_rows, &k);
}

int
pcc_row_match(const struct pcc_row *row, const char *pattern)
{
	int i;

	if (pattern == NULL || *pattern == '\0')
		return 1;
	if (strcasestr(row->name, pattern) != NULL)
		return 1;
	for (i = 0; i < PCC_NSTRS; i++)
		if (row->str[i] != NULL && strcasestr(row->str[i], pattern) != NULL)
			return 1;
	return 0;
}
