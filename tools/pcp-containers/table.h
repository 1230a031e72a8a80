/*
 * table.h - the columns pcp-containers shows, how each value is written
 * (screen and plain text: short human units; CSV and JSON: plain numbers),
 * how rows are sorted and filtered.  Pure functions over struct pcc_row:
 * no PMAPI, no terminal.
 */
#ifndef PCC_TABLE_H
#define PCC_TABLE_H

#include <stddef.h>
#include "sample.h"

enum pcc_col {
	COL_NAME, COL_ENGINE, COL_POD,
	COL_CPU, COL_CPU_LIM,
	COL_MEM, COL_MEM_LIMIT, COL_MEM_PCT,
	COL_NET_RX, COL_NET_TX, COL_IO_RD, COL_IO_WR,
	COL_PIDS, COL_THROTTLED, COL_OOM,
	COL_NAMESPACE, COL_IMAGE,	/* CSV and JSON only */
	COL_N
};

enum pcc_kind {
	KIND_NAME,		/* the instance name */
	KIND_STR,		/* a string of the row */
	KIND_PCT,		/* a percentage */
	KIND_BYTES,		/* bytes */
	KIND_RATE,		/* bytes per second */
	KIND_COUNT,		/* a whole number */
};

struct pcc_column {
	const char	*title;		/* screen and plain text header */
	const char	*key;		/* CSV header and JSON member name */
	int		width;		/* screen and text width; 0: not shown */
	enum pcc_kind	kind;
	int		src;		/* enum pcc_val or enum pcc_str index */
	const char	*help;		/* one line for the help screen */
};

extern const struct pcc_column pcc_columns[COL_N];

/*
 * pcc_col_value - the number in column `col` of `row` (NaN if none or the
 * column is not numeric).
 */
double pcc_col_value(const struct pcc_row *row, int col);

/*
 * pcc_col_text - the column as text for the screen and plain text output:
 * "-" for no value, percentages with one decimal, bytes and rates in
 * K/M/G/T (powers of 1024).  Writes at most len bytes into buf (NUL
 * included) and returns buf.  Strings are not truncated here.
 */
const char *pcc_col_text(const struct pcc_row *row, int col, char *buf, size_t len);

/*
 * pcc_col_raw - the column for CSV: a plain number (percentages with 3
 * decimals, rates with 1, bytes and counts whole) or the string itself;
 * "" for no value.  Returns buf (or the row's own string: borrowed).
 */
const char *pcc_col_raw(const struct pcc_row *row, int col, char *buf, size_t len);

/* pcc_col_find - column by title or key, case-insensitive; -1 if none */
int pcc_col_find(const char *name);

/*
 * pcc_rows_sort - sort rows by column `col`: numbers largest first, text A
 * to Z; `reverse` turns that round.  Rows without a value come last either
 * way; ties go by name.
 */
void pcc_rows_sort(struct pcc_row *rows, size_t n, int col, int reverse);

/*
 * pcc_row_match - true if `pattern` (NULL or "" matches everything) occurs,
 * ignoring case, in the row's name, engine, pod, namespace or image.
 */
int pcc_row_match(const struct pcc_row *row, const char *pattern);

#endif
