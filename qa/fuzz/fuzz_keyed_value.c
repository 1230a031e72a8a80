/*
 * fuzz_keyed_value.c - single-value cgroup files ("123\n", "max\n", "-1\n")
 * through pcc_keyed_value under every flag combination, and
 * pcc_keyed_svalue.  Checked against a reference: plain digits and one
 * closing '\n' parse to their value (or -ERANGE past UINT64_MAX), "max\n"
 * is PCC_UNLIMITED exactly when PCC_KEYED_MAX allows it, anything else
 * fails; a failed parse leaves *ret_val alone.
 */
#include <errno.h>
#include <inttypes.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

/* The reference for flags 0: 0 and *ret, -ERANGE, or -EINVAL. */
static int ref_value(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len < 2 || s[len - 1] != '\n')
		return -EINVAL;
	for (i = 0; i + 1 < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	for (i = 0; i + 1 < len; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flagset[] = {
		0, PCC_KEYED_MAX, PCC_KEYED_NEG1, PCC_KEYED_MAX | PCC_KEYED_NEG1
	};
	char *buf = fuzz_dup(data, size, 0);
	uint64_t v, ref = 0;
	int64_t sv = (int64_t)SENTINEL;
	int rc, rrc;
	unsigned i;

	rrc = ref_value(buf, size, &ref);
	for (i = 0; i < sizeof(flagset) / sizeof(flagset[0]); i++) {
		v = SENTINEL;
		rc = pcc_keyed_value(buf, size, flagset[i], &v);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (rc < 0) {
			FUZZ_CHECK(v == SENTINEL);
			continue;
		}
		FUZZ_CHECK(size >= 2 && buf[size - 1] == '\n');
		if (rrc == 0) {
			FUZZ_CHECK(v == ref);
		} else if (size == 4 && memcmp(buf, "max\n", 4) == 0) {
			FUZZ_CHECK((flagset[i] & PCC_KEYED_MAX) && v == PCC_UNLIMITED);
		} else {
			/* only "-1" with leading zeros is left: "-01\n" */
			FUZZ_CHECK((flagset[i] & PCC_KEYED_NEG1) && buf[0] == '-' &&
				   v == PCC_UNLIMITED);
		}
		if (flagset[i] == 0)
			FUZZ_CHECK(rrc == 0);
	}
	if (rrc == -ERANGE) {
		v = SENTINEL;
		FUZZ_CHECK(pcc_keyed_value(buf, size, 0, &v) == -ERANGE && v == SENTINEL);
	}

	rc = pcc_keyed_svalue(buf, size, &sv);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc < 0)
		FUZZ_CHECK(sv == (int64_t)SENTINEL);
	else if (rrc == 0)
		FUZZ_CHECK(ref <= INT64_MAX && (uint64_t)sv == ref);
	else
		FUZZ_CHECK(buf[0] == '-' && sv <= 0);
	free(buf);
	return 0;
}
