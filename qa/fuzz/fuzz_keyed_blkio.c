/*
 * fuzz_keyed_blkio.c - v1 blkio tables ("8:0 Read 123\n", "Total 127\n")
 * read line by line with pcc_keyed_blkio_next.  Checked: each line returned
 * moves the cursor forward to just past a '\n' in the buffer and names an
 * operation in range; a failed line leaves cursor and outputs alone; 0
 * comes only at the end, with the cursor there.
 */
#include <errno.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct pcc_keyed_cursor c, before;
	enum pcc_blkio_op op;
	unsigned ma, mi;
	uint64_t v;
	int rc;

	pcc_keyed_cursor_init(&c, buf, size);
	for (;;) {
		before = c;
		ma = mi = 0xdeadbeef;
		op = (enum pcc_blkio_op)77;
		v = SENTINEL;
		rc = pcc_keyed_blkio_next(&c, &ma, &mi, &op, &v);
		FUZZ_CHECK(rc == 1 || rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (rc < 0) {
			FUZZ_CHECK(c.p == before.p && c.end == before.end);
			FUZZ_CHECK(ma == 0xdeadbeef && mi == 0xdeadbeef && v == SENTINEL &&
				   (int)op == 77);
			break;
		}
		if (rc == 0) {
			/* past any closing "Total N" lines, at the end */
			FUZZ_CHECK(c.p == buf + size && (int)op == 77);
			break;
		}
		FUZZ_CHECK(c.p > before.p && c.p <= buf + size && c.p[-1] == '\n');
		FUZZ_CHECK(op >= PCC_BLKIO_READ && op <= PCC_BLKIO_OTHER);
	}
	free(buf);
	return 0;
}
