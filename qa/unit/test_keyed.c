/*
 * test_keyed.c - the cgroup file parsers of keyed.c, table-driven: real
 * kernel texts, every "no limit" spelling, and malformed input (empty,
 * missing newline, overflow, negative, garbage, truncated).  Each input is
 * copied into a heap block of exactly its length, so valgrind and ASan
 * catch any read past the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyed.h"
#include "unit.h"

#define U	PCC_UNLIMITED
#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* An exact-size, non-terminated heap copy of s. */
static char *dup_exact(const char *s, size_t *ret_len)
{
	size_t len = strlen(s);
	char *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	*ret_len = len;
	return p;
}

/* ---------------------------------------------------------------- value */

static const struct {
	const char *in;
	unsigned flags;
	int rc;
	uint64_t v;
} value_cases[] = {
	{ "0\n", 0, 0, 0 },
	{ "15888790832\n", 0, 0, 15888790832ull },
	{ "18446744073709551615\n", 0, 0, UINT64_MAX },
	{ "9223372036854771712\n", 0, 0, 9223372036854771712ull },
	{ "007\n", 0, 0, 7 },
	{ "max\n", PCC_KEYED_MAX, 0, U },
	{ "-1\n", PCC_KEYED_NEG1, 0, U },
	{ "max\n", 0, -EINVAL, 0 },
	{ "-1\n", 0, -ERANGE, 0 },
	{ "-2\n", PCC_KEYED_NEG1, -ERANGE, 0 },
	{ "-\n", PCC_KEYED_NEG1, -EINVAL, 0 },
	{ "maxx\n", PCC_KEYED_MAX, -EINVAL, 0 },
	{ "ma\n", PCC_KEYED_MAX, -EINVAL, 0 },
	{ "max", PCC_KEYED_MAX, -EINVAL, 0 },
	{ "18446744073709551616\n", 0, -ERANGE, 0 },
	{ "99999999999999999999999\n", 0, -ERANGE, 0 },
	{ "", 0, -EINVAL, 0 },
	{ "\n", 0, -EINVAL, 0 },
	{ "123", 0, -EINVAL, 0 },		/* truncated: no newline */
	{ "12 3\n", 0, -EINVAL, 0 },
	{ " 12\n", 0, -EINVAL, 0 },
	{ "12\n\n", 0, -EINVAL, 0 },
	{ "12\nx", 0, -EINVAL, 0 },
	{ "0x10\n", 0, -EINVAL, 0 },
	{ "+5\n", 0, -EINVAL, 0 },
	{ "abc\n", PCC_KEYED_MAX | PCC_KEYED_NEG1, -EINVAL, 0 },
	{ "1.5\n", 0, -EINVAL, 0 },
};

START_TEST(value)
{
	size_t len;
	char *buf = dup_exact(value_cases[_i].in, &len);
	uint64_t v = 4242;
	int rc = pcc_keyed_value(buf, len, value_cases[_i].flags, &v);

	ck_assert_msg(rc == value_cases[_i].rc, "case %d \"%s\": rc %d", _i,
		      value_cases[_i].in, rc);
	ck_assert_uint_eq(v, rc == 0 ? value_cases[_i].v : 4242);
	free(buf);
}
END_TEST

static const struct {
	const char *in;
	int rc;
	int64_t v;
} svalue_cases[] = {
	{ "-1\n", 0, -1 },
	{ "100000\n", 0, 100000 },
	{ "-9223372036854775808\n", 0, INT64_MIN },
	{ "9223372036854775807\n", 0, INT64_MAX },
	{ "9223372036854775808\n", -ERANGE, 0 },
	{ "-9223372036854775809\n", -ERANGE, 0 },
	{ "--1\n", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "max\n", -EINVAL, 0 },
};

