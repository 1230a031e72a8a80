/*
 * keyed.c - parsers for the text formats of cgroup interface files: single
 * values, value pairs, flat keyed, nested keyed (v2 io.stat), v1 blkio
 * tables and pressure (PSI) files.  Contracts are in keyed.h.
 *
 * These run for every file of every container on every fetch, so each is
 * one pass over the buffer with no allocation and no library calls beyond
 * memchr/memcmp.  They also take whatever a fuzzer throws at them: every
 * read is bounded by the end pointer, never by a NUL.
 */
#include <errno.h>
#include <string.h>

#include "keyed.h"

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at *pp as a u64; moves *pp past them. */
static int u64_tok(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	unsigned d;

	if (p >= end || !is_digit(*p))
		return -EINVAL;
	for (; p < end && is_digit(*p); p++) {
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*pp = p;
	*ret = v;
	return 0;
}

/* An optionally negative decimal at *pp as an s64. */
static int s64_tok(const char **pp, const char *end, int64_t *ret)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t v;
	int rc;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	rc = u64_tok(&p, end, &v);
	if (rc < 0)
		return rc;
	if (v > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*pp = p;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* A value that may spell "no limit" as flags allow. */
static int val_tok(const char **pp, const char *end, unsigned flags, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v;
	int64_t s;
	int rc;

	if ((flags & PCC_KEYED_MAX) && end - p >= 3 && memcmp(p, "max", 3) == 0) {
		p += 3;
		v = PCC_UNLIMITED;
	} else if (p < end && *p == '-') {
		rc = s64_tok(&p, end, &s);
		if (rc < 0)
			return rc;
		if (s != -1 || !(flags & PCC_KEYED_NEG1))
			return -ERANGE;
		v = PCC_UNLIMITED;
	} else {
		rc = u64_tok(&p, end, &v);
		if (rc < 0)
			return rc;
	}
	*pp = p;
	*ret = v;
	return 0;
}

/* "12.34" as 1234: the kernel prints pressure averages with %lu.%02lu. */
static int x100_tok(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t ip, frac = 0;
	int rc, n;

	rc = u64_tok(&p, end, &ip);
	if (rc < 0)
		return rc;
	if (p >= end || *p != '.')
		return -EINVAL;
	p++;
	for (n = 0; n < 2 && p < end && is_digit(*p); n++, p++)
		frac = frac * 10 + (uint64_t)(*p - '0');
	if (n == 0 || (p < end && is_digit(*p)))
		return -EINVAL;
	if (n == 1)
		frac *= 10;
	if (ip > (UINT64_MAX - frac) / 100)
		return -ERANGE;
	*pp = p;
	*ret = ip * 100 + frac;
	return 0;
}

/* "M:m" as two unsigned ints. */
static int dev_tok(const char **pp, const char *end, unsigned *ret_major,
		   unsigned *ret_minor)
{
	const char *p = *pp;
	uint64_t ma, mi;
	int rc;

	rc = u64_tok(&p, end, &ma);
	if (rc < 0)
		return rc;
	if (p >= end || *p != ':')
		return -EINVAL;
	p++;
	rc = u64_tok(&p, end, &mi);
	if (rc < 0)
		return rc;
	if (ma > UINT32_MAX || mi > UINT32_MAX)
		return -ERANGE;
	*pp = p;
	*ret_major = (unsigned)ma;
	*ret_minor = (unsigned)mi;
	return 0;
}

/* Does the token [p, end) end exactly here: at '\n' closing the buffer? */
static inline int at_last_newline(const char *p, const char *end)
{
	return p < end && *p == '\n' && p + 1 == end;
}

int pcc_keyed_value(const char *buf, size_t len, unsigned flags, uint64_t *ret_val)
{
	const char *p = buf, *end = buf + len;
	uint64_t v;
	int rc;

	if (buf == NULL || ret_val == NULL)
		return -EINVAL;
	rc = val_tok(&p, end, flags, &v);
	if (rc < 0)
		return rc;
	if (!at_last_newline(p, end))
		return -EINVAL;
	*ret_val = v;
	return 0;
}

int pcc_keyed_svalue(const char *buf, size_t len, int64_t *ret_val)
{
	const char *p = buf, *end = buf + len;
	int64_t v;
	int rc;

	if (buf == NULL || ret_val == NULL)
		return -EINVAL;
	rc = s64_tok(&p, end, &v);
	if (rc < 0)
		return rc;
	if (!at_last_newline(p, end))
		return -EINVAL;
	*ret_val = v;
	return 0;
}

int pcc_keyed_pair(const char *buf, size_t len, unsigned flags, uint64_t *ret_a,
		   uint64_t *ret_b)
{
	const char *p = buf, *end = buf + len;
	uint64_t a, b;
	int rc;

	if (buf == NULL || ret_a == NULL || ret_b == NULL)
		return -EINVAL;
	rc = val_tok(&p, end, flags, &a);
	if (rc < 0)
		return rc;
	if (p >= end || *p != ' ')
		return -EINVAL;
	p++;
	rc = val_tok(&p, end, flags, &b);
	if (rc < 0)
		return rc;
	if (!at_last_newline(p, end))
		return -EINVAL;
	*ret_a = a;
	*ret_b = b;
	return 0;
}

/* Bits of the wanted keys (not yet in found) equal to [k, k + klen). */
static uint64_t match_keys(const char *k, size_t klen, const char *const *keys,
			   size_t nkeys, uint64_t found)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < nkeys; i++) {
		if ((found >> i) & 1)
			continue;
		if (keys[i][0] == k[0] && strnlen(keys[i], klen + 1) == klen &&
		    memcmp(keys[i], k, klen) == 0)
			m |= 1ull << i;
	}
	return m;
}

