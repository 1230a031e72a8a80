/*
 * fuzz_acct_fill.c - the text of a cgroup file through pcc_acct_fill as
 * every accounting file kind of the table (acct_table.c), v1 and v2, with
 * the slots, keys and flags pcc_acct_new would give it; one sample is
 * reused across kinds as a reader reuses it across reads.  Checked: only
 * the kind's statistics are set; each value set is what the format's own
 * parser (keyed.c) and pcc_acct_convert give for the text; per-device
 * files (io.stat, blkio) sum to the totals they set, and a file that does
 * not parse sets nothing and leaves its iodev fields zero.
 */
#include <errno.h>

#include "acct.h"
#include "fuzz.h"

#define MAXSLOT	16

struct kind {
	const struct acct_file *file;
	int version;		/* a file both versions have is two kinds */
	unsigned n;
	unsigned flags;
	struct acct_slot slot[MAXSLOT];
	const char *key[MAXSLOT];
};

static struct kind kinds[64];
static unsigned nkinds;

/* The distinct files of each version, each with its slots (as acct.c's plan()). */
static void build_kinds(void)
{
	const struct acct_src *src;
	struct kind *k;
	unsigned r, i;
	int v;

	for (v = 1; v <= 2; v++) {
		for (r = 0; r < pcc_acct_nrows; r++) {
			src = v == 1 ? &pcc_acct_rows[r].v1 : &pcc_acct_rows[r].v2;
			if (src->file == NULL)
				continue;
			for (i = 0; i < nkinds; i++)
				if (kinds[i].file == src->file && kinds[i].version == v)
					break;
			if (i == nkinds) {
				FUZZ_CHECK(nkinds < sizeof(kinds) / sizeof(kinds[0]));
				kinds[nkinds].file = src->file;
				kinds[nkinds++].version = v;
			}
			k = &kinds[i];
			FUZZ_CHECK(k->n < MAXSLOT);
			k->slot[k->n].src = src;
			k->slot[k->n].stat = pcc_acct_rows[r].stat;
			k->slot[k->n].op = src->key == NULL ? PCC_BLKIO_OTHER :
				pcc_keyed_blkio_op(src->key, strlen(src->key));
			k->key[k->n] = src->key ? src->key : "";
			k->flags |= pcc_acct_parse_flags(src->conv);
			k->n++;
		}
	}
}

static const size_t iodev_off[4] = {
	offsetof(struct pcc_iodev, rbytes), offsetof(struct pcc_iodev, wbytes),
	offsetof(struct pcc_iodev, rios), offsetof(struct pcc_iodev, wios),
};

static uint64_t iodev_sum(const struct pcc_sample *s, unsigned idx, int *ret_zero)
{
	uint64_t sum = 0, f;
	size_t d;

	*ret_zero = 1;
	for (d = 0; d < s->niodev; d++) {
		f = *(const uint64_t *)((const char *)&s->iodev[d] + iodev_off[idx & 3]);
		sum += f;
		*ret_zero &= f == 0;
	}
	return sum;
}

/* What the value of slot s should be, from the format's own parser; 0 if none. */
static int expect(const struct kind *k, unsigned i, const char *buf, size_t len, uint64_t *ret)
{
	const struct acct_slot *s = &k->slot[i];
	uint64_t vals[MAXSLOT], raw, found;
	unsigned lines;

	switch (k->file->fmt) {
	case ACCT_VALUE:
		if (pcc_keyed_value(buf, len, k->flags, &raw) < 0)
			return 0;
		break;
	case ACCT_PAIR:
		if (pcc_keyed_pair(buf, len, k->flags, &vals[0], &vals[1]) < 0)
			return 0;
		raw = vals[s->src->idx & 1];
		break;
	case ACCT_FLAT:
		/* all the kind's keys: a bad line before the last one found spoils all */
		if (pcc_keyed_flat(buf, len, k->key, k->n, vals, &found) < 0 ||
		    !((found >> i) & 1))
			return 0;
		raw = vals[i];
		break;
	case ACCT_PSI:
		if (pcc_keyed_psi(buf, len, vals, &lines) < 0 ||
		    !((lines >> (s->src->idx / PCC_KEYED_PSI_NFIELD)) & 1))
			return 0;
		raw = vals[s->src->idx & 7];
		break;
	default:
		return -1;	/* per device: checked against iodev */
	}
	return pcc_acct_convert(s->src->conv, raw, ret) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pcc_sample sample;	/* iodev reused, as a reader does */
	char *buf = fuzz_dup(data, size, 0);
	struct pcc_statset mine;
	uint64_t want;
	unsigned ki, i, w;
	int rc, e, zero;

	if (nkinds == 0)
		build_kinds();
	for (ki = 0; ki < nkinds; ki++) {
		const struct kind *k = &kinds[ki];

		memset(&sample.have, 0, sizeof(sample.have));
		memset(sample.v, 0xa5, sizeof(sample.v));
		sample.niodev = 0;
		rc = pcc_acct_fill(k->file->fmt, buf, size, k->flags, k->slot, k->key, k->n,
				   &sample);
		FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
		if (rc < 0)
			continue;
		FUZZ_CHECK(sample.niodev <= sample.iodev_cap);
		memset(&mine, 0, sizeof(mine));
		for (i = 0; i < k->n; i++)
			pcc_statset_add(&mine, k->slot[i].stat);
		for (w = 0; w < sizeof(mine.bits) / sizeof(mine.bits[0]); w++)
			FUZZ_CHECK((sample.have.bits[w] & ~mine.bits[w]) == 0);
		for (i = 0; i < k->n; i++) {
			enum pcc_stat st = k->slot[i].stat;
			int has = pcc_statset_has(&sample.have, st);

			e = expect(k, i, buf, size, &want);
			if (e >= 0) {
				FUZZ_CHECK(has == e);
				FUZZ_CHECK(!has || sample.v[st] == want);
				continue;
			}
			want = iodev_sum(&sample, k->slot[i].src->idx, &zero);
			FUZZ_CHECK(has ? sample.v[st] == want : zero);
		}
	}
	free(buf);
	return 0;
}
