/*
 * fuzz_keyed_nested.c - v2 io.stat ("8:0 rbytes=1 wbytes=2 ...\n") read
 * line by line with pcc_keyed_nested_next and the io keys, as the
 * accounting reader does.  Checked: each line returned moves the cursor
 * forward to just past a '\n' inside the buffer; found bits are only those
 * of the keys given; a failed line leaves the cursor and outputs alone; 0
 * comes only at the end of the buffer.
 */
#include <errno.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

static const char *const keys[] = { "rbytes", "wbytes", "rios", "wios", "dbytes", "dios" };
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct pcc_keyed_cursor c, before;
	uint64_t vals[NKEYS], found;
	unsigned ma, mi, i;
	int rc;

	pcc_keyed_cursor_init(&c, buf, size);
	for (;;) {
		before = c;
		ma = mi = 0xdeadbeef;
		found = SENTINEL;
		for (i = 0; i < NKEYS; i++)
			vals[i] = SENTINEL;
		rc = pcc_keyed_nested_next(&c, keys, NKEYS, &ma, &mi, vals, &found);
		FUZZ_CHECK(rc == 1 || rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (rc <= 0) {
			FUZZ_CHECK(c.p == before.p && c.end == before.end);
			FUZZ_CHECK(ma == 0xdeadbeef && mi == 0xdeadbeef && found == SENTINEL);
			FUZZ_CHECK(rc < 0 || c.p == buf + size);
			break;
		}
		FUZZ_CHECK(c.p > before.p && c.p <= buf + size && c.p[-1] == '\n');
		FUZZ_CHECK(memchr(before.p, '\n', (size_t)(c.p - before.p) - 1) == NULL);
		FUZZ_CHECK((found >> NKEYS) == 0);
		for (i = 0; i < NKEYS; i++)
			if (!((found >> i) & 1))
				FUZZ_CHECK(vals[i] == SENTINEL);
	}
	free(buf);
	return 0;
}