/* Store v in vals[i] for each bit i of m. */
static void put_vals(uint64_t *vals, uint64_t m, uint64_t v)
{
	for (; m; m &= m - 1)
		vals[__builtin_ctzll(m)] = v;
}

/* Copy the found values out; the scans keep them local until they succeed. */
static void copy_found(uint64_t *dst, const uint64_t *src, uint64_t found)
{
	for (; found; found &= found - 1)
		dst[__builtin_ctzll(found)] = src[__builtin_ctzll(found)];
}

static inline uint64_t all_bits(size_t n)
{
	return n >= 64 ? UINT64_MAX : (1ull << n) - 1;
}

/*
 * One line at a time, found with memchr: a line whose first byte starts no
 * wanted key is skipped once its shape is checked, and keys are compared by
 * length before bytes.  memory.stat (v1: ~70 lines, 3 keys wanted, all
 * "total_...") is the file every container has and the one this matters for.
 */
int pcc_keyed_flat(const char *buf, size_t len, const char *const *keys,
		   size_t nkeys, uint64_t *ret_vals, uint64_t *ret_found)
{
	const char *p = buf, *end = buf + len, *k, *nl;
	uint64_t vals[PCC_KEYED_MAXKEYS], found = 0, want, m, v, first[4] = { 0 };
	size_t klen[PCC_KEYED_MAXKEYS], n, i;
	unsigned char c;
	int rc;

	if (buf == NULL || (keys == NULL && nkeys) || nkeys > PCC_KEYED_MAXKEYS ||
	    ret_vals == NULL || ret_found == NULL || len == 0)
		return -EINVAL;
	for (i = 0; i < nkeys; i++) {
		klen[i] = strlen(keys[i]);
		c = (unsigned char)keys[i][0];
		first[c >> 6] |= 1ull << (c & 63);
	}
	want = all_bits(nkeys);
	while (p < end && found != want) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return -EINVAL;
		k = memchr(p, ' ', (size_t)(nl - p));
		if (k == NULL || k == p)
			return -EINVAL;		/* no key, or no value */
		c = (unsigned char)*p;
		m = 0;
		if ((first[c >> 6] >> (c & 63)) & 1) {
			n = (size_t)(k - p);
			for (i = 0; i < nkeys; i++)
				if (klen[i] == n && !((found >> i) & 1) && memcmp(keys[i], p, n) == 0)
					m |= 1ull << i;
		}
		if (m != 0) {
			while (k < nl && *k == ' ')
				k++;
			rc = val_tok(&k, nl, 0, &v);
			if (rc < 0)
				return rc;
			if (k != nl)
				return -EINVAL;
			put_vals(vals, m, v);
			found |= m;
		}
		p = nl + 1;
	}
	copy_found(ret_vals, vals, found);
	*ret_found = found;
	return __builtin_popcountll(found);
}

