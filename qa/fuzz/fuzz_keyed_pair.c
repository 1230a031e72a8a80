/*
 * fuzz_keyed_pair.c - two-value lines (v2 cpu.max: "max 100000\n") through
 * pcc_keyed_pair under every flag combination.  Checked: a parse succeeds
 * only for "<a> <b>\n" (one space, one closing newline), each half parses
 * on its own with pcc_keyed_value to the same value, and a failed parse
 * leaves both outputs alone.
 */
#include <errno.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flagset[] = {
		0, PCC_KEYED_MAX, PCC_KEYED_NEG1, PCC_KEYED_MAX | PCC_KEYED_NEG1
	};
	char *buf = fuzz_dup(data, size, 0), *half;
	const char *sp;
	uint64_t a, b, x;
	size_t alen;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(flagset) / sizeof(flagset[0]); i++) {
		a = b = SENTINEL;
		rc = pcc_keyed_pair(buf, size, flagset[i], &a, &b);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (rc < 0) {
			FUZZ_CHECK(a == SENTINEL && b == SENTINEL);
			continue;
		}
		FUZZ_CHECK(size >= 4 && buf[size - 1] == '\n');
		sp = memchr(buf, ' ', size);
		FUZZ_CHECK(sp != NULL && memchr(sp + 1, ' ', size - (size_t)(sp + 1 - buf)) == NULL);
		/* "<a>\n" and the rest ("<b>\n") each parse alone to the same value */
		alen = (size_t)(sp - buf);
		half = malloc(alen + 1);
		FUZZ_CHECK(half != NULL);
		memcpy(half, buf, alen);
		half[alen] = '\n';
		FUZZ_CHECK(pcc_keyed_value(half, alen + 1, flagset[i], &x) == 0 && x == a);
		free(half);
		FUZZ_CHECK(pcc_keyed_value(sp + 1, size - alen - 1, flagset[i], &x) == 0 && x == b);
	}
	free(buf);
	return 0;
}
