/*
 * acct.h - the accounting table shared by acct_table.c (what each statistic
 * is, on v1 and on v2) and acct.c (the per-container reader that uses it).
 * Internal to libpcp-container; the unit tests include it to check the
 * table and to count the reader's system calls.
 */
#ifndef PCC_ACCT_H
#define PCC_ACCT_H

#include <stdint.h>

#include "keyed.h"
#include "pcp-container.h"

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

/* One cgroup interface file. */
struct acct_file {
	const char *name;	/* below the cgroup's directory */
	const char *alt;	/* read instead when name is missing (same format), or NULL */
	enum acct_fmt fmt;
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

/* System calls one reader made, for tests and for the owner's own metrics. */
struct pcc_acct_counters {
	uint64_t opens;		/* openat() of a cgroup file that succeeded */
	uint64_t reads;		/* pcc_read_cgfile() calls (one pread each, usually) */
	uint64_t probes;	/* checks whether the cgroup directory still exists */
};

/* pcc_acct_get_counters - the counters of a since pcc_acct_new. */
void pcc_acct_get_counters(const struct pcc_acct *a, struct pcc_acct_counters *ret_counters);

#endif /* PCC_ACCT_H */