int pcc_keyed_nested_next(struct pcc_keyed_cursor *c, const char *const *keys,
			  size_t nkeys, unsigned *ret_major, unsigned *ret_minor,
			  uint64_t *ret_vals, uint64_t *ret_found)
{
	uint64_t vals[PCC_KEYED_MAXKEYS], found = 0, m, v;
	const char *p, *end, *k;
	unsigned ma, mi;
	int rc;

	if (c == NULL || (keys == NULL && nkeys) || nkeys > PCC_KEYED_MAXKEYS ||
	    ret_major == NULL || ret_minor == NULL || ret_vals == NULL ||
	    ret_found == NULL)
		return -EINVAL;
	p = c->p;
	end = c->end;
	if (p >= end)
		return 0;
	rc = dev_tok(&p, end, &ma, &mi);
	if (rc < 0)
		return rc;
	if (p < end && *p != ' ' && *p != '\n')
		return -EINVAL;
	/*
	 * The kernel prints "8:0 " and then the stats, which it leaves out
	 * while they are all zero, so "8:0 \n" and "8:0  cost.vrate=..." are
	 * real lines: any run of spaces separates tokens.
	 */
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '\n')
			break;
		for (k = p; k < end && *k != '=' && *k != ' ' && *k != '\n'; k++)
			;
		if (k == p || k >= end || *k != '=')
			return -EINVAL;		/* a token that is not key=value */
		m = match_keys(p, (size_t)(k - p), keys, nkeys, found);
		p = k + 1;
		if (m == 0) {
			while (p < end && *p != ' ' && *p != '\n')
				p++;
			continue;
		}
		rc = val_tok(&p, end, 0, &v);
		if (rc < 0)
			return rc;
		if (p >= end || (*p != ' ' && *p != '\n'))
			return -EINVAL;
		put_vals(vals, m, v);
		found |= m;
	}
	if (p >= end)
		return -EINVAL;
	c->p = p + 1;
	*ret_major = ma;
	*ret_minor = mi;
	copy_found(ret_vals, vals, found);
	*ret_found = found;
	return 1;
}

static const struct {
	const char *name;
	size_t len;
} blkio_ops[] = {
	[PCC_BLKIO_READ]	= { "Read", 4 },
	[PCC_BLKIO_WRITE]	= { "Write", 5 },
	[PCC_BLKIO_SYNC]	= { "Sync", 4 },
	[PCC_BLKIO_ASYNC]	= { "Async", 5 },
	[PCC_BLKIO_DISCARD]	= { "Discard", 7 },
	[PCC_BLKIO_TOTAL]	= { "Total", 5 },
};

enum pcc_blkio_op pcc_keyed_blkio_op(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(blkio_ops) / sizeof(blkio_ops[0]); i++)
		if (blkio_ops[i].len == len && memcmp(blkio_ops[i].name, s, len) == 0)
			return (enum pcc_blkio_op)i;
	return PCC_BLKIO_OTHER;
}

/* " <u64>\n" at *pp: the value column and end of a blkio line. */
static int blkio_value(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	int rc;

	if (p >= end || *p != ' ')
		return -EINVAL;
	p++;
	rc = u64_tok(&p, end, ret);
	if (rc < 0)
		return rc;
	if (p >= end || *p != '\n')
		return -EINVAL;
	*pp = p + 1;
	return 0;
}

