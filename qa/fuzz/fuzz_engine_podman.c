/*
 * fuzz_engine_podman.c - podman's containers.json through
 * podman_cache_parse, and each entry it keeps through podman_fill_cached,
 * as a resolve of that container would (plus one id that is not there).
 * Checked: entries have distinct ids of 1-64 lower-case hex digits, sorted;
 * a bad file keeps no entry and says why (-EBADMSG); every meta passes
 * fuzz.h's checks with error 0, -EBADMSG or (the missing id) -ENODATA.
 */
#include <errno.h>

#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int errors[] = { -EBADMSG, -ENODATA };
	struct podman_cache c;
	struct meta_priv *b;
	const char *id, *prev = NULL;
	size_t i, n;
	int rc;

	memset(&c, 0, sizeof(c));
	c.uid = -1;
	rc = podman_cache_parse(&c, (const char *)data, size);
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc < 0)
		return 0;
	FUZZ_CHECK(c.err == 0 || c.err == -EBADMSG);
	FUZZ_CHECK(c.err == 0 || c.nent == 0);
	for (i = 0; (id = podman_cache_id(&c, i)) != NULL; i++) {
		n = strlen(id);
		FUZZ_CHECK(n > 0 && n <= PCC_ID_MAX && strspn(id, "0123456789abcdef") == n);
		FUZZ_CHECK(prev == NULL || strcmp(prev, id) <= 0);
		prev = id;
		b = fuzz_meta_new(PCC_ENGINE_PODMAN);
		fuzz_meta_done(b, podman_fill_cached(&c, id, b), errors, 2);
	}
	FUZZ_CHECK(i == c.nent);
	b = fuzz_meta_new(PCC_ENGINE_PODMAN);
	rc = podman_fill_cached(&c, "not-an-id", b);
	FUZZ_CHECK(rc == 0 && b->pub.error == (c.err ? c.err : -ENODATA));
	fuzz_meta_done(b, rc, errors, 2);
	podman_cache_clear(&c);
	return 0;
}
