/*
 * fuzz_keyed_psi.c - pressure files ("some avg10=0.12 avg60=0.05
 * avg300=0.01 total=123456\n" and a "full" line) through pcc_keyed_psi.
 * Checked: the count is the number of line bits, only SOME and FULL bits
 * are set, each line present has a "some "/"full " line in the text, the
 * slots of lines not present (and everything on error) are left alone.
 */
#include <errno.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

/* Does a line of buf start with word? */
static int has_line(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word), i = 0;

	while (i < len) {
		if (len - i >= n && memcmp(buf + i, word, n) == 0)
			return 1;
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	uint64_t vals[8];
	unsigned lines = 0xdead, i;
	int rc;

	for (i = 0; i < 8; i++)
		vals[i] = SENTINEL;
	rc = pcc_keyed_psi(buf, size, vals, &lines);
	FUZZ_CHECK(rc >= 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc < 0) {
		FUZZ_CHECK(lines == 0xdead);
		for (i = 0; i < 8; i++)
			FUZZ_CHECK(vals[i] == SENTINEL);
	} else {
		FUZZ_CHECK(lines != 0 && (lines & ~(PCC_KEYED_PSI_SOME | PCC_KEYED_PSI_FULL)) == 0);
		FUZZ_CHECK(rc == __builtin_popcount(lines));
		FUZZ_CHECK(!(lines & PCC_KEYED_PSI_SOME) || has_line(buf, size, "some "));
		FUZZ_CHECK(!(lines & PCC_KEYED_PSI_FULL) || has_line(buf, size, "full "));
		for (i = 0; i < 8; i++)
			if (!((lines >> (i / PCC_KEYED_PSI_NFIELD)) & 1))
				FUZZ_CHECK(vals[i] == SENTINEL);
	}
	free(buf);
	return 0;
}
