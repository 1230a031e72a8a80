/*
 * acct.h - the accounting table shared by acct_table.c (what each statistic
 * is, on v1 and on v2) and acct.c (the per-container reader that uses it).
 * Internal to libpcp-container; the unit tests include it to check the
 * table and to count the reader's system calls.
 */
#ifndef PCC_ACCT_H
#define PCC_ACCT_H

#include <stdbool.h>
#include <stdint.h>

#include "keyed.h"
#include "pcp-container.h"
#include "wdtab.h"

/* How a file is laid out, i.e. which keyed.c parser reads it. */
enum acct_fmt {
	ACCT_VALUE,	/* "123\n" */
	ACCT_PAIR,	/* "max 100000\n" (v2 cpu.max) */
	ACCT_FLAT,	/* "key value\n" lines */
	ACCT_NESTED,	/* v2 io.stat, summed over devices into sample->iodev */
	ACCT_BLKIO,	/* v1 blkio "8:0 Read 123\n", likewise */
	ACCT_PSI,	/* "some avg10=... total=...\nfull ...\n" */
};

/* From the number the kernel prints to the value of the statistic. */
enum acct_conv {
	CONV_NONE = 0,
	CONV_US,	/* microseconds to nanoseconds */
	CONV_MAX,	/* "max" is PCC_UNLIMITED */
	CONV_NEG1,	/* "-1" is PCC_UNLIMITED (v1 cpu.cfs_quota_us) */
	CONV_V1LIMIT,	/* >= 2^62 is PCC_UNLIMITED (v1 memory.limit_in_bytes) */
	CONV_S2W,	/* cpu.shares to cpu.weight */
	CONV_W2S,	/* cpu.weight to cpu.shares */
	CONV_SWAP_V1,	/* memory.memsw.usage_in_bytes, less PCC_MEM_USAGE afterwards */
};

/*
 * File kinds, for the kept-fd plan (acct_plan.c): every acct_file has its own
 * rank, 0 <= rank < ACCT_NKIND, which orders the kinds when read counts do
 * not (0 is kept first).
 */
#define ACCT_NKIND	32

/*
 * Files of rank ACCT_RANK_SETTING and up only change when someone writes a
 * setting (limits, shares, weight): acct_table.c orders them last.  Readers
 * of a budget with watch_settings keep their values (acct_settings.c).
 */
#define ACCT_RANK_SETTING	19

/* One cgroup interface file. */
struct acct_file {
	const char *name;	/* below the cgroup's directory */
	const char *alt;	/* read instead when name is missing (same format), or NULL */
	enum acct_fmt fmt;
	uint8_t rank;		/* the file kind and its static priority, < ACCT_NKIND, unique */
};

/* Where one statistic comes from on one cgroup version. */
struct acct_src {
	const struct acct_file *file;	/* NULL: this version has no such statistic */
	const char *key;		/* flat/nested key or blkio operation; NULL for values */
	uint8_t idx;			/* PAIR: 0 or 1; PSI: line * 4 + field;
					 * NESTED/BLKIO: sample iodev field, 0..3 */
	uint8_t conv;			/* enum acct_conv */
};

/* One statistic: the controller whose hierarchy has it, and its sources. */
struct acct_row {
	enum pcc_stat stat;
	enum pcc_ctrl ctrl;	/* by_ctrl[ctrl] says which hierarchy, hence v1 or v2 */
	struct acct_src v1, v2;
};

extern const struct acct_row pcc_acct_rows[];
extern const size_t pcc_acct_nrows;	/* == PCC_NSTAT: one row per statistic */
extern const struct acct_file *const pcc_acct_kinds[];	/* every file, kinds[i]->rank == i */
extern const size_t pcc_acct_nkinds;			/* <= ACCT_NKIND */

/*
 * pcc_acct_convert - apply conv to a parsed value.  Returns 0 and *ret_val,
 * -ERANGE if the result does not fit.
 */
int pcc_acct_convert(enum acct_conv conv, uint64_t raw, uint64_t *ret_val);

/* The PCC_KEYED_* parse flags a conversion needs ("max", "-1"). */
unsigned pcc_acct_parse_flags(enum acct_conv conv);

/* One statistic one file yields, in a reader (acct.c builds these). */
struct acct_slot {
	const struct acct_src *src;
	enum pcc_stat stat;
	enum pcc_blkio_op op;		/* ACCT_BLKIO: the line kind it sums, from src->key */
};

/*
 * pcc_acct_fill - parse text (len bytes, need not be NUL-terminated) as a
 * file of format fmt that yields the n statistics in slots, keys[i] being
 * slots[i].src->key, and store each one found in out->v/have; per-device
 * files also add to out->iodev (summed into v[]).  flags: PCC_KEYED_* for
 * values.  A file that does not parse stores nothing and zeroes its iodev
 * fields.  Returns 0, -ENOMEM (iodev could not grow), -EINVAL (n too big).
 */
