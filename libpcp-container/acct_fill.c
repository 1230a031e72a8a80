/*
 * acct_fill.c - from the text of one cgroup file to the statistics it
 * yields in a sample: the parse step of pcc_acct_read, and the sample's
 * per-device io list.
 *
 * Pure: no I/O, and no allocation except growing sample->iodev when a
 * container shows more devices than ever before, so a fuzzer can drive it
 * with any text.  A file that does not parse fills none of its statistics
 * (and zeroes its fields in iodev); the others are unaffected.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

static const size_t iodev_off[4] = {
	offsetof(struct pcc_iodev, rbytes), offsetof(struct pcc_iodev, wbytes),
	offsetof(struct pcc_iodev, rios), offsetof(struct pcc_iodev, wios),
};

static inline uint64_t *iodev_field(struct pcc_iodev *d, unsigned idx)
{
	return (uint64_t *)((char *)d + iodev_off[idx & 3]);
}

/* Store raw, converted, as the value of slot s. */
static void put(struct pcc_sample *out, const struct acct_slot *s, uint64_t raw)
{
	if (pcc_acct_convert(s->src->conv, raw, &out->v[s->stat]) == 0)
		pcc_statset_add(&out->have, s->stat);
}

/* The iodev entry of a device, added (zeroed) if new; NULL if out of memory. */
static struct pcc_iodev *iodev_get(struct pcc_sample *out, unsigned major, unsigned minor)
{
	struct pcc_iodev *d;
	size_t i, ncap;

	for (i = 0; i < out->niodev; i++)
		if (out->iodev[i].major == major && out->iodev[i].minor == minor)
			return &out->iodev[i];
	if (out->niodev == out->iodev_cap) {
		ncap = out->iodev_cap ? out->iodev_cap * 2 : 8;
		d = realloc(out->iodev, ncap * sizeof(*d));
		if (d == NULL)
			return NULL;
		out->iodev = d;
		out->iodev_cap = ncap;
	}
	d = &out->iodev[out->niodev++];
	memset(d, 0, sizeof(*d));
	d->major = major;
	d->minor = minor;
	return d;
}

/* Add v to slot s's field of device (ma, mi) and to its sum. */
static int io_add(struct pcc_sample *out, const struct acct_slot *s, uint64_t *sum,
		  unsigned ma, unsigned mi, uint64_t v)
{
	struct pcc_iodev *d = iodev_get(out, ma, mi);

	if (d == NULL)
		return -ENOMEM;
	if (__builtin_add_overflow(*sum, v, sum))
		return -ERANGE;
	*iodev_field(d, s->src->idx) += v;
	return 0;
}

/* A per-device file (io.stat or blkio): per device into iodev, sums into v[]. */
static int fill_io(enum acct_fmt fmt, const char *text, size_t len,
		   const struct acct_slot *s, const char *const *keys, unsigned n,
		   struct pcc_sample *out)
{
	uint64_t sum[PCC_KEYED_MAXKEYS] = { 0 }, vals[PCC_KEYED_MAXKEYS], found = 0, v = 0;
	enum pcc_blkio_op op = PCC_BLKIO_OTHER;
	struct pcc_keyed_cursor c;
	unsigned ma, mi, i;
	size_t d;
	int rc;

	pcc_keyed_cursor_init(&c, text, len);
	for (;;) {
		if (fmt == ACCT_NESTED)
			rc = pcc_keyed_nested_next(&c, keys, n, &ma, &mi, vals, &found);
		else
			rc = pcc_keyed_blkio_next(&c, &ma, &mi, &op, &v);
		if (rc <= 0)
			break;
		for (i = 0; rc >= 0 && i < n; i++) {
			if (fmt == ACCT_NESTED && ((found >> i) & 1))
				rc = io_add(out, &s[i], &sum[i], ma, mi, vals[i]);
			else if (fmt == ACCT_BLKIO && s[i].op == op)
				rc = io_add(out, &s[i], &sum[i], ma, mi, v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		/* a bad line: none of this file's fields are to be trusted */
		for (d = 0; d < out->niodev; d++)
			for (i = 0; i < n; i++)
				*iodev_field(&out->iodev[d], s[i].src->idx) = 0;
		return rc == -ENOMEM ? rc : 0;
	}
	for (i = 0; i < n; i++)
		put(out, &s[i], sum[i]);
	return 0;
}

int pcc_acct_fill(enum acct_fmt fmt, const char *text, size_t len, unsigned flags,
		  const struct acct_slot *s, const char *const *keys, unsigned n,
		  struct pcc_sample *out)
{
	uint64_t vals[PCC_KEYED_MAXKEYS], found, raw;
	unsigned i, lines;

	if (n > PCC_KEYED_MAXKEYS)
		return -EINVAL;
	switch (fmt) {
	case ACCT_VALUE:
		if (pcc_keyed_value(text, len, flags, &raw) == 0)
			for (i = 0; i < n; i++)
				put(out, &s[i], raw);
		break;
	case ACCT_PAIR:
		if (pcc_keyed_pair(text, len, flags, &vals[0], &vals[1]) == 0)
			for (i = 0; i < n; i++)
				put(out, &s[i], vals[s[i].src->idx & 1]);
		break;
	case ACCT_FLAT:
		if (pcc_keyed_flat(text, len, keys, n, vals, &found) >= 0)
			for (i = 0; i < n; i++)
				if ((found >> i) & 1)
					put(out, &s[i], vals[i]);
		break;
	case ACCT_PSI:
		if (pcc_keyed_psi(text, len, vals, &lines) >= 0)
			for (i = 0; i < n; i++)
				if ((lines >> (s[i].src->idx / PCC_KEYED_PSI_NFIELD)) & 1)
					put(out, &s[i], vals[s[i].src->idx & 7]);
		break;
	case ACCT_NESTED:
	case ACCT_BLKIO:
		return fill_io(fmt, text, len, s, keys, n, out);
	}
	return 0;
}

void pcc_sample_release(struct pcc_sample *s)
{
	if (s == NULL)
		return;
	free(s->iodev);
	s->iodev = NULL;
	s->niodev = 0;
	s->iodev_cap = 0;
}
