/*
 * screen.c - the full-screen (ncurses) view of pcp-containers: a header,
 * one line per container, a status line; keys to sort, filter, pause,
 * scroll, get help and quit.  Samples are taken every interval (live) or
 * the archive advances one interval per min(interval, 1 s) of wall time.
 * While the filter prompt is open, sampling waits.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <curses.h>
#include "top.h"

#define KEY_ESC		27
#define CTRL(c)		((c) & 0x1f)

struct screen {
	struct pcc_sampler	*s;
	pmOptions		*opts;
	struct pcc_view		*v;
	struct pcc_sample	sample;
	int			have;		/* sample holds rates */
	int			paused;
	int			help;		/* the help screen is up */
	int			ended;		/* the archive ended */
	int			quit;
	int			nsamples;	/* screens of data shown */
	int			top;		/* first row shown (scrolling) */
	size_t			shown;		/* rows passing the filter */
	double			step;		/* wall seconds between samples */
	char			msg[160];	/* status line message */
};

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ sampling */

static void
take_sample(struct screen *sc)
{
	int sts = pcc_sampler_fetch(sc->s, &sc->sample);
	const pmOptions *o = sc->opts;

	if (sts == PM_ERR_EOL ||
	    (sts >= 0 && sc->v->archive && timercmp(&sc->sample.stamp, &o->finish, >))) {
		sc->ended = sc->paused = 1;
		snprintf(sc->msg, sizeof(sc->msg), "end of archive: press q to quit");
		return;
	}
	if (sts < 0) {
		snprintf(sc->msg, sizeof(sc->msg), "fetch failed: %s", pmErrStr(sts));
		return;
	}
	sc->have = 1;
	sc->nsamples++;
	if (o->samples > 0 && sc->nsamples >= o->samples)
		sc->quit = 1;
}

/* ------------------------------------------------------------ drawing */

/* one line, clipped to the screen, padded with blanks */
static void
put_line(int y, const char *text, attr_t attr)
{
	int w = COLS - (y == LINES - 1);	/* no scroll on the last cell */

	if (y < 0 || y >= LINES || w <= 0)
		return;
	attrset(attr);
	mvaddnstr(y, 0, text, w);
	clrtoeol();
	attrset(A_NORMAL);
}

static int
cell(char *out, size_t len, int col, int w, const char *text)
{
	int left = col == COL_NAME || pcc_columns[col].kind == KIND_STR;

	return snprintf(out, len, left ? "%-*.*s " : "%*.*s ", w, w, text);
}

static void
draw_table(struct screen *sc)
{
	char line[1024], buf[64];
	int nw = pcc_name_width(sc->v, &sc->sample, 32);
	int col, y = 3, off, w, sortx = 0, sortw = 0;
	size_t i, k = 0;

	off = 0;
	for (col = 0; col < COL_N && off < (int)sizeof(line) - 64; col++) {
		if (!pcc_view_shown(sc->v, col))
			continue;
		w = col == COL_NAME ? nw : pcc_columns[col].width;
		if (col == sc->v->sort_col) {
			sortx = off;
			sortw = w;
		}
		off += cell(line + off, sizeof(line) - off, col, w, pcc_columns[col].title);
	}
	put_line(2, line, A_REVERSE);
	if (sortw > 0 && sortx < COLS)	/* the sort column stands out */
		mvchgat(2, sortx, sortw < COLS - sortx ? sortw : COLS - sortx,
			A_REVERSE | A_BOLD | A_UNDERLINE, 0, NULL);

	if (sc->top > 0 && (size_t)sc->top >= sc->shown)
		sc->top = sc->shown > 0 ? (int)sc->shown - 1 : 0;
	for (i = 0; i < sc->sample.nrows && y < LINES - 1; i++) {
		const struct pcc_row *row = &sc->sample.rows[i];

		if (!pcc_row_match(row, sc->v->filter) || k++ < (size_t)sc->top)
			continue;
		off = 0;
		for (col = 0; col < COL_N && off < (int)sizeof(line) - 64; col++) {
			if (!pcc_view_shown(sc->v, col))
				continue;
			w = col == COL_NAME ? nw : pcc_columns[col].width;
			pcc_col_text(row, col, buf, sizeof(buf));
			off += cell(line + off, sizeof(line) - off, col, w, buf);
		}
		put_line(y++, line, A_NORMAL);
	}
	for (; y < LINES - 1; y++)
		put_line(y, "", A_NORMAL);
}