int pcc_acct_fill(enum acct_fmt fmt, const char *text, size_t len, unsigned flags,
		  const struct acct_slot *slots, const char *const *keys, unsigned n,
		  struct pcc_sample *out);

static inline bool acct_is_setting(const struct acct_file *f)
{
	return f->rank >= ACCT_RANK_SETTING;
}

/* One file of a layout. */
struct acct_lfile {
	const struct acct_file *def;
	struct pcc_statset stats;	/* what it yields */
	int hier;			/* index into m->hier */
	unsigned first, n;		/* its slots: slot[first, first + n) */
	unsigned flags;			/* PCC_KEYED_* for its values */
	unsigned cfirst;		/* a setting file: its slots' values are a reader's
					 * cval[cfirst, cfirst + n) */
};

/*
 * What the table means on the host of one mounts (acct_layout.c): the
 * distinct files, each with its slots, and the keys of each slot.  The same
 * for every cgroup, so shared by the readers of a budget.
 */
struct acct_layout {
	const struct pcc_mounts *m;	/* borrowed */
	unsigned nfile, nslot;		/* each <= pcc_acct_nrows */
	struct acct_lfile *file;
	struct acct_slot *slot;		/* grouped by file */
	const char **key;		/* per slot: src->key ("" if none), a file's keys one array */
	bool swap_v1;			/* PCC_MEM_SWAP needs PCC_MEM_USAGE too */
	unsigned ncache;		/* slots of setting files (a reader's cval[]) */
};

/* acct_layout_new - the layout of m: 0 and *ret_layout, or -ENOMEM. */
int acct_layout_new(const struct pcc_mounts *m, struct acct_layout **ret_layout);
void acct_layout_free(struct acct_layout *l);	/* NULL is fine */

/*
 * The kept-fd plan of the readers sharing one budget (acct_plan.c says why
 * and how).  Counts are of files, over every reader: users[k] files of kind
 * k exist (absent ones not counted), kept[k] of them have a kept fd, and at
 * most quota[k] may.
 */
struct pcc_acct_plan {
	unsigned readers;		/* readers sharing the budget; the last frees the plan */
	unsigned files;			/* sum of users[] */
	unsigned held;			/* sum of kept[]; also counted in budget->held */
	unsigned gen;			/* bumped when a quota drops below kept */
	bool dirty;			/* users changed since the last balance */
	unsigned users[ACCT_NKIND];
	unsigned kept[ACCT_NKIND];
	unsigned quota[ACCT_NKIND];
	uint32_t ereads[ACCT_NKIND];	/* reads of each kind in this epoch */
	uint64_t score[ACCT_NKIND];	/* reads per file per epoch, decayed, x 65536 */
	uint64_t epoch;			/* reads in this epoch */
	uint64_t reads, opens, balances;
	unsigned kinds_kept;		/* at the last balance: kinds with quota == users */
	unsigned kinds_partial;		/* ... and kinds with 0 < quota < users */
	char *buf;			/* the readers' parse buffer (one thread at a time) */
	size_t cap;
	struct acct_layout *layout;	/* the readers' layout (those of its mounts), or NULL */
	int ifd;			/* inotify fd of the settings watches, -1 if none */
	struct pcc_wdtab wt;		/* live watches by wd */
	size_t maxwatch;		/* at most this many: half the kernel's per-user limit */
	unsigned settings_gen;		/* bumped when events were lost: every cache is stale */
};

/*
 * A reader's inotify watch on its cgroup directory in one hierarchy that
 * has setting files (acct_settings.c).  In the plan's table while wd >= 0.
 */
struct acct_watch {
	struct pcc_wdlink wl;		/* wd -1: none (not added yet, or the kernel
					 * dropped it); chained in the plan's table */
	uint8_t hier;			/* index into m->hier */
	uint32_t dir;			/* the reader's directory (offset in its paths) */
	bool *fresh;			/* the reader's: cleared by an event here */
};

/*
 * A reader's kept values of its setting files (acct_settings.c); all zero
 * (watch NULL) means no cache: every read reads them.
 */
struct acct_cache {
	struct acct_watch *watch;	/* per hierarchy with setting files, nwatch of them */
	uint64_t *cval;			/* layout->ncache values of setting files, as last read */
	uint64_t chave;			/* bits of cval that hold a value */
	uint32_t cached;		/* bits of layout files: setting files served from cval */
	unsigned sgen;			/* plan->settings_gen when fresh was set */
	uint8_t nwatch;
	bool fresh;			/* no write seen in the watched directories since */
};

static inline bool acct_cache_fresh(const struct acct_cache *c, const struct pcc_acct_plan *p)
{
	return c->watch != NULL && c->fresh && c->sgen == p->settings_gen;
}