START_TEST(svalue)
{
	size_t len;
	char *buf = dup_exact(svalue_cases[_i].in, &len);
	int64_t v = 4242;
	int rc = pcc_keyed_svalue(buf, len, &v);

	ck_assert_msg(rc == svalue_cases[_i].rc, "case %d: rc %d", _i, rc);
	ck_assert_int_eq(v, rc == 0 ? svalue_cases[_i].v : 4242);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- pair */

static const struct {
	const char *in;
	int rc;
	uint64_t a, b;
} pair_cases[] = {
	{ "max 100000\n", 0, U, 100000 },
	{ "50000 100000\n", 0, 50000, 100000 },
	{ "max max\n", 0, U, U },
	{ "max 100000", -EINVAL, 0, 0 },
	{ "max\n", -EINVAL, 0, 0 },
	{ "max \n", -EINVAL, 0, 0 },
	{ "max  100000\n", -EINVAL, 0, 0 },
	{ "50000 100000 7\n", -EINVAL, 0, 0 },
	{ "-1 100000\n", -ERANGE, 0, 0 },
	{ "1 99999999999999999999\n", -ERANGE, 0, 0 },
	{ "", -EINVAL, 0, 0 },
};

START_TEST(pair)
{
	size_t len;
	char *buf = dup_exact(pair_cases[_i].in, &len);
	uint64_t a = 1, b = 2;
	int rc = pcc_keyed_pair(buf, len, PCC_KEYED_MAX, &a, &b);

	ck_assert_msg(rc == pair_cases[_i].rc, "case %d: rc %d", _i, rc);
	ck_assert_uint_eq(a, rc == 0 ? pair_cases[_i].a : 1);
	ck_assert_uint_eq(b, rc == 0 ? pair_cases[_i].b : 2);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- flat */

#define V1_CPU_STAT \
	"nr_periods 12\nnr_throttled 3\nthrottled_time 4500000\nnr_bursts 0\nburst_time 0\n"
#define V2_CPU_STAT \
	"usage_usec 15291461\nuser_usec 9827748\nsystem_usec 5463712\nnice_usec 0\n" \
	"core_sched.force_idle_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n" \
	"nr_bursts 0\nburst_usec 0\n"

static const char *const flat_keys[] = { "nr_periods", "nr_throttled", "usage_usec",
					 "throttled_usec", "throttled_time" };

static const struct {
	const char *in;
	int rc;
	uint64_t found;
	uint64_t v[5];
} flat_cases[] = {
	{ V1_CPU_STAT, 3, 0x13, { 12, 3, 0, 0, 4500000 } },
	{ V2_CPU_STAT, 4, 0x0f, { 0, 0, 15291461, 0, 0 } },
	{ "other 1\n", 0, 0, { 0 } },
	{ "nr_periods  7\n", 1, 1, { 7 } },		/* a run of spaces */
	{ "nr_periodsx 7\nnr_period 8\n", 0, 0, { 0 } },	/* prefixes do not match */
	{ "nr_periods 1\nnr_periods 2\n", 1, 1, { 1 } },	/* first wins */
	{ "", -EINVAL, 0, { 0 } },
	{ "nr_periods 12", -EINVAL, 0, { 0 } },		/* truncated value line */
	{ "nr_periods 12\nother 5", -EINVAL, 0, { 0 } },	/* truncated last line */
	{ "nr_periods\n", -EINVAL, 0, { 0 } },		/* key without value */
	{ "nr_periods \n", -EINVAL, 0, { 0 } },
	{ " 12\n", -EINVAL, 0, { 0 } },			/* value without key */
	{ "nr_periods -5\n", -ERANGE, 0, { 0 } },
	{ "nr_periods 18446744073709551616\n", -ERANGE, 0, { 0 } },
	{ "nr_periods 12x\n", -EINVAL, 0, { 0 } },
	{ "nr_periods max\n", -EINVAL, 0, { 0 } },
	{ "other\n", -EINVAL, 0, { 0 } },		/* unwanted lines keep their shape */
	{ "other x", -EINVAL, 0, { 0 } },
};

START_TEST(flat)
{
	uint64_t v[5] = { 0 }, found = 99;
	size_t len;
	char *buf = dup_exact(flat_cases[_i].in, &len);
	int rc, k;

	rc = pcc_keyed_flat(buf, len, flat_keys, N(flat_keys), v, &found);
	ck_assert_msg(rc == flat_cases[_i].rc, "case %d: rc %d", _i, rc);
	ck_assert_uint_eq(found, rc >= 0 ? flat_cases[_i].found : 99);
	for (k = 0; k < 5; k++)
		ck_assert_uint_eq(v[k], flat_cases[_i].v[k]);
	free(buf);
}
END_TEST

START_TEST(flat_memory_stat)
{
	static const char text[] =
		"cache 11395072\nrss 7360512\nrss_huge 0\nshmem 8998912\n"
		"inactive_file 770048\nhierarchical_memory_limit 9223372036854771712\n"
		"total_cache 233865216\ntotal_rss 19345408\ntotal_rss_huge 0\n"
		"total_inactive_file 163815424\ntotal_active_file 61050880\n";
	static const char *const keys[] = { "total_rss", "total_cache",
					    "total_inactive_file", "total_rss" };
	uint64_t v[4] = { 0 }, found = 0;

	ck_assert_int_eq(pcc_keyed_flat(text, strlen(text), keys, 4, v, &found), 4);
	ck_assert_uint_eq(found, 0xf);
	ck_assert_uint_eq(v[0], 19345408);
	ck_assert_uint_eq(v[1], 233865216);
	ck_assert_uint_eq(v[2], 163815424);
	ck_assert_uint_eq(v[3], 19345408);	/* a key asked twice */
	/* the scan stops once all keys are found: a bad tail goes unseen */
	ck_assert_int_eq(pcc_keyed_flat("total_rss 1\ngarbage", 20, keys, 1, v, &found), 1);
	ck_assert_int_eq(pcc_keyed_flat(text, strlen(text), keys, 65, v, &found), -EINVAL);
	ck_assert_int_eq(pcc_keyed_flat(text, strlen(text), NULL, 0, v, &found), 0);
}
END_TEST

START_TEST(flat_embedded_nul)
{
	/* a NUL inside a key must not end the comparison early */
	static const char text[13] = "nr_\0eriods 1\n";
	static const char *const keys[] = { "nr_" };
	char *buf = malloc(sizeof(text));
	uint64_t v = 0, found = 0;

	memcpy(buf, text, sizeof(text));
	ck_assert_int_eq(pcc_keyed_flat(buf, sizeof(text), keys, 1, &v, &found), 0);
	ck_assert_uint_eq(found, 0);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- nested */

static const char *const io_keys[] = { "rbytes", "wbytes", "rios", "wios" };

struct io_line {
	unsigned major, minor;
	uint64_t found;
	uint64_t v[4];
};

static const struct {
	const char *in;
	int rc;			/* lines, or the error of the last call */
	struct io_line line[3];
} nested_cases[] = {
	{ "", 0, { { 0 } } },
	{ "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n", 1,
	  { { 8, 0, 0xf, { 1, 2, 3, 4 } } } },
	{ "8:0 rbytes=90112 wbytes=0 rios=22 wios=0 dbytes=0 dios=0\n"
	  "253:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6 cost.vrate=100.00\n", 2,
	  { { 8, 0, 0xf, { 90112, 0, 22, 0 } }, { 253, 16, 0xf, { 1, 2, 3, 4 } } } },
	{ "8:0 \n8:16  cost.usage=12 wios=7\n", 2,
	  { { 8, 0, 0, { 0 } }, { 8, 16, 0x8, { 0, 0, 0, 7 } } } },
	{ "8:0\n", 1, { { 8, 0, 0, { 0 } } } },
	{ "8:0 rbytes=1", -EINVAL, { { 0 } } },
	{ "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0", -EINVAL, { { 0 } } },
	{ "8:0 rbytes=\n", -EINVAL, { { 0 } } },
	{ "8:0 rbytes=-1\n", -ERANGE, { { 0 } } },
	{ "8:0 rbytes=1x\n", -EINVAL, { { 0 } } },
	{ "8:0 rbytes\n", -EINVAL, { { 0 } } },
	{ "8:0 =5\n", -EINVAL, { { 0 } } },
	{ "8 rbytes=1\n", -EINVAL, { { 0 } } },
	{ "8:x rbytes=1\n", -EINVAL, { { 0 } } },
	{ "8:0rbytes=1\n", -EINVAL, { { 0 } } },
	{ "4294967296:0 rbytes=1\n", -ERANGE, { { 0 } } },
	{ "8:0 rbytes=99999999999999999999\n", -ERANGE, { { 0 } } },
	{ "garbage\n", -EINVAL, { { 0 } } },
};

START_TEST(nested)
{
	struct pcc_keyed_cursor c;
	size_t len;
	char *buf = dup_exact(nested_cases[_i].in, &len);
	int n = 0, rc;

	pcc_keyed_cursor_init(&c, buf, len);
	for (;;) {
		uint64_t v[4] = { 0 }, found = 0;
		unsigned ma = 0, mi = 0;
		const char *before = c.p;

		rc = pcc_keyed_nested_next(&c, io_keys, 4, &ma, &mi, v, &found);
		if (rc <= 0) {
			if (rc < 0)
				ck_assert_ptr_eq(c.p, before);
			break;
		}
		ck_assert_int_lt(n, 3);
		ck_assert_uint_eq(ma, nested_cases[_i].line[n].major);
		ck_assert_uint_eq(mi, nested_cases[_i].line[n].minor);
		ck_assert_uint_eq(found, nested_cases[_i].line[n].found);
		for (int k = 0; k < 4; k++)
			ck_assert_uint_eq(v[k], nested_cases[_i].line[n].v[k]);
		n++;
	}
	ck_assert_msg((rc < 0 ? rc : n) == nested_cases[_i].rc,
		      "case %d: rc %d after %d lines", _i, rc, n);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- blkio */

struct blk_line {
	unsigned major, minor;
	enum pcc_blkio_op op;
	uint64_t v;
};

static const struct {
	const char *in;
	int rc;
	struct blk_line line[6];
} blkio_cases[] = {
	{ "Total 0\n", 0, { { 0 } } },
	{ "", 0, { { 0 } } },
	{ "8:0 Read 123\n8:0 Write 4\n8:0 Sync 100\n8:0 Async 27\n8:0 Discard 0\n"
	  "8:0 Total 127\nTotal 127\n", 6,
	  { { 8, 0, PCC_BLKIO_READ, 123 }, { 8, 0, PCC_BLKIO_WRITE, 4 },
	    { 8, 0, PCC_BLKIO_SYNC, 100 }, { 8, 0, PCC_BLKIO_ASYNC, 27 },
	    { 8, 0, PCC_BLKIO_DISCARD, 0 }, { 8, 0, PCC_BLKIO_TOTAL, 127 } } },
	{ "Total 1\n259:3 Weird 5\n", 1, { { 259, 3, PCC_BLKIO_OTHER, 5 } } },
	{ "Total 127", -EINVAL, { { 0 } } },
	{ "Total\n", -EINVAL, { { 0 } } },
	{ "8:0 Read 123", -EINVAL, { { 0 } } },
	{ "8:0 Read\n", -EINVAL, { { 0 } } },
	{ "8:0 Read \n", -EINVAL, { { 0 } } },
	{ "8:0  123\n", -EINVAL, { { 0 } } },
	{ "8:0 Read -1\n", -EINVAL, { { 0 } } },
	{ "8:0 Read 18446744073709551616\n", -ERANGE, { { 0 } } },
	{ "8:0 Read 1 2\n", -EINVAL, { { 0 } } },
	{ "Read 1\n", -EINVAL, { { 0 } } },
	{ "Totalx 1\n", -EINVAL, { { 0 } } },
};

START_TEST(blkio)
{
	struct pcc_keyed_cursor c;
	size_t len;
	char *buf = dup_exact(blkio_cases[_i].in, &len);
	int n = 0, rc;

	pcc_keyed_cursor_init(&c, buf, len);
	for (;;) {
		enum pcc_blkio_op op = PCC_BLKIO_OTHER;
		unsigned ma = 0, mi = 0;
		uint64_t v = 0;

		rc = pcc_keyed_blkio_next(&c, &ma, &mi, &op, &v);
		if (rc <= 0)
			break;
		ck_assert_int_lt(n, 6);
		ck_assert_uint_eq(ma, blkio_cases[_i].line[n].major);
		ck_assert_uint_eq(mi, blkio_cases[_i].line[n].minor);
		ck_assert_int_eq(op, blkio_cases[_i].line[n].op);
		ck_assert_uint_eq(v, blkio_cases[_i].line[n].v);
		n++;
	}
	ck_assert_msg((rc < 0 ? rc : n) == blkio_cases[_i].rc,
		      "case %d: rc %d after %d lines", _i, rc, n);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- psi */

static const struct {
	const char *in;
	int rc;
	unsigned lines;
	uint64_t v[8];
} psi_cases[] = {
	{ "some avg10=0.24 avg60=0.07 avg300=0.08 total=1226649\n"
	  "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 2, 3,
	  { 24, 7, 8, 1226649, 0, 0, 0, 0 } },
	{ "some avg10=12.50 avg60=100.00 avg300=3.1 total=9\n", 1, 1,
	  { 1250, 10000, 310, 9 } },			/* no full line (old cpu.pressure) */
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=5 extra=1.5\n", 1, 1,
	  { 0, 0, 0, 5 } },				/* unknown fields skipped */
	{ "some total=5 avg300=0.03 avg60=0.02 avg10=0.01\n", 1, 1, { 1, 2, 3, 5 } },
	{ "", -EINVAL, 0, { 0 } },
	{ "some avg10=0.24 avg60=0.07 avg300=0.08 total=1226649", -EINVAL, 0, { 0 } },
	{ "some avg10=0.24 avg60=0.07 avg300=0.08\n", -EINVAL, 0, { 0 } },
	{ "some avg10=0.24 avg60=0.07 avg300=0.08 total=\n", -EINVAL, 0, { 0 } },
	{ "some avg10=0.243 avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=1 avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=.5 avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=0. avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=-0.5 avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=0.1 avg10=0.2 avg60=0.07 avg300=0.08 total=1\n", -EINVAL, 0, { 0 } },
	{ "some avg10=184467440737095516.16 avg60=0.00 avg300=0.00 total=1\n", -ERANGE, 0, { 0 } },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=99999999999999999999\n",
	  -ERANGE, 0, { 0 } },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
	  "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, { 0 } },
	{ "somex avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, { 0 } },
	{ "some\n", -EINVAL, 0, { 0 } },
	{ "garbage\n", -EINVAL, 0, { 0 } },
	{ "\n", -EINVAL, 0, { 0 } },
};

START_TEST(psi)
{
	uint64_t v[8] = { 0 };
	unsigned lines = 77;
	size_t len;
	char *buf = dup_exact(psi_cases[_i].in, &len);
	int rc = pcc_keyed_psi(buf, len, v, &lines);

	ck_assert_msg(rc == psi_cases[_i].rc, "case %d: rc %d", _i, rc);
	ck_assert_uint_eq(lines, rc >= 0 ? psi_cases[_i].lines : 77);
	for (int k = 0; k < 8; k++)
		ck_assert_uint_eq(v[k], psi_cases[_i].v[k]);
	free(buf);
}
END_TEST

/* Every prefix of a good text: each parser must fail cleanly or succeed. */
START_TEST(prefixes)
{
	static const char *const texts[] = {
		V1_CPU_STAT, V2_CPU_STAT, "max 100000\n", "9223372036854771712\n",
		"8:0 rbytes=90112 wbytes=0 rios=22 wios=0 dbytes=0 dios=0\n",
		"8:0 Read 123\n8:0 Write 4\nTotal 127\n",
		"some avg10=0.24 avg60=0.07 avg300=0.08 total=1226649\n",
	};
	struct pcc_keyed_cursor c;
	enum pcc_blkio_op op;
	unsigned ma, mi, lines;
	uint64_t v[8], f, a, b;
	int64_t s;

	for (size_t t = 0; t < N(texts); t++) {
		size_t full = strlen(texts[t]);

		for (size_t len = 0; len <= full; len++) {
			char *buf = malloc(len ? len : 1);

			memcpy(buf, texts[t], len);
			pcc_keyed_value(buf, len, PCC_KEYED_MAX, &a);
			pcc_keyed_svalue(buf, len, &s);
			pcc_keyed_pair(buf, len, PCC_KEYED_MAX, &a, &b);
			pcc_keyed_flat(buf, len, flat_keys, N(flat_keys), v, &f);
			pcc_keyed_psi(buf, len, v, &lines);
			pcc_keyed_cursor_init(&c, buf, len);
			while (pcc_keyed_nested_next(&c, io_keys, 4, &ma, &mi, v, &f) > 0)
				;
			pcc_keyed_cursor_init(&c, buf, len);
			while (pcc_keyed_blkio_next(&c, &ma, &mi, &op, &a) > 0)
				;
			/* a cut inside the last line is never taken as whole */
			if (len > 0 && len < full && buf[len - 1] != '\n') {
				ck_assert_int_lt(pcc_keyed_value(buf, len, PCC_KEYED_MAX, &a), 0);
				ck_assert_int_lt(pcc_keyed_psi(buf, len, v, &lines), 0);
			}
			free(buf);
		}
	}
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("keyed");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, value, 0, N(value_cases));
	tcase_add_loop_test(tc, svalue, 0, N(svalue_cases));
	tcase_add_loop_test(tc, pair, 0, N(pair_cases));
	tcase_add_loop_test(tc, flat, 0, N(flat_cases));
	tcase_add_test(tc, flat_memory_stat);
	tcase_add_test(tc, flat_embedded_nul);
	tcase_add_loop_test(tc, nested, 0, N(nested_cases));
	tcase_add_loop_test(tc, blkio, 0, N(blkio_cases));
	tcase_add_loop_test(tc, psi, 0, N(psi_cases));
	tcase_add_test(tc, prefixes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
