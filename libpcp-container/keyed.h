/*
 * keyed.h - parsers for the text formats of cgroup interface files.
 * Internal to libpcp-container (the accounting reader, tools and fuzzers use
 * it; it is not part of the public API).
 *
 * Every parser reads a buffer of len bytes and never looks past it: the
 * buffer need not be NUL-terminated and may hold any bytes, so a fuzzer can
 * hand its input over as is.  Nothing here does I/O or allocates.
 *
 * The kernel ends every line of these files with '\n'; a file whose last
 * line lacks it was cut short and is rejected.  Errors, for every function:
 *   -EINVAL  not the format (garbage, empty, missing newline, no digits,
 *            a key without a value, trailing bytes)
 *   -ERANGE  a number that does not fit (overflow, or negative where the
 *            value is unsigned)
 * On error ret_* are untouched and a cursor does not move.
 */
#ifndef PCC_KEYED_H
#define PCC_KEYED_H

#include <stddef.h>
#include <stdint.h>

#include "pcp-container.h"

/* Flags for the value parsers: spellings of "no limit". */
#define PCC_KEYED_MAX	0x1u	/* "max" means PCC_UNLIMITED (v2 limits, pids.max) */
#define PCC_KEYED_NEG1	0x2u	/* "-1" means PCC_UNLIMITED (v1 cpu.cfs_quota_us) */

/* Most keys one flat or nested scan can look for (bits of *ret_found). */
#define PCC_KEYED_MAXKEYS	64

/*
 * pcc_keyed_value - a single-value file: "123\n" (or, with flags, "max\n",
 * "-1\n").  Returns 0 and *ret_val.
 */
int pcc_keyed_value(const char *buf, size_t len, unsigned flags, uint64_t *ret_val);

/* pcc_keyed_svalue - a signed single value: "-1\n", "42\n".  Returns 0. */
int pcc_keyed_svalue(const char *buf, size_t len, int64_t *ret_val);

/*
 * pcc_keyed_pair - two values on one line, as v2 cpu.max: "max 100000\n".
 * flags apply to both.  Returns 0, *ret_a and *ret_b.
 */
int pcc_keyed_pair(const char *buf, size_t len, unsigned flags, uint64_t *ret_a,
		   uint64_t *ret_b);

/*
 * pcc_keyed_flat - one pass over a flat keyed file ("key value\n" lines:
 * memory.stat, cpu.stat, memory.events, memory.oom_control) for the nkeys
 * (<= PCC_KEYED_MAXKEYS) NUL-terminated names in keys.  Bit i of *ret_found
 * says ret_vals[i] was set; entries of ret_vals not found are untouched.  A
 * key listed twice in keys gets the same value twice; a key that occurs
 * twice in the file keeps its first value.  Lines whose key is not wanted
 * are only checked for shape ("key value\n"); the scan stops once every
 * key is found.  Returns the number of keys found (0 is not an error).
 */
int pcc_keyed_flat(const char *buf, size_t len, const char *const *keys,
		   size_t nkeys, uint64_t *ret_vals, uint64_t *ret_found);

/* A position in a line-oriented file, for the per-line parsers below. */
struct pcc_keyed_cursor {
	const char *p;		/* next unread byte, p <= end */
	const char *end;	/* one past the last byte */
};

static inline void pcc_keyed_cursor_init(struct pcc_keyed_cursor *c,
					 const char *buf, size_t len)
{ c->p = buf; c->end = buf + len; }

/*
 * pcc_keyed_nested_next - the next line of a nested keyed file, v2 io.stat:
 * "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n".  Looks for keys
 * as pcc_keyed_flat does (values of other keys are not checked, so
 * "cost.vrate=100.00" does no harm).  Returns 1 and the device and values
 * of one line, 0 at the end of the buffer (an empty io.stat has no lines).
 */
int pcc_keyed_nested_next(struct pcc_keyed_cursor *c, const char *const *keys,
			  size_t nkeys, unsigned *ret_major, unsigned *ret_minor,
			  uint64_t *ret_vals, uint64_t *ret_found);

/* The operation column of a v1 blkio statistics file. */
enum pcc_blkio_op {
	PCC_BLKIO_READ = 0,
	PCC_BLKIO_WRITE,
	PCC_BLKIO_SYNC,
	PCC_BLKIO_ASYNC,
	PCC_BLKIO_DISCARD,
	PCC_BLKIO_TOTAL,
	PCC_BLKIO_OTHER,	/* a name this code does not know */
};

/* pcc_keyed_blkio_op - the operation named by s[0, len), PCC_BLKIO_OTHER if unknown. */
enum pcc_blkio_op pcc_keyed_blkio_op(const char *s, size_t len);

/*
 * pcc_keyed_blkio_next - the next device line of a v1 blkio file
 * (blkio.throttle.io_service_bytes and friends): "8:0 Read 123\n".  The
 * closing "Total 127\n" line of the whole cgroup is checked and skipped.
 * Returns 1 with one device line, 0 at the end.
 */
int pcc_keyed_blkio_next(struct pcc_keyed_cursor *c, unsigned *ret_major,
			 unsigned *ret_minor, enum pcc_blkio_op *ret_op,
			 uint64_t *ret_val);

/* Slots of one pressure line, and the lines of a pressure file. */
#define PCC_KEYED_PSI_NFIELD	4	/* avg10, avg60, avg300 (x100), total (us) */
#define PCC_KEYED_PSI_SOME	0x1u
#define PCC_KEYED_PSI_FULL	0x2u

/*
 * pcc_keyed_psi - a pressure file (cpu.pressure, memory.pressure,
 * io.pressure):
 *     some avg10=0.12 avg60=0.05 avg300=0.01 total=123456\n
 *     full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n
 * into ret_vals[line * 4 + field] (line 0 some, 1 full; the averages times
 * 100, so "0.12" is 12; total in microseconds as the kernel prints it).
 * *ret_lines gets PCC_KEYED_PSI_SOME|FULL for the lines present (older
 * kernels have no "full" line in cpu.pressure); unknown keys are skipped,
 * each of the four fields is required.  Returns the number of lines.
 */
int pcc_keyed_psi(const char *buf, size_t len, uint64_t ret_vals[8],
		  unsigned *ret_lines);

#endif /* PCC_KEYED_H */