static void
draw_help(void)
{
	static const char *keys[] = {
		"Keys",
		"  q            quit",
		"  h ?          this help (any key returns)",
		"  space        pause / resume",
		"  /            filter: show containers whose name, engine, pod,",
		"               namespace or image contain the text (empty: all)",
		"  < >          sort by the column to the left / right",
		"  c m p        sort by CPU%, MEM, PIDS",
		"  n i          sort by network RX/s (again: TX/s), disk READ/s (again: WRITE/s)",
		"  r            reverse the sort order",
		"  up down PgUp PgDn Home   scroll",
		"",
		"Columns",
	};
	char line[256];
	size_t i;
	int y = 0, col;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		put_line(y++, keys[i], i == 0 || i == 12 ? A_BOLD : A_NORMAL);
	for (col = 0; col < COL_N; col++) {
		snprintf(line, sizeof(line), "  %-9s    %s%s", pcc_columns[col].title,
			 pcc_columns[col].help,
			 pcc_columns[col].width ? "" : " (CSV and JSON only)");
		put_line(y++, line, A_NORMAL);
	}
	while (y < LINES)
		put_line(y++, "", A_NORMAL);
}

static const char *
order_label(const struct pcc_view *v)
{
	enum pcc_kind k = pcc_columns[v->sort_col].kind;

	if (k == KIND_NAME || k == KIND_STR)
		return v->reverse ? "Z-A" : "A-Z";
	return v->reverse ? "smallest first" : "largest first";
}

static void
draw(struct screen *sc)
{
	char line[512], ts[64];
	const struct pcc_view *v = sc->v;

	erase();
	if (sc->help) {
		draw_help();
		refresh();
		return;
	}
	sc->shown = sc->have ? pcc_view_prepare(v, &sc->sample) : 0;
	snprintf(line, sizeof(line), "pcp-containers  %s  %s  every %gs%s%s", v->host,
		 sc->have ? pcc_timestr(&sc->sample.stamp, 0, ts, sizeof(ts)) : "",
		 sc->opts->interval.tv_sec + sc->opts->interval.tv_usec / 1e6,
		 v->archive ? "  (archive)" : "", sc->paused ? "  [PAUSED]" : "");
	put_line(0, line, A_BOLD);
	snprintf(line, sizeof(line), "containers: %zu shown of %zu  sort: %s (%s)  filter: %s",
		 sc->shown, sc->sample.nrows, pcc_columns[v->sort_col].title,
		 order_label(v), v->filter[0] ? v->filter : "(none)");
	put_line(1, line, A_NORMAL);
	if (sc->have)
		draw_table(sc);
	else
		put_line(3, "collecting a first sample ...", A_NORMAL);
	put_line(LINES - 1, sc->msg[0] ? sc->msg :
		 "q quit  h help  / filter  < > sort  c m n i p  r reverse  space pause",
		 A_REVERSE);
	refresh();
}

/* ------------------------------------------------------------ keys */

/* the next shown column left (dir -1) or right (+1) of the sort column */
static int
next_col(const struct pcc_view *v, int dir)
{
	int col = v->sort_col;

	do
		col = (col + dir + COL_N) % COL_N;
	while (!pcc_view_shown(v, col) && col != v->sort_col);
	return col;
}

static void
set_sort(struct screen *sc, int col)
{
	sc->v->sort_col = col;
	sc->v->reverse = 0;
	sc->top = 0;
}