int pcc_keyed_blkio_next(struct pcc_keyed_cursor *c, unsigned *ret_major,
			 unsigned *ret_minor, enum pcc_blkio_op *ret_op,
			 uint64_t *ret_val)
{
	const char *p, *end, *op;
	enum pcc_blkio_op o;
	unsigned ma, mi;
	uint64_t v;
	int rc;

	if (c == NULL || ret_major == NULL || ret_minor == NULL ||
	    ret_op == NULL || ret_val == NULL)
		return -EINVAL;
	p = c->p;
	end = c->end;
	for (;;) {
		if (p >= end) {
			c->p = p;
			return 0;
		}
		if (end - p < 5 || memcmp(p, "Total", 5) != 0)
			break;
		p += 5;		/* the cgroup's "Total N" line */
		rc = blkio_value(&p, end, &v);
		if (rc < 0)
			return rc;
	}
	rc = dev_tok(&p, end, &ma, &mi);
	if (rc < 0)
		return rc;
	if (p >= end || *p != ' ')
		return -EINVAL;
	op = ++p;
	while (p < end && *p != ' ' && *p != '\n')
		p++;
	if (p == op)
		return -EINVAL;
	o = pcc_keyed_blkio_op(op, (size_t)(p - op));
	rc = blkio_value(&p, end, &v);
	if (rc < 0)
		return rc;
	c->p = p;
	*ret_major = ma;
	*ret_minor = mi;
	*ret_op = o;
	*ret_val = v;
	return 1;
}

static const char *const psi_fields[PCC_KEYED_PSI_NFIELD] = {
	"avg10", "avg60", "avg300", "total"
};

/* The fields of one pressure line after "some"/"full", through its '\n'. */
static int psi_line(const char **pp, const char *end, uint64_t *vals)
{
	const char *p = *pp, *k;
	uint64_t found = 0, m;
	int rc;

	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '\n')
			break;
		for (k = p; k < end && *k != '=' && *k != ' ' && *k != '\n'; k++)
			;
		if (k == p || k >= end || *k != '=')
			return -EINVAL;
		m = match_keys(p, (size_t)(k - p), psi_fields, PCC_KEYED_PSI_NFIELD, 0);
		p = k + 1;
		if (m == 0) {
			while (p < end && *p != ' ' && *p != '\n')
				p++;
			continue;
		}
		if ((m & found) != 0)
			return -EINVAL;		/* a field given twice */
		m &= -m;
		if (m == 1u << 3)
			rc = u64_tok(&p, end, &vals[3]);
		else
			rc = x100_tok(&p, end, &vals[__builtin_ctzll(m)]);
		if (rc < 0)
			return rc;
		if (p >= end || (*p != ' ' && *p != '\n'))
			return -EINVAL;
		found |= m;
	}
	if (p >= end || *p != '\n' || found != all_bits(PCC_KEYED_PSI_NFIELD))
		return -EINVAL;
	*pp = p + 1;
	return 0;
}

int pcc_keyed_psi(const char *buf, size_t len, uint64_t ret_vals[8],
		  unsigned *ret_lines)
{
	const char *p = buf, *end = buf + len, *nl;
	uint64_t vals[2 * PCC_KEYED_PSI_NFIELD];
	unsigned lines = 0, line;
	int rc;

	if (buf == NULL || ret_vals == NULL || ret_lines == NULL)
		return -EINVAL;
	while (p < end) {
		if (end - p >= 4 && memcmp(p, "some", 4) == 0)
			line = 0;
		else if (end - p >= 4 && memcmp(p, "full", 4) == 0)
			line = 1;
		else {
			/* a line kind this code does not know: shape only */
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL || nl == p)
				return -EINVAL;
			p = nl + 1;
			continue;
		}
		if (lines & (1u << line))
			return -EINVAL;
		p += 4;
		if (p >= end || *p != ' ')
			return -EINVAL;
		rc = psi_line(&p, end, vals + line * PCC_KEYED_PSI_NFIELD);
		if (rc < 0)
			return rc;
		lines |= 1u << line;
	}
	if (lines == 0)
		return -EINVAL;
	for (line = 0; line < 2; line++)
		if (lines & (1u << line))
			memcpy(ret_vals + line * PCC_KEYED_PSI_NFIELD,
			       vals + line * PCC_KEYED_PSI_NFIELD,
			       sizeof(vals[0]) * PCC_KEYED_PSI_NFIELD);
	*ret_lines = lines;
	return __builtin_popcount(lines);
}