/*
 * Before a read: may setting files be served from c, and what is read be
 * kept there?  A stale cache is emptied and the watches put in place
 * first (paths: the reader's directories), so a write after this is an
 * event; false if one cannot be.
 */
bool acct_cache_begin(struct acct_cache *c, struct pcc_acct_plan *p,
		      const struct acct_layout *l, const char *paths);
/* Layout file i's kept values into out (those it had). */
void acct_cache_put(const struct acct_cache *c, const struct acct_layout *l, unsigned i,
		    struct pcc_sample *out);
/* Keep file i's values just read into out; one that gave none is not kept. */
void acct_cache_keep(struct acct_cache *c, const struct acct_layout *l, unsigned i,
		     const struct pcc_sample *out);
/* The cgroup is gone from the hierarchies in gone: their kept values leave out, and c is stale. */
void acct_cache_drop(struct acct_cache *c, const struct acct_layout *l, uint32_t gone,
		     struct pcc_sample *out);
/* Remove c's watches and free it (a reader going). */
void acct_cache_release(struct acct_cache *c, struct pcc_acct_plan *p);

/* The plan's inotify fd, made if missing: 0, or -errno (then no caching). */
int acct_settings_open(struct pcc_acct_plan *p);
/* Close it and forget every watch (the last reader has gone). */
void acct_settings_close(struct pcc_acct_plan *p);
/*
 * Watch directory rel below dirfd for writes (IN_MODIFY): 0, -EEXIST if
 * another reader of the plan watches that directory (only one may cache
 * from it), or -errno.
 */
int acct_watch_add(struct pcc_acct_plan *p, struct acct_watch *w, int dirfd, const char *rel);
/* Stop watching (NULL-safe for a watch not in place). */
void acct_watch_del(struct pcc_acct_plan *p, struct acct_watch *w);

/* A reader joins b's plan (made if b has none): 0 or -ENOMEM. */
int acct_plan_join(struct pcc_fdbudget *b);
/* A reader leaves b's plan, having closed its fds and dropped its users. */
void acct_plan_leave(struct pcc_fdbudget *b);
/* Rank the kinds again and set the quotas; end_epoch also folds this
 * epoch's reads into the scores. */
void acct_plan_balance(struct pcc_fdbudget *b, bool end_epoch);

/* Files of kind k: one more (delta 1) or one less (-1). */
static inline void acct_plan_users(struct pcc_acct_plan *p, unsigned k, int delta)
{
	p->users[k] += delta;
	p->files += delta;
	p->dirty = true;
}

/* Before a reader reads: balance if readers came or went, or an epoch ended. */
static inline void acct_plan_tick(struct pcc_fdbudget *b)
{
	struct pcc_acct_plan *p = b->plan;

	if (p->dirty)
		acct_plan_balance(b, false);
	else if (p->epoch >= (p->files > 64 ? p->files : 64))
		acct_plan_balance(b, true);
}

static inline void acct_plan_count(struct pcc_acct_plan *p, unsigned k, bool opened)
{
	p->ereads[k]++;
	p->epoch++;
	p->reads++;
	p->opens += opened;
}

static inline bool acct_plan_may_keep(const struct pcc_fdbudget *b, unsigned k)
{
	return b->plan->kept[k] < b->plan->quota[k] && b->held < b->max;
}

static inline bool acct_plan_over(const struct pcc_acct_plan *p, unsigned k)
{
	return p->kept[k] > p->quota[k];
}

static inline void acct_plan_keep(struct pcc_fdbudget *b, unsigned k)
{
	b->plan->kept[k]++;
	b->plan->held++;
	b->held++;
}

static inline void acct_plan_drop(struct pcc_fdbudget *b, unsigned k)
{
	b->plan->kept[k]--;
	b->plan->held--;
	if (b->held > 0)
		b->held--;
}

/* System calls one reader made, for tests and for the owner's own metrics. */
struct pcc_acct_counters {
	uint64_t opens;		/* openat() of a cgroup file that succeeded */
	uint64_t reads;		/* pcc_read_cgfile() calls (one pread each, usually) */
	uint64_t probes;	/* checks whether the cgroup directory still exists */
};

/*
 * pcc_acct_files - the files a read of want reads now (neither those found
 * absent nor those of hierarchies the cgroup is missing from): fn(mount,
 * rel, arg) for each, mount being the hierarchy's mount point as the host
 * sees it and rel the file below it.  For benchmarks that must read what
 * the reader reads.
 */
void pcc_acct_files(const struct pcc_acct *a, const struct pcc_statset *want,
		    void (*fn)(const char *mount, const char *rel, void *arg), void *arg);

/* pcc_acct_get_counters - the counters of a since pcc_acct_new. */
void pcc_acct_get_counters(const struct pcc_acct *a, struct pcc_acct_counters *ret_counters);

#endif /* PCC_ACCT_H */