/* the filter prompt on the last line; sampling waits meanwhile */
static void
prompt_filter(struct screen *sc)
{
	char text[sizeof(sc->v->filter)];
	size_t len;
	int ch;

	snprintf(text, sizeof(text), "%s", sc->v->filter);
	len = strlen(text);
	curs_set(1);
	timeout(-1);
	for (;;) {
		char line[256];

		snprintf(line, sizeof(line), "filter: %s", text);
		put_line(LINES - 1, line, A_NORMAL);
		move(LINES - 1, (int)strlen(line) < COLS - 1 ? (int)strlen(line) : COLS - 1);
		refresh();
		ch = getch();
		if (got_signal)
			break;
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			snprintf(sc->v->filter, sizeof(sc->v->filter), "%s", text);
			sc->top = 0;
			break;
		}
		if (ch == KEY_ESC)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h')) && len > 0)
			text[--len] = '\0';
		else if (ch == CTRL('u'))
			text[len = 0] = '\0';
		else if (ch >= ' ' && ch < 127 && len + 1 < sizeof(text)) {
			text[len++] = (char)ch;
			text[len] = '\0';
		}
	}
	curs_set(0);
}

static void
handle_key(struct screen *sc, int ch)
{
	int page = LINES - 4 > 1 ? LINES - 4 : 1;

	sc->msg[0] = sc->ended ? sc->msg[0] : '\0';
	if (sc->help) {		/* any key leaves the help screen */
		sc->help = 0;
		if (ch != 'q' && ch != 'Q')
			return;
	}
	switch (ch) {
	case 'q': case 'Q':
		sc->quit = 1;
		break;
	case 'h': case '?': case KEY_F(1):
		sc->help = 1;
		break;
	case ' ':
		if (!sc->ended)
			sc->paused = !sc->paused;
		break;
	case '/':
		prompt_filter(sc);
		break;
	case '<': case ',': case KEY_LEFT:
		set_sort(sc, next_col(sc->v, -1));
		break;
	case '>': case '.': case KEY_RIGHT:
		set_sort(sc, next_col(sc->v, +1));
		break;
	case 'c': set_sort(sc, COL_CPU); break;
	case 'm': set_sort(sc, COL_MEM); break;
	case 'p': set_sort(sc, COL_PIDS); break;
	case 'n':
		set_sort(sc, sc->v->sort_col == COL_NET_RX ? COL_NET_TX : COL_NET_RX);
		break;
	case 'i':
		set_sort(sc, sc->v->sort_col == COL_IO_RD ? COL_IO_WR : COL_IO_RD);
		break;
	case 'r':
		sc->v->reverse = !sc->v->reverse;
		break;
	case KEY_DOWN: sc->top++; break;
	case KEY_UP: sc->top = sc->top > 0 ? sc->top - 1 : 0; break;
	case KEY_NPAGE: sc->top += page; break;
	case KEY_PPAGE: sc->top = sc->top > page ? sc->top - page : 0; break;
	case KEY_HOME: sc->top = 0; break;
	case CTRL('l'): clearok(curscr, TRUE); break;
	default: break;
	}
}

/* ------------------------------------------------------------ loop */

int
pcc_screen_run(struct pcc_sampler *s, pmOptions *opts, struct pcc_view *v)
{
	struct screen sc = { .s = s, .opts = opts, .v = v };
	struct sigaction sa = { .sa_handler = on_signal };
	double next, t;
	int ch;

	sc.step = opts->interval.tv_sec + opts->interval.tv_usec / 1e6;
	if (v->archive && sc.step > 1)
		sc.step = 1;
	if (initscr() == NULL)
		return -ENOTTY;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);

	draw(&sc);
	take_sample(&sc);		/* the first sample has no rates yet */
	sc.have = 0;
	sc.nsamples = 0;
	next = now() + (v->archive ? 0 : sc.step);
	while (!sc.quit && !got_signal) {
		draw(&sc);
		t = now();
		if (sc.paused)
			timeout(-1);
		else
			timeout(next > t ? (int)((next - t) * 1000) + 1 : 0);
		ch = getch();
		if (got_signal)
			break;
		if (ch != ERR) {
			int was_paused = sc.paused;

			handle_key(&sc, ch);
			if (was_paused && !sc.paused)
				next = now();
			continue;
		}
		if (!sc.paused && now() >= next) {
			take_sample(&sc);
			next += sc.step;
			if (next < now())
				next = now() + sc.step;
		}
	}
	endwin();
	pcc_sample_clear(&sc.sample);
	return 0;
}
