/*
 * top.h - what main.c, batch.c and screen.c of pcp-containers share: the
 * view (sort, filter, which columns), the time stamps, and the two ways
 * of running (batch output, full-screen).
 */
#ifndef PCC_TOP_H
#define PCC_TOP_H

#include <stdio.h>
#include <sys/time.h>
#include <pcp/pmapi.h>
#include "sample.h"
#include "table.h"

enum pcc_format { FMT_TEXT, FMT_CSV, FMT_JSON };

struct pcc_view {
	int		sort_col;	/* enum pcc_col */
	int		reverse;	/* sort the other way round */
	char		filter[128];	/* "" shows every container */
	unsigned	has;		/* PCC_HAS_* of the source */
	int		archive;	/* the source is an archive */
	const char	*host;		/* borrowed from the sampler */
};

/*
 * pcc_view_shown - is column `col` on the screen and in plain text?  Those
 * with a width, and POD only when the source has container.info.pod.
 */
int pcc_view_shown(const struct pcc_view *v, int col);

/* pcc_view_prepare - sort sample->rows as the view says; returns how many
 * rows pass the filter (they are not moved: test each with pcc_row_match) */
size_t pcc_view_prepare(const struct pcc_view *v, struct pcc_sample *sample);

/* pcc_name_width - width for the NAME column: the longest name shown,
 * between the column's width and max */
int pcc_name_width(const struct pcc_view *v, const struct pcc_sample *s, int max);

/*
 * pcc_timestr - tv in the reporting time zone (pmNewZone and friends, so
 * -z and -Z apply): "YYYY-MM-DD HH:MM:SS" or, with iso, RFC 3339 with the
 * zone's offset.  Returns buf.
 */
const char *pcc_timestr(const struct timeval *tv, int iso, char *buf, size_t len);

/*
 * pcc_batch_write - one sample to f in format fmt.  `first`: also write
 * what comes once (the CSV header).  Returns 0, or -EIO if f failed.
 */
int pcc_batch_write(FILE *f, enum pcc_format fmt, const struct pcc_view *v,
		struct pcc_sample *s, int first);

/*
 * pcc_screen_run - the full-screen view on the terminal until the user
 * quits, the archive ends (then it waits for q) or `samples` screens were
 * shown (0: no limit).  Returns 0, or a negative error when the terminal
 * cannot be used.
 */
int pcc_screen_run(struct pcc_sampler *s, pmOptions *opts, struct pcc_view *v);

#endif
