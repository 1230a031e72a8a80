/*
 * fuzz_keyed_flat.c - flat keyed files ("key value\n": memory.stat,
 * cpu.stat, memory.events, memory.oom_control) through pcc_keyed_flat with
 * the keys the accounting table asks for, plus a key listed twice, and
 * with no keys at all.  Checked: the count is the number of bits found,
 * found bits are only those of keys given, a key listed twice gets the
 * same value, each value found is that of the key's first "key value\n"
 * line in the text, entries not found (and everything on error) are left
 * alone.
 */
#include <errno.h>

#include "keyed.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

static const char *const keys[] = {
	"usage_usec", "user_usec", "system_usec", "nr_periods", "nr_throttled",
	"throttled_usec", "throttled_time", "total_rss", "total_cache",
	"total_inactive_file", "anon", "file", "inactive_file", "low", "high",
	"max", "oom", "oom_kill", "anon",	/* "anon" twice */
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* The value of the first line "key <digits>\n" of buf; false if none. */
static int first_value(const char *buf, size_t len, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key), i = 0, j;
	uint64_t v;

	while (i < len) {
		if (len - i > klen + 1 && memcmp(buf + i, key, klen) == 0 && buf[i + klen] == ' ') {
			j = i + klen;
			while (j < len && buf[j] == ' ')
				j++;
			for (v = 0; j < len && buf[j] >= '0' && buf[j] <= '9'; j++)
				v = v * 10 + (uint64_t)(buf[j] - '0');
			*ret = v;
			return 1;
		}
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	uint64_t vals[NKEYS], found = SENTINEL, ref = 0;
	unsigned i;
	int rc;

	for (i = 0; i < NKEYS; i++)
		vals[i] = SENTINEL;
	rc = pcc_keyed_flat(buf, size, keys, NKEYS, vals, &found);
	FUZZ_CHECK(rc >= 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc < 0) {
		FUZZ_CHECK(found == SENTINEL);
		for (i = 0; i < NKEYS; i++)
			FUZZ_CHECK(vals[i] == SENTINEL);
	} else {
		FUZZ_CHECK((found >> NKEYS) == 0);
		FUZZ_CHECK(rc == __builtin_popcountll(found));
		FUZZ_CHECK(((found >> 10) & 1) == ((found >> (NKEYS - 1)) & 1));
		for (i = 0; i < NKEYS; i++) {
			if (!((found >> i) & 1)) {
				FUZZ_CHECK(vals[i] == SENTINEL);
				continue;
			}
			FUZZ_CHECK(first_value(buf, size, keys[i], &ref) && vals[i] == ref);
		}
		FUZZ_CHECK(vals[10] == vals[NKEYS - 1]);
	}

	/* no keys: only the shape of the first line is looked at */
	found = SENTINEL;
	rc = pcc_keyed_flat(buf, size, NULL, 0, vals, &found);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK(rc < 0 ? found == SENTINEL : found == 0);
	free(buf);
	return 0;
}
